import { describe, expect, it } from 'vitest';
import { isOpen, operatingHoursSchema, type OpenState, type OperatingHours, type TimeRange } from './operating-hours.js';
import { addDays, instantsAt, offsetAt, wallTimeAt, weekdayIndex } from './time-zone.js';

/** '2026-01-14T07:59' read as UTC. */
const utc = (s: string): number => Date.parse(`${s}:00Z`);
const everyDay = (ranges: TimeRange[]) => ({ mon: ranges, tue: ranges, wed: ranges, thu: ranges, fri: ranges, sat: ranges, sun: ranges });

type Row = [string, string, Partial<OpenState> & { open: boolean }];

function table(hours: OperatingHours, rows: Row[]): void {
  it.each(rows)('%s (%s UTC)', (_name, at, want) => {
    const r = isOpen(hours, utc(at));
    const expected: OpenState = {
      open: want.open,
      reason: want.reason ?? (want.open ? 'open' : 'closed'),
      ...(want.holiday !== undefined && { holiday: want.holiday }),
      ...(want.nextOpenAt !== undefined && { nextOpenAt: want.nextOpenAt }),
    };
    expect(r).toEqual(expected);
  });
}

describe('weekly calendar with holidays (Europe/Rome)', () => {
  const office = [{ from: '09:00', to: '13:00' }, { from: '14:00', to: '17:30' }];
  const hours: OperatingHours = {
    timeZone: 'Europe/Rome',
    week: { mon: office, tue: office, wed: office, thu: office, fri: office, sat: [{ from: '10:00', to: '13:00' }] },
    holidays: [
      { date: '2026-12-25', name: 'Christmas' },
      { from: '2026-08-10', to: '2026-08-16', name: 'Summer' },
    ],
  };
  // January: UTC+1. August: UTC+2.
  table(hours, [
    ['Wednesday 08:59 local, before opening', '2026-01-14T07:59', { open: false, nextOpenAt: utc('2026-01-14T08:00') }],
    ['Wednesday 09:00 local, opening minute', '2026-01-14T08:00', { open: true }],
    ['Wednesday 12:59 local', '2026-01-14T11:59', { open: true }],
    ['Wednesday 13:00 local, lunch break', '2026-01-14T12:00', { open: false, nextOpenAt: utc('2026-01-14T13:00') }],
    ['Wednesday 17:29 local', '2026-01-14T16:29', { open: true }],
    ['Wednesday 17:30 local, closing is exclusive', '2026-01-14T16:30', { open: false, nextOpenAt: utc('2026-01-15T08:00') }],
    ['Friday evening → Saturday 10:00', '2026-01-16T17:00', { open: false, nextOpenAt: utc('2026-01-17T09:00') }],
    ['Saturday 13:00 → Monday 09:00', '2026-01-17T12:00', { open: false, nextOpenAt: utc('2026-01-19T08:00') }],
    ['Sunday (no ranges) → Monday', '2026-01-18T11:00', { open: false, nextOpenAt: utc('2026-01-19T08:00') }],
    ['Sunday 23:30 UTC is already Monday 00:30 local', '2026-01-18T23:30', { open: false, nextOpenAt: utc('2026-01-19T08:00') }],
    ['Christmas during office hours', '2026-12-25T09:00', { open: false, reason: 'holiday', holiday: 'Christmas', nextOpenAt: utc('2026-12-26T09:00') }],
    ['Christmas Eve evening skips Christmas', '2026-12-24T17:00', { open: false, nextOpenAt: utc('2026-12-26T09:00') }],
    ['Christmas 00:30 local is 23:30 UTC the day before', '2026-12-24T23:30', { open: false, reason: 'holiday', holiday: 'Christmas', nextOpenAt: utc('2026-12-26T09:00') }],
    ['first day of a holiday range', '2026-08-10T08:00', { open: false, reason: 'holiday', holiday: 'Summer', nextOpenAt: utc('2026-08-17T07:00') }],
    ['last day of a holiday range (inclusive)', '2026-08-16T10:00', { open: false, reason: 'holiday', holiday: 'Summer', nextOpenAt: utc('2026-08-17T07:00') }],
    ['day after the range, summer time', '2026-08-17T07:00', { open: true }],
    ['Sunday before the range skips the whole week', '2026-08-09T10:00', { open: false, nextOpenAt: utc('2026-08-17T07:00') }],
  ]);
});

