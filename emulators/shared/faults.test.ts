/** The shared fault list, rate limiter, sleep and fault answer, without a socket. */
import Fastify from 'fastify';
import { describe, expect, it } from 'vitest';
import { answerFault, FaultList, RateLimiter, sleep, type FaultSpecBase } from './faults.js';

interface PhasedFault extends FaultSpecBase {
  late?: boolean;
}

describe('FaultList', () => {
  it('refuses a status that is not an HTTP status, naming the emulator', () => {
    const faults = new FaultList('LINE');
    expect(() => faults.add({ path: '/x', status: 99 })).toThrow('LINE emulator: fault status 99 is not an HTTP status');
    expect(() => faults.add({ path: '/x', status: 600 })).toThrow(/not an HTTP status/);
    expect(() => faults.add({ path: '/x', status: 500.5 })).toThrow(/not an HTTP status/);
    expect(faults.list()).toEqual([]);
  });

  it('answers once by default, then nothing', () => {
    const faults = new FaultList('T');
    faults.add({ path: '/a', status: 503 });
    expect(faults.take('GET', '/a')?.status).toBe(503);
    expect(faults.take('GET', '/a')).toBeUndefined();
  });

  it('matches method case-insensitively, exact paths and RegExp paths', () => {
    const faults = new FaultList('T');
    faults.add({ method: 'post', path: '/a', status: 500 });
    faults.add({ path: /^\/b\/\d+$/, status: 404, times: 2 });
    expect(faults.take('GET', '/a')).toBeUndefined();
    expect(faults.take('POST', '/a/')).toBeUndefined();
    expect(faults.take('POST', '/a')?.status).toBe(500);
    expect(faults.take('DELETE', '/b/1')?.status).toBe(404);
    expect(faults.take('GET', '/b/x')).toBeUndefined();
    expect(faults.take('GET', '/b/2')?.status).toBe(404);
    expect(faults.take('GET', '/b/3')).toBeUndefined();
  });

  it('takes the first matching fault in the order added', () => {
    const faults = new FaultList('T');
    faults.add({ path: '/a', status: 500 });
    faults.add({ path: '/a', status: 429 });
    expect([faults.take('GET', '/a')?.status, faults.take('GET', '/a')?.status]).toEqual([500, 429]);
  });

  it('counts down times, lists what remains, and Infinity lasts until clear()', () => {
    const faults = new FaultList('T');
    faults.add({ path: '/a', status: 500, times: 3, retryAfterSec: 2 });
    faults.add({ path: /x/, status: 502, times: Infinity });
    faults.take('GET', '/a');
    expect(faults.list()).toEqual([
      { path: '/a', status: 500, times: 2, retryAfterSec: 2 },
      { path: /x/, status: 502, times: Infinity },
    ]);
    for (let i = 0; i < 50; i += 1) expect(faults.take('GET', '/x')?.status).toBe(502);
    faults.clear();
    expect(faults.take('GET', '/x')).toBeUndefined();
    expect(faults.list()).toEqual([]);
  });

  it('lets an emulator narrow the match with its own fields', () => {
    const faults = new FaultList<PhasedFault>('T');
    faults.add({ path: '/a', status: 500, late: true });
    expect(faults.take('POST', '/a', (f) => f.late !== true)).toBeUndefined();
    expect(faults.take('POST', '/a', (f) => f.late === true)?.status).toBe(500);
    expect(faults.list()).toEqual([]);
  });
});

describe('RateLimiter', () => {
  it('allows perSecond calls per key in each second of the clock', () => {
    let now = 10_000;
    const limiter = new RateLimiter(2, () => now);
    expect([limiter.allow('a'), limiter.allow('a'), limiter.allow('a')]).toEqual([true, true, false]);
    expect(limiter.allow('b')).toBe(true);
    now = 10_999;
    expect(limiter.allow('a')).toBe(false);
    now = 11_000;
    expect(limiter.allow('a')).toBe(true);
  });

  it('allows nothing when the limit is below one', () => {
    const limiter = new RateLimiter(0, () => 0);
    expect([limiter.allow('a'), limiter.allow('a')]).toEqual([false, false]);
  });
});

describe('sleep', () => {
  it('waits, and resolves early when its signal aborts (at once when already aborted)', async () => {
    const t0 = Date.now();
    await sleep(30);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(25);
    const ac = new AbortController();
    const t1 = Date.now();
    const pending = sleep(10_000, ac.signal);
    ac.abort();
    await pending;
    await sleep(10_000, ac.signal);
    expect(Date.now() - t1).toBeLessThan(1000);
  });
});

describe('answerFault', () => {
  const app = Fastify();
  const faults = new FaultList('T');
  app.get('/x', async (_req, reply) => {
    const f = faults.take('GET', '/x');
    return f === undefined ? { ok: true } : answerFault(reply, f, (status) => ({ providerError: status }));
  });

  it('answers the status, the default body for it, and Retry-After when given', async () => {
    faults.add({ path: '/x', status: 429, retryAfterSec: 7 });
    const res = await app.inject({ method: 'GET', url: '/x' });
    expect(res.statusCode).toBe(429);
    expect(res.headers['retry-after']).toBe('7');
    expect(res.json()).toEqual({ providerError: 429 });
  });

  it('answers a given body, without Retry-After when none, after delayMs', async () => {
    faults.add({ path: '/x', status: 500, body: { boom: true }, delayMs: 50 });
    const t0 = Date.now();
    const res = await app.inject({ method: 'GET', url: '/x' });
    expect(Date.now() - t0).toBeGreaterThanOrEqual(45);
    expect(res.statusCode).toBe(500);
    expect(res.headers['retry-after']).toBeUndefined();
    expect(res.json()).toEqual({ boom: true });
    expect((await app.inject({ method: 'GET', url: '/x' })).json()).toEqual({ ok: true });
  });
});
