/**
 * A queue's routing settings: assignment method, operating hours (time zone, weekly ranges,
 * holidays), what happens out of hours, and overflow before and after queuing.
 */
import { useEffect, useId, useMemo, useState, type FormEvent } from 'react';
import { ErrorNote, Field, Loading, Switch } from '../components/ui';
import { t, type MessageKey } from '../i18n';
import { get, put } from '../lib/api';
import { weekdayName } from '../lib/format';
import { useAction, useLoad } from '../lib/hooks';
import { Link } from '../lib/router';
import { ASSIGNMENT_METHODS, WEEKDAYS, type AssignmentMethod, type Holiday, type OperatingHours, type Queue, type QueueRouting as Routing, type TimeRange, type Weekday } from '../lib/types';
import { ActionPicker, DurationInput, SaveBar } from './form';

const enc = encodeURIComponent;
const WEEKDAY_INDEX: Record<Weekday, number> = { sun: 0, mon: 1, tue: 2, wed: 3, thu: 4, fri: 5, sat: 6 };

export const METHOD_LABEL: Record<AssignmentMethod, { label: MessageKey; hint: MessageKey }> = {
  highest_capacity: { label: 'method.highest_capacity', hint: 'method.highest_capacityHint' },
  round_robin: { label: 'method.round_robin', hint: 'method.round_robinHint' },
  most_idle: { label: 'method.most_idle', hint: 'method.most_idleHint' },
  skill_exact: { label: 'method.skill_exact', hint: 'method.skill_exactHint' },
  skill_closest: { label: 'method.skill_closest', hint: 'method.skill_closestHint' },
};

function timeZones(): string[] {
  const intl = Intl as unknown as { supportedValuesOf?: (k: string) => string[] };
  const list = intl.supportedValuesOf?.('timeZone') ?? [];
  return list.includes('UTC') ? list : ['UTC', ...list];
}

function defaultHours(): OperatingHours {
  const day = [{ from: '09:00', to: '17:00' }];
  return {
    timeZone: Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC',
    week: { mon: day, tue: day, wed: day, thu: day, fri: day },
    holidays: [],
  };
}

