/**
 * The agent workspace: the queues the agent belongs to with their open items (Pick), "My
 * conversations" with customer, channel, last message and unread count, and the open
 * conversation. Lists follow realtime events and are refetched after every reconnection.
 */
import { useCallback, useEffect, useRef, useState } from 'react';
import { Avatar, Empty, ErrorNote, Loading } from '../components/ui';
import { t, tp } from '../i18n';
import { errorMessage, get, post } from '../lib/api';
import { formatWhen } from '../lib/format';
import { useRealtime, useSession } from '../lib/hooks';
import { Link, navigate } from '../lib/router';
import type { Conversation, ConversationView, Message, Queue } from '../lib/types';
import { ConversationPane } from './ConversationPane';
import { NotificationPrompt } from './NotificationPrompt';
import { STATE_LABEL, channelLabel, previewOf } from './preview';

interface Meta {
  view?: ConversationView;
  last?: Message;
}

const MINE_STATES = new Set(['active', 'waiting', 'wrapup']);
const QUEUE_REFRESH_MS = 15_000;

const seenKey = (userId: string) => `sb.seen.${userId}`;
function loadSeen(userId: string): Record<string, number> {
  try {
    return JSON.parse(localStorage.getItem(seenKey(userId)) ?? '{}') as Record<string, number>;
  } catch {
    return {};
  }
}

function upsert(list: Conversation[], c: Conversation, keep: boolean): Conversation[] {
  const i = list.findIndex((x) => x.id === c.id);
  if (!keep) return i < 0 ? list : list.filter((x) => x.id !== c.id);
  if (i < 0) return [...list, c];
  const next = [...list];
  next[i] = { ...list[i]!, ...c };
  return next;
}

const byRecent = (a: Conversation, b: Conversation) => b.lastMessageAt - a.lastMessageAt;
const byWaiting = (a: Conversation, b: Conversation) => (a.lastCustomerAt ?? a.lastMessageAt) - (b.lastCustomerAt ?? b.lastMessageAt);

