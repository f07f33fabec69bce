/**
 * Supervisor view: queues with waiting items and the longest wait (GET /api/queue-stats), agents
 * with presence, effective presence and load against capacity (GET /api/agents), and every live
 * conversation with Monitor, Assign, Transfer and Force-close. Realtime events refetch (at most
 * once a second); the waits also tick between refreshes.
 */
import { useEffect, useRef, useState } from 'react';
import { ConfirmDialog, Empty, ErrorNote, Loading, Meter } from '../components/ui';
import { PRESENCE_LABEL, presenceText } from '../components/PresencePicker';
import { t } from '../i18n';
import { get, post } from '../lib/api';
import { formatDuration, formatWhen } from '../lib/format';
import { useAction, useLoad, useNow, useRealtime } from '../lib/hooks';
import { Link } from '../lib/router';
import type { AgentState, Conversation, ConversationView, Queue, QueueStat, User } from '../lib/types';
import { AgentPickDialog, TransferDialog } from '../workspace/RoutingDialogs';
import { STATE_LABEL, channelLabel } from '../workspace/preview';
import { capacityText, usedAndTotal } from './capacity';

const enc = encodeURIComponent;
const LIVE = 'open,active,waiting,wrapup';
const STATS_EVERY_MS = 15_000;

interface Overview {
  users: User[];
  queues: Queue[];
  stats: QueueStat[];
  statsAt: number;
  agents: AgentState[];
  conversations: Conversation[];
}

type Dialog = { kind: 'assign' | 'transfer' | 'close'; conversation: Conversation } | undefined;

