/**
 * Dates, times, numbers and durations in the user's locale (Intl), never hand-formatted. The
 * locale follows the UI language (currentLocale), so switching language reformats them too.
 */
import { currentLocale } from '../i18n';

const cache = new Map<string, Intl.DateTimeFormat>();
function formatter(opts: Intl.DateTimeFormatOptions): Intl.DateTimeFormat {
  const locale = currentLocale();
  const key = locale + JSON.stringify(opts);
  let f = cache.get(key);
  if (!f) {
    f = new Intl.DateTimeFormat(locale, opts);
    cache.set(key, f);
  }
  return f;
}

function toDate(v: number | string | Date): Date {
  return v instanceof Date ? v : new Date(v);
}

export function formatDateTime(v: number | string | Date): string {
  return formatter({ dateStyle: 'medium', timeStyle: 'short' }).format(toDate(v));
}

export function formatTime(v: number | string | Date): string {
  return formatter({ timeStyle: 'short' }).format(toDate(v));
}

export function formatDate(v: number | string | Date): string {
  return formatter({ dateStyle: 'medium' }).format(toDate(v));
}

/** A weekday's name (0 = Sunday), long form, in the user's locale. */
export function weekdayName(index: number): string {
  // 2023-01-01 was a Sunday.
  return formatter({ weekday: 'long', timeZone: 'UTC' }).format(new Date(Date.UTC(2023, 0, 1 + index)));
}

/** Time only for today, date and time otherwise. */
export function formatWhen(v: number | string | Date, now = new Date()): string {
  const d = toDate(v);
  return d.toDateString() === now.toDateString() ? formatTime(d) : formatDateTime(d);
}

export function formatNumber(n: number, opts?: Intl.NumberFormatOptions): string {
  return new Intl.NumberFormat(currentLocale(), opts).format(n);
}

export function formatBytes(n: number): string {
  const units = ['B', 'kB', 'MB', 'GB'];
  let i = 0;
  let v = n;
  while (v >= 1000 && i < units.length - 1) {
    v /= 1000;
    i++;
  }
  return `${formatNumber(v, { maximumFractionDigits: i === 0 ? 0 : 1 })} ${units[i]}`;
}

/**
 * A duration such as "1 hr, 5 min" or "45 sec", in the user's locale: the two largest non-zero
 * units, each through Intl.NumberFormat's unit style, joined with Intl.ListFormat.
 */
export function formatDuration(ms: number): string {
  const total = Math.max(0, Math.round(ms / 1000));
  const parts: Array<[number, 'day' | 'hour' | 'minute' | 'second']> = [
    [Math.floor(total / 86400), 'day'],
    [Math.floor((total % 86400) / 3600), 'hour'],
    [Math.floor((total % 3600) / 60), 'minute'],
    [total % 60, 'second'],
  ];
  const first = parts.findIndex(([n]) => n > 0);
  if (first < 0) return formatNumber(0, { style: 'unit', unit: 'second', unitDisplay: 'short' });
  const shown = parts.slice(first, first + 2).filter(([n]) => n > 0);
  const words = shown.map(([n, unit]) => formatNumber(n, { style: 'unit', unit, unitDisplay: 'short' }));
  return new Intl.ListFormat(currentLocale(), { style: 'narrow', type: 'unit' }).format(words);
}

/** A countdown such as 1:05 (minutes:seconds), for offers. */
export function formatCountdown(ms: number): string {
  const s = Math.max(0, Math.ceil(ms / 1000));
  const m = Math.floor(s / 60);
  return `${formatNumber(m)}:${String(s % 60).padStart(2, '0')}`;
}
