/**
 * Post-conversation survey results (GET /api/surveys/report and /api/surveys): sent, answered,
 * response rate, average rating, the 1–5 distribution, per agent, and the latest comments.
 * Filter by period, channel instance and agent.
 */
import { useId, useState } from 'react';
import { Empty, ErrorNote, Field, Loading } from '../components/ui';
import { t } from '../i18n';
import { get } from '../lib/api';
import { formatDateTime, formatNumber } from '../lib/format';
import { useLoad } from '../lib/hooks';
import type { ChannelInstance, User } from '../lib/types';

interface Figures {
  sent: number;
  answered: number;
  skipped: number;
  responseRate: number;
  average: number | null;
  distribution: Record<'1' | '2' | '3' | '4' | '5', number>;
}
interface Report extends Figures {
  byAgent: (Figures & { agentId: string; agentName: string | null })[];
}
interface SurveyResponse {
  id: string;
  agentName: string | null;
  rating: number | null;
  comment: string | null;
  anonymous: boolean;
  state: string;
  sentAt: number;
  answeredAt: number | null;
}

const pct = (n: number) => formatNumber(n, { style: 'percent', maximumFractionDigits: 0 });
const avg = (n: number | null) => (n === null ? '—' : formatNumber(n, { maximumFractionDigits: 2, minimumFractionDigits: 1 }));

