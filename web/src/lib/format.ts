/** Dates and times in the user's locale (Intl.DateTimeFormat), never hand-formatted. */
const locales = (): string[] => [...(navigator.languages ?? [navigator.language])];

const cache = new Map<string, Intl.DateTimeFormat>();
function formatter(opts: Intl.DateTimeFormatOptions): Intl.DateTimeFormat {
  const key = JSON.stringify(opts);
  let f = cache.get(key);
  if (!f) {
    f = new Intl.DateTimeFormat(locales(), opts);
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

/** Time only for today, date and time otherwise. */
export function formatWhen(v: number | string | Date, now = new Date()): string {
  const d = toDate(v);
  return d.toDateString() === now.toDateString() ? formatTime(d) : formatDateTime(d);
}

export function formatBytes(n: number): string {
  const units = ['B', 'kB', 'MB', 'GB'];
  let i = 0;
  let v = n;
  while (v >= 1000 && i < units.length - 1) {
    v /= 1000;
    i++;
  }
  return `${new Intl.NumberFormat(locales(), { maximumFractionDigits: i === 0 ? 0 : 1 }).format(v)} ${units[i]}`;
}