export function Workspace({ openId }: { openId: string | undefined }) {
  const { user } = useSession();
  const [queues, setQueues] = useState<Queue[] | undefined>(undefined);
  const [items, setItems] = useState<Record<string, Conversation[]>>({});
  const [mine, setMine] = useState<Conversation[] | undefined>(undefined);
  const [meta, setMeta] = useState<Record<string, Meta>>({});
  const [unread, setUnread] = useState<Record<string, number[]>>({});
  const [error, setError] = useState<string | undefined>(undefined);
  const [pickError, setPickError] = useState<string | undefined>(undefined);
  const [picking, setPicking] = useState<string | undefined>(undefined);
  const seen = useRef<Record<string, number>>(loadSeen(user.id));
  const openRef = useRef(openId);
  openRef.current = openId;
  const queuesRef = useRef(queues);
  queuesRef.current = queues;
  const metaRef = useRef(meta);
  metaRef.current = meta;
  const fetching = useRef(new Set<string>());

  const loadMeta = useCallback(async (c: Conversation, force = false) => {
    if (fetching.current.has(c.id) || (!force && metaRef.current[c.id]?.view)) return;
    fetching.current.add(c.id);
    try {
      const base = `/api/conversations/${encodeURIComponent(c.id)}`;
      const view = await get<ConversationView>(base);
      const lastSeq = view.conversation.lastSeq ?? 0;
      const lastList = lastSeq > 0 ? await get<Message[]>(`${base}/messages?afterSeq=${lastSeq - 1}`) : [];
      const last = lastList[lastList.length - 1];
      setMeta((m) => {
        const prev = m[c.id]?.last;
        return { ...m, [c.id]: { view, last: prev && last && prev.seq > last.seq ? prev : (last ?? prev) } };
      });
    } catch {
      // The row shows what it has; the next event or resync tries again.
    } finally {
      fetching.current.delete(c.id);
    }
  }, []);

  const countUnread = useCallback(async (c: Conversation) => {
    if (c.id === openRef.current) return;
    const after = seen.current[c.id] ?? 0;
    if ((c.lastSeq ?? 0) <= after) {
      setUnread((u) => ({ ...u, [c.id]: [] }));
      return;
    }
    const msgs = await get<Message[]>(`/api/conversations/${encodeURIComponent(c.id)}/messages?afterSeq=${after}`);
    setUnread((u) => ({ ...u, [c.id]: msgs.filter((m) => m.direction === 'in').map((m) => m.seq) }));
  }, []);

  const loadAll = useCallback(async () => {
    try {
      const [{ queues: qs }, mineList] = await Promise.all([
        get<{ queues: Queue[] }>('/api/queues?mine=true'),
        get<Conversation[]>('/api/conversations?mine=true'),
      ]);
      const lists = await Promise.all(
        qs.map(async (q) => [q.id, await get<Conversation[]>(`/api/queues/${encodeURIComponent(q.id)}/items`)] as const),
      );
      setQueues(qs);
      setItems(Object.fromEntries(lists));
      setMine(mineList.filter((c) => MINE_STATES.has(c.state)));
      setError(undefined);
      for (const c of [...mineList, ...lists.flatMap(([, l]) => l)]) void loadMeta(c, true);
      for (const c of mineList) void countUnread(c).catch(() => undefined);
    } catch (e) {
      setError(errorMessage(e));
    }
  }, [loadMeta, countUnread]);

  useEffect(() => {
    void loadAll();
  }, [loadAll]);

  // The hub only tells an agent about open items of their queues: when someone else takes one,
  // no event says it left. Re-read the queues now and then so such items do not linger.
  useEffect(() => {
    const refreshQueues = async () => {
      const qs = queuesRef.current;
      if (!qs || document.visibilityState === 'hidden') return;
      try {
        const lists = await Promise.all(qs.map(async (q) => [q.id, await get<Conversation[]>(`/api/queues/${encodeURIComponent(q.id)}/items`)] as const));
        setItems(Object.fromEntries(lists));
      } catch {
        // The next round or event tries again.
      }
    };
    const id = setInterval(() => void refreshQueues(), QUEUE_REFRESH_MS);
    const onVisible = () => void refreshQueues();
    document.addEventListener('visibilitychange', onVisible);
    return () => {
      clearInterval(id);
      document.removeEventListener('visibilitychange', onVisible);
    };
  }, []);

  const applyConversation = useCallback(
    (c: Conversation) => {
      const isMine = c.agentId === user.id && MINE_STATES.has(c.state);
      setMine((list) => list && upsert(list, c, isMine));
      setItems((all) => {
        const next: Record<string, Conversation[]> = {};
        for (const [qid, list] of Object.entries(all)) next[qid] = upsert(list, c, c.state === 'open' && c.queueId === qid);
        return next;
      });
      setMeta((m) => {
        const cur = m[c.id];
        if (!cur?.view) return m;
        const v = cur.view;
        return {
          ...m,
          [c.id]: {
            ...cur,
            view: { ...v, conversation: { ...v.conversation, ...c }, windowEndsAt: c.windowEndsAt !== undefined ? c.windowEndsAt : v.windowEndsAt },
          },
        };
      });
      if (!metaRef.current[c.id]?.view) void loadMeta(c);
    },
    [user.id, loadMeta],
  );

  const applyMessage = useCallback((m: Message, created: boolean) => {
    setMeta((x) => {
      const cur = x[m.conversationId];
      if (!cur) return x;
      const last = cur.last && cur.last.seq > m.seq ? cur.last : m;
      return { ...x, [m.conversationId]: { ...cur, last } };
    });
    setMine((list) => list?.map((c) => (c.id === m.conversationId ? { ...c, lastSeq: Math.max(c.lastSeq ?? 0, m.seq) } : c)));
    if (created && m.direction === 'in' && m.conversationId !== openRef.current && m.seq > (seen.current[m.conversationId] ?? 0)) {
      setUnread((u) => {
        const list = u[m.conversationId] ?? [];
        return list.includes(m.seq) ? u : { ...u, [m.conversationId]: [...list, m.seq] };
      });
    }
  }, []);

  useRealtime((e) => {
    if (e.type === 'resync') {
      void loadAll();
      return;
    }
    if (e.type === 'conversation.created' || e.type === 'conversation.updated') {
      applyConversation(e.conversation);
      // The customer's profile, contact or channel may have changed with it.
      if (e.type === 'conversation.updated') void loadMeta(e.conversation, true);
    }
    if (e.type === 'message.created' || e.type === 'message.updated') {
      applyConversation(e.conversation);
      applyMessage(e.message, e.type === 'message.created');
    }
  });

  const onSeen = useCallback(
    (id: string, seq: number) => {
      if ((seen.current[id] ?? 0) < seq) {
        seen.current = { ...seen.current, [id]: seq };
        try {
          localStorage.setItem(seenKey(user.id), JSON.stringify(seen.current));
        } catch {
          // Storage full or denied: unread counts then last for this page only.
        }
      }
      setUnread((u) => (u[id]?.length ? { ...u, [id]: [] } : u));
    },
    [user.id],
  );

  const pick = async (c: Conversation) => {
    setPicking(c.id);
    setPickError(undefined);
    try {
      const picked = await post<Conversation>(`/api/conversations/${encodeURIComponent(c.id)}/pick`);
      applyConversation(picked);
      navigate(`/workspace/c/${encodeURIComponent(c.id)}`);
    } catch (e) {
      setPickError(errorMessage(e));
      void loadAll();
    } finally {
      setPicking(undefined);
    }
  };

  const nameOf = (id: string) => meta[id]?.view?.identity?.displayName ?? t('conversation.unknownCustomer');
  const sortedMine = [...(mine ?? [])].sort(byRecent);

  return (
    <div className="workspace">
      <aside className="ws-sidebar" aria-label={t('workspace.sidebar')}>
        <NotificationPrompt />
        <ErrorNote error={error} />
        <section aria-labelledby="ws-queues-title" className="ws-section">
          <h2 id="ws-queues-title">{t('workspace.queues')}</h2>
          <ErrorNote error={pickError} onDismiss={() => setPickError(undefined)} />
          {!queues ? (
            <Loading />
          ) : queues.length === 0 ? (
            <Empty>{t('workspace.noQueues')}</Empty>
          ) : (
            queues.map((q) => {
              const list = [...(items[q.id] ?? [])].sort(byWaiting);
              return (
                <div key={q.id} className="queue-block">
                  <h3>
                    {q.name}{' '}
                    <span className="count">
                      <span aria-hidden="true">{list.length}</span>
                      <span className="visually-hidden">{tp('workspace.waitingCount', list.length)}</span>
                    </span>
                  </h3>
                  {list.length === 0 ? (
                    <Empty>{t('workspace.queueEmpty')}</Empty>
                  ) : (
                    <ul className="conv-list">
                      {list.map((c) => (
                        <li key={c.id} className="queue-item" data-testid="queue-item">
                          <Link to={`/workspace/c/${encodeURIComponent(c.id)}`} className="conv-row" aria-current={openId === c.id ? 'true' : undefined}>
                            <Row c={c} meta={meta[c.id]} name={nameOf(c.id)} meId={user.id} />
                          </Link>
                          <button
                            type="button"
                            className="button button-primary button-small"
                            disabled={picking !== undefined}
                            aria-label={t('workspace.pickFrom', { name: nameOf(c.id) })}
                            onClick={() => void pick(c)}
                          >
                            {picking === c.id ? t('workspace.picking') : t('action.pick')}
                          </button>
                        </li>
                      ))}
                    </ul>
                  )}
                </div>
              );
            })
          )}
        </section>
        <section aria-labelledby="ws-mine-title" className="ws-section">
          <h2 id="ws-mine-title">{t('workspace.mine')}</h2>
          {!mine ? (
            <Loading />
          ) : sortedMine.length === 0 ? (
            <Empty>{t('workspace.mineEmpty')}</Empty>
          ) : (
            <ul className="conv-list">
              {sortedMine.map((c) => {
                const n = unread[c.id]?.length ?? 0;
                return (
                  <li key={c.id} data-testid="my-conversation">
                    <Link to={`/workspace/c/${encodeURIComponent(c.id)}`} className="conv-row" aria-current={openId === c.id ? 'true' : undefined}>
                      <Row c={c} meta={meta[c.id]} name={nameOf(c.id)} unread={n} meId={user.id} />
                    </Link>
                  </li>
                );
              })}
            </ul>
          )}
        </section>
      </aside>
      <div className="ws-main">
        {openId ? (
          <ConversationPane key={openId} id={openId} onSeen={onSeen} onConversation={applyConversation} />
        ) : (
          <div className="ws-placeholder">
            <Empty>{t('workspace.selectConversation')}</Empty>
          </div>
        )}
      </div>
    </div>
  );
}

