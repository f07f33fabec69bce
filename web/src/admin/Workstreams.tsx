import { useState, type FormEvent } from 'react';
import { Empty, ErrorNote, Field, Loading } from '../components/ui';
import { t } from '../i18n';
import { get, post } from '../lib/api';
import { formatDateTime } from '../lib/format';
import { useAction, useLoad } from '../lib/hooks';
import { Link } from '../lib/router';
import type { Queue, Workstream } from '../lib/types';

export function Workstreams() {
  const data = useLoad(async (signal) => {
    const [{ workstreams }, { queues }] = await Promise.all([
      get<{ workstreams: Workstream[] }>('/api/workstreams', { signal }),
      get<{ queues: Queue[] }>('/api/queues', { signal }),
    ]);
    return { workstreams, queues };
  }, []);
  const [name, setName] = useState('');
  const [mode, setMode] = useState<'push' | 'pick'>('pick');
  const create = useAction();
  const [createdName, setCreatedName] = useState<string | undefined>(undefined);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const w = await create.run(() => post<Workstream>('/api/workstreams', { name: name.trim(), mode }));
    if (w) {
      setName('');
      setCreatedName(w.name);
      void data.reload();
    }
  };

  const queueName = (id: string) => data.data?.queues.find((q) => q.id === id)?.name ?? id;

  return (
    <div className="page">
      <h1>{t('workstreams.title')}</h1>
      <p className="muted">{t('workstreams.intro')}</p>
      <p className="muted">{t('workstreams.openForRules')}</p>
      <form className="card form-grid" onSubmit={(e) => void submit(e)} aria-labelledby="ws-new">
        <h2 id="ws-new">{t('workstreams.new')}</h2>
        <Field id="ws-name" label={t('workstreams.name')}>
          <input id="ws-name" required maxLength={200} value={name} onChange={(e) => setName(e.target.value)} />
        </Field>
        <fieldset className="radio-group">
          <legend>{t('workstreams.mode')}</legend>
          <label>
            <input type="radio" name="ws-mode" value="pick" checked={mode === 'pick'} onChange={() => setMode('pick')} />
            <span>
              <strong>{t('workstreams.modePick')}</strong> <span className="muted">{t('workstreams.modePickHint')}</span>
            </span>
          </label>
          <label>
            <input type="radio" name="ws-mode" value="push" checked={mode === 'push'} onChange={() => setMode('push')} />
            <span>
              <strong>{t('workstreams.modePush')}</strong> <span className="muted">{t('workstreams.modePushHint')}</span>
            </span>
          </label>
        </fieldset>
        <ErrorNote error={create.error} />
        {createdName && !create.error && (
          <p className="success-text" role="status">
            {t('workstreams.created', { name: createdName })}
          </p>
        )}
        <div className="button-row">
          <button type="submit" className="button button-primary" disabled={create.busy}>
            {t('workstreams.create')}
          </button>
        </div>
      </form>
      <ErrorNote error={data.error} />
      {data.loading && !data.data ? (
        <Loading />
      ) : data.data && data.data.workstreams.length === 0 ? (
        <Empty>{t('workstreams.empty')}</Empty>
      ) : (
        data.data && (
          <table className="table">
            <thead>
              <tr>
                <th scope="col">{t('workstreams.name')}</th>
                <th scope="col">{t('workstreams.mode')}</th>
                <th scope="col">{t('workstreams.fallbackQueue')}</th>
                <th scope="col">{t('common.created')}</th>
              </tr>
            </thead>
            <tbody>
              {data.data.workstreams.map((w) => (
                <tr key={w.id}>
                  <td>
                    <Link to={`/admin/workstreams/${encodeURIComponent(w.id)}`}>{w.name}</Link>
                  </td>
                  <td>{w.mode === 'pick' ? t('workstreams.modePick') : t('workstreams.modePush')}</td>
                  <td>
                    <Link to={`/admin/queues/${encodeURIComponent(w.fallbackQueueId)}`}>{queueName(w.fallbackQueueId)}</Link>
                  </td>
                  <td>{formatDateTime(w.createdAt)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )
      )}
    </div>
  );
}