describe('DST: Europe/Rome spring forward, Sunday 2026-03-29 02:00 → 03:00', () => {
  describe('09:00–17:30 every day follows the wall clock', () => {
    table({ timeZone: 'Europe/Rome', week: everyDay([{ from: '09:00', to: '17:30' }]) }, [
      ['Saturday 09:00 CET = 08:00 UTC', '2026-03-28T08:00', { open: true }],
      ['Saturday 08:59 CET', '2026-03-28T07:59', { open: false, nextOpenAt: utc('2026-03-28T08:00') }],
      ['Saturday 17:30 CET → Sunday 09:00 CEST = 07:00 UTC', '2026-03-28T16:30', { open: false, nextOpenAt: utc('2026-03-29T07:00') }],
      ['Sunday 08:59 CEST', '2026-03-29T06:59', { open: false, nextOpenAt: utc('2026-03-29T07:00') }],
      ['Sunday 09:00 CEST = 07:00 UTC', '2026-03-29T07:00', { open: true }],
      ['Sunday 17:29 CEST', '2026-03-29T15:29', { open: true }],
      ['Sunday 17:30 CEST', '2026-03-29T15:30', { open: false, nextOpenAt: utc('2026-03-30T07:00') }],
    ]);
  });
  describe('a range starting inside the skipped hour opens when the clock jumps', () => {
    table({ timeZone: 'Europe/Rome', week: { sun: [{ from: '02:15', to: '05:00' }] } }, [
      ['01:30 CET → opens at 03:00 CEST = 01:00 UTC', '2026-03-29T00:30', { open: false, nextOpenAt: utc('2026-03-29T01:00') }],
      ['03:00 CEST', '2026-03-29T01:00', { open: true }],
      ['04:59 CEST', '2026-03-29T02:59', { open: true }],
      ['05:00 CEST → next Sunday 02:15 CEST', '2026-03-29T03:00', { open: false, nextOpenAt: utc('2026-04-05T00:15') }],
    ]);
  });
  describe('a range entirely inside the skipped hour does not happen that day', () => {
    table({ timeZone: 'Europe/Rome', week: { sun: [{ from: '02:00', to: '02:30' }] } }, [
      ['Saturday → the Sunday after', '2026-03-28T12:00', { open: false, nextOpenAt: utc('2026-04-05T00:00') }],
      ['the jump itself', '2026-03-29T01:00', { open: false, nextOpenAt: utc('2026-04-05T00:00') }],
      ['the previous Sunday, CET', '2026-03-22T01:10', { open: true }],
    ]);
  });
});

describe('DST: America/New_York fall back, Sunday 2026-11-01 02:00 EDT → 01:00 EST', () => {
  describe('09:00–17:00 every day follows the wall clock', () => {
    table({ timeZone: 'America/New_York', week: everyDay([{ from: '09:00', to: '17:00' }]) }, [
      ['Saturday 09:00 EDT = 13:00 UTC', '2026-10-31T13:00', { open: true }],
      ['Saturday 08:59 EDT', '2026-10-31T12:59', { open: false, nextOpenAt: utc('2026-10-31T13:00') }],
      ['Saturday 17:00 EDT → Sunday 09:00 EST = 14:00 UTC', '2026-10-31T21:00', { open: false, nextOpenAt: utc('2026-11-01T14:00') }],
      ['Sunday 08:30 EST', '2026-11-01T13:30', { open: false, nextOpenAt: utc('2026-11-01T14:00') }],
      ['Sunday 09:00 EST', '2026-11-01T14:00', { open: true }],
      ['Sunday 16:59 EST', '2026-11-01T21:59', { open: true }],
      ['Sunday 17:00 EST', '2026-11-01T22:00', { open: false, nextOpenAt: utc('2026-11-02T14:00') }],
    ]);
  });
  describe('a range in the repeated hour is open both times it happens', () => {
    table({ timeZone: 'America/New_York', week: { sun: [{ from: '01:00', to: '01:30' }] } }, [
      ['00:59 EDT', '2026-11-01T04:59', { open: false, nextOpenAt: utc('2026-11-01T05:00') }],
      ['01:15 EDT (first time)', '2026-11-01T05:15', { open: true }],
      ['01:45 EDT → 01:00 EST (second time)', '2026-11-01T05:45', { open: false, nextOpenAt: utc('2026-11-01T06:00') }],
      ['01:15 EST (second time)', '2026-11-01T06:15', { open: true }],
      ['01:30 EST → next Sunday', '2026-11-01T06:30', { open: false, nextOpenAt: utc('2026-11-08T06:00') }],
    ]);
  });
});

