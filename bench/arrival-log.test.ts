import { describe, expect, it } from 'vitest';
import { ArrivalLog, matchArrivals } from './arrival-log.js';

describe('ArrivalLog', () => {
  it('keeps the first arrival of each message and counts repeats as duplicates', () => {
    const log = new ArrivalLog();
    log.message('a', 10);
    log.message('b', 11);
    log.message('a', 12);
    log.otherEvent();
    expect(log.size).toBe(2);
    expect(log.take()).toEqual({ ids: ['a', 'b'], atMs: [10, 11], duplicates: 1, other: 1 });
    expect(log.take()).toEqual({ ids: [], atMs: [], duplicates: 0, other: 0 });
  });
});

describe('matchArrivals', () => {
  it('times each acknowledged message from its send to its arrival', () => {
    const m = matchArrivals({ ids: ['a', 'b', 'c'], atMs: [100, 200, 300] }, { ids: ['c', 'a', 'b'], atMs: [304, 101, 202], duplicates: 0, other: 0 });
    expect(m.arrived).toBe(3);
    expect(m.missing).toBe(0);
    expect(m.unexpected).toBe(0);
    expect(m.latencyMs).toEqual({ p50: 2, p90: 4, p99: 4, max: 4 });
  });

  it('reports messages that never arrived, and arrivals nobody sent', () => {
    const m = matchArrivals({ ids: ['a', 'b', 'c'], atMs: [0, 0, 0] }, { ids: ['a', 'x'], atMs: [5, 6], duplicates: 0, other: 0 });
    expect(m.arrived).toBe(1);
    expect(m.missing).toBe(2);
    expect(m.missingExamples).toEqual(['b', 'c']);
    expect(m.unexpected).toBe(1);
  });
});
