/**
 * Moving a conversation: Transfer (to a queue or to an agent), Consult (bring in an agent to
 * advise) and, for supervisors, Assign. Agents are listed with their effective presence and load
 * (GET /api/agents); only supervisors and admins may read that list, so an agent transfers to a
 * queue and is told why no agent can be chosen.
 */
import { useEffect, useId, useState, type FormEvent } from 'react';
import { ErrorNote, Field, FormDialog, Loading, Notice } from '../components/ui';
import { presenceText } from '../components/PresencePicker';
import { t } from '../i18n';
import { ApiError, errorMessage, get, post } from '../lib/api';
import { useSession } from '../lib/hooks';
import type { AgentState, Conversation, Queue } from '../lib/types';
import { capacityText } from '../supervisor/capacity';

const enc = encodeURIComponent;

interface Directory {
  queues: Queue[] | undefined;
  agents: AgentState[] | undefined;
  /** Why agents cannot be listed (role), or a load error. */
  agentsError: string | undefined;
  error: string | undefined;
}

function useDirectory(open: boolean): Directory {
  const { user } = useSession();
  const [d, setD] = useState<Directory>({ queues: undefined, agents: undefined, agentsError: undefined, error: undefined });
  useEffect(() => {
    if (!open) return;
    const c = new AbortController();
    setD({ queues: undefined, agents: undefined, agentsError: undefined, error: undefined });
    void (async () => {
      const [qs, ags] = await Promise.allSettled([
        get<{ queues: Queue[] }>('/api/queues', { signal: c.signal }),
        // Only supervisors and admins may list agents (GET /api/agents): agents are told so without asking.
        user.role === 'agent' ? Promise.reject(new ApiError(403, 'forbidden', '')) : get<AgentState[]>('/api/agents', { signal: c.signal }),
      ]);
      if (c.signal.aborted) return;
      setD({
        queues: qs.status === 'fulfilled' ? qs.value.queues : [],
        agents: ags.status === 'fulfilled' ? ags.value : [],
        agentsError:
          ags.status === 'rejected'
            ? ags.reason instanceof ApiError && ags.reason.status === 403
              ? t('transfer.agentsForbidden')
              : errorMessage(ags.reason)
            : undefined,
        error: qs.status === 'rejected' ? errorMessage(qs.reason) : undefined,
      });
    })();
    return () => c.abort();
  }, [open, user.role]);
  return d;
}

function AgentSelect({ id, agents, value, onChange, exclude }: { id: string; agents: AgentState[]; value: string; onChange: (v: string) => void; exclude: (string | null)[] }) {
  const list = agents.filter((a) => !exclude.includes(a.id)).sort((a, b) => a.displayName.localeCompare(b.displayName));
  return (
    <select id={id} required value={value} onChange={(e) => onChange(e.target.value)}>
      <option value="">{t('common.choose')}</option>
      {list.map((a) => (
        <option key={a.id} value={a.id}>
          {t('transfer.agentOption', { name: a.displayName, presence: presenceText(a.effectivePresence, a.presenceLabel), load: capacityText(a) })}
        </option>
      ))}
    </select>
  );
}

