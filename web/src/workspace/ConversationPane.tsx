/**
 * The open conversation: full history in order, live updates, catch-up after a reconnection
 * (afterSeq), the lifecycle buttons, the reply box or — outside the messaging window — the
 * template picker, and the contact panel.
 */
import { useCallback, useEffect, useLayoutEffect, useRef, useState } from 'react';
import { navigate } from '../lib/router';
import { Avatar, ErrorNote, Loading, Notice } from '../components/ui';
import { t, type MessageKey } from '../i18n';
import { errorMessage, get, post } from '../lib/api';
import { formatDateTime } from '../lib/format';
import { useAction, useNow, useRealtime, useRealtimeClient, useSession } from '../lib/hooks';
import type { Conversation, ConversationState, ConversationView, Message } from '../lib/types';
import { Composer } from './Composer';
import { ContactPanel } from './ContactPanel';
import { MessageItem } from './MessageItem';
import { STATE_LABEL, channelLabel } from './preview';
import { AgentPickDialog, TransferDialog } from './RoutingDialogs';
import { TemplatePicker } from './TemplatePicker';

type Verb = 'pick' | 'wait' | 'resume' | 'release' | 'end' | 'close';
const ACTIONS: Record<ConversationState, Verb[]> = {
  open: ['pick'],
  active: ['wait', 'release', 'end'],
  waiting: ['resume', 'release', 'end'],
  wrapup: ['close'],
  closed: [],
};
const VERB_LABEL: Record<Verb, MessageKey> = {
  pick: 'action.pick',
  wait: 'action.wait',
  resume: 'action.resume',
  release: 'action.release',
  end: 'action.end',
  close: 'action.close',
};
const VERB_HINT: Partial<Record<Verb, MessageKey>> = {
  wait: 'action.waitHint',
  release: 'action.releaseHint',
  end: 'action.endHint',
};
/** Customer typing shows for this long unless the channel says it stopped sooner. */
const TYPING_SHOWN_MS = 8000;
const PRIMARY: ReadonlySet<Verb> = new Set(['pick', 'resume', 'close']);
const FINAL: ReadonlySet<Message['status']> = new Set(['read', 'failed', 'received']);

const PAGE = 1000;

/** Every message after `afterSeq`, page by page (the API answers at most 1000 at a time). */
async function messagesAfter(base: string, afterSeq: number): Promise<Message[]> {
  const all: Message[] = [];
  let from = afterSeq;
  for (;;) {
    const page = await get<Message[]>(`${base}/messages?afterSeq=${from}&limit=${PAGE}`);
    all.push(...page);
    if (page.length < PAGE) return all;
    from = page[page.length - 1]!.seq;
  }
}

/** Merges messages by id (the later update wins) and keeps them in seq order. */
function mergeMessages(prev: Message[], incoming: Message[]): Message[] {
  const byId = new Map(prev.map((m) => [m.id, m]));
  for (const m of incoming) {
    const old = byId.get(m.id);
    if (!old || m.updatedAt >= old.updatedAt) byId.set(m.id, m);
  }
  return [...byId.values()].sort((a, b) => a.seq - b.seq);
}

