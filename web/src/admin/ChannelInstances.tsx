/** Channel instances bind a messaging account to a workstream, with a language and two switches. */
import { useState, type FormEvent } from 'react';
import { Empty, ErrorNote, Field, Loading, Switch } from '../components/ui';
import { t } from '../i18n';
import { errorMessage, get, patch, post } from '../lib/api';
import { useAction, useLoad } from '../lib/hooks';
import type { Account, ChannelInstance, Workstream } from '../lib/types';
import { channelLabel } from '../workspace/preview';

type SwitchName = 'customersCanSendAttachments' | 'agentsCanSendAttachments';

export function ChannelInstances() {
  const data = useLoad(async (signal) => {
    const [{ channelInstances }, { accounts }, { workstreams }] = await Promise.all([
      get<{ channelInstances: ChannelInstance[] }>('/api/channel-instances', { signal }),
      get<{ accounts: Account[] }>('/api/accounts', { signal }),
      get<{ workstreams: Workstream[] }>('/api/workstreams', { signal }),
    ]);
    return { channelInstances, accounts, workstreams };
  }, []);
  const [form, setForm] = useState({ accountId: '', workstreamId: '', name: '', language: navigator.language || 'en-US' });
  const [switches, setSwitches] = useState<Record<SwitchName, boolean>>({ customersCanSendAttachments: true, agentsCanSendAttachments: true });
  const create = useAction();
  const [rowError, setRowError] = useState<string | undefined>(undefined);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const c = await create.run(() =>
      post<ChannelInstance>('/api/channel-instances', { ...form, name: form.name.trim(), language: form.language.trim(), settings: switches }),
    );
    if (c) {
      setForm({ ...form, name: '' });
      void data.reload();
    }
  };

  const toggle = async (c: ChannelInstance, key: SwitchName, value: boolean) => {
    setRowError(undefined);
    data.setData(
      (d) => d && { ...d, channelInstances: d.channelInstances.map((x) => (x.id === c.id ? { ...x, settings: { ...x.settings, [key]: value } } : x)) },
    );
    try {
      await patch(`/api/channel-instances/${encodeURIComponent(c.id)}`, { settings: { [key]: value } });
    } catch (e) {
      setRowError(errorMessage(e));
      void data.reload();
    }
  };

  const accountName = (id: string) => data.data?.accounts.find((a) => a.id === id)?.name ?? t('instances.deletedAccount');
  const workstreamName = (id: string) => data.data?.workstreams.find((w) => w.id === id)?.name ?? id;

  return (
    <div className="page">
      <h1>{t('instances.title')}</h1>
      <p className="muted">{t('instances.intro')}</p>
      <ErrorNote error={data.error} />
      {data.data && (
        <form className="card form-grid" onSubmit={(e) => void submit(e)} aria-labelledby="ci-new">
          <h2 id="ci-new">{t('instances.new')}</h2>
          <Field id="ci-account" label={t('instances.account')}>
            <select id="ci-account" required value={form.accountId} onChange={(e) => setForm({ ...form, accountId: e.target.value })}>
              <option value="">{t('common.choose')}</option>
              {data.data.accounts.map((a) => (
                <option key={a.id} value={a.id}>
                  {a.name} ({channelLabel(a.kind)})
                </option>
              ))}
            </select>
          </Field>
          <Field id="ci-workstream" label={t('instances.workstream')}>
            <select id="ci-workstream" required value={form.workstreamId} onChange={(e) => setForm({ ...form, workstreamId: e.target.value })}>
              <option value="">{t('common.choose')}</option>
              {data.data.workstreams.map((w) => (
                <option key={w.id} value={w.id}>
                  {w.name}
                </option>
              ))}
            </select>
          </Field>
          <Field id="ci-name" label={t('instances.name')}>
            <input id="ci-name" required maxLength={200} value={form.name} onChange={(e) => setForm({ ...form, name: e.target.value })} />
          </Field>
          <Field id="ci-language" label={t('instances.language')} hint={t('instances.languageHint')}>
            <input id="ci-language" required value={form.language} onChange={(e) => setForm({ ...form, language: e.target.value })} />
          </Field>
          <Switch
            label={t('instances.customersCanSendAttachments')}
            checked={switches.customersCanSendAttachments}
            onChange={(v) => setSwitches({ ...switches, customersCanSendAttachments: v })}
          />
          <Switch
            label={t('instances.agentsCanSendAttachments')}
            checked={switches.agentsCanSendAttachments}
            onChange={(v) => setSwitches({ ...switches, agentsCanSendAttachments: v })}
          />
          <ErrorNote error={create.error} />
          <div className="button-row">
            <button type="submit" className="button button-primary" disabled={create.busy}>
              {t('instances.create')}
            </button>
          </div>
        </form>
      )}
      <ErrorNote error={rowError} onDismiss={() => setRowError(undefined)} />
      {data.loading && !data.data ? (
        <Loading />
      ) : data.data && data.data.channelInstances.length === 0 ? (
        <Empty>{t('instances.empty')}</Empty>
      ) : (
        data.data && (
          <table className="table">
            <thead>
              <tr>
                <th scope="col">{t('instances.name')}</th>
                <th scope="col">{t('instances.account')}</th>
                <th scope="col">{t('instances.workstream')}</th>
                <th scope="col">{t('instances.language')}</th>
                <th scope="col">{t('instances.attachments')}</th>
              </tr>
            </thead>
            <tbody>
              {data.data.channelInstances.map((c) => (
                <tr key={c.id}>
                  <td>{c.name}</td>
                  <td>{accountName(c.accountId)}</td>
                  <td>{workstreamName(c.workstreamId)}</td>
                  <td>{c.language}</td>
                  <td>
                    <Switch
                      label={t('instances.customersShort')}
                      checked={c.settings.customersCanSendAttachments}
                      onChange={(v) => void toggle(c, 'customersCanSendAttachments', v)}
                    />
                    <Switch
                      label={t('instances.agentsShort')}
                      checked={c.settings.agentsCanSendAttachments}
                      onChange={(v) => void toggle(c, 'agentsCanSendAttachments', v)}
                    />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )
      )}
    </div>
  );
}
