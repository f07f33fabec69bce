import { useState, type FormEvent } from 'react';
import { Empty, ErrorNote, Field, Loading } from '../components/ui';
import { t } from '../i18n';
import { del, get, post } from '../lib/api';
import { useAction, useLoad } from '../lib/hooks';
import { Link } from '../lib/router';
import type { Queue, User } from '../lib/types';

export function Queues() {
  const data = useLoad(async (signal) => {
    const [{ queues }, { users }] = await Promise.all([
      get<{ queues: Queue[] }>('/api/queues', { signal }),
      get<{ users: User[] }>('/api/users', { signal }),
    ]);
    return { queues, users };
  }, []);
  const [name, setName] = useState('');
  const [priority, setPriority] = useState('0');
  const [open, setOpen] = useState<string | undefined>(undefined);
  const create = useAction();

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const q = await create.run(() => post<Queue>('/api/queues', { name: name.trim(), priority: Number(priority) || 0 }));
    if (q) {
      setName('');
      setPriority('0');
      void data.reload();
    }
  };

  return (
    <div className="page">
      <h1>{t('queues.title')}</h1>
      <p className="muted">{t('queues.intro')}</p>
      <form className="card form-grid" onSubmit={(e) => void submit(e)} aria-labelledby="q-new">
        <h2 id="q-new">{t('queues.new')}</h2>
        <Field id="q-name" label={t('queues.name')}>
          <input id="q-name" required maxLength={200} value={name} onChange={(e) => setName(e.target.value)} />
        </Field>
        <Field id="q-priority" label={t('queues.priority')} hint={t('queues.priorityHint')}>
          <input id="q-priority" type="number" min={0} step={1} value={priority} onChange={(e) => setPriority(e.target.value)} />
        </Field>
        <ErrorNote error={create.error} />
        <div className="button-row">
          <button type="submit" className="button button-primary" disabled={create.busy}>
            {t('queues.create')}
          </button>
        </div>
      </form>
      <ErrorNote error={data.error} />
      {data.loading && !data.data ? (
        <Loading />
      ) : data.data && data.data.queues.length === 0 ? (
        <Empty>{t('queues.empty')}</Empty>
      ) : (
        data.data && (
          <ul className="queue-cards">
            {data.data.queues.map((q) => (
              <li key={q.id} className="card">
                <div className="page-head">
                  <h2>
                    {q.name} <span className="muted small">{t('queues.priorityValue', { priority: q.priority })}</span>
                  </h2>
                  <div className="button-row">
                  <Link to={`/admin/queues/${encodeURIComponent(q.id)}`} className="button button-small" aria-label={t('queues.routingOf', { name: q.name })}>
                    {t('queues.routing')}
                  </Link>
                  <button
                    type="button"
                    className="button button-small"
                    aria-expanded={open === q.id}
                    aria-controls={`members-${q.id}`}
                    onClick={() => setOpen(open === q.id ? undefined : q.id)}
                  >
                    {open === q.id ? t('queues.hideMembers') : t('queues.members')}
                  </button>
                  </div>
                </div>
                {open === q.id && <Members id={`members-${q.id}`} queue={q} users={data.data!.users} />}
              </li>
            ))}
          </ul>
        )
      )}
    </div>
  );
}

function Members({ id, queue, users }: { id: string; queue: Queue; users: User[] }) {
  const members = useLoad((signal) => get<{ userIds: string[] }>(`/api/queues/${encodeURIComponent(queue.id)}/members`, { signal }), [queue.id]);
  const [userId, setUserId] = useState('');
  const act = useAction();
  const ids = new Set(members.data?.userIds ?? []);
  const candidates = users.filter((u) => !ids.has(u.id) && !u.disabled);
  const nameOf = (uid: string) => users.find((u) => u.id === uid)?.displayName ?? uid;

  const add = async (e: FormEvent) => {
    e.preventDefault();
    if (!userId) return;
    const r = await act.run(() => post<{ userIds: string[] }>(`/api/queues/${encodeURIComponent(queue.id)}/members`, { userId }));
    if (r) {
      members.setData(() => r);
      setUserId('');
    }
  };
  const remove = async (uid: string) => {
    const ok = await act.run(async () => {
      await del(`/api/queues/${encodeURIComponent(queue.id)}/members/${encodeURIComponent(uid)}`);
      return true;
    });
    if (ok) members.setData((d) => d && { userIds: d.userIds.filter((x) => x !== uid) });
  };

  return (
    <div id={id} className="members">
      <ErrorNote error={members.error ?? act.error} />
      {members.loading && !members.data ? (
        <Loading />
      ) : members.data && members.data.userIds.length === 0 ? (
        <Empty>{t('queues.noMembers')}</Empty>
      ) : (
        <ul className="member-list">
          {members.data?.userIds.map((uid) => (
            <li key={uid}>
              <span>{nameOf(uid)}</span>
              <button
                type="button"
                className="button button-small"
                disabled={act.busy}
                aria-label={t('queues.removeMember', { name: nameOf(uid), queue: queue.name })}
                onClick={() => void remove(uid)}
              >
                {t('common.remove')}
              </button>
            </li>
          ))}
        </ul>
      )}
      <form className="inline-form" onSubmit={(e) => void add(e)}>
        <Field id={`${id}-add`} label={t('queues.addMember')}>
          <select id={`${id}-add`} value={userId} onChange={(e) => setUserId(e.target.value)}>
            <option value="">{t('common.choose')}</option>
            {candidates.map((u) => (
              <option key={u.id} value={u.id}>
                {u.displayName} ({u.email})
              </option>
            ))}
          </select>
        </Field>
        <button type="submit" className="button button-small" disabled={!userId || act.busy}>
          {t('common.add')}
        </button>
      </form>
    </div>
  );
}
