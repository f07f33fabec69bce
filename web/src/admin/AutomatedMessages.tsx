/**
 * Automated messages (GET/PUT/DELETE /api/automated-messages): what customers get automatically —
 * a greeting, "an agent joined", their place in the queue, out of hours… per channel, language
 * and, optionally, channel instance. The built-in defaults are listed after the configured ones
 * and can be customised.
 */
import { useId, useRef, useState, type FormEvent } from 'react';
import { ConfirmDialog, Empty, ErrorNote, Field, Loading, Switch } from '../components/ui';
import { t, type MessageKey } from '../i18n';
import { del, get, put } from '../lib/api';
import { useAction, useLoad } from '../lib/hooks';
import type { Account, ChannelInstance, ChannelKind } from '../lib/types';
import { channelLabel } from '../workspace/preview';

const enc = encodeURIComponent;

export const TRIGGERS = [
  'greeting',
  'agent_assigned',
  'assignment_failed',
  'agent_ended',
  'queue_position',
  'next_in_line',
  'out_of_hours',
  'holiday',
  'transfer_accepted',
  'session_ended',
] as const;
type Trigger = (typeof TRIGGERS)[number];

const TRIGGER_LABEL: Record<Trigger, MessageKey> = {
  greeting: 'auto.trigger.greeting',
  agent_assigned: 'auto.trigger.agent_assigned',
  assignment_failed: 'auto.trigger.assignment_failed',
  agent_ended: 'auto.trigger.agent_ended',
  queue_position: 'auto.trigger.queue_position',
  next_in_line: 'auto.trigger.next_in_line',
  out_of_hours: 'auto.trigger.out_of_hours',
  holiday: 'auto.trigger.holiday',
  transfer_accepted: 'auto.trigger.transfer_accepted',
  session_ended: 'auto.trigger.session_ended',
};

export function triggerLabel(tr: string): string {
  return tr in TRIGGER_LABEL ? t(TRIGGER_LABEL[tr as Trigger]) : tr;
}

interface AutoMessage {
  id: string | null;
  trigger: Trigger;
  channel: string;
  language: string;
  channelInstanceId: string;
  text: string;
  templateId: string | null;
  enabled: boolean;
  builtIn: boolean;
}

interface Draft {
  trigger: Trigger;
  channel: string;
  language: string;
  channelInstanceId: string;
  text: string;
  enabled: boolean;
}