export function SurveyReport() {
  const id = useId();
  const [from, setFrom] = useState(() => new Date(Date.now() - 30 * 86_400_000).toISOString().slice(0, 10));
  const [to, setTo] = useState('');
  const [instance, setInstance] = useState('');
  const [agent, setAgent] = useState('');
  const options = useLoad(async (signal) => {
    const [{ channelInstances }, { users }] = await Promise.all([
      get<{ channelInstances: ChannelInstance[] }>('/api/channel-instances', { signal }),
      get<{ users: User[] }>('/api/users', { signal }),
    ]);
    return { instances: channelInstances, users };
  }, []);
  const data = useLoad(
    async (signal) => {
      const q = new URLSearchParams();
      if (from) q.set('from', new Date(`${from}T00:00:00`).toISOString());
      if (to) q.set('to', new Date(new Date(`${to}T00:00:00`).getTime() + 86_400_000).toISOString());
      if (instance) q.set('channelInstanceId', instance);
      if (agent) q.set('agentId', agent);
      const [report, responses] = await Promise.all([
        get<Report>(`/api/surveys/report?${q.toString()}`, { signal }),
        get<SurveyResponse[]>(`/api/surveys?${q.toString()}&state=answered&limit=50`, { signal }),
      ]);
      return { report, responses };
    },
    [from, to, instance, agent],
  );
  const r = data.data?.report;
  const maxBucket = r ? Math.max(1, ...Object.values(r.distribution)) : 1;

  return (
    <div className="page page-wide">
      <h1>{t('surveys.title')}</h1>
      <form className="card filters" onSubmit={(e) => e.preventDefault()} aria-label={t('surveys.filters')}>
        <Field id={`${id}-from`} label={t('surveys.from')}>
          <input id={`${id}-from`} type="date" value={from} onChange={(e) => setFrom(e.target.value)} />
        </Field>
        <Field id={`${id}-to`} label={t('surveys.to')}>
          <input id={`${id}-to`} type="date" value={to} min={from} onChange={(e) => setTo(e.target.value)} />
        </Field>
        <Field id={`${id}-instance`} label={t('surveys.instance')}>
          <select id={`${id}-instance`} value={instance} onChange={(e) => setInstance(e.target.value)}>
            <option value="">{t('surveys.all')}</option>
            {options.data?.instances.map((i) => (
              <option key={i.id} value={i.id}>
                {i.name}
              </option>
            ))}
          </select>
        </Field>
        <Field id={`${id}-agent`} label={t('supervisor.agent')}>
          <select id={`${id}-agent`} value={agent} onChange={(e) => setAgent(e.target.value)}>
            <option value="">{t('surveys.all')}</option>
            {options.data?.users
              .filter((u) => !u.disabled)
              .map((u) => (
                <option key={u.id} value={u.id}>
                  {u.displayName}
                </option>
              ))}
          </select>
        </Field>
      </form>
      <ErrorNote error={data.error ?? options.error} />
      {!r ? (
        data.loading && <Loading />
      ) : (
        <>
          <section className="figures" aria-label={t('surveys.summary')}>
            <Figure label={t('surveys.sent')} value={formatNumber(r.sent)} />
            <Figure label={t('surveys.answered')} value={formatNumber(r.answered)} />
            <Figure label={t('surveys.responseRate')} value={pct(r.responseRate)} />
            <Figure label={t('surveys.average')} value={avg(r.average)} />
            <Figure label={t('surveys.skipped')} value={formatNumber(r.skipped)} hint={t('surveys.skippedHint')} />
          </section>
          <div className="grid-2">
            <section className="card" aria-labelledby={`${id}-dist`}>
              <h2 id={`${id}-dist`}>{t('surveys.distribution')}</h2>
              <table className="table dist-table">
                <thead>
                  <tr>
                    <th scope="col">{t('surveys.rating')}</th>
                    <th scope="col">{t('surveys.answers')}</th>
                  </tr>
                </thead>
                <tbody>
                  {(['5', '4', '3', '2', '1'] as const).map((k) => (
                    <tr key={k}>
                      <th scope="row">
                        <span aria-hidden="true">{'★'.repeat(Number(k))}</span>
                        <span className="visually-hidden">{t('surveys.stars', { n: k })}</span>
                      </th>
                      <td>
                        <span className="meter-wrap">
                          <meter min={0} max={maxBucket} value={r.distribution[k]} aria-hidden="true" />
                          <span className="meter-text">{formatNumber(r.distribution[k])}</span>
                        </span>
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </section>
            <section className="card" aria-labelledby={`${id}-agents`}>
              <h2 id={`${id}-agents`}>{t('surveys.byAgent')}</h2>
              {r.byAgent.length === 0 ? (
                <Empty>{t('surveys.noAgents')}</Empty>
              ) : (
                <table className="table">
                  <thead>
                    <tr>
                      <th scope="col">{t('supervisor.agent')}</th>
                      <th scope="col" className="num">
                        {t('surveys.sent')}
                      </th>
                      <th scope="col" className="num">
                        {t('surveys.responseRate')}
                      </th>
                      <th scope="col" className="num">
                        {t('surveys.average')}
                      </th>
                    </tr>
                  </thead>
                  <tbody>
                    {r.byAgent.map((a) => (
                      <tr key={a.agentId}>
                        <th scope="row">{a.agentName ?? a.agentId}</th>
                        <td className="num">{formatNumber(a.sent)}</td>
                        <td className="num">{pct(a.responseRate)}</td>
                        <td className="num">{avg(a.average)}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              )}
            </section>
          </div>
          <section className="card" aria-labelledby={`${id}-comments`}>
            <h2 id={`${id}-comments`}>{t('surveys.comments')}</h2>
            {data.data!.responses.filter((x) => x.comment).length === 0 ? (
              <Empty>{t('surveys.noComments')}</Empty>
            ) : (
              <ul className="comment-list">
                {data.data!.responses
                  .filter((x) => x.comment)
                  .map((x) => (
                    <li key={x.id}>
                      <p className="comment-head">
                        <span aria-hidden="true">{'★'.repeat(x.rating ?? 0)}</span>
                        <span className="visually-hidden">{t('surveys.stars', { n: x.rating ?? 0 })}</span>{' '}
                        <span className="muted small">
                          {x.anonymous ? t('surveys.anonymous') : (x.agentName ?? '—')} · {formatDateTime(x.answeredAt ?? x.sentAt)}
                        </span>
                      </p>
                      <blockquote>{x.comment}</blockquote>
                    </li>
                  ))}
              </ul>
            )}
          </section>
        </>
      )}
    </div>
  );
}

function Figure({ label, value, hint }: { label: string; value: string; hint?: string }) {
  return (
    <div className="figure card">
      <span className="figure-value">{value}</span>
      <span className="figure-label">{label}</span>
      {hint && <span className="hint">{hint}</span>}
    </div>
  );
}
