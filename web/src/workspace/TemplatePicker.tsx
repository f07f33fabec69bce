/** Outside the messaging window only an approved template may be sent: pick one, fill {{n}}. */
import { useMemo, useRef, useState } from 'react';
import { Empty, ErrorNote, Field, Loading } from '../components/ui';
import { t } from '../i18n';
import { errorMessage, get, post } from '../lib/api';
import { useLoad } from '../lib/hooks';
import { newIdempotencyKey } from '../lib/ids';
import type { Message, Template } from '../lib/types';

const PLACEHOLDER = /\{\{\s*([\w.]+)\s*\}\}/g;

export function placeholdersOf(text: string): string[] {
  return [...new Set([...text.matchAll(PLACEHOLDER)].map((m) => m[1]!))];
}

export function fillTemplate(text: string, vars: Record<string, string>): string {
  return text.replace(PLACEHOLDER, (whole, name: string) => (vars[name] ? vars[name] : whole));
}

export function TemplatePicker({ conversationId, onSent }: { conversationId: string; onSent: (m: Message) => void }) {
  const list = useLoad((signal) => get<Template[]>(`/api/conversations/${encodeURIComponent(conversationId)}/templates`, { signal }), [conversationId]);
  const [templateId, setTemplateId] = useState('');
  const [vars, setVars] = useState<Record<string, string>>({});
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | undefined>(undefined);
  const key = useRef(newIdempotencyKey());

  const template = list.data?.find((x) => x.id === templateId);
  const names = useMemo(() => (template ? placeholdersOf(template.text) : []), [template]);
  const missing = names.filter((n) => !vars[n]?.trim());

  const send = async () => {
    if (!template || busy) return;
    setBusy(true);
    setError(undefined);
    try {
      const m = await post<Message>(
        `/api/conversations/${encodeURIComponent(conversationId)}/messages`,
        { kind: 'template', templateId: template.id, variables: Object.fromEntries(names.map((n) => [n, vars[n] ?? ''])) },
        { headers: { 'idempotency-key': key.current } },
      );
      onSent(m);
      key.current = newIdempotencyKey();
      setTemplateId('');
      setVars({});
    } catch (e) {
      setError(errorMessage(e));
    } finally {
      setBusy(false);
    }
  };

  if (list.loading && !list.data) return <Loading label={t('templates.loading')} />;
  if (list.error) return <ErrorNote error={list.error} />;
  if (!list.data?.length) return <Empty>{t('templates.noneForConversation')}</Empty>;

  return (
    <form
      className="template-picker"
      onSubmit={(e) => {
        e.preventDefault();
        void send();
      }}
    >
      <Field id="template-select" label={t('templates.choose')}>
        <select
          id="template-select"
          value={templateId}
          onChange={(e) => {
            setTemplateId(e.target.value);
            const next = list.data?.find((x) => x.id === e.target.value);
            setVars(next ? { ...next.variables } : {});
            key.current = newIdempotencyKey();
          }}
        >
          <option value="">{t('templates.chooseOne')}</option>
          {list.data.map((x) => (
            <option key={x.id} value={x.id}>
              {x.name} ({x.language})
            </option>
          ))}
        </select>
      </Field>
      {template && (
        <>
          {names.map((n) => (
            <Field key={n} id={`tpl-var-${n}`} label={t('templates.variable', { name: n })}>
              <input
                id={`tpl-var-${n}`}
                value={vars[n] ?? ''}
                required
                onChange={(e) => {
                  setVars({ ...vars, [n]: e.target.value });
                  key.current = newIdempotencyKey();
                }}
              />
            </Field>
          ))}
          <div className="template-preview" aria-live="polite">
            <span className="muted">{t('templates.preview')}</span>
            <p className="msg-text">{fillTemplate(template.text, vars)}</p>
          </div>
        </>
      )}
      <ErrorNote error={error} />
      <button type="submit" className="button button-primary" disabled={!template || busy || missing.length > 0}>
        {busy ? t('composer.sending') : t('templates.send')}
      </button>
    </form>
  );
}