export function QueueRouting({ id }: { id: string }) {
  const data = useLoad(
    async (signal) => {
      const [queue, routing, { queues }] = await Promise.all([
        get<Queue>(`/api/queues/${enc(id)}`, { signal }),
        get<Routing>(`/api/queues/${enc(id)}/routing`, { signal }),
        get<{ queues: Queue[] }>('/api/queues', { signal }),
      ]);
      return { queue, routing, queues };
    },
    [id],
  );
  const [form, setForm] = useState<Routing | undefined>(undefined);
  const [dirty, setDirty] = useState(false);
  const [saved, setSaved] = useState(false);
  const save = useAction();
  useEffect(() => {
    if (data.data) {
      setForm(structuredClone(data.data.routing));
      setDirty(false);
    }
  }, [data.data]);

  const update = (f: (r: Routing) => Routing) => {
    setForm((r) => r && f(r));
    setDirty(true);
    setSaved(false);
  };

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (!form) return;
    const r = await save.run(() => put<Routing>(`/api/queues/${enc(id)}/routing`, form));
    if (r) {
      setDirty(false);
      setSaved(true);
    }
  };

  if (data.error) return <ErrorNote error={data.error} />;
  if (!data.data || !form) return <Loading />;
  const { queue, queues } = data.data;
  const hours = form.operatingHours;

  return (
    <div className="page">
      <p className="breadcrumb">
        <Link to="/admin/queues">{t('queues.title')}</Link>
      </p>
      <h1>{t('queueRouting.title', { name: queue.name })}</h1>
      <form className="stack" onSubmit={(e) => void submit(e)}>
        <fieldset className="card">
          <legend className="card-legend">{t('queueRouting.method')}</legend>
          <div className="radio-group radio-cards">
            {ASSIGNMENT_METHODS.map((m) => (
              <label key={m}>
                <input type="radio" name="assignment-method" value={m} checked={form.assignmentMethod === m} onChange={() => update((r) => ({ ...r, assignmentMethod: m }))} />
                <span>
                  <strong>{t(METHOD_LABEL[m].label)}</strong> <span className="muted">{t(METHOD_LABEL[m].hint)}</span>
                </span>
              </label>
            ))}
          </div>
        </fieldset>

        <section className="card" aria-labelledby="qr-hours">
          <h2 id="qr-hours">{t('queueRouting.hours')}</h2>
          <Switch
            label={t('queueRouting.hoursOn')}
            description={t('queueRouting.hoursOnHint')}
            checked={hours !== undefined}
            onChange={(on) => update((r) => ({ ...r, operatingHours: on ? defaultHours() : undefined }))}
          />
          {hours && <HoursEditor hours={hours} onChange={(h) => update((r) => ({ ...r, operatingHours: h }))} />}
          {hours && (
            <ActionPicker
              id="qr-out-of-hours"
              label={t('queueRouting.outOfHours')}
              value={form.outOfHours}
              onChange={(v) => update((r) => ({ ...r, outOfHours: v }))}
              queues={queues}
              withWait
              excludeQueueId={id}
            />
          )}
        </section>

        <section className="card" aria-labelledby="qr-overflow">
          <h2 id="qr-overflow">{t('queueRouting.overflow')}</h2>
          <p className="muted">{t('queueRouting.overflowIntro')}</p>
          <h3>{t('queueRouting.beforeQueue')}</h3>
          <Switch
            label={t('queueRouting.beforeQueueOn')}
            checked={form.overflow.beforeQueue !== undefined}
            onChange={(on) =>
              update((r) => ({ ...r, overflow: { ...r.overflow, beforeQueue: on ? { maxItems: 10, then: { action: 'end' } } : undefined } }))
            }
          />
          {form.overflow.beforeQueue && (
            <div className="inline-fields">
              <Field id="qr-max-items" label={t('queueRouting.maxItems')} hint={t('queueRouting.maxItemsHint')}>
                <input
                  id="qr-max-items"
                  type="number"
                  min={0}
                  step={1}
                  required
                  value={form.overflow.beforeQueue.maxItems}
                  onChange={(e) => update((r) => ({ ...r, overflow: { ...r.overflow, beforeQueue: { ...r.overflow.beforeQueue!, maxItems: Number(e.target.value) } } }))}
                />
              </Field>
              <ActionPicker
                id="qr-before-then"
                label={t('queueRouting.then')}
                value={form.overflow.beforeQueue.then}
                onChange={(v) => update((r) => ({ ...r, overflow: { ...r.overflow, beforeQueue: { ...r.overflow.beforeQueue!, then: v } } }))}
                queues={queues}
                excludeQueueId={id}
              />
            </div>
          )}
          <h3>{t('queueRouting.afterQueue')}</h3>
          <Switch
            label={t('queueRouting.afterQueueOn')}
            checked={form.overflow.afterQueue !== undefined}
            onChange={(on) =>
              update((r) => ({ ...r, overflow: { ...r.overflow, afterQueue: on ? { maxWaitSec: 600, then: { action: 'end' } } : undefined } }))
            }
          />
          {form.overflow.afterQueue && (
            <div className="inline-fields">
              <DurationInput
                id="qr-max-wait"
                label={t('queueRouting.maxWait')}
                hint={t('queueRouting.maxWaitHint')}
                seconds={form.overflow.afterQueue.maxWaitSec}
                min={1}
                onChange={(s) => update((r) => ({ ...r, overflow: { ...r.overflow, afterQueue: { ...r.overflow.afterQueue!, maxWaitSec: s ?? 1 } } }))}
              />
              <ActionPicker
                id="qr-after-then"
                label={t('queueRouting.then')}
                value={form.overflow.afterQueue.then}
                onChange={(v) => update((r) => ({ ...r, overflow: { ...r.overflow, afterQueue: { ...r.overflow.afterQueue!, then: v } } }))}
                queues={queues}
                excludeQueueId={id}
              />
            </div>
          )}
        </section>
        <SaveBar busy={save.busy} error={save.error} saved={saved} dirty={dirty} />
      </form>
    </div>
  );
}

