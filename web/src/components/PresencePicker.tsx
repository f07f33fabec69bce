/**
 * The presence picker in the header: the five presences, a few labelled ones ("Lunch" on Away),
 * the current custom label, and "Custom label…" for any other. When capacity is full the hub shows
 * the agent as Busy: the picker says so next to the choice.
 */
import { useEffect, useId, useState, type FormEvent } from 'react';
import { t, type MessageKey } from '../i18n';
import { errorMessage } from '../lib/api';
import { usePresence } from '../lib/presence';
import { PRESENCES, type Presence } from '../lib/types';
import { ErrorNote, Field, FormDialog } from './ui';

export const PRESENCE_LABEL: Record<Presence, MessageKey> = {
  available: 'presence.available',
  busy: 'presence.busy',
  busy_dnd: 'presence.busy_dnd',
  away: 'presence.away',
  offline: 'presence.offline',
};

/** Suggested labels, each on a base presence. */
const SUGGESTED: { presence: Presence; label: MessageKey }[] = [
  { presence: 'away', label: 'presence.suggest.lunch' },
  { presence: 'away', label: 'presence.suggest.break' },
  { presence: 'busy_dnd', label: 'presence.suggest.meeting' },
  { presence: 'busy_dnd', label: 'presence.suggest.training' },
];

const CUSTOM = '__custom';
const SEP = '|';

/** How a presence reads with its label: "Lunch (Away)". */
export function presenceText(p: Presence, label?: string | null): string {
  return label ? t('presence.withLabel', { label, presence: t(PRESENCE_LABEL[p]) }) : t(PRESENCE_LABEL[p]);
}

export function PresencePicker() {
  const state = usePresence();
  const [error, setError] = useState<string | undefined>(undefined);
  const [customOpen, setCustomOpen] = useState(false);
  if (!state) return null;
  const { presence, label, effective } = state;
  const value = label ? `${presence}${SEP}${label}` : presence;
  const suggested = SUGGESTED.map((s) => ({ presence: s.presence, label: t(s.label) }));
  const showCurrent = label && !suggested.some((s) => s.presence === presence && s.label === label);

  const apply = async (p: Presence, l: string | null) => {
    setError(undefined);
    try {
      await state.change(p, l);
    } catch (e) {
      setError(errorMessage(e));
    }
  };

  const onSelect = (v: string) => {
    if (v === CUSTOM) {
      setCustomOpen(true);
      return;
    }
    const [p, l] = v.split(SEP) as [Presence, string | undefined];
    void apply(p, l ?? null);
  };

  return (
    <div className="presence">
      <span className={`presence-dot presence-${effective}`} aria-hidden="true" />
      <label htmlFor="presence-select" className="visually-hidden">
        {t('presence.label')}
      </label>
      <select id="presence-select" value={value} onChange={(e) => onSelect(e.target.value)} aria-describedby={effective !== presence ? 'presence-effective' : undefined}>
        <optgroup label={t('presence.groupBase')}>
          {PRESENCES.map((p) => (
            <option key={p} value={p}>
              {t(PRESENCE_LABEL[p])}
            </option>
          ))}
        </optgroup>
        <optgroup label={t('presence.groupLabelled')}>
          {suggested.map((s) => (
            <option key={`${s.presence}${SEP}${s.label}`} value={`${s.presence}${SEP}${s.label}`}>
              {presenceText(s.presence, s.label)}
            </option>
          ))}
          {showCurrent && <option value={value}>{presenceText(presence, label)}</option>}
          <option value={CUSTOM}>{t('presence.custom')}</option>
        </optgroup>
      </select>
      {effective !== presence && (
        <span id="presence-effective" className="presence-effective" data-testid="effective-presence">
          {t('presence.shownAs', { presence: t(PRESENCE_LABEL[effective]) })}
        </span>
      )}
      {error && (
        <span className="error-inline" role="alert">
          {error}
        </span>
      )}
      <CustomPresenceDialog
        open={customOpen}
        initial={{ presence: presence === 'offline' ? 'away' : presence, label: label ?? '' }}
        onCancel={() => setCustomOpen(false)}
        onSave={async (p, l) => {
          await state.change(p, l);
          setCustomOpen(false);
        }}
      />
    </div>
  );
}

function CustomPresenceDialog({
  open,
  initial,
  onCancel,
  onSave,
}: {
  open: boolean;
  initial: { presence: Presence; label: string };
  onCancel: () => void;
  onSave: (p: Presence, label: string) => Promise<void>;
}) {
  const [presence, setPresence] = useState<Presence>(initial.presence);
  const [label, setLabel] = useState(initial.label);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | undefined>(undefined);
  const id = useId();
  useEffect(() => {
    if (open) {
      setPresence(initial.presence);
      setLabel(initial.label);
      setError(undefined);
    }
  }, [open]);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      await onSave(presence, label.trim());
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <FormDialog open={open} title={t('presence.customTitle')} submitLabel={t('presence.customSave')} busy={busy} onCancel={onCancel} onSubmit={submit}>
      <Field id={`${id}-label`} label={t('presence.customLabel')} hint={t('presence.customLabelHint')}>
        <input id={`${id}-label`} required maxLength={40} value={label} onChange={(e) => setLabel(e.target.value)} autoFocus />
      </Field>
      <Field id={`${id}-base`} label={t('presence.customBase')}>
        <select id={`${id}-base`} value={presence} onChange={(e) => setPresence(e.target.value as Presence)}>
          {PRESENCES.filter((p) => p !== 'offline').map((p) => (
            <option key={p} value={p}>
              {t(PRESENCE_LABEL[p])}
            </option>
          ))}
        </select>
      </Field>
      <ErrorNote error={error} />
    </FormDialog>
  );
}