describe('overnight ranges (Europe/Rome, January = UTC+1)', () => {
  describe('Friday 22:00–02:00', () => {
    table({ timeZone: 'Europe/Rome', week: { fri: [{ from: '22:00', to: '02:00' }] } }, [
      ['Friday 21:59', '2026-01-16T20:59', { open: false, nextOpenAt: utc('2026-01-16T21:00') }],
      ['Friday 22:00', '2026-01-16T21:00', { open: true }],
      ['Friday 23:59', '2026-01-16T22:59', { open: true }],
      ['Saturday 00:00', '2026-01-16T23:00', { open: true }],
      ['Saturday 01:59', '2026-01-17T00:59', { open: true }],
      ['Saturday 02:00', '2026-01-17T01:00', { open: false, nextOpenAt: utc('2026-01-23T21:00') }],
      ['Thursday 23:00 (no Thursday range spills)', '2026-01-15T22:00', { open: false, nextOpenAt: utc('2026-01-16T21:00') }],
    ]);
  });
  describe('a holiday on the next day cuts the range at midnight', () => {
    table({ timeZone: 'Europe/Rome', week: { fri: [{ from: '22:00', to: '02:00' }] }, holidays: [{ date: '2026-01-17', name: 'Saturday off' }] }, [
      ['Friday 23:30', '2026-01-16T22:30', { open: true }],
      ['Saturday 00:30', '2026-01-16T23:30', { open: false, reason: 'holiday', holiday: 'Saturday off', nextOpenAt: utc('2026-01-23T21:00') }],
    ]);
  });
  describe('a range starting on a holiday does not run, after midnight included', () => {
    table({ timeZone: 'Europe/Rome', week: { fri: [{ from: '22:00', to: '02:00' }] }, holidays: [{ date: '2026-01-16', name: 'Friday off' }] }, [
      ['Friday 22:30', '2026-01-16T21:30', { open: false, reason: 'holiday', holiday: 'Friday off', nextOpenAt: utc('2026-01-23T21:00') }],
      ['Saturday 01:00', '2026-01-17T00:00', { open: false, nextOpenAt: utc('2026-01-23T21:00') }],
    ]);
  });
  describe("'24:00' and 24-hour ranges", () => {
    table({ timeZone: 'Europe/Rome', week: { mon: [{ from: '20:00', to: '24:00' }], wed: [{ from: '00:00', to: '00:00' }] } }, [
      ['Monday 23:59', '2026-01-19T22:59', { open: true }],
      ['Tuesday 00:00', '2026-01-19T23:00', { open: false, nextOpenAt: utc('2026-01-20T23:00') }],
      ['Wednesday 00:00', '2026-01-20T23:00', { open: true }],
      ['Wednesday 23:59', '2026-01-21T22:59', { open: true }],
      ['Thursday 00:00', '2026-01-21T23:00', { open: false, nextOpenAt: utc('2026-01-26T19:00') }],
    ]);
  });
});