function HoursEditor({ hours, onChange }: { hours: OperatingHours; onChange: (h: OperatingHours) => void }) {
  const zones = useMemo(timeZones, []);
  const uid = useId();
  const setDay = (d: Weekday, ranges: TimeRange[]) => onChange({ ...hours, week: { ...hours.week, [d]: ranges } });
  const holidays = hours.holidays ?? [];
  const setHolidays = (h: Holiday[]) => onChange({ ...hours, holidays: h });

  return (
    <div className="hours-editor">
      <Field id={`${uid}-tz`} label={t('hours.timeZone')} hint={t('hours.timeZoneHint')}>
        <select id={`${uid}-tz`} value={hours.timeZone} onChange={(e) => onChange({ ...hours, timeZone: e.target.value })}>
          {!zones.includes(hours.timeZone) && <option value={hours.timeZone}>{hours.timeZone}</option>}
          {zones.map((z) => (
            <option key={z} value={z}>
              {z.replace(/_/g, ' ')}
            </option>
          ))}
        </select>
      </Field>
      <table className="table hours-table">
        <caption className="caption">{t('hours.weekly')}</caption>
        <thead>
          <tr>
            <th scope="col">{t('hours.day')}</th>
            <th scope="col">{t('hours.ranges')}</th>
          </tr>
        </thead>
        <tbody>
          {WEEKDAYS.map((d) => {
            const ranges = hours.week[d] ?? [];
            const dayName = weekdayName(WEEKDAY_INDEX[d]);
            return (
              <tr key={d}>
                <th scope="row">{dayName}</th>
                <td>
                  <ul className="range-list">
                    {ranges.length === 0 && <li className="muted">{t('hours.closed')}</li>}
                    {ranges.map((r, i) => (
                      <li key={i} className="range-row">
                        <label className="visually-hidden" htmlFor={`${uid}-${d}-${i}-from`}>
                          {t('hours.fromOf', { day: dayName, n: i + 1 })}
                        </label>
                        <input
                          id={`${uid}-${d}-${i}-from`}
                          type="time"
                          required
                          value={r.from}
                          onChange={(e) => setDay(d, ranges.map((x, j) => (j === i ? { ...x, from: e.target.value } : x)))}
                        />
                        <span aria-hidden="true">–</span>
                        <label className="visually-hidden" htmlFor={`${uid}-${d}-${i}-to`}>
                          {t('hours.toOf', { day: dayName, n: i + 1 })}
                        </label>
                        <input
                          id={`${uid}-${d}-${i}-to`}
                          type="time"
                          required
                          value={r.to === '24:00' ? '23:59' : r.to}
                          onChange={(e) => setDay(d, ranges.map((x, j) => (j === i ? { ...x, to: e.target.value } : x)))}
                        />
                        {r.to !== '24:00' && r.to <= r.from && <span className="hint">{t('hours.overnight')}</span>}
                        <button
                          type="button"
                          className="button button-small"
                          aria-label={t('hours.removeRange', { day: dayName, n: i + 1 })}
                          onClick={() => setDay(d, ranges.filter((_, j) => j !== i))}
                        >
                          {t('common.remove')}
                        </button>
                      </li>
                    ))}
                  </ul>
                  <button
                    type="button"
                    className="link-button"
                    aria-label={t('hours.addRangeTo', { day: dayName })}
                    onClick={() => setDay(d, [...ranges, ranges.length ? { from: '13:00', to: '17:00' } : { from: '09:00', to: '17:00' }])}
                  >
                    {t('hours.addRange')}
                  </button>
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
      <div className="button-row">
        <button
          type="button"
          className="button button-small"
          onClick={() => {
            const mon = hours.week.mon ?? [];
            onChange({ ...hours, week: { ...hours.week, tue: mon, wed: mon, thu: mon, fri: mon } });
          }}
        >
          {t('hours.copyMonday')}
        </button>
      </div>

      <h3>{t('hours.holidays')}</h3>
      {holidays.length === 0 && <p className="muted">{t('hours.noHolidays')}</p>}
      <ul className="holiday-list">
        {holidays.map((h, i) => {
          const from = 'date' in h ? h.date : h.from;
          const to = 'date' in h ? '' : h.to;
          const set = (name: string, f: string, tt: string) =>
            setHolidays(holidays.map((x, j) => (j === i ? (tt && tt !== f ? { name, from: f, to: tt } : { name, date: f }) : x)));
          return (
            <li key={i} className="holiday-row">
              <Field id={`${uid}-hol-${i}-name`} label={t('hours.holidayName')}>
                <input id={`${uid}-hol-${i}-name`} required maxLength={200} value={h.name} onChange={(e) => set(e.target.value, from, to)} />
              </Field>
              <Field id={`${uid}-hol-${i}-from`} label={t('hours.holidayFrom')}>
                <input id={`${uid}-hol-${i}-from`} type="date" required value={from} onChange={(e) => set(h.name, e.target.value, to)} />
              </Field>
              <Field id={`${uid}-hol-${i}-to`} label={t('hours.holidayTo')}>
                <input id={`${uid}-hol-${i}-to`} type="date" min={from} value={to} onChange={(e) => set(h.name, from, e.target.value)} />
              </Field>
              <button
                type="button"
                className="button button-small"
                aria-label={t('hours.removeHoliday', { name: h.name || String(i + 1) })}
                onClick={() => setHolidays(holidays.filter((_, j) => j !== i))}
              >
                {t('common.remove')}
              </button>
            </li>
          );
        })}
      </ul>
      <button type="button" className="button button-small" onClick={() => setHolidays([...holidays, { name: '', date: new Date().toISOString().slice(0, 10) }])}>
        {t('hours.addHoliday')}
      </button>
    </div>
  );
}
