/**
 * Bots (GET/POST/PATCH/DELETE /api/bots): an HTTP bot (each turn POSTed to a URL, signed with a
 * secret) or the built-in FAQ bot (keywords → answers, escalation words, a fallback). A
 * workstream gives its conversations to its bot first (set on the workstream's page).
 */
import { useId, useState, type FormEvent } from 'react';
import { ConfirmDialog, Empty, ErrorNote, Field, Loading } from '../components/ui';
import { t } from '../i18n';
import { del, get, patch, post } from '../lib/api';
import { formatDateTime } from '../lib/format';
import { useAction, useLoad } from '../lib/hooks';
import { Link } from '../lib/router';

const enc = encodeURIComponent;

interface Bot {
  id: string;
  name: string;
  kind: 'http' | 'faq';
  settings: Record<string, unknown>;
  secret?: string;
  usedBy: { id: string; name: string }[];
  createdAt: string;
}

interface Entry {
  keywords: string;
  answer: string;
}

interface Draft {
  id?: string;
  kind: 'http' | 'faq';
  name: string;
  url: string;
  secret: string;
  greeting: string;
  entries: Entry[];
  escalate: string;
  fallback: 'reply' | 'escalate';
  fallbackText: string;
  maxTurns: number;
}

const EMPTY: Draft = {
  kind: 'faq',
  name: '',
  url: 'https://',
  secret: '',
  greeting: '',
  entries: [{ keywords: '', answer: '' }],
  escalate: 'agent, human, person, operator',
  fallback: 'reply',
  fallbackText: '',
  maxTurns: 2,
};

const words = (s: string) =>
  s
    .split(',')
    .map((w) => w.trim())
    .filter(Boolean);

function toDraft(b: Bot): Draft {
  const s = b.settings;
  const str = (k: string) => (typeof s[k] === 'string' ? (s[k] as string) : '');
  const entries = Array.isArray(s.entries) ? (s.entries as { keywords: string[]; answer: string }[]).map((e) => ({ keywords: e.keywords.join(', '), answer: e.answer })) : [];
  return {
    id: b.id,
    kind: b.kind,
    name: b.name,
    url: str('url'),
    secret: b.secret ?? '',
    greeting: str('greeting'),
    entries: entries.length ? entries : [{ keywords: '', answer: '' }],
    escalate: Array.isArray(s.escalateKeywords) ? (s.escalateKeywords as string[]).join(', ') : '',
    fallback: s.fallback === 'escalate' ? 'escalate' : 'reply',
    fallbackText: str('fallbackText'),
    maxTurns: typeof s.maxTurns === 'number' ? s.maxTurns : 2,
  };
}

function settingsOf(d: Draft): Record<string, unknown> {
  if (d.kind === 'http') return { url: d.url.trim() };
  return {
    ...(d.greeting.trim() ? { greeting: d.greeting.trim() } : {}),
    entries: d.entries.filter((e) => words(e.keywords).length && e.answer.trim()).map((e) => ({ keywords: words(e.keywords), answer: e.answer.trim() })),
    escalateKeywords: words(d.escalate),
    fallback: d.fallback,
    ...(d.fallbackText.trim() ? { fallbackText: d.fallbackText.trim() } : {}),
    maxTurns: d.maxTurns,
  };
}

