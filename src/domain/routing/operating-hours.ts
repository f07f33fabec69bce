/**
 * Operating hours: a weekly calendar of wall-clock ranges in an IANA time zone, plus holidays.
 *
 * - Ranges are wall-clock times, so they follow DST: "09:00–17:30" is 09:00 local on every day,
 *   whatever the UTC offset. On a spring-forward day a range inside the skipped hour never opens;
 *   on a fall-back day a time in the repeated hour is inside a range both times it happens.
 * - A range is [from, to): open at `from`, closed at `to`. `to` may be '24:00'.
 * - `to` ≤ `from` is an overnight range: 22:00–02:00 on Friday is open Friday 22:00 to Saturday
 *   02:00; `from` = `to` is a 24-hour span starting at `from`.
 * - A holiday closes its whole local calendar day(s) (admins read "closed on 25 December"
 *   literally): an overnight range from the day before stops at midnight, and an overnight range
 *   that starts on a holiday does not run at all, after-midnight part included.
 * - `nextOpenAt` is the first instant after `atMs` that is open, searched up to `horizonDays`
 *   ahead (default 400, enough to cross a year of holidays); absent if none is found.
 */
import { z } from 'zod';
import { addDays, instantsAt, isValidTimeZone, parseHhMm, wallTimeAt, weekdayIndex } from './time-zone.js';

/** In Date#getDay order: index 0 is Sunday. */
export const WEEKDAYS = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'] as const;
export type Weekday = (typeof WEEKDAYS)[number];

export interface TimeRange {
  /** 'HH:MM', 00:00..23:59. */
  from: string;
  /** 'HH:MM' or '24:00'; ≤ from means the range ends the next day. */
  to: string;
}

/** A single day or an inclusive range of days, as local dates 'YYYY-MM-DD'. */
export type Holiday = { date: string; name: string } | { from: string; to: string; name: string };

export interface OperatingHours {
  timeZone: string;
  /** Missing or empty day: closed all day. */
  week: Partial<Record<Weekday, TimeRange[]>>;
  holidays?: Holiday[];
}

export interface OpenState {
  open: boolean;
  reason: 'open' | 'closed' | 'holiday';
  /** The holiday's name when reason is 'holiday'. */
  holiday?: string;
  /** When closed: the next instant (epoch ms) it opens, if within the search horizon. */
  nextOpenAt?: number;
}

export function isOpen(hours: OperatingHours, atMs: number, opts: { horizonDays?: number } = {}): OpenState {
  const now = stateAt(hours, atMs);
  if (now.open) return { open: true, reason: 'open' };
  const base: OpenState = now.holiday !== undefined ? { open: false, reason: 'holiday', holiday: now.holiday } : { open: false, reason: 'closed' };
  const next = nextOpen(hours, atMs, opts.horizonDays ?? 400);
  return next === undefined ? base : { ...base, nextOpenAt: next };
}

function stateAt(hours: OperatingHours, atMs: number): { open: boolean; holiday?: string } {
  const { date, minute } = wallTimeAt(hours.timeZone, atMs);
  const holiday = holidayOn(hours, date);
  if (holiday !== undefined) return { open: false, holiday };
  for (const r of rangesOn(hours, date)) {
    const from = parseHhMm(r.from);
    const to = parseHhMm(r.to, true);
    if (to > from ? minute >= from && minute < to : minute >= from) return { open: true };
  }
  const yesterday = addDays(date, -1);
  if (holidayOn(hours, yesterday) !== undefined) return { open: false };
  for (const r of rangesOn(hours, yesterday)) {
    const from = parseHhMm(r.from);
    const to = parseHhMm(r.to, true);
    if (to <= from && minute < to) return { open: true };
  }
  return { open: false };
}

function rangesOn(hours: OperatingHours, date: string): TimeRange[] {
  return hours.week[WEEKDAYS[weekdayIndex(date)] ?? 'sun'] ?? [];
}

/** The name of the holiday covering a local date, if any (the first listed wins). */
export function holidayOn(hours: OperatingHours, date: string): string | undefined {
  for (const h of hours.holidays ?? []) {
    if ('date' in h ? h.date === date : h.from <= date && date <= h.to) return h.name;
  }
  return undefined;
}

/**
 * Opening only ever happens at a range's start (in a DST gap: when the clock jumps past it; in a
 * repeated hour: at either occurrence), so those are the only instants checked, day by day. The
 * check itself is `stateAt`, which keeps the search consistent with `isOpen`.
 */
function nextOpen(hours: OperatingHours, atMs: number, horizonDays: number): number | undefined {
  const hasRanges = Object.values(hours.week).some((rs) => (rs?.length ?? 0) > 0);
  if (!hasRanges) return undefined;
  const today = wallTimeAt(hours.timeZone, atMs).date;
  for (let i = 0; i <= horizonDays; i++) {
    const date = addDays(today, i);
    if (holidayOn(hours, date) !== undefined) continue;
    const minutes = new Set(rangesOn(hours, date).map((r) => parseHhMm(r.from)).filter((m) => !Number.isNaN(m)));
    const candidates = [...minutes]
      .flatMap((m) => instantsAt(hours.timeZone, date, m))
      .filter((t) => t > atMs)
      .sort((a, b) => a - b);
    for (const t of candidates) if (stateAt(hours, t).open) return t;
  }
  return undefined;
}

// ── schema (for the API) ───────────────────────────────────────────────────────────────────────

const hhmm = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, "'HH:MM', 00:00 to 23:59");
const localDate = z.iso.date();

export const timeRangeSchema = z.strictObject({
  from: hhmm,
  to: z.union([hhmm, z.literal('24:00')]),
});

export const holidaySchema = z.union([
  z.strictObject({ date: localDate, name: z.string().trim().min(1).max(200) }),
  z
    .strictObject({ from: localDate, to: localDate, name: z.string().trim().min(1).max(200) })
    .refine((h) => h.from <= h.to, { message: 'from must not be after to', path: ['to'] }),
]);

export const operatingHoursSchema = z.strictObject({
  timeZone: z.string().min(1).max(100).refine(isValidTimeZone, 'an IANA time zone such as Europe/Rome'),
  week: z.strictObject(Object.fromEntries(WEEKDAYS.map((d) => [d, z.array(timeRangeSchema).max(24).optional()])) as Record<Weekday, z.ZodOptional<z.ZodArray<typeof timeRangeSchema>>>),
  holidays: z.array(holidaySchema).max(1000).optional(),
});