export function TransferDialog({
  open,
  conversation,
  onCancel,
  onDone,
}: {
  open: boolean;
  conversation: Conversation;
  onCancel: () => void;
  onDone: (c: Conversation) => void;
}) {
  const dir = useDirectory(open);
  const { user } = useSession();
  const [to, setTo] = useState<'queue' | 'agent'>('queue');
  const [queueId, setQueueId] = useState('');
  const [agentId, setAgentId] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | undefined>(undefined);
  const id = useId();
  useEffect(() => {
    if (open) {
      setTo('queue');
      setQueueId('');
      setAgentId('');
      setError(undefined);
    }
  }, [open]);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      const body = to === 'queue' ? { queueId } : { agentId };
      onDone(await post<Conversation>(`/api/conversations/${enc(conversation.id)}/transfer`, body));
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setBusy(false);
    }
  };

  const otherQueues = dir.queues?.filter((q) => q.id !== conversation.queueId || conversation.state !== 'open') ?? [];
  return (
    <FormDialog open={open} title={t('transfer.title')} submitLabel={t('transfer.submit')} busy={busy || !dir.queues} onCancel={onCancel} onSubmit={submit}>
      {!dir.queues ? (
        <Loading />
      ) : (
        <>
          <ErrorNote error={dir.error} />
          <fieldset className="radio-group">
            <legend>{t('transfer.to')}</legend>
            <label>
              <input type="radio" name={`${id}-to`} checked={to === 'queue'} onChange={() => setTo('queue')} />
              <span>{t('transfer.toQueue')}</span>
            </label>
            <label>
              <input type="radio" name={`${id}-to`} checked={to === 'agent'} disabled={!!dir.agentsError} onChange={() => setTo('agent')} />
              <span>{t('transfer.toAgent')}</span>
            </label>
          </fieldset>
          {dir.agentsError && <p className="hint">{dir.agentsError}</p>}
          {to === 'queue' ? (
            <Field id={`${id}-queue`} label={t('transfer.queue')} hint={t('transfer.queueHint')}>
              <select id={`${id}-queue`} required value={queueId} onChange={(e) => setQueueId(e.target.value)}>
                <option value="">{t('common.choose')}</option>
                {otherQueues.map((q) => (
                  <option key={q.id} value={q.id}>
                    {q.name}
                  </option>
                ))}
              </select>
            </Field>
          ) : (
            <Field id={`${id}-agent`} label={t('transfer.agent')} hint={t('transfer.agentHint')}>
              <AgentSelect id={`${id}-agent`} agents={dir.agents ?? []} value={agentId} onChange={setAgentId} exclude={[conversation.agentId, user.role === 'agent' ? user.id : null]} />
            </Field>
          )}
        </>
      )}
      <ErrorNote error={error} />
    </FormDialog>
  );
}

export function AgentPickDialog({
  open,
  kind,
  conversation,
  onCancel,
  onDone,
}: {
  open: boolean;
  kind: 'consult' | 'assign';
  conversation: Conversation;
  onCancel: () => void;
  onDone: (agentName: string, c: Conversation | undefined) => void;
}) {
  const dir = useDirectory(open);
  const { user } = useSession();
  const [agentId, setAgentId] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | undefined>(undefined);
  const id = useId();
  useEffect(() => {
    if (open) {
      setAgentId('');
      setError(undefined);
    }
  }, [open]);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      const name = dir.agents?.find((a) => a.id === agentId)?.displayName ?? agentId;
      const r = await post<Conversation | undefined>(`/api/conversations/${enc(conversation.id)}/${kind}`, { agentId });
      onDone(name, r ?? undefined);
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <FormDialog
      open={open}
      title={kind === 'consult' ? t('consult.title') : t('assign.title')}
      submitLabel={kind === 'consult' ? t('consult.submit') : t('assign.submit')}
      busy={busy || !dir.agents || !!dir.agentsError}
      onCancel={onCancel}
      onSubmit={submit}
    >
      {kind === 'consult' && <p className="muted">{t('consult.intro')}</p>}
      {!dir.agents ? (
        <Loading />
      ) : dir.agentsError ? (
        <Notice tone="warning">{dir.agentsError}</Notice>
      ) : (
        <Field id={`${id}-agent`} label={t('transfer.agent')} hint={kind === 'assign' ? t('assign.hint') : undefined}>
          <AgentSelect id={`${id}-agent`} agents={dir.agents} value={agentId} onChange={setAgentId} exclude={[conversation.agentId, kind === 'consult' ? user.id : null]} />
        </Field>
      )}
      <ErrorNote error={error} />
    </FormDialog>
  );
}