function Row({ c, meta, name, unread = 0, meId }: { c: Conversation; meta: Meta | undefined; name: string; unread?: number; meId: string }) {
  const last = meta?.last;
  const prefix = !last || last.direction === 'in' ? '' : last.authorUserId === meId ? t('message.youPrefix') : last.senderType === 'system' ? t('message.systemPrefix') : '';
  return (
    <>
      <Avatar name={name} src={meta?.view?.identity?.pictureUrl} size={32} />
      <span className="conv-row-body">
        <span className="conv-row-top">
          <span className="conv-name">{name}</span>
          <time className="conv-time" dateTime={new Date(c.lastMessageAt).toISOString()}>
            {formatWhen(c.lastMessageAt)}
          </time>
        </span>
        <span className="conv-row-mid">
          <span className="conv-channel">
            {channelLabel(meta?.view?.channel)}
            {meta?.view?.instance && ` · ${meta.view.instance.name}`}
          </span>
          {c.state !== 'open' && c.state !== 'active' && <span className={`badge badge-${c.state}`}>{t(STATE_LABEL[c.state])}</span>}
        </span>
        <span className="conv-row-bottom">
          <span className="conv-preview">{last ? `${prefix}${previewOf(last.content)}` : '\u00a0'}</span>
          {unread > 0 && (
            <span className="unread" data-testid="unread">
              <span aria-hidden="true">{unread}</span>
              <span className="visually-hidden">{tp('workspace.unread', unread)}</span>
            </span>
          )}
        </span>
      </span>
    </>
  );
}