export function Bots() {
  const list = useLoad((signal) => get<{ bots: Bot[] }>('/api/bots', { signal }), []);
  const [draft, setDraft] = useState<Draft>(EMPTY);
  const [done, setDone] = useState<string | undefined>(undefined);
  const [removing, setRemoving] = useState<Bot | undefined>(undefined);
  const save = useAction();
  const remove = useAction();
  const id = useId();

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const body = { name: draft.name.trim(), settings: settingsOf(draft) };
    const r = await save.run(() =>
      draft.id
        ? patch<Bot>(`/api/bots/${enc(draft.id)}`, { ...body, ...(draft.kind === 'http' ? { secret: draft.secret } : {}) })
        : post<Bot>('/api/bots', { kind: draft.kind, ...body, ...(draft.kind === 'http' && draft.secret.trim() ? { secret: draft.secret.trim() } : {}) }),
    );
    if (r) {
      setDone(draft.id ? t('bots.updated', { name: r.name }) : t('bots.created', { name: r.name }));
      setDraft(EMPTY);
      void list.reload();
    }
  };

  const confirmRemove = async () => {
    if (!removing) return;
    const ok = await remove.run(async () => {
      await del(`/api/bots/${enc(removing.id)}`);
      return true;
    });
    if (ok) {
      setRemoving(undefined);
      void list.reload();
    }
  };

  const setEntry = (i: number, e: Partial<Entry>) => setDraft({ ...draft, entries: draft.entries.map((x, j) => (j === i ? { ...x, ...e } : x)) });

  return (
    <div className="page">
      <h1>{t('bots.title')}</h1>
      <p className="muted">{t('bots.intro')}</p>
      <form className="card form-grid" onSubmit={(e) => void submit(e)} aria-labelledby={`${id}-form`}>
        <h2 id={`${id}-form`}>{draft.id ? t('bots.editTitle', { name: draft.name }) : t('bots.new')}</h2>
        <fieldset className="radio-group">
          <legend>{t('bots.kind')}</legend>
          <label>
            <input type="radio" name={`${id}-kind`} checked={draft.kind === 'faq'} disabled={!!draft.id} onChange={() => setDraft({ ...draft, kind: 'faq' })} />
            <span>
              <strong>{t('bots.faq')}</strong> <span className="muted">{t('bots.faqHint')}</span>
            </span>
          </label>
          <label>
            <input type="radio" name={`${id}-kind`} checked={draft.kind === 'http'} disabled={!!draft.id} onChange={() => setDraft({ ...draft, kind: 'http' })} />
            <span>
              <strong>{t('bots.http')}</strong> <span className="muted">{t('bots.httpHint')}</span>
            </span>
          </label>
        </fieldset>
        <Field id={`${id}-name`} label={t('bots.name')}>
          <input id={`${id}-name`} required maxLength={200} value={draft.name} onChange={(e) => setDraft({ ...draft, name: e.target.value })} />
        </Field>
        {draft.kind === 'http' ? (
          <>
            <Field id={`${id}-url`} label={t('bots.url')} hint={t('bots.urlHint')}>
              <input id={`${id}-url`} type="url" required maxLength={2000} value={draft.url} onChange={(e) => setDraft({ ...draft, url: e.target.value })} />
            </Field>
            <Field id={`${id}-secret`} label={t('bots.secret')} hint={draft.id ? t('bots.secretKeep') : t('bots.secretHint')}>
              <input id={`${id}-secret`} type="password" autoComplete="off" maxLength={512} value={draft.secret} onChange={(e) => setDraft({ ...draft, secret: e.target.value })} />
            </Field>
          </>
        ) : (
          <>
            <Field id={`${id}-greeting`} label={t('bots.greeting')} hint={t('bots.greetingHint')}>
              <textarea id={`${id}-greeting`} rows={2} maxLength={4096} value={draft.greeting} onChange={(e) => setDraft({ ...draft, greeting: e.target.value })} />
            </Field>
            <fieldset className="outputs-group">
              <legend>{t('bots.entries')}</legend>
              {draft.entries.map((en, i) => (
                <div className="bot-entry" key={i}>
                  <Field id={`${id}-kw-${i}`} label={t('bots.keywordsN', { n: i + 1 })} hint={t('bots.keywordsHint')}>
                    <input id={`${id}-kw-${i}`} value={en.keywords} onChange={(e) => setEntry(i, { keywords: e.target.value })} />
                  </Field>
                  <Field id={`${id}-ans-${i}`} label={t('bots.answerN', { n: i + 1 })}>
                    <textarea id={`${id}-ans-${i}`} rows={2} maxLength={4096} value={en.answer} onChange={(e) => setEntry(i, { answer: e.target.value })} />
                  </Field>
                  <button
                    type="button"
                    className="button button-small"
                    onClick={() => setDraft({ ...draft, entries: draft.entries.filter((_, j) => j !== i) })}
                    aria-label={t('bots.removeEntry', { n: i + 1 })}
                  >
                    {t('common.remove')}
                  </button>
                </div>
              ))}
              <button type="button" className="link-button" onClick={() => setDraft({ ...draft, entries: [...draft.entries, { keywords: '', answer: '' }] })}>
                {t('bots.addEntry')}
              </button>
            </fieldset>
            <Field id={`${id}-esc`} label={t('bots.escalate')} hint={t('bots.escalateHint')}>
              <input id={`${id}-esc`} value={draft.escalate} onChange={(e) => setDraft({ ...draft, escalate: e.target.value })} />
            </Field>
            <fieldset className="radio-group">
              <legend>{t('bots.fallback')}</legend>
              <label>
                <input type="radio" name={`${id}-fb`} checked={draft.fallback === 'reply'} onChange={() => setDraft({ ...draft, fallback: 'reply' })} />
                <span>{t('bots.fallbackReply')}</span>
              </label>
              <label>
                <input type="radio" name={`${id}-fb`} checked={draft.fallback === 'escalate'} onChange={() => setDraft({ ...draft, fallback: 'escalate' })} />
                <span>{t('bots.fallbackEscalate')}</span>
              </label>
            </fieldset>
            {draft.fallback === 'reply' && (
              <div className="inline-fields">
                <Field id={`${id}-fbt`} label={t('bots.fallbackText')} hint={t('bots.fallbackTextHint')}>
                  <input id={`${id}-fbt`} maxLength={4096} value={draft.fallbackText} onChange={(e) => setDraft({ ...draft, fallbackText: e.target.value })} />
                </Field>
                <Field id={`${id}-turns`} label={t('bots.maxTurns')} hint={t('bots.maxTurnsHint')}>
                  <input id={`${id}-turns`} type="number" min={1} max={20} step={1} value={draft.maxTurns} onChange={(e) => setDraft({ ...draft, maxTurns: Number(e.target.value) })} />
                </Field>
              </div>
            )}
          </>
        )}
        <ErrorNote error={save.error} />
        {done && !save.error && (
          <p className="success-text" role="status">
            {done}
          </p>
        )}
        <div className="button-row">
          <button type="submit" className="button button-primary" disabled={save.busy}>
            {draft.id ? t('common.save') : t('bots.create')}
          </button>
          {draft.id && (
            <button type="button" className="button" onClick={() => setDraft(EMPTY)}>
              {t('common.cancel')}
            </button>
          )}
        </div>
      </form>
      <ErrorNote error={list.error} />
      {list.loading && !list.data ? (
        <Loading />
      ) : list.data && list.data.bots.length === 0 ? (
        <Empty>{t('bots.empty')}</Empty>
      ) : (
        list.data && (
          <table className="table">
            <thead>
              <tr>
                <th scope="col">{t('bots.name')}</th>
                <th scope="col">{t('bots.kind')}</th>
                <th scope="col">{t('bots.usedBy')}</th>
                <th scope="col">{t('common.created')}</th>
                <th scope="col">{t('supervisor.actions')}</th>
              </tr>
            </thead>
            <tbody>
              {list.data.bots.map((b) => (
                <tr key={b.id}>
                  <td>{b.name}</td>
                  <td>{b.kind === 'faq' ? t('bots.faq') : t('bots.http')}</td>
                  <td>
                    {b.usedBy.length === 0
                      ? '—'
                      : b.usedBy.map((w, i) => (
                          <span key={w.id}>
                            {i > 0 && ', '}
                            <Link to={`/admin/workstreams/${enc(w.id)}`}>{w.name}</Link>
                          </span>
                        ))}
                  </td>
                  <td>{formatDateTime(b.createdAt)}</td>
                  <td>
                    <div className="row-actions">
                      <button type="button" className="button button-small" aria-label={t('bots.editNamed', { name: b.name })} onClick={() => setDraft(toDraft(b))}>
                        {t('auto.editShort')}
                      </button>
                      <button
                        type="button"
                        className="button button-small button-danger-outline"
                        aria-label={t('bots.deleteNamed', { name: b.name })}
                        onClick={() => {
                          remove.clear();
                          setRemoving(b);
                        }}
                      >
                        {t('accounts.delete')}
                      </button>
                    </div>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )
      )}
      <ConfirmDialog
        open={removing !== undefined}
        title={t('bots.deleteTitle', { name: removing?.name ?? '' })}
        confirmLabel={t('accounts.delete')}
        danger
        busy={remove.busy}
        error={remove.error}
        onConfirm={() => void confirmRemove()}
        onCancel={() => setRemoving(undefined)}
      >
        <p>{t('bots.deleteText')}</p>
      </ConfirmDialog>
    </div>
  );
}
