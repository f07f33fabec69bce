/**
 * The reply box. Enter sends, Shift+Enter breaks the line. Every draft carries one Idempotency-Key
 * (a new one when the text changes), so a double click or a retry after a lost answer never sends
 * twice. Attachments are uploaded first (POST /api/blobs), then sent by blob id. Quick replies are
 * inserted at the cursor with {CustomerName} and {AgentName} filled in; the agent edits before sending.
 */
import { useCallback, useEffect, useRef, useState, type KeyboardEvent } from 'react';
import { t } from '../i18n';
import { errorMessage, post } from '../lib/api';
import { useSession } from '../lib/hooks';
import { formatBytes } from '../lib/format';
import { newIdempotencyKey } from '../lib/ids';
import type { Blob as UploadedBlob, Message } from '../lib/types';
import { ErrorNote } from '../components/ui';
import { fillQuickReply, QuickReplies } from './QuickReplies';

type MediaKind = 'image' | 'video' | 'audio' | 'file';

/** Typing notices: at most one "typing" every few seconds while keys go on, "stopped" after a pause. */
const TYPING_REPEAT_MS = 3000;
const TYPING_IDLE_MS = 4000;

function useTypingNotice(onTyping: ((isTyping: boolean) => void) | undefined) {
  const lastSent = useRef(0);
  const typing = useRef(false);
  const idle = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  const fn = useRef(onTyping);
  fn.current = onTyping;

  const stop = useCallback(() => {
    clearTimeout(idle.current);
    if (typing.current) {
      typing.current = false;
      fn.current?.(false);
    }
  }, []);

  const keystroke = useCallback(
    (hasText: boolean) => {
      if (!fn.current) return;
      if (!hasText) return stop();
      const now = Date.now();
      if (!typing.current || now - lastSent.current >= TYPING_REPEAT_MS) {
        typing.current = true;
        lastSent.current = now;
        fn.current(true);
      }
      clearTimeout(idle.current);
      idle.current = setTimeout(stop, TYPING_IDLE_MS);
    },
    [stop],
  );

  useEffect(() => stop, [stop]);
  return { keystroke, stop };
}

function mediaKind(type: string): MediaKind {
  if (type.startsWith('image/')) return 'image';
  if (type.startsWith('video/')) return 'video';
  if (type.startsWith('audio/')) return 'audio';
  return 'file';
}

interface Pending {
  file: File;
  key: string;
  blobId?: string;
}

