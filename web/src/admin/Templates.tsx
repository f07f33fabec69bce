/** WhatsApp message templates per messaging account: list, add, import from the provider. */
import { useState, type FormEvent } from 'react';
import { Empty, ErrorNote, Field, Loading, Notice } from '../components/ui';
import { t, tOr, tp } from '../i18n';
import { get, post } from '../lib/api';
import { useAction, useLoad } from '../lib/hooks';
import type { Account, ChannelKind, Template } from '../lib/types';
import { channelLabel } from '../workspace/preview';

const STATUSES = ['approved', 'pending', 'rejected', 'unsubmitted', 'paused', 'disabled'] as const;
const statusLabel = (s: string) => tOr(`templateStatus.${s}`, s);

export function Templates() {
  const accounts = useLoad(async (signal) => {
    const [{ accounts: list }, { kinds }] = await Promise.all([
      get<{ accounts: Account[] }>('/api/accounts', { signal }),
      get<{ kinds: ChannelKind[] }>('/api/channel-kinds', { signal }),
    ]);
    const withTemplates = new Set(kinds.filter((k) => k.capabilities.templates).map((k) => k.kind));
    return list.filter((a) => withTemplates.has(a.kind));
  }, []);
  const [accountId, setAccountId] = useState('');
  const chosen = accountId || accounts.data?.[0]?.id || '';

  return (
    <div className="page">
      <h1>{t('templates.title')}</h1>
      <p className="muted">{t('templates.intro')}</p>
      <ErrorNote error={accounts.error} />
      {accounts.loading && !accounts.data ? (
        <Loading />
      ) : accounts.data && accounts.data.length === 0 ? (
        <Empty>{t('templates.noAccounts')}</Empty>
      ) : (
        accounts.data && (
          <>
            <Field id="tpl-account" label={t('templates.account')}>
              <select id="tpl-account" value={chosen} onChange={(e) => setAccountId(e.target.value)}>
                {accounts.data.map((a) => (
                  <option key={a.id} value={a.id}>
                    {a.name} ({channelLabel(a.kind)})
                  </option>
                ))}
              </select>
            </Field>
            {chosen && <AccountTemplates key={chosen} accountId={chosen} />}
          </>
        )
      )}
    </div>
  );
}

function AccountTemplates({ accountId }: { accountId: string }) {
  const base = `/api/accounts/${encodeURIComponent(accountId)}/templates`;
  const list = useLoad((signal) => get<Template[]>(base, { signal }), [base]);
  const importer = useAction();
  const create = useAction();
  const [imported, setImported] = useState<{ added: number; updated: number; total: number } | undefined>(undefined);
  const [form, setForm] = useState({ name: '', language: 'en', text: '', providerTemplateId: '', status: 'approved' });

  const runImport = async () => {
    setImported(undefined);
    const r = await importer.run(() => post<{ added: number; updated: number; total: number }>(`${base}/import`));
    if (r) {
      setImported(r);
      void list.reload();
    }
  };

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const body = {
      name: form.name.trim(),
      language: form.language.trim(),
      text: form.text,
      status: form.status,
      ...(form.providerTemplateId.trim() ? { providerTemplateId: form.providerTemplateId.trim() } : {}),
    };
    const r = await create.run(() => post<Template>(base, body));
    if (r) {
      setForm({ ...form, name: '', text: '', providerTemplateId: '' });
      void list.reload();
    }
  };

  return (
    <>
      <div className="page-head">
        <h2>{t('templates.listTitle')}</h2>
        <button type="button" className="button" onClick={() => void runImport()} disabled={importer.busy}>
          {importer.busy ? t('templates.importing') : t('templates.import')}
        </button>
      </div>
      <ErrorNote error={importer.error} />
      {imported && <Notice tone="success">{tp('templates.imported', imported.total, { added: imported.added, updated: imported.updated })}</Notice>}
      <ErrorNote error={list.error} />
      {list.loading && !list.data ? (
        <Loading />
      ) : list.data && list.data.length === 0 ? (
        <Empty>{t('templates.empty')}</Empty>
      ) : (
        list.data && (
          <table className="table">
            <thead>
              <tr>
                <th scope="col">{t('templates.name')}</th>
                <th scope="col">{t('templates.language')}</th>
                <th scope="col">{t('templates.status')}</th>
                <th scope="col">{t('templates.text')}</th>
                <th scope="col">{t('templates.contentSid')}</th>
              </tr>
            </thead>
            <tbody>
              {list.data.map((x) => (
                <tr key={x.id}>
                  <td>{x.name}</td>
                  <td>{x.language}</td>
                  <td>
                    <span className={`badge badge-tpl-${x.status}`}>{statusLabel(x.status)}</span>
                  </td>
                  <td className="pre">{x.text}</td>
                  <td>
                    <code>{x.providerTemplateId ?? '—'}</code>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )
      )}
      <form className="card form-grid" onSubmit={(e) => void submit(e)} aria-labelledby="tpl-new">
        <h2 id="tpl-new">{t('templates.new')}</h2>
        <Field id="tpl-name" label={t('templates.name')}>
          <input id="tpl-name" required maxLength={200} value={form.name} onChange={(e) => setForm({ ...form, name: e.target.value })} />
        </Field>
        <Field id="tpl-language" label={t('templates.language')}>
          <input id="tpl-language" required value={form.language} onChange={(e) => setForm({ ...form, language: e.target.value })} />
        </Field>
        <Field id="tpl-text" label={t('templates.text')} hint={t('templates.textHint')}>
          <textarea id="tpl-text" required rows={4} maxLength={1600} value={form.text} onChange={(e) => setForm({ ...form, text: e.target.value })} />
        </Field>
        <Field id="tpl-sid" label={t('templates.contentSid')} hint={t('templates.contentSidHint')}>
          <input id="tpl-sid" value={form.providerTemplateId} onChange={(e) => setForm({ ...form, providerTemplateId: e.target.value })} />
        </Field>
        <Field id="tpl-status" label={t('templates.status')}>
          <select id="tpl-status" value={form.status} onChange={(e) => setForm({ ...form, status: e.target.value })}>
            {STATUSES.map((s) => (
              <option key={s} value={s}>
                {statusLabel(s)}
              </option>
            ))}
          </select>
        </Field>
        <ErrorNote error={create.error} />
        <div className="button-row">
          <button type="submit" className="button button-primary" disabled={create.busy}>
            {t('templates.add')}
          </button>
        </div>
      </form>
    </>
  );
}
