/** Small building blocks: labelled fields, switches, states, dialogs, copy buttons. */
import { useEffect, useId, useRef, useState, type FormEvent, type ReactNode } from 'react';
import { t } from '../i18n';

export function Loading({ label }: { label?: string }) {
  return (
    <p className="state state-loading" role="status" aria-live="polite">
      <span className="spinner" aria-hidden="true" />
      {label ?? t('common.loading')}
    </p>
  );
}

export function Empty({ children }: { children: ReactNode }) {
  return <p className="state state-empty">{children}</p>;
}

export function ErrorNote({ error, onDismiss }: { error: string | undefined; onDismiss?: () => void }) {
  if (!error) return null;
  return (
    <div className="error-note" role="alert">
      <span>{error}</span>
      {onDismiss && (
        <button type="button" className="link-button" onClick={onDismiss}>
          {t('common.dismiss')}
        </button>
      )}
    </div>
  );
}

export function Notice({ children, tone = 'info' }: { children: ReactNode; tone?: 'info' | 'warning' | 'success' }) {
  return (
    <div className={`notice notice-${tone}`} role={tone === 'warning' ? 'alert' : 'status'}>
      {children}
    </div>
  );
}

export function Field({
  label,
  hint,
  children,
  id,
}: {
  label: string;
  hint?: string;
  id: string;
  children: ReactNode;
}) {
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      {children}
      {hint && (
        <small className="hint" id={`${id}-hint`}>
          {hint}
        </small>
      )}
    </div>
  );
}

export function Switch({
  label,
  checked,
  onChange,
  disabled,
  description,
  hideLabel,
}: {
  label: string;
  checked: boolean;
  onChange: (v: boolean) => void;
  disabled?: boolean;
  description?: string;
  /** In a table whose column header already says it: the label is for screen readers only. */
  hideLabel?: boolean;
}) {
  const id = useId();
  return (
    <div className="switch-row">
      <input
        id={id}
        type="checkbox"
        role="switch"
        className="switch"
        checked={checked}
        disabled={disabled}
        aria-checked={checked}
        aria-describedby={description ? `${id}-d` : undefined}
        onChange={(e) => onChange(e.target.checked)}
      />
      <label htmlFor={id} className={hideLabel ? 'visually-hidden' : undefined}>
        {label}
      </label>
      {description && (
        <small className="hint" id={`${id}-d`}>
          {description}
        </small>
      )}
    </div>
  );
}

export function CopyButton({ text, label }: { text: string; label: string }) {
  const [done, setDone] = useState<'copied' | 'failed' | undefined>(undefined);
  useEffect(() => {
    if (!done) return;
    const id = setTimeout(() => setDone(undefined), 2000);
    return () => clearTimeout(id);
  }, [done]);
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(text);
      setDone('copied');
    } catch {
      setDone('failed');
    }
  };
  return (
    <button type="button" className="button button-small" onClick={() => void copy()} aria-label={label}>
      {done === 'copied' ? t('common.copied') : done === 'failed' ? t('common.copyFailed') : t('common.copy')}
    </button>
  );
}

/** A modal confirmation on the native <dialog>: focus is trapped and Escape cancels. */
export function ConfirmDialog({
  open,
  title,
  children,
  confirmLabel,
  danger,
  busy,
  error,
  onConfirm,
  onCancel,
}: {
  open: boolean;
  title: string;
  children: ReactNode;
  confirmLabel: string;
  danger?: boolean;
  busy?: boolean;
  error?: string;
  onConfirm: () => void;
  onCancel: () => void;
}) {
  const ref = useRef<HTMLDialogElement>(null);
  const titleId = useId();
  useEffect(() => {
    const d = ref.current;
    if (!d) return;
    if (open && !d.open) d.showModal();
    if (!open && d.open) d.close();
  }, [open]);
  return (
    <dialog
      ref={ref}
      className="dialog"
      aria-labelledby={titleId}
      onCancel={(e) => {
        e.preventDefault();
        onCancel();
      }}
    >
      <h2 id={titleId}>{title}</h2>
      <div className="dialog-body">{children}</div>
      <ErrorNote error={error} />
      <div className="dialog-actions">
        <button type="button" className="button" onClick={onCancel} disabled={busy}>
          {t('common.cancel')}
        </button>
        <button type="button" className={danger ? 'button button-danger' : 'button button-primary'} onClick={onConfirm} disabled={busy}>
          {confirmLabel}
        </button>
      </div>
    </dialog>
  );
}

export function Avatar({ name, src, size = 40 }: { name: string; src?: string | null; size?: number }) {
  const [broken, setBroken] = useState(false);
  const initials =
    name
      .split(/\s+/)
      .filter(Boolean)
      .slice(0, 2)
      .map((w) => w[0]?.toUpperCase())
      .join('') || '?';
  const cls = `avatar avatar-${size}`;
  if (src && !broken) return <img className={cls} src={src} alt="" onError={() => setBroken(true)} />;
  return (
    <span className={cls} aria-hidden="true">
      {initials}
    </span>
  );
}

/** A modal form on the native <dialog>: Escape or Cancel closes it, Enter submits. */
export function FormDialog({
  open,
  title,
  children,
  submitLabel,
  busy,
  danger,
  wide,
  onSubmit,
  onCancel,
}: {
  open: boolean;
  title: string;
  children: ReactNode;
  submitLabel: string;
  busy?: boolean;
  danger?: boolean;
  wide?: boolean;
  onSubmit: (e: FormEvent) => void;
  onCancel: () => void;
}) {
  const ref = useRef<HTMLDialogElement>(null);
  const titleId = useId();
  useEffect(() => {
    const d = ref.current;
    if (!d) return;
    if (open && !d.open) d.showModal();
    if (!open && d.open) d.close();
  }, [open]);
  return (
    <dialog
      ref={ref}
      className={wide ? 'dialog dialog-wide' : 'dialog'}
      aria-labelledby={titleId}
      onCancel={(e) => {
        e.preventDefault();
        onCancel();
      }}
    >
      {open && (
        <form onSubmit={onSubmit}>
          <h2 id={titleId}>{title}</h2>
          <div className="dialog-body">{children}</div>
          <div className="dialog-actions">
            <button type="button" className="button" onClick={onCancel} disabled={busy}>
              {t('common.cancel')}
            </button>
            <button type="submit" className={danger ? 'button button-danger' : 'button button-primary'} disabled={busy}>
              {submitLabel}
            </button>
          </div>
        </form>
      )}
    </dialog>
  );
}

/** "Used of total" (capacity) as a native <meter> (green, amber near full, red when full) with the numbers beside it. */
export function Meter({ value, max, label }: { value: number; max: number; label: string }) {
  return (
    <span className="meter-wrap">
      <meter min={0} max={Math.max(max, 1)} value={Math.min(value, Math.max(max, 1))} low={max * 0.7} high={max - 0.5} optimum={0} aria-hidden="true" />
      <span className="meter-text">{label}</span>
    </span>
  );
}
