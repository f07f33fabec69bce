/**
 * The rule tester: enter what a conversation would bring (channel, first message, locale,
 * pre-chat answers…) and see which classification rules fire, which queue the work goes to, and
 * the hub's own explanation, line by line. It tests the saved rules.
 */
import { useId, useState, type FormEvent } from 'react';
import { ErrorNote, Field, Notice } from '../components/ui';
import { t } from '../i18n';
import { post } from '../lib/api';
import { useAction } from '../lib/hooks';
import type { Queue, RuleTestResult } from '../lib/types';
import { channelLabel } from '../workspace/preview';

const CHANNELS = ['line', 'twilio-whatsapp', 'gbm', 'webchat'];
const BASIC = ['customerName', 'phone', 'firstMessage', 'locale', 'entryPoint', 'placeId'] as const;

/** Sets `a.b.c` = value in a nested object. */
function setPath(obj: Record<string, unknown>, path: string, value: unknown): void {
  const parts = path.split('.').filter(Boolean);
  let cur = obj;
  parts.forEach((p, i) => {
    if (i === parts.length - 1) cur[p] = value;
    else {
      const next = cur[p];
      cur = (cur[p] = typeof next === 'object' && next !== null && !Array.isArray(next) ? next : {}) as Record<string, unknown>;
    }
  });
}

export function RuleTester({ workstreamId, queues, dirty }: { workstreamId: string; queues: Queue[]; dirty: boolean }) {
  const id = useId();
  const [channel, setChannel] = useState('line');
  const [basic, setBasic] = useState<Record<string, string>>({ firstMessage: '', locale: '' });
  const [extra, setExtra] = useState<{ path: string; value: string }[]>([{ path: 'preChat.', value: '' }]);
  const [result, setResult] = useState<RuleTestResult | undefined>(undefined);
  const act = useAction();
  const queueName = (qid: string) => queues.find((q) => q.id === qid)?.name ?? qid;
  /** The hub's lines name queues by id: show names (id kept in brackets once). */
  const readable = (line: string) => queues.reduce((l, q) => l.split(q.id).join(`“${q.name}”`), line);

  const run = async (e: FormEvent) => {
    e.preventDefault();
    const context: Record<string, unknown> = { channel };
    for (const k of BASIC) if (basic[k]?.trim()) context[k] = basic[k];
    for (const x of extra) if (x.path.trim() && !x.path.endsWith('.') && x.value !== '') setPath(context, x.path.trim(), x.value);
    const r = await act.run(() => post<RuleTestResult>(`/api/workstreams/${encodeURIComponent(workstreamId)}/rule-test`, { context }));
    if (r) setResult(r);
  };

  return (
    <section className="card rule-tester" aria-labelledby={`${id}-title`}>
      <h2 id={`${id}-title`}>{t('tester.title')}</h2>
      <p className="muted">{t('tester.intro')}</p>
      {dirty && <Notice tone="warning">{t('tester.unsaved')}</Notice>}
      <form onSubmit={(e) => void run(e)}>
        <div className="tester-grid">
          <Field id={`${id}-channel`} label={t('tester.channel')}>
            <select id={`${id}-channel`} value={channel} onChange={(e) => setChannel(e.target.value)}>
              {CHANNELS.map((c) => (
                <option key={c} value={c}>
                  {channelLabel(c)}
                </option>
              ))}
            </select>
          </Field>
          {BASIC.map((k) => (
            <Field key={k} id={`${id}-${k}`} label={t(`tester.${k}`)}>
              {k === 'firstMessage' ? (
                <textarea id={`${id}-${k}`} rows={2} value={basic[k] ?? ''} onChange={(e) => setBasic({ ...basic, [k]: e.target.value })} />
              ) : (
                <input id={`${id}-${k}`} value={basic[k] ?? ''} placeholder={k === 'locale' ? 'it-IT' : undefined} onChange={(e) => setBasic({ ...basic, [k]: e.target.value })} />
              )}
            </Field>
          ))}
        </div>
        <fieldset className="outputs-group">
          <legend>{t('tester.moreFields')}</legend>
          <p className="hint">{t('tester.moreFieldsHint')}</p>
          {extra.map((x, i) => (
            <div className="rows-row" key={i}>
              <Field id={`${id}-x-${i}`} label={t('tester.fieldPath')}>
                <input id={`${id}-x-${i}`} value={x.path} onChange={(e) => setExtra(extra.map((y, j) => (j === i ? { ...y, path: e.target.value } : y)))} />
              </Field>
              <Field id={`${id}-x-${i}-v`} label={t('tester.fieldValue')}>
                <input id={`${id}-x-${i}-v`} value={x.value} onChange={(e) => setExtra(extra.map((y, j) => (j === i ? { ...y, value: e.target.value } : y)))} />
              </Field>
              <button type="button" className="button button-small" onClick={() => setExtra(extra.filter((_, j) => j !== i))} aria-label={t('tester.removeField', { n: i + 1 })}>
                {t('common.remove')}
              </button>
            </div>
          ))}
          <button type="button" className="link-button" onClick={() => setExtra([...extra, { path: 'variables.', value: '' }])}>
            {t('tester.addField')}
          </button>
        </fieldset>
        <div className="button-row">
          <button type="submit" className="button button-primary" disabled={act.busy}>
            {act.busy ? t('tester.running') : t('tester.run')}
          </button>
        </div>
      </form>
      <ErrorNote error={act.error} />
      <div aria-live="polite">
        {result && (
          <div className="tester-result" data-testid="tester-result">
            <p className="tester-queue">
              {t('tester.queue')} <strong data-testid="tester-queue">{queueName(result.queueId)}</strong>
            </p>
            <p className="muted">{result.usedFallback ? t('tester.fallback') : t('tester.byRule', { rule: result.route.trace.find((r) => r.ruleId === result.ruleId)?.ruleName ?? result.ruleId ?? '' })}</p>
            <h3>{t('tester.fired')}</h3>
            {result.classification.trace.length === 0 ? (
              <p className="muted">{t('tester.noSets')}</p>
            ) : (
              <ul className="fired-list">
                {result.classification.trace.map((s) => {
                  const fired = s.tried.find((r) => r.ruleId === s.firedRuleId);
                  return (
                    <li key={s.ruleSetId}>
                      <strong>{s.ruleSetName ?? s.ruleSetId}</strong>: {fired ? t('tester.ruleFired', { rule: fired.ruleName ?? fired.ruleId }) : t('tester.noneFired')}
                    </li>
                  );
                })}
              </ul>
            )}
            <dl className="facts tester-facts">
              <dt>{t('tester.skills')}</dt>
              <dd>{result.classification.skills.length ? result.classification.skills.map((s) => (s.level ? `${s.name} (${s.level})` : s.name)).join(', ') : '—'}</dd>
              <dt>{t('rules.priority')}</dt>
              <dd>{result.classification.priority ?? '—'}</dd>
              <dt>{t('rules.capacityProfile')}</dt>
              <dd>{result.classification.capacityProfile ?? '—'}</dd>
            </dl>
            <h3>{t('tester.explanation')}</h3>
            <pre className="explanation" tabIndex={0} aria-label={t('tester.explanation')}>
              {result.explanation.map(readable).join('\n')}
            </pre>
          </div>
        )}
      </div>
    </section>
  );
}