describe('never open', () => {
  it('an empty week is closed with no next opening', () => {
    expect(isOpen({ timeZone: 'Asia/Tokyo', week: {} }, utc('2026-01-14T00:00'))).toEqual({ open: false, reason: 'closed' });
    expect(isOpen({ timeZone: 'Asia/Tokyo', week: { mon: [] } }, utc('2026-01-14T00:00'))).toEqual({ open: false, reason: 'closed' });
  });
  it('a holiday longer than the search horizon has no next opening', () => {
    const hours: OperatingHours = { timeZone: 'UTC', week: everyDay([{ from: '09:00', to: '17:00' }]), holidays: [{ from: '2026-01-01', to: '2027-12-31', name: 'Closed' }] };
    expect(isOpen(hours, utc('2026-06-01T10:00'))).toEqual({ open: false, reason: 'holiday', holiday: 'Closed' });
    expect(isOpen(hours, utc('2026-06-01T10:00'), { horizonDays: 800 }).nextOpenAt).toBe(utc('2028-01-01T09:00'));
  });
});

describe('time-zone helpers', () => {
  it.each([
    ['Europe/Rome', '2026-01-14T12:00', 3_600_000],
    ['Europe/Rome', '2026-07-14T12:00', 7_200_000],
    ['America/New_York', '2026-11-01T05:59', -4 * 3_600_000],
    ['America/New_York', '2026-11-01T06:00', -5 * 3_600_000],
    ['Asia/Kolkata', '2026-01-01T00:00', 5.5 * 3_600_000],
    ['UTC', '2026-01-01T00:00', 0],
  ])('offsetAt(%s, %s) = %d', (tz, at, off) => {
    expect(offsetAt(tz, utc(at))).toBe(off);
  });
  it.each([
    ['Europe/Rome', '2026-03-29', 9 * 60, [utc('2026-03-29T07:00')]],
    ['Europe/Rome', '2026-03-29', 2 * 60 + 30, [utc('2026-03-29T01:00')]],
    ['America/New_York', '2026-11-01', 90, [utc('2026-11-01T05:30'), utc('2026-11-01T06:30')]],
    ['America/New_York', '2026-03-08', 2 * 60 + 10, [utc('2026-03-08T07:00')]],
  ])('instantsAt(%s, %s, %d)', (tz, date, minute, want) => {
    expect(instantsAt(tz, date, minute)).toEqual(want);
  });
  it('wallTimeAt, addDays, weekdayIndex', () => {
    expect(wallTimeAt('Europe/Rome', utc('2026-12-31T23:30'))).toEqual({ date: '2027-01-01', minute: 30, second: 0 });
    expect(addDays('2026-02-28', 1)).toBe('2026-03-01');
    expect(addDays('2026-01-01', -1)).toBe('2025-12-31');
    expect(weekdayIndex('2026-03-29')).toBe(0);
  });
});

describe('operatingHoursSchema', () => {
  it('accepts the documented example', () => {
    const ok = operatingHoursSchema.safeParse({
      timeZone: 'Europe/Rome',
      week: { mon: [{ from: '09:00', to: '17:30' }], fri: [{ from: '22:00', to: '02:00' }], sat: [{ from: '20:00', to: '24:00' }] },
      holidays: [{ date: '2026-12-25', name: 'Christmas' }, { from: '2026-08-10', to: '2026-08-16', name: 'Summer' }],
    });
    expect(ok.success).toBe(true);
  });
  it.each([
    ['unknown time zone', { timeZone: 'Mars/Olympus', week: {} }],
    ['unknown weekday', { timeZone: 'UTC', week: { monday: [] } }],
    ['bad time', { timeZone: 'UTC', week: { mon: [{ from: '9:00', to: '17:00' }] } }],
    ['24:00 as a start', { timeZone: 'UTC', week: { mon: [{ from: '24:00', to: '02:00' }] } }],
    ['minute 60', { timeZone: 'UTC', week: { mon: [{ from: '09:60', to: '10:00' }] } }],
    ['bad holiday date', { timeZone: 'UTC', week: {}, holidays: [{ date: '2026-13-01', name: 'x' }] }],
    ['reversed holiday range', { timeZone: 'UTC', week: {}, holidays: [{ from: '2026-08-16', to: '2026-08-10', name: 'x' }] }],
    ['holiday without a name', { timeZone: 'UTC', week: {}, holidays: [{ date: '2026-12-25' }] }],
  ])('refuses %s', (_n, h) => {
    expect(operatingHoursSchema.safeParse(h).success).toBe(false);
  });
});
