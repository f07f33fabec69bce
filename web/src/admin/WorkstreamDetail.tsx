/**
 * One workstream: its distribution settings (mode read-only; capacity, allowed presences,
 * wrap-up blocking, affinity, timers, offers, bot), its routing rules (classification and
 * route-to-queue) and the rule tester.
 */
import { useEffect, useId, useState, type FormEvent } from 'react';
import { ErrorNote, Field, Loading, Switch } from '../components/ui';
import { PRESENCE_LABEL } from '../components/PresencePicker';
import { t } from '../i18n';
import { ApiError, get, put } from '../lib/api';
import { useAction, useLoad } from '../lib/hooks';
import { Link } from '../lib/router';
import type { Presence, Queue, Workstream, WorkstreamRouting } from '../lib/types';
import { FieldSuggestions } from './ConditionBuilder';
import { DurationInput, newRuleId, SaveBar } from './form';
import { RuleTester } from './RuleTester';
import { ClassificationEditor, RouteEditor } from './RuleSets';

const enc = encodeURIComponent;
const ASSIGNABLE: Presence[] = ['available', 'busy', 'busy_dnd', 'away'];

interface Bot {
  id: string;
  name: string;
}

export function WorkstreamDetail({ id }: { id: string }) {
  const data = useLoad(
    async (signal) => {
      const [ws, routing, { queues }, bots] = await Promise.all([
        get<Workstream>(`/api/workstreams/${enc(id)}`, { signal }),
        get<WorkstreamRouting>(`/api/workstreams/${enc(id)}/routing`, { signal }),
        get<{ queues: Queue[] }>('/api/queues', { signal }),
        // Bots are optional: a hub without /api/bots answers 404 and the setting is hidden.
        get<Bot[] | { bots: Bot[] }>('/api/bots', { signal }).then(
          (b) => (Array.isArray(b) ? b : b.bots),
          (e: unknown) => {
            if (e instanceof ApiError && (e.status === 404 || e.status === 403)) return undefined;
            throw e;
          },
        ),
      ]);
      return { ws, routing, queues, bots };
    },
    [id],
  );
  const [form, setForm] = useState<WorkstreamRouting | undefined>(undefined);
  const [dirty, setDirty] = useState(false);
  const [saved, setSaved] = useState(false);
  const save = useAction();
  const uid = useId();
  useEffect(() => {
    if (data.data) {
      setForm(structuredClone(data.data.routing));
      setDirty(false);
    }
  }, [data.data]);

  const update = (f: (r: WorkstreamRouting) => WorkstreamRouting) => {
    setForm((r) => r && f(r));
    setDirty(true);
    setSaved(false);
  };

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (!form) return;
    const r = await save.run(() => put<WorkstreamRouting>(`/api/workstreams/${enc(id)}/routing`, form));
    if (r) {
      setDirty(false);
      setSaved(true);
    }
  };

  if (data.error) return <ErrorNote error={data.error} />;
  if (!data.data || !form) return <Loading />;
  const { ws, queues, bots } = data.data;
  const fallbackName = queues.find((q) => q.id === ws.fallbackQueueId)?.name ?? ws.fallbackQueueId;
  const wrap = form.wrapUpBlocking;
  const wrapMode = typeof wrap === 'string' ? wrap : 'seconds';
  const routeSet = form.routeToQueue ?? { id: 'route', rules: [] };
  const fieldsId = `${uid}-fields`;
  const routeFieldsId = `${uid}-route-fields`;

  return (
    <div className="page page-wide">
      <p className="breadcrumb">
        <Link to="/admin/workstreams">{t('workstreams.title')}</Link>
      </p>
      <h1>{ws.name}</h1>
      <dl className="facts facts-inline">
        <dt>{t('workstreams.mode')}</dt>
        <dd>
          <span className="badge">{ws.mode === 'push' ? t('workstreams.modePush') : t('workstreams.modePick')}</span>{' '}
          <span className="muted small">{t('workstreams.modeFixed')}</span>
        </dd>
        <dt>{t('workstreams.fallbackQueue')}</dt>
        <dd>
          <Link to={`/admin/queues/${enc(ws.fallbackQueueId)}`}>{fallbackName}</Link>
        </dd>
      </dl>
      <FieldSuggestions id={fieldsId} />
      <FieldSuggestions id={routeFieldsId} classified />
      <form className="stack" onSubmit={(e) => void submit(e)} aria-label={t('wsRouting.formLabel', { name: ws.name })}>
        <section className="card" aria-labelledby={`${uid}-dist`}>
          <h2 id={`${uid}-dist`}>{t('wsRouting.distribution')}</h2>
          <div className="settings-grid">
            <fieldset className="radio-group">
              <legend>{t('wsRouting.capacity')}</legend>
              <label>
                <input type="radio" name={`${uid}-cap`} checked={form.capacity.mode === 'units'} onChange={() => update((r) => ({ ...r, capacity: { mode: 'units', units: 1 } }))} />
                <span>{t('wsRouting.capacityUnits')}</span>
              </label>
              <label>
                <input
                  type="radio"
                  name={`${uid}-cap`}
                  checked={form.capacity.mode === 'profile'}
                  onChange={() => update((r) => ({ ...r, capacity: { mode: 'profile', profile: 'default' } }))}
                />
                <span>{t('wsRouting.capacityProfile')}</span>
              </label>
              {form.capacity.mode === 'units' ? (
                <Field id={`${uid}-units`} label={t('wsRouting.units')} hint={t('wsRouting.unitsHint')}>
                  <input
                    id={`${uid}-units`}
                    type="number"
                    min={0}
                    max={1000}
                    step={1}
                    required
                    value={form.capacity.units}
                    onChange={(e) => update((r) => ({ ...r, capacity: { mode: 'units', units: Number(e.target.value) } }))}
                  />
                </Field>
              ) : (
                <Field id={`${uid}-profile`} label={t('wsRouting.profile')} hint={t('wsRouting.profileHint')}>
                  <input
                    id={`${uid}-profile`}
                    required
                    maxLength={64}
                    value={form.capacity.profile}
                    onChange={(e) => update((r) => ({ ...r, capacity: { mode: 'profile', profile: e.target.value } }))}
                  />
                </Field>
              )}
            </fieldset>
            <fieldset className="checkbox-group">
              <legend>{t('wsRouting.allowedPresences')}</legend>
              {ASSIGNABLE.map((p) => (
                <label key={p}>
                  <input
                    type="checkbox"
                    checked={form.allowedPresences.includes(p)}
                    onChange={(e) =>
                      update((r) => ({
                        ...r,
                        allowedPresences: e.target.checked ? [...r.allowedPresences, p] : r.allowedPresences.filter((x) => x !== p),
                      }))
                    }
                  />
                  <span>{t(PRESENCE_LABEL[p])}</span>
                </label>
              ))}
              {form.allowedPresences.length === 0 && (
                <p className="hint hint-error" role="alert">
                  {t('wsRouting.allowedPresencesEmpty')}
                </p>
              )}
              <p className="hint">{t('wsRouting.allowedPresencesHint')}</p>
            </fieldset>
            <fieldset className="radio-group">
              <legend>{t('wsRouting.wrapUpBlocking')}</legend>
              <label>
                <input type="radio" name={`${uid}-wrap`} checked={wrapMode === 'always'} onChange={() => update((r) => ({ ...r, wrapUpBlocking: 'always' }))} />
                <span>{t('wsRouting.wrapAlways')}</span>
              </label>
              <label>
                <input type="radio" name={`${uid}-wrap`} checked={wrapMode === 'never'} onChange={() => update((r) => ({ ...r, wrapUpBlocking: 'never' }))} />
                <span>{t('wsRouting.wrapNever')}</span>
              </label>
              <label>
                <input type="radio" name={`${uid}-wrap`} checked={wrapMode === 'seconds'} onChange={() => update((r) => ({ ...r, wrapUpBlocking: { seconds: 120 } }))} />
                <span>{t('wsRouting.wrapFor')}</span>
              </label>
              {typeof wrap === 'object' && (
                <DurationInput
                  id={`${uid}-wrap-seconds`}
                  label={t('wsRouting.wrapForHow')}
                  seconds={wrap.seconds}
                  min={30}
                  max={3600}
                  onChange={(s) => update((r) => ({ ...r, wrapUpBlocking: { seconds: s ?? 30 } }))}
                />
              )}
            </fieldset>
            <div>
              <Switch
                label={t('wsRouting.affinity')}
                description={t('wsRouting.affinityHint')}
                checked={form.affinity}
                onChange={(v) => update((r) => ({ ...r, affinity: v }))}
              />
              {bots && (
                <Field id={`${uid}-bot`} label={t('wsRouting.bot')} hint={t('wsRouting.botHint')}>
                  <select id={`${uid}-bot`} value={form.botId ?? ''} onChange={(e) => update((r) => ({ ...r, botId: e.target.value || null }))}>
                    <option value="">{t('wsRouting.noBot')}</option>
                    {bots.map((b) => (
                      <option key={b.id} value={b.id}>
                        {b.name}
                      </option>
                    ))}
                  </select>
                </Field>
              )}
            </div>
          </div>
        </section>

        <section className="card" aria-labelledby={`${uid}-timers`}>
          <h2 id={`${uid}-timers`}>{t('wsRouting.timers')}</h2>
          <div className="settings-grid">
            <DurationInput
              id={`${uid}-offer`}
              label={t('wsRouting.offerTimeout')}
              hint={ws.mode === 'push' ? t('wsRouting.offerTimeoutHint') : t('wsRouting.pushOnly')}
              seconds={form.offerTimeoutSec}
              min={5}
              max={3600}
              onChange={(s) => update((r) => ({ ...r, offerTimeoutSec: s ?? 120 }))}
            />
            <Field id={`${uid}-declines`} label={t('wsRouting.maxDeclines')} hint={t('wsRouting.maxDeclinesHint')}>
              <input
                id={`${uid}-declines`}
                type="number"
                min={1}
                max={20}
                step={1}
                required
                value={form.maxDeclines}
                onChange={(e) => update((r) => ({ ...r, maxDeclines: Number(e.target.value) }))}
              />
            </Field>
            <DurationInput
              id={`${uid}-inactive`}
              label={t('wsRouting.autoCloseInactive')}
              hint={t('wsRouting.autoCloseInactiveHint')}
              seconds={form.autoCloseAfterInactivitySec}
              optional
              min={60}
              max={30 * 86400}
              onChange={(s) => update((r) => ({ ...r, autoCloseAfterInactivitySec: s }))}
            />
            <DurationInput
              id={`${uid}-waiting`}
              label={t('wsRouting.waitingAutoClose')}
              hint={t('wsRouting.waitingAutoCloseHint')}
              seconds={form.waitingAutoCloseSec}
              optional
              min={60}
              max={30 * 86400}
              onChange={(s) => update((r) => ({ ...r, waitingAutoCloseSec: s }))}
            />
            <DurationInput
              id={`${uid}-wrapclose`}
              label={t('wsRouting.wrapUpAutoClose')}
              hint={t('wsRouting.wrapUpAutoCloseHint')}
              seconds={form.wrapUpAutoCloseSec}
              min={10}
              max={86400}
              onChange={(s) => update((r) => ({ ...r, wrapUpAutoCloseSec: s ?? 600 }))}
            />
          </div>
        </section>

        <section className="card" aria-labelledby={`${uid}-class`}>
          <h2 id={`${uid}-class`}>{t('rules.classification')}</h2>
          <p className="muted">{t('rules.classificationIntro')}</p>
          <ClassificationEditor sets={form.classification} onChange={(s) => update((r) => ({ ...r, classification: s }))} fieldsListId={fieldsId} />
        </section>

        <section className="card" aria-labelledby={`${uid}-route`}>
          <h2 id={`${uid}-route`}>{t('rules.routeToQueue')}</h2>
          <p className="muted">{t('rules.routeIntro', { queue: fallbackName })}</p>
          <RouteEditor
            set={routeSet}
            queues={queues}
            fieldsListId={routeFieldsId}
            onChange={(s) => update((r) => ({ ...r, routeToQueue: { ...s, id: s.id || newRuleId('route') } }))}
          />
        </section>
        <SaveBar busy={save.busy} error={save.error} saved={saved} dirty={dirty} label={t('wsRouting.save')} />
      </form>
      <RuleTester workstreamId={id} queues={queues} dirty={dirty} />
    </div>
  );
}
