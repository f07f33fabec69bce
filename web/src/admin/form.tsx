/** Small form pieces for the routing settings: durations with a unit, overflow actions, ids. */
import { useEffect, useState } from 'react';
import { t, type MessageKey } from '../i18n';
import type { OverflowAction, Queue } from '../lib/types';

/** A fresh id for a rule or rule set (the API wants one, unique within its list). */
export function newRuleId(prefix: string): string {
  const r = crypto.getRandomValues(new Uint32Array(2));
  return `${prefix}_${r[0]!.toString(36)}${r[1]!.toString(36)}`.slice(0, 24);
}

const UNITS: { seconds: number; label: MessageKey }[] = [
  { seconds: 1, label: 'duration.seconds' },
  { seconds: 60, label: 'duration.minutes' },
  { seconds: 3600, label: 'duration.hours' },
  { seconds: 86400, label: 'duration.days' },
];

function bestUnit(seconds: number): number {
  for (const u of [...UNITS].reverse()) if (seconds > 0 && seconds % u.seconds === 0) return u.seconds;
  return 1;
}

/**
 * A duration in seconds, typed as a number and a unit. Empty means "not set" when `optional`.
 * The label is the visible label of the number box; the unit select is labelled after it.
 */
export function DurationInput({
  id,
  label,
  hint,
  seconds,
  onChange,
  optional,
  min,
  max,
}: {
  id: string;
  label: string;
  hint?: string;
  seconds: number | undefined;
  onChange: (s: number | undefined) => void;
  optional?: boolean;
  min?: number;
  max?: number;
}) {
  const [unit, setUnit] = useState(() => bestUnit(seconds ?? 60));
  const [text, setText] = useState(seconds === undefined ? '' : String(seconds / unit));
  useEffect(() => {
    // Follows outside changes (a reload) without fighting the user's typing.
    const current = text.trim() === '' ? undefined : Math.round(Number(text) * unit);
    if (current !== seconds) {
      const u = bestUnit(seconds ?? unit);
      setUnit(u);
      setText(seconds === undefined ? '' : String(seconds / u));
    }
  }, [seconds]);
  const emit = (v: string, u: number) => {
    if (v.trim() === '') return onChange(optional ? undefined : 0);
    const n = Number(v);
    if (Number.isFinite(n)) onChange(Math.round(n * u));
  };
  const outOfRange = seconds !== undefined && ((min !== undefined && seconds < min) || (max !== undefined && seconds > max));
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <div className="duration-input">
        <input
          id={id}
          type="number"
          min={0}
          step="any"
          inputMode="decimal"
          value={text}
          required={!optional}
          aria-invalid={outOfRange || undefined}
          aria-describedby={hint || outOfRange ? `${id}-hint` : undefined}
          placeholder={optional ? '—' : undefined}
          onChange={(e) => {
            setText(e.target.value);
            emit(e.target.value, unit);
          }}
        />
        <label htmlFor={`${id}-unit`} className="visually-hidden">
          {t('duration.unitOf', { label })}
        </label>
        <select
          id={`${id}-unit`}
          value={unit}
          onChange={(e) => {
            const u = Number(e.target.value);
            setUnit(u);
            emit(text, u);
          }}
        >
          {UNITS.map((u) => (
            <option key={u.seconds} value={u.seconds}>
              {t(u.label)}
            </option>
          ))}
        </select>
      </div>
      {(hint || outOfRange) && (
        <small className={outOfRange ? 'hint hint-error' : 'hint'} id={`${id}-hint`}>
          {outOfRange ? t('duration.range', { min: min ?? 0, max: max ?? 0 }) : hint}
        </small>
      )}
    </div>
  );
}

export type ActionChoice = OverflowAction['action'];
const ACTION_LABEL: Record<'wait' | ActionChoice, MessageKey> = {
  wait: 'overflow.wait',
  transfer: 'overflow.transfer',
  end: 'overflow.end',
  assign_anyway: 'overflow.assignAnyway',
};

/** An overflow action (transfer to a queue, end, assign anyway), optionally with "wait". */
export function ActionPicker<A extends { action: string }>({
  id,
  label,
  value,
  onChange,
  queues,
  withWait,
  excludeQueueId,
}: {
  id: string;
  label: string;
  value: A;
  onChange: (v: A) => void;
  queues: Queue[];
  withWait?: boolean;
  excludeQueueId?: string;
}) {
  const choices: ('wait' | ActionChoice)[] = withWait ? ['wait', 'transfer', 'end', 'assign_anyway'] : ['transfer', 'end', 'assign_anyway'];
  const targetQueue = 'queueId' in value ? String((value as { queueId?: string }).queueId ?? '') : '';
  const targets = queues.filter((q) => q.id !== excludeQueueId);
  return (
    <div className="action-picker">
      <div className="field">
        <label htmlFor={id}>{label}</label>
        <select
          id={id}
          value={value.action}
          onChange={(e) => {
            const a = e.target.value;
            onChange((a === 'transfer' ? { action: a, queueId: targets[0]?.id ?? '' } : { action: a }) as unknown as A);
          }}
        >
          {choices.map((c) => (
            <option key={c} value={c}>
              {t(ACTION_LABEL[c])}
            </option>
          ))}
        </select>
      </div>
      {value.action === 'transfer' && (
        <div className="field">
          <label htmlFor={`${id}-queue`}>{t('overflow.targetQueue')}</label>
          <select id={`${id}-queue`} required value={targetQueue} onChange={(e) => onChange({ action: 'transfer', queueId: e.target.value } as unknown as A)}>
            <option value="">{t('common.choose')}</option>
            {targets.map((q) => (
              <option key={q.id} value={q.id}>
                {q.name}
              </option>
            ))}
          </select>
        </div>
      )}
    </div>
  );
}

/** The save bar under a settings form: the button, the server's error, a saved note. */
export function SaveBar({ busy, error, saved, dirty, label }: { busy: boolean; error: string | undefined; saved: boolean; dirty: boolean; label?: string }) {
  return (
    <div className="save-bar">
      <button type="submit" className="button button-primary" disabled={busy}>
        {busy ? t('common.saving') : (label ?? t('common.save'))}
      </button>
      {dirty && !busy && <span className="muted small">{t('common.unsaved')}</span>}
      {saved && !dirty && (
        <span className="success-text" role="status">
          {t('common.saved')}
        </span>
      )}
      {error && (
        <div className="error-note" role="alert">
          <span>{error}</span>
        </div>
      )}
    </div>
  );
}
