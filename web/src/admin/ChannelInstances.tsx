/**
 * Channel instances bind a messaging account to a workstream, with a language, two switches and
 * the post-conversation survey (`settings.survey`, see docs/automated-messages-and-surveys.md).
 */
import { useState, type FormEvent } from 'react';
import { Empty, ErrorNote, Field, FormDialog, Loading, Switch } from '../components/ui';
import { t } from '../i18n';
import { errorMessage, get, patch, post } from '../lib/api';
import { useAction, useLoad } from '../lib/hooks';
import type { Account, ChannelInstance, SurveySettings, Workstream } from '../lib/types';
import { channelLabel } from '../workspace/preview';

type SwitchName = 'customersCanSendAttachments' | 'agentsCanSendAttachments';

const MAX_QUESTION = 500;

/** The instance's survey settings with the hub's defaults (absent or malformed → off). */
function surveyOf(c: ChannelInstance): SurveySettings {
  const raw = (c.settings.survey ?? {}) as Partial<SurveySettings>;
  return {
    enabled: raw.enabled === true,
    mode: raw.mode === 'inline' ? 'inline' : 'link',
    anonymous: raw.anonymous === true,
    ...(typeof raw.question === 'string' && raw.question ? { question: raw.question } : {}),
  };
}

function surveySummary(s: SurveySettings): string {
  if (!s.enabled) return t('instances.surveyOff');
  const mode = s.mode === 'inline' ? t('instances.surveyModeInline') : t('instances.surveyModeLink');
  return s.anonymous ? `${mode} · ${t('instances.surveyAnonymousShort')}` : mode;
}

function SurveyDialog({ instance, onClose, onSaved }: { instance: ChannelInstance | undefined; onClose: () => void; onSaved: () => void }) {
  const [form, setForm] = useState<SurveySettings & { question: string }>({ enabled: false, mode: 'link', anonymous: false, question: '' });
  const save = useAction();
  const [loadedFor, setLoadedFor] = useState<string | undefined>(undefined);
  if (instance && loadedFor !== instance.id) {
    const s = surveyOf(instance);
    setLoadedFor(instance.id);
    setForm({ ...s, question: s.question ?? '' });
    save.clear();
  }
  if (!instance && loadedFor !== undefined) setLoadedFor(undefined);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (!instance) return;
    const question = form.question.trim();
    const survey: SurveySettings = { enabled: form.enabled, mode: form.mode, anonymous: form.anonymous, ...(question ? { question } : {}) };
    const r = await save.run(() => patch<ChannelInstance>(`/api/channel-instances/${encodeURIComponent(instance.id)}`, { settings: { survey } }));
    if (r) onSaved();
  };

  return (
    <FormDialog
      open={instance !== undefined}
      title={t('instances.surveyTitle', { name: instance?.name ?? '' })}
      submitLabel={t('instances.surveySave')}
      busy={save.busy}
      onSubmit={(e) => void submit(e)}
      onCancel={onClose}
    >
      <p className="muted">{t('instances.surveyIntro')}</p>
      <Switch label={t('instances.surveyEnabled')} checked={form.enabled} onChange={(v) => setForm({ ...form, enabled: v })} />
      <fieldset className="field radio-group">
        <legend>{t('instances.surveyMode')}</legend>
        <label>
          <input type="radio" name="survey-mode" value="link" checked={form.mode === 'link'} onChange={() => setForm({ ...form, mode: 'link' })} />
          {t('instances.surveyModeLink')}
        </label>
        <label>
          <input type="radio" name="survey-mode" value="inline" checked={form.mode === 'inline'} onChange={() => setForm({ ...form, mode: 'inline' })} />
          {t('instances.surveyModeInline')}
        </label>
      </fieldset>
      <Switch
        label={t('instances.surveyAnonymous')}
        description={t('instances.surveyAnonymousHint')}
        checked={form.anonymous}
        onChange={(v) => setForm({ ...form, anonymous: v })}
      />
      <Field id="survey-question" label={`${t('instances.surveyQuestion')} ${t('common.optionalSuffix')}`} hint={t('instances.surveyQuestionHint')}>
        <textarea
          id="survey-question"
          rows={2}
          maxLength={MAX_QUESTION}
          value={form.question}
          onChange={(e) => setForm({ ...form, question: e.target.value })}
        />
      </Field>
      <ErrorNote error={save.error} />
    </FormDialog>
  );
}

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
  const [surveyFor, setSurveyFor] = useState<ChannelInstance | undefined>(undefined);

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
                <th scope="col">{t('instances.survey')}</th>
              </tr>
            </thead>
            <tbody>
              {data.data.channelInstances.map((c) => (
                <tr key={c.id}>
                  <td id={`ci-name-${c.id}`}>{c.name}</td>
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
                  <td>
                    <span>{surveySummary(surveyOf(c))}</span>{' '}
                    <button type="button" className="button" onClick={() => setSurveyFor(c)} aria-describedby={`ci-name-${c.id}`}>
                      {t('instances.surveyEdit')}
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )
      )}
      <SurveyDialog
        instance={surveyFor}
        onClose={() => setSurveyFor(undefined)}
        onSaved={() => {
          setSurveyFor(undefined);
          void data.reload();
        }}
      />
    </div>
  );
}