export function AutomatedMessages() {
  const data = useLoad(async (signal) => {
    const [messages, { kinds }, { channelInstances: instances }, { accounts }] = await Promise.all([
      get<AutoMessage[]>('/api/automated-messages', { signal }),
      get<{ kinds: ChannelKind[] }>('/api/channel-kinds', { signal }),
      get<{ channelInstances: ChannelInstance[] }>('/api/channel-instances', { signal }),
      get<{ accounts: Account[] }>('/api/accounts', { signal }),
    ]);
    return { messages, kinds, instances, accounts };
  }, []);
  const [draft, setDraft] = useState<Draft>({ trigger: 'greeting', channel: '', language: 'en', channelInstanceId: '', text: '', enabled: true });
  const [saved, setSaved] = useState<string | undefined>(undefined);
  const [removing, setRemoving] = useState<AutoMessage | undefined>(undefined);
  const [filter, setFilter] = useState<'all' | Trigger>('all');
  const save = useAction();
  const remove = useAction();
  const formRef = useRef<HTMLFormElement>(null);
  const id = useId();

  const edit = (m: AutoMessage) => {
    setDraft({
      trigger: m.trigger,
      channel: m.channel === '*' ? (data.data?.kinds[0]?.kind ?? '') : m.channel,
      language: m.language,
      channelInstanceId: m.channelInstanceId,
      text: m.text,
      enabled: m.enabled,
    });
    setSaved(undefined);
    formRef.current?.scrollIntoView({ block: 'start' });
    formRef.current?.querySelector<HTMLElement>('select, textarea')?.focus();
  };

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const r = await save.run(() => put<AutoMessage>('/api/automated-messages', { ...draft, text: draft.text.trim() }));
    if (r) {
      setSaved(t('auto.saved', { trigger: triggerLabel(r.trigger) }));
      void data.reload();
    }
  };

  const confirmRemove = async () => {
    if (!removing?.id) return;
    const ok = await remove.run(async () => {
      await del(`/api/automated-messages/${enc(removing.id!)}`);
      return true;
    });
    if (ok) {
      setRemoving(undefined);
      void data.reload();
    }
  };

  const instanceName = (iid: string) => (iid ? (data.data?.instances.find((i) => i.id === iid)?.name ?? iid) : t('auto.allInstances'));
  const instancesOfChannel = (data.data?.instances ?? []).filter((i) => data.data?.accounts.find((a) => a.id === i.accountId)?.kind === draft.channel);
  const shown = (data.data?.messages ?? []).filter((m) => filter === 'all' || m.trigger === filter);

  return (
    <div className="page page-wide">
      <h1>{t('auto.title')}</h1>
      <p className="muted">{t('auto.intro')}</p>
      <form ref={formRef} className="card form-grid" onSubmit={(e) => void submit(e)} aria-labelledby={`${id}-new`}>
        <h2 id={`${id}-new`}>{t('auto.edit')}</h2>
        {!data.data ? (
          <Loading />
        ) : (
          <>
            <div className="inline-fields">
              <Field id={`${id}-trigger`} label={t('auto.trigger')}>
                <select id={`${id}-trigger`} value={draft.trigger} onChange={(e) => setDraft({ ...draft, trigger: e.target.value as Trigger })}>
                  {TRIGGERS.map((tr) => (
                    <option key={tr} value={tr}>
                      {triggerLabel(tr)}
                    </option>
                  ))}
                </select>
              </Field>
              <Field id={`${id}-channel`} label={t('auto.channel')}>
                <select id={`${id}-channel`} required value={draft.channel} onChange={(e) => setDraft({ ...draft, channel: e.target.value, channelInstanceId: '' })}>
                  <option value="">{t('common.choose')}</option>
                  {data.data.kinds.map((k) => (
                    <option key={k.kind} value={k.kind}>
                      {channelLabel(k.kind)}
                    </option>
                  ))}
                </select>
              </Field>
              <Field id={`${id}-language`} label={t('auto.language')} hint={t('instances.languageHint')}>
                <input id={`${id}-language`} required maxLength={35} value={draft.language} onChange={(e) => setDraft({ ...draft, language: e.target.value })} />
              </Field>
              <Field id={`${id}-instance`} label={t('auto.instance')}>
                <select id={`${id}-instance`} value={draft.channelInstanceId} onChange={(e) => setDraft({ ...draft, channelInstanceId: e.target.value })}>
                  <option value="">{t('auto.allInstances')}</option>
                  {instancesOfChannel.map((i) => (
                    <option key={i.id} value={i.id}>
                      {i.name}
                    </option>
                  ))}
                </select>
              </Field>
            </div>
            <Field id={`${id}-text`} label={t('auto.text')} hint={t('auto.textHint')}>
              <textarea id={`${id}-text`} required rows={3} maxLength={2000} value={draft.text} onChange={(e) => setDraft({ ...draft, text: e.target.value })} />
            </Field>
            <Switch label={t('auto.enabled')} description={t('auto.enabledHint')} checked={draft.enabled} onChange={(v) => setDraft({ ...draft, enabled: v })} />
            <ErrorNote error={save.error} />
            {saved && !save.error && (
              <p className="success-text" role="status">
                {saved}
              </p>
            )}
            <div className="button-row">
              <button type="submit" className="button button-primary" disabled={save.busy}>
                {save.busy ? t('common.saving') : t('auto.save')}
              </button>
            </div>
          </>
        )}
      </form>
      <ErrorNote error={data.error} />
      <div className="page-head">
        <h2>{t('auto.listTitle')}</h2>
        <div className="inline-filter">
          <label htmlFor={`${id}-filter`}>{t('auto.filter')}</label>
          <select id={`${id}-filter`} value={filter} onChange={(e) => setFilter(e.target.value as 'all' | Trigger)}>
            <option value="all">{t('auto.allTriggers')}</option>
            {TRIGGERS.map((tr) => (
              <option key={tr} value={tr}>
                {triggerLabel(tr)}
              </option>
            ))}
          </select>
        </div>
      </div>
      {data.loading && !data.data ? (
        <Loading />
      ) : shown.length === 0 ? (
        <Empty>{t('auto.empty')}</Empty>
      ) : (
        <table className="table" data-testid="automated-messages">
          <thead>
            <tr>
              <th scope="col">{t('auto.trigger')}</th>
              <th scope="col">{t('auto.channel')}</th>
              <th scope="col">{t('auto.language')}</th>
              <th scope="col">{t('auto.text')}</th>
              <th scope="col">{t('supervisor.actions')}</th>
            </tr>
          </thead>
          <tbody>
            {shown.map((m, i) => (
              <tr key={m.id ?? `builtin-${m.language}-${m.trigger}-${i}`} className={m.enabled ? undefined : 'row-disabled'}>
                <td>
                  {triggerLabel(m.trigger)}
                  {m.builtIn && <span className="badge badge-builtin">{t('auto.builtIn')}</span>}
                  {!m.enabled && <span className="badge">{t('auto.off')}</span>}
                </td>
                <td>
                  {m.channel === '*' ? t('auto.anyChannel') : channelLabel(m.channel)}
                  {m.channelInstanceId && <span className="muted small"> · {instanceName(m.channelInstanceId)}</span>}
                </td>
                <td>{m.language}</td>
                <td className="auto-text">{m.text}</td>
                <td>
                  <div className="row-actions">
                    <button
                      type="button"
                      className="button button-small"
                      aria-label={t(m.builtIn ? 'auto.customizeNamed' : 'auto.editNamed', { trigger: triggerLabel(m.trigger), language: m.language })}
                      onClick={() => edit(m)}
                    >
                      {m.builtIn ? t('auto.customize') : t('auto.editShort')}
                    </button>
                    {!m.builtIn && (
                      <button
                        type="button"
                        className="button button-small button-danger-outline"
                        aria-label={t('auto.deleteNamed', { trigger: triggerLabel(m.trigger), language: m.language })}
                        onClick={() => {
                          remove.clear();
                          setRemoving(m);
                        }}
                      >
                        {t('accounts.delete')}
                      </button>
                    )}
                  </div>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <ConfirmDialog
        open={removing !== undefined}
        title={t('auto.deleteTitle', { trigger: removing ? triggerLabel(removing.trigger) : '' })}
        confirmLabel={t('accounts.delete')}
        danger
        busy={remove.busy}
        error={remove.error}
        onConfirm={() => void confirmRemove()}
        onCancel={() => setRemoving(undefined)}
      >
        <p>{t('auto.deleteText')}</p>
      </ConfirmDialog>
    </div>
  );
}