export function Composer({
  conversationId,
  canAttach,
  maxLength,
  onSent,
  onTyping,
  customerName,
  language,
}: {
  conversationId: string;
  /** Fills {CustomerName} in quick replies. */
  customerName?: string | undefined;
  /** The conversation's language: quick replies for it (and for any language) are offered. */
  language?: string | undefined;
  canAttach: boolean;
  maxLength?: number;
  onSent: (m: Message) => void;
  /** The agent started or stopped typing (throttled); the hub tells the customer where the channel can. */
  onTyping?: (isTyping: boolean) => void;
}) {
  const typingNotice = useTypingNotice(onTyping);
  const [text, setText] = useState('');
  const [pending, setPending] = useState<Pending | undefined>(undefined);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | undefined>(undefined);
  const textKey = useRef(newIdempotencyKey());
  const sending = useRef(false);
  const fileInput = useRef<HTMLInputElement>(null);
  const textArea = useRef<HTMLTextAreaElement>(null);
  const { user } = useSession();
  const path = `/api/conversations/${encodeURIComponent(conversationId)}/messages`;

  const send = async () => {
    if (sending.current) return;
    const body = text.trim();
    if (!body && !pending) return;
    sending.current = true;
    typingNotice.stop();
    setBusy(true);
    setError(undefined);
    try {
      if (pending) {
        let blobId = pending.blobId;
        if (!blobId) {
          const up = await post<UploadedBlob>(`/api/blobs?fileName=${encodeURIComponent(pending.file.name)}`, undefined, { file: pending.file });
          blobId = up.id;
          setPending({ ...pending, blobId });
        }
        const m = await post<Message>(path, { kind: mediaKind(pending.file.type), blobId }, { headers: { 'idempotency-key': pending.key } });
        onSent(m);
        setPending(undefined);
      }
      if (body) {
        const m = await post<Message>(path, { kind: 'text', text: body }, { headers: { 'idempotency-key': textKey.current } });
        onSent(m);
        setText('');
        textKey.current = newIdempotencyKey();
      }
    } catch (e) {
      setError(errorMessage(e));
    } finally {
      sending.current = false;
      setBusy(false);
    }
  };

  const insertQuickReply = (raw: string) => {
    const fill = fillQuickReply(raw, { customerName: customerName ?? '', agentName: user.displayName });
    const el = textArea.current;
    const start = el?.selectionStart ?? text.length;
    const end = el?.selectionEnd ?? text.length;
    const next = text.slice(0, start) + fill + text.slice(end);
    setText(next);
    textKey.current = newIdempotencyKey();
    const caret = start + fill.length;
    requestAnimationFrame(() => {
      textArea.current?.focus();
      textArea.current?.setSelectionRange(caret, caret);
    });
  };

  const onKeyDown = (e: KeyboardEvent<HTMLTextAreaElement>) => {
    if (e.key === 'Enter' && !e.shiftKey && !e.nativeEvent.isComposing) {
      e.preventDefault();
      void send();
    }
  };

  const tooLong = maxLength !== undefined && text.length > maxLength;

  return (
    <form
      className="composer"
      onSubmit={(e) => {
        e.preventDefault();
        void send();
      }}
      aria-label={t('composer.label')}
    >
      {pending && (
        <div className="attachment-chip">
          <span aria-hidden="true">📎</span>
          <span>
            {pending.file.name} <span className="muted">({formatBytes(pending.file.size)})</span>
          </span>
          <button type="button" className="link-button" onClick={() => setPending(undefined)} disabled={busy}>
            {t('composer.removeAttachment')}
          </button>
        </div>
      )}
      <ErrorNote error={error} onDismiss={() => setError(undefined)} />
      <div className="composer-row">
        <label htmlFor="composer-text" className="visually-hidden">
          {t('composer.label')}
        </label>
        <textarea
          ref={textArea}
          id="composer-text"
          rows={2}
          value={text}
          placeholder={t('composer.placeholder')}
          aria-describedby="composer-hint"
          aria-invalid={tooLong || undefined}
          onChange={(e) => {
            setText(e.target.value);
            textKey.current = newIdempotencyKey();
            typingNotice.keystroke(e.target.value.trim() !== '');
          }}
          onBlur={typingNotice.stop}
          onKeyDown={onKeyDown}
        />
        <QuickReplies language={language} disabled={busy} onChoose={(q) => insertQuickReply(q.text)} />
        {canAttach && (
          <>
            <input
              ref={fileInput}
              id="composer-file"
              type="file"
              className="visually-hidden"
              tabIndex={-1}
              aria-hidden="true"
              onChange={(e) => {
                const f = e.target.files?.[0];
                if (f) setPending({ file: f, key: newIdempotencyKey() });
                e.target.value = '';
              }}
            />
            <button type="button" className="button" onClick={() => fileInput.current?.click()} disabled={busy}>
              {t('composer.attach')}
            </button>
          </>
        )}
        <button type="submit" className="button button-primary" disabled={busy || tooLong || (!text.trim() && !pending)}>
          {busy ? t('composer.sending') : t('composer.send')}
        </button>
      </div>
      <small id="composer-hint" className="hint">
        {tooLong ? t('composer.tooLong', { max: maxLength ?? 0 }) : t('composer.hint')}
      </small>
    </form>
  );
}
