/** Supervisor view: who is available, how full each queue is, every live conversation. */
import { useEffect, useRef } from 'react';
import { Empty, ErrorNote, Loading } from '../components/ui';
import { PRESENCE_LABEL } from '../components/Header';
import { t, type MessageKey } from '../i18n';
import { get } from '../lib/api';
import { formatWhen } from '../lib/format';
import { useLoad, useRealtime } from '../lib/hooks';
import { Link } from '../lib/router';
import type { Conversation, ConversationView, Queue, User } from '../lib/types';
import { STATE_LABEL, channelLabel } from '../workspace/preview';

interface Overview {
  users: User[];
  queues: { queue: Queue; open: number }[];
  conversations: Conversation[];
  /** Customer name and channel per conversation id (for the first 100). */
  views: Record<string, ConversationView>;
}

const ROLE_LABEL: Record<User['role'], MessageKey> = { admin: 'role.admin', supervisor: 'role.supervisor', agent: 'role.agent' };

export function Supervisor() {
  const data = useLoad<Overview>(async (signal) => {
    const [{ users }, { queues }, conversations] = await Promise.all([
      get<{ users: User[] }>('/api/users', { signal }),
      get<{ queues: Queue[] }>('/api/queues', { signal }),
      get<Conversation[]>('/api/conversations?state=open,active,waiting,wrapup', { signal }),
    ]);
    const recent = [...conversations].sort((a, b) => b.lastMessageAt - a.lastMessageAt).slice(0, 100);
    const views = await Promise.all(
      recent.map((c) => get<ConversationView>(`/api/conversations/${encodeURIComponent(c.id)}`, { signal }).catch(() => undefined)),
    );
    return {
      users,
      queues: queues.map((queue) => ({ queue, open: conversations.filter((c) => c.state === 'open' && c.queueId === queue.id).length })),
      conversations,
      views: Object.fromEntries(views.filter((v): v is ConversationView => v !== undefined).map((v) => [v.conversation.id, v])),
    };
  }, []);

  // Realtime events come in bursts: refetch at most once a second.
  const timer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  useEffect(() => () => clearTimeout(timer.current), []);
  useRealtime((e) => {
    if (e.type === 'presence.updated') {
      data.setData((d) => d && { ...d, users: d.users.map((u) => (u.id === e.userId ? { ...u, presence: e.presence } : u)) });
      return;
    }
    if (e.type === 'hello' || e.type === 'pong' || e.type === 'typing') return;
    clearTimeout(timer.current);
    timer.current = setTimeout(() => void data.reload(), 1000);
  });

  const userName = (id: string | null) => (id ? (data.data?.users.find((u) => u.id === id)?.displayName ?? id) : '—');
  const queueName = (id: string | null) => (id ? (data.data?.queues.find((q) => q.queue.id === id)?.queue.name ?? id) : '—');

  return (
    <div className="page">
      <h1>{t('supervisor.title')}</h1>
      <ErrorNote error={data.error} />
      {!data.data ? (
        data.loading && <Loading />
      ) : (
        <div className="grid-2">
          <section className="card" aria-labelledby="sup-agents">
            <h2 id="sup-agents">{t('supervisor.agents')}</h2>
            {data.data.users.length === 0 ? (
              <Empty>{t('supervisor.noAgents')}</Empty>
            ) : (
              <table className="table">
                <thead>
                  <tr>
                    <th scope="col">{t('users.name')}</th>
                    <th scope="col">{t('users.role')}</th>
                    <th scope="col">{t('presence.label')}</th>
                  </tr>
                </thead>
                <tbody>
                  {data.data.users
                    .filter((u) => !u.disabled)
                    .map((u) => (
                      <tr key={u.id}>
                        <td>{u.displayName}</td>
                        <td>{t(ROLE_LABEL[u.role])}</td>
                        <td>
                          <span className={`presence-dot presence-${u.presence}`} aria-hidden="true" /> {t(PRESENCE_LABEL[u.presence])}
                        </td>
                      </tr>
                    ))}
                </tbody>
              </table>
            )}
          </section>
          <section className="card" aria-labelledby="sup-queues">
            <h2 id="sup-queues">{t('supervisor.queues')}</h2>
            {data.data.queues.length === 0 ? (
              <Empty>{t('queues.empty')}</Empty>
            ) : (
              <table className="table">
                <thead>
                  <tr>
                    <th scope="col">{t('queues.name')}</th>
                    <th scope="col">{t('supervisor.waiting')}</th>
                  </tr>
                </thead>
                <tbody>
                  {data.data.queues.map(({ queue, open }) => (
                    <tr key={queue.id}>
                      <td>{queue.name}</td>
                      <td>{open}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            )}
          </section>
          <section className="card span-2" aria-labelledby="sup-convs">
            <h2 id="sup-convs">{t('supervisor.conversations')}</h2>
            {data.data.conversations.length === 0 ? (
              <Empty>{t('supervisor.noConversations')}</Empty>
            ) : (
              <table className="table">
                <thead>
                  <tr>
                    <th scope="col">{t('supervisor.customer')}</th>
                    <th scope="col">{t('supervisor.state')}</th>
                    <th scope="col">{t('supervisor.queue')}</th>
                    <th scope="col">{t('supervisor.agent')}</th>
                    <th scope="col">{t('supervisor.lastActivity')}</th>
                    <th scope="col">
                      <span className="visually-hidden">{t('common.open')}</span>
                    </th>
                  </tr>
                </thead>
                <tbody>
                  {[...data.data.conversations]
                    .sort((a, b) => b.lastMessageAt - a.lastMessageAt)
                    .map((c) => (
                      <tr key={c.id}>
                        <td>
                          {data.data!.views[c.id]?.identity?.displayName ?? t('conversation.unknownCustomer')}{' '}
                          <span className="muted">· {channelLabel(data.data!.views[c.id]?.channel)}</span>
                        </td>
                        <td>
                          <span className={`badge badge-${c.state}`}>{t(STATE_LABEL[c.state])}</span>
                        </td>
                        <td>{queueName(c.queueId)}</td>
                        <td>{userName(c.agentId)}</td>
                        <td>{formatWhen(c.lastMessageAt)}</td>
                        <td>
                          <Link to={`/workspace/c/${encodeURIComponent(c.id)}`}>{t('common.open')}</Link>
                        </td>
                      </tr>
                    ))}
                </tbody>
              </table>
            )}
          </section>
        </div>
      )}
    </div>
  );
}