export function ConversationPane({
  id,
  onSeen,
  onConversation,
  readOnly = false,
}: {
  id: string;
  onSeen: (id: string, seq: number) => void;
  onConversation: (c: Conversation) => void;
  /** Monitoring: no actions, no reply box. */
  readOnly?: boolean;
}) {
  const { user } = useSession();
  const client = useRealtimeClient();
  const [dialog, setDialog] = useState<'transfer' | 'consult' | undefined>(undefined);
  const [done, setDone] = useState<string | undefined>(undefined);
  const typingTimer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  useEffect(() => () => clearTimeout(typingTimer.current), []);
  const [view, setView] = useState<ConversationView | undefined>(undefined);
  const [messages, setMessages] = useState<Message[] | undefined>(undefined);
  const [loadError, setLoadError] = useState<string | undefined>(undefined);
  const [typing, setTyping] = useState(false);
  const messagesRef = useRef<Message[]>([]);
  const listRef = useRef<HTMLDivElement>(null);
  const stickToBottom = useRef(true);
  const act = useAction();
  const now = useNow(15_000);
  const base = `/api/conversations/${encodeURIComponent(id)}`;

  const merge = useCallback((incoming: Message[]) => {
    setMessages((prev) => {
      const next = mergeMessages(prev ?? [], incoming);
      messagesRef.current = next;
      return next;
    });
  }, []);

  const loadView = useCallback(async () => {
    const v = await get<ConversationView>(base);
    setView(v);
    return v;
  }, [base]);

  /** Newer messages, and again any outbound one whose status may still move. */
  const catchUp = useCallback(async () => {
    const known = messagesRef.current;
    const lastSeq = known.length ? known[known.length - 1]!.seq : 0;
    const moving = known.filter((m) => m.direction === 'out' && !FINAL.has(m.status));
    const from = moving.length ? Math.min(lastSeq, moving[0]!.seq - 1) : lastSeq;
    merge(await messagesAfter(base, from));
  }, [base, merge]);

  useEffect(() => {
    let cancelled = false;
    setView(undefined);
    setMessages(undefined);
    messagesRef.current = [];
    setLoadError(undefined);
    stickToBottom.current = true;
    Promise.all([get<ConversationView>(base), messagesAfter(base, 0)])
      .then(([v, msgs]) => {
        if (cancelled) return;
        setView(v);
        merge(msgs);
      })
      .catch((e: unknown) => !cancelled && setLoadError(errorMessage(e)));
    return () => {
      cancelled = true;
    };
  }, [base, merge]);

  useRealtime((e) => {
    if (e.type === 'resync') {
      if (messages === undefined) return;
      void loadView().catch(() => undefined);
      void catchUp().catch(() => undefined);
      return;
    }
    if (!('conversation' in e) || e.conversation.id !== id) return;
    const c = e.conversation;
    setView((v) =>
      v && {
        ...v,
        conversation: { ...v.conversation, ...c },
        windowEndsAt: c.windowEndsAt !== undefined ? c.windowEndsAt : v.windowEndsAt,
      },
    );
    if (e.type === 'conversation.updated') void loadView().catch(() => undefined);
    if (e.type === 'message.created' || e.type === 'message.updated') {
      const known = messagesRef.current;
      const lastSeq = known.length ? known[known.length - 1]!.seq : 0;
      if (e.type === 'message.created' && e.message.seq > lastSeq + 1) void catchUp().catch(() => undefined);
      merge([e.message]);
      if (e.message.direction === 'in') setTyping(false);
    }
    if (e.type === 'typing' && e.who === 'customer') {
      setTyping(e.isTyping);
      clearTimeout(typingTimer.current);
      if (e.isTyping) typingTimer.current = setTimeout(() => setTyping(false), TYPING_SHOWN_MS);
    }
  });

  // Everything shown counts as seen (for the unread counts of the list).
  useEffect(() => {
    const last = messages?.[messages.length - 1];
    if (last) onSeen(id, last.seq);
  }, [messages, id, onSeen]);

  useLayoutEffect(() => {
    const el = listRef.current;
    if (el && stickToBottom.current) el.scrollTop = el.scrollHeight;
  }, [messages]);

  const applyMoved = (c: Conversation) => {
    setView((v) => v && { ...v, conversation: { ...v.conversation, ...c } });
    onConversation(c);
  };

  const runAction = async (verb: Verb) => {
    setDone(undefined);
    const c = await act.run(() => post<Conversation>(`${base}/${verb}`));
    if (c) {
      applyMoved(c);
      // Released: it is back in the queue, no longer this agent's.
      if (verb === 'release' && user.role === 'agent') navigate('/workspace');
    }
  };

  const sendTyping = useCallback((isTyping: boolean) => client?.send({ type: 'typing', conversationId: id, isTyping }), [client, id]);

  if (loadError) {
    return (
      <div className="conv-pane">
        <ErrorNote error={loadError} />
      </div>
    );
  }
  if (!view || !messages) {
    return (
      <div className="conv-pane">
        <Loading label={t('conversation.loading')} />
      </div>
    );
  }

  const conv = view.conversation;
  const name = view.identity?.displayName ?? t('conversation.unknownCustomer');
  const windowClosed = view.windowEndsAt !== null && view.windowEndsAt < now;
  const canAnswer = !readOnly && (conv.state === 'active' || conv.state === 'waiting');
  const mayMove = !readOnly && (conv.state === 'active' || conv.state === 'waiting') && (conv.agentId === user.id || user.role !== 'agent');
  const authorOf = (m: Message) =>
    m.direction === 'in'
      ? name
      : m.authorUserId === user.id
        ? t('message.you')
        : m.senderType === 'bot'
          ? t('message.bot')
          : m.senderType === 'system'
            ? t('message.system')
            : t('message.agent');

  return (
    <div className="conv-layout">
      <section className="conv-pane" aria-labelledby="conv-title">
        <header className="conv-header">
          <Avatar name={name} src={view.identity?.pictureUrl} />
          <div className="conv-title-block">
            <h1 id="conv-title">{name}</h1>
            <p className="muted">
              {channelLabel(view.channel)}
              {view.instance && ` · ${view.instance.name}`} · <span className={`badge badge-${conv.state}`}>{t(STATE_LABEL[conv.state])}</span>
              {view.windowEndsAt !== null && !windowClosed && <> · {t('conversation.windowOpenUntil', { time: formatDateTime(view.windowEndsAt) })}</>}
            </p>
          </div>
          {!readOnly && (
            <div className="conv-actions" role="group" aria-label={t('conversation.actions')}>
              {ACTIONS[conv.state].map((verb) => (
                <button
                  key={verb}
                  type="button"
                  className={PRIMARY.has(verb) ? 'button button-primary' : 'button'}
                  disabled={act.busy}
                  title={VERB_HINT[verb] ? t(VERB_HINT[verb]) : undefined}
                  onClick={() => void runAction(verb)}
                >
                  {t(VERB_LABEL[verb])}
                </button>
              ))}
              {mayMove && (
                <>
                  <button type="button" className="button" disabled={act.busy} onClick={() => setDialog('transfer')}>
                    {t('action.transfer')}
                  </button>
                  <button type="button" className="button" disabled={act.busy} onClick={() => setDialog('consult')}>
                    {t('action.consult')}
                  </button>
                </>
              )}
            </div>
          )}
        </header>
        {readOnly && <Notice>{t('conversation.monitoring')}</Notice>}
        <ErrorNote error={act.error} onDismiss={act.clear} />
        {done && (
          <p className="success-text conv-done" role="status">
            {done}
          </p>
        )}
        {mayMove && (
          <>
            <TransferDialog
              open={dialog === 'transfer'}
              conversation={conv}
              onCancel={() => setDialog(undefined)}
              onDone={(c) => {
                setDialog(undefined);
                applyMoved(c);
                if (c.agentId !== user.id && user.role === 'agent') navigate('/workspace');
                else setDone(t('transfer.done'));
              }}
            />
            <AgentPickDialog
              open={dialog === 'consult'}
              kind="consult"
              conversation={conv}
              onCancel={() => setDialog(undefined)}
              onDone={(name) => {
                setDialog(undefined);
                setDone(t('consult.done', { name }));
              }}
            />
          </>
        )}
        <div
          className="messages"
          ref={listRef}
          role="log"
          aria-label={t('conversation.history')}
          tabIndex={0}
          onScroll={(e) => {
            const el = e.currentTarget;
            stickToBottom.current = el.scrollHeight - el.scrollTop - el.clientHeight < 80;
          }}
        >
          {messages.length === 0 ? (
            <p className="state state-empty">{t('conversation.noMessages')}</p>
          ) : (
            <ol>
              {messages.map((m) => (
                <MessageItem key={m.id} m={m} author={authorOf(m)} />
              ))}
            </ol>
          )}
        </div>
        <p className="typing" aria-live="polite" data-testid="customer-typing">
          {typing ? t('conversation.typing', { name }) : ''}
        </p>
        <div className="conv-footer">
          {!readOnly && conv.state === 'open' && <Notice>{t('conversation.pickToAnswer')}</Notice>}
          {!readOnly && conv.state === 'wrapup' && <Notice>{t('conversation.wrapUpNotice')}</Notice>}
          {conv.state === 'closed' && <Notice>{t('conversation.closedNotice')}</Notice>}
          {canAnswer && windowClosed && (
            <>
              <Notice tone="warning">{t('conversation.windowClosed', { time: formatDateTime(view.windowEndsAt ?? 0) })}</Notice>
              <TemplatePicker conversationId={id} onSent={(m) => merge([m])} />
            </>
          )}
          {canAnswer && !windowClosed && (
            <Composer
              conversationId={id}
              canAttach={view.instance?.settings.agentsCanSendAttachments === true}
              onSent={(m) => merge([m])}
              onTyping={sendTyping}
              customerName={view.identity?.displayName ?? ''}
              {...(view.instance?.language ? { language: view.instance.language } : {})}
            />
          )}
        </div>
      </section>
      {view.identity && <ContactPanel identity={view.identity} contactId={conv.contactId} currentConversationId={conv.id} readOnly={readOnly} />}
    </div>
  );
}
