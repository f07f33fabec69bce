/**
 * Wall-clock arithmetic in an IANA time zone with nothing but Intl.DateTimeFormat. Civil dates
 * are 'YYYY-MM-DD' strings (they sort and compare as text); times of day are minutes since
 * midnight. Throws RangeError for an unknown time zone (check with `isValidTimeZone` first).
 */

const DAY_MS = 86_400_000;
const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    formatters.set(timeZone, f);
  }
  return f;
}

export function isValidTimeZone(timeZone: string): boolean {
  try {
    formatter(timeZone);
    return true;
  } catch {
    return false;
  }
}

export interface WallTime {
  /** 'YYYY-MM-DD' in the zone. */
  date: string;
  /** Minutes since local midnight, 0..1439. */
  minute: number;
  second: number;
}

/** Local wall-clock fields as a UTC epoch (ms), i.e. the instant "as if the zone were UTC". */
function wallEpoch(timeZone: string, atMs: number): number {
  const p: Record<string, number> = {};
  for (const part of formatter(timeZone).formatToParts(atMs)) {
    if (part.type !== 'literal') p[part.type] = Number(part.value);
  }
  const hour = (p.hour ?? 0) % 24; // some ICU versions print midnight as 24
  return Date.UTC(p.year ?? 1970, (p.month ?? 1) - 1, p.day ?? 1, hour, p.minute ?? 0, p.second ?? 0);
}

/** The zone's offset from UTC at an instant, in ms (Rome in summer: +7_200_000). */
export function offsetAt(timeZone: string, atMs: number): number {
  const whole = Math.floor(atMs / 1000) * 1000;
  return wallEpoch(timeZone, whole) - whole;
}

export function wallTimeAt(timeZone: string, atMs: number): WallTime {
  const w = wallEpoch(timeZone, atMs);
  const d = new Date(w);
  return { date: d.toISOString().slice(0, 10), minute: d.getUTCHours() * 60 + d.getUTCMinutes(), second: d.getUTCSeconds() };
}

/**
 * Every instant at which the zone's clock reads `date` `minute`:00, earliest first.
 * - Usually one.
 * - Two in a fall-back hour (the time happens twice).
 * - In a spring-forward gap the time never happens: the one instant returned is the transition,
 *   when the clock jumps past it (the first moment the wall clock is at or after that time).
 * Assumes at most one offset change within a day of the time, which holds for real zones.
 */
export function instantsAt(timeZone: string, date: string, minute: number): number[] {
  const wall = Date.parse(`${date}T00:00:00Z`) + minute * 60_000;
  const before = offsetAt(timeZone, wall - DAY_MS);
  const after = offsetAt(timeZone, wall + DAY_MS);
  const found = [...new Set([before, after])]
    .map((o) => wall - o)
    .filter((t) => wallEpoch(timeZone, t) === wall)
    .sort((a, b) => a - b);
  if (found.length > 0) return found;
  // A gap: the transition lies between (wall - after) and (wall - before) — binary search for it.
  let lo = Math.min(wall - before, wall - after);
  let hi = Math.max(wall - before, wall - after);
  while (hi - lo > 1) {
    const mid = Math.floor((lo + hi) / 2);
    if (offsetAt(timeZone, mid) === before) lo = mid;
    else hi = mid;
  }
  return [hi];
}

/** 'YYYY-MM-DD' plus n days (civil calendar, no zone involved). */
export function addDays(date: string, n: number): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + n * DAY_MS).toISOString().slice(0, 10);
}

/** 0 = Sunday … 6 = Saturday, like Date#getDay. */
export function weekdayIndex(date: string): number {
  return new Date(`${date}T00:00:00Z`).getUTCDay();
}

const HHMM = /^([01]\d|2[0-3]):([0-5]\d)$/;

/** 'HH:MM' → minutes; '24:00' is allowed (end of day) only when `endOfDay` is set. NaN if invalid. */
export function parseHhMm(s: string, endOfDay = false): number {
  if (endOfDay && s === '24:00') return 1440;
  const m = HHMM.exec(s);
  return m ? Number(m[1]) * 60 + Number(m[2]) : NaN;
}