export function Supervisor() {
  const views = useRef(new Map<string, ConversationView>());
  const [, setViewsVersion] = useState(0);
  const data = useLoad<Overview>(async (signal) => {
    const [{ users }, { queues }, stats, agents, conversations] = await Promise.all([
      get<{ users: User[] }>('/api/users', { signal }),
      get<{ queues: Queue[] }>('/api/queues', { signal }),
      get<QueueStat[]>('/api/queue-stats', { signal }),
      get<AgentState[]>('/api/agents', { signal }),
      get<Conversation[]>(`/api/conversations?state=${LIVE}`, { signal }),
    ]);
    return { users, queues, stats, statsAt: Date.now(), agents, conversations };
  }, []);

  // Customer name and channel per conversation (fetched once each, the 100 most recent).
  useEffect(() => {
    const list = data.data?.conversations;
    if (!list) return;
    const missing = [...list]
      .sort((a, b) => b.lastMessageAt - a.lastMessageAt)
      .slice(0, 100)
      .filter((c) => !views.current.has(c.id));
    if (missing.length === 0) return;
    void Promise.all(missing.map((c) => get<ConversationView>(`/api/conversations/${enc(c.id)}`).catch(() => undefined))).then((vs) => {
      for (const v of vs) if (v) views.current.set(v.conversation.id, v);
      setViewsVersion((n) => n + 1);
    });
  }, [data.data?.conversations]);

  // Realtime events come in bursts: refetch at most once a second.
  const timer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  useEffect(() => () => clearTimeout(timer.current), []);
  useRealtime((e) => {
    if (e.type === 'hello' || e.type === 'pong' || e.type === 'typing') return;
    clearTimeout(timer.current);
    timer.current = setTimeout(() => void data.reload(), e.type === 'resync' ? 0 : 1000);
  });
  // Waits grow with time: refetch the stats now and then even when nothing happens.
  useEffect(() => {
    const id = setInterval(() => {
      void get<QueueStat[]>('/api/queue-stats')
        .then((stats) => data.setData((d) => d && { ...d, stats, statsAt: Date.now() }))
        .catch(() => undefined);
    }, STATS_EVERY_MS);
    return () => clearInterval(id);
  }, []);
  const now = useNow(1000);

  const [dialog, setDialog] = useState<Dialog>(undefined);
  const [done, setDone] = useState<string | undefined>(undefined);
  const closeAct = useAction();

  const d = data.data;
  const userName = (id: string | null) => (id ? (d?.users.find((u) => u.id === id)?.displayName ?? id) : '—');
  const queueName = (id: string | null) => (id ? (d?.queues.find((q) => q.id === id)?.name ?? id) : '—');
  const customerOf = (c: Conversation) => views.current.get(c.id)?.identity?.displayName ?? t('conversation.unknownCustomer');

  const forceClose = async () => {
    if (dialog?.kind !== 'close') return;
    const c = dialog.conversation;
    const r = await closeAct.run(() => post<Conversation>(`/api/conversations/${enc(c.id)}/force-close`));
    if (r) {
      setDialog(undefined);
      setDone(t('supervisor.closedDone', { name: customerOf(c) }));
      data.setData((x) => x && { ...x, conversations: x.conversations.filter((y) => y.id !== c.id) });
    }
  };

  return (
    <div className="page page-wide">
      <h1>{t('supervisor.title')}</h1>
      <ErrorNote error={data.error} />
      {done && (
        <p className="success-text" role="status">
          {done}
        </p>
      )}
      {!d ? (
        data.loading && <Loading />
      ) : (
        <div className="sup-grid">
          <section className="card" aria-labelledby="sup-queues">
            <h2 id="sup-queues">{t('supervisor.queues')}</h2>
            {d.queues.length === 0 ? (
              <Empty>{t('queues.empty')}</Empty>
            ) : (
              <table className="table" data-testid="queue-stats">
                <thead>
                  <tr>
                    <th scope="col">{t('queues.name')}</th>
                    <th scope="col" className="num">
                      {t('supervisor.waiting')}
                    </th>
                    <th scope="col" className="num">
                      {t('supervisor.longestWait')}
                    </th>
                  </tr>
                </thead>
                <tbody>
                  {[...d.queues]
                    .sort((a, b) => b.priority - a.priority || a.name.localeCompare(b.name))
                    .map((q) => {
                      const s = d.stats.find((x) => x.queueId === q.id);
                      const wait = s && s.waiting > 0 ? s.longestWaitMs + (now - d.statsAt) : undefined;
                      return (
                        <tr key={q.id} className={s && s.waiting > 0 ? 'row-attention' : undefined}>
                          <th scope="row">{q.name}</th>
                          <td className="num">{s?.waiting ?? 0}</td>
                          <td className="num">{wait === undefined ? '—' : formatDuration(wait)}</td>
                        </tr>
                      );
                    })}
                </tbody>
              </table>
            )}
          </section>
          <section className="card" aria-labelledby="sup-agents">
            <h2 id="sup-agents">{t('supervisor.agents')}</h2>
            {d.agents.length === 0 ? (
              <Empty>{t('supervisor.noAgents')}</Empty>
            ) : (
              <div className="table-scroll">
              <table className="table" data-testid="agents">
                <thead>
                  <tr>
                    <th scope="col">{t('users.name')}</th>
                    <th scope="col">{t('presence.label')}</th>
                    <th scope="col">{t('supervisor.effective')}</th>
                    <th scope="col">{t('supervisor.load')}</th>
                  </tr>
                </thead>
                <tbody>
                  {[...d.agents]
                    .sort((a, b) => a.displayName.localeCompare(b.displayName))
                    .map((a) => {
                      const { used, total } = usedAndTotal(a);
                      return (
                        <tr key={a.id}>
                          <td>{a.displayName}</td>
                          <td>
                            <span className={`presence-dot presence-${a.presence}`} aria-hidden="true" /> {presenceText(a.presence, a.presenceLabel)}
                          </td>
                          <td>
                            <span className={`presence-dot presence-${a.effectivePresence}`} aria-hidden="true" /> {t(PRESENCE_LABEL[a.effectivePresence])}
                            {a.full && <span className="badge badge-full">{t('supervisor.full')}</span>}
                          </td>
                          <td>
                            <Meter value={used} max={total} label={capacityText(a)} />
                          </td>
                        </tr>
                      );
                    })}
                </tbody>
              </table>
              </div>
            )}
          </section>
          <section className="card span-2" aria-labelledby="sup-convs">
            <h2 id="sup-convs">{t('supervisor.conversations')}</h2>
            {d.conversations.length === 0 ? (
              <Empty>{t('supervisor.noConversations')}</Empty>
            ) : (
              <div className="table-scroll">
              <table className="table" data-testid="live-conversations">
                <thead>
                  <tr>
                    <th scope="col">{t('supervisor.customer')}</th>
                    <th scope="col">{t('supervisor.state')}</th>
                    <th scope="col">{t('supervisor.queue')}</th>
                    <th scope="col">{t('supervisor.agent')}</th>
                    <th scope="col">{t('supervisor.lastActivity')}</th>
                    <th scope="col">{t('supervisor.actions')}</th>
                  </tr>
                </thead>
                <tbody>
                  {[...d.conversations]
                    .sort((a, b) => b.lastMessageAt - a.lastMessageAt)
                    .map((c) => {
                      const name = customerOf(c);
                      const movable = c.state === 'open' || c.state === 'active' || c.state === 'waiting';
                      return (
                        <tr key={c.id} data-testid="live-conversation">
                          <td>
                            {name} <span className="muted">· {channelLabel(views.current.get(c.id)?.channel)}</span>
                          </td>
                          <td>
                            <span className={`badge badge-${c.state}`}>{t(STATE_LABEL[c.state])}</span>
                          </td>
                          <td>{queueName(c.queueId)}</td>
                          <td>{userName(c.agentId)}</td>
                          <td>{formatWhen(c.lastMessageAt)}</td>
                          <td>
                            <div className="row-actions">
                              <Link to={`/supervisor/c/${enc(c.id)}`} className="button button-small" aria-label={t('supervisor.monitorNamed', { name })}>
                                {t('supervisor.monitor')}
                              </Link>
                              {movable && (
                                <>
                                  <button type="button" className="button button-small" aria-label={t('supervisor.assignNamed', { name })} onClick={() => setDialog({ kind: 'assign', conversation: c })}>
                                    {t('supervisor.assign')}
                                  </button>
                                  <button type="button" className="button button-small" aria-label={t('supervisor.transferNamed', { name })} onClick={() => setDialog({ kind: 'transfer', conversation: c })}>
                                    {t('action.transfer')}
                                  </button>
                                </>
                              )}
                              <button
                                type="button"
                                className="button button-small button-danger-outline"
                                aria-label={t('supervisor.forceCloseNamed', { name })}
                                onClick={() => {
                                  closeAct.clear();
                                  setDialog({ kind: 'close', conversation: c });
                                }}
                              >
                                {t('supervisor.forceClose')}
                              </button>
                            </div>
                          </td>
                        </tr>
                      );
                    })}
                </tbody>
              </table>
              </div>
            )}
          </section>
        </div>
      )}
      {dialog && dialog.kind !== 'close' && (
        <>
          <AgentPickDialog
            open={dialog.kind === 'assign'}
            kind="assign"
            conversation={dialog.conversation}
            onCancel={() => setDialog(undefined)}
            onDone={(agent) => {
              setDone(t('supervisor.assignedDone', { name: customerOf(dialog.conversation), agent }));
              setDialog(undefined);
              void data.reload();
            }}
          />
          <TransferDialog
            open={dialog.kind === 'transfer'}
            conversation={dialog.conversation}
            onCancel={() => setDialog(undefined)}
            onDone={() => {
              setDone(t('supervisor.transferredDone', { name: customerOf(dialog.conversation) }));
              setDialog(undefined);
              void data.reload();
            }}
          />
        </>
      )}
      <ConfirmDialog
        open={dialog?.kind === 'close'}
        title={t('supervisor.forceCloseTitle', { name: dialog ? customerOf(dialog.conversation) : '' })}
        confirmLabel={t('supervisor.forceCloseConfirm')}
        danger
        busy={closeAct.busy}
        error={closeAct.error}
        onConfirm={() => void forceClose()}
        onCancel={() => setDialog(undefined)}
      >
        <p>{t('supervisor.forceCloseText')}</p>
        {dialog && (
          <p className="muted">
            {t(STATE_LABEL[dialog.conversation.state])} · {queueName(dialog.conversation.queueId)} · {userName(dialog.conversation.agentId)}
          </p>
        )}
      </ConfirmDialog>
    </div>
  );
}
