/** Injected faults answer before authentication with Google's error bodies; close() never hangs. */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startGbmEmulator, type EmulatedGbmCustomer, type GbmEmulator, type ServiceAccountJson } from './index.js';
import { accessToken, AGENT, callApi, exchange, signJwt } from './test-hub.js';

let emu: GbmEmulator;
let sa: ServiceAccountJson;
let token: string;
let alice: EmulatedGbmCustomer;

beforeAll(async () => {
  emu = await startGbmEmulator({ receiptDelaysMs: false });
  sa = emu.addAgent(AGENT).serviceAccount;
  token = await accessToken(sa);
  alice = emu.customer(AGENT.agentId);
});
afterEach(() => emu.clearFaults());
afterAll(() => emu.close());

let n = 0;
const send = () =>
  callApi(emu.baseUrl, 'POST', `/v1/conversations/${alice.conversationId}/messages`, token, { messageId: `f-${(n += 1)}`, representative: { representativeType: 'BOT' }, text: 'x' });

describe('fault injection', () => {
  it('answers 429 RESOURCE_EXHAUSTED with Retry-After, once by default, and delivers nothing', async () => {
    const path = `/v1/conversations/${alice.conversationId}/messages`;
    emu.injectFault({ method: 'POST', path, status: 429, retryAfterSec: 30 });
    const limited = await send();
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toBe('30');
    expect(limited.json).toMatchObject({ error: { code: 429, status: 'RESOURCE_EXHAUSTED', message: expect.stringContaining('Quota exceeded') } });
    expect(alice.inbox()).toHaveLength(0);
    expect((await send()).status).toBe(200);
    expect(emu.requests().slice(-2).map((r) => r.status)).toEqual([429, 200]);
  });

  it('honours times, RegExp paths, custom bodies and the method, before the token check', async () => {
    emu.injectFault({ path: /\/messages$/, status: 503, times: 2 });
    emu.injectFault({ method: 'GET', path: /\/events$/, status: 418 });
    expect((await send()).json).toEqual({ error: { code: 503, message: 'The service is currently unavailable.', status: 'UNAVAILABLE' } });
    const noToken = await callApi(emu.baseUrl, 'POST', `/v1/conversations/${alice.conversationId}/messages`, undefined, {});
    expect(noToken.status).toBe(503);
    expect((await send()).status).toBe(200);
    const ev = await callApi(emu.baseUrl, 'POST', `/v1/conversations/${alice.conversationId}/events?eventId=e1`, token, { eventType: 'TYPING_STARTED', representative: { representativeType: 'BOT' } });
    expect(ev.status).toBe(200);
    emu.injectFault({ path: /\/messages$/, status: 500, body: { error: { code: 500, message: 'boom', status: 'INTERNAL' } } });
    expect((await send()).json).toEqual({ error: { code: 500, message: 'boom', status: 'INTERNAL' } });
  });

  it('can make the token endpoint fail', async () => {
    emu.injectFault({ path: '/token', status: 503 });
    expect((await exchange(emu.tokenUrl, signJwt(sa))).status).toBe(503);
    expect((await exchange(emu.tokenUrl, signJwt(sa))).status).toBe(200);
  });

  it('hangs for delayMs, and close() still resolves at once', async () => {
    const other = await startGbmEmulator();
    const otherSa = other.addAgent(AGENT).serviceAccount;
    const otherToken = await accessToken(otherSa);
    const c = other.customer(AGENT.agentId);
    const path = `/v1/conversations/${c.conversationId}/messages`;
    other.injectFault({ path, status: 504, delayMs: 300 });
    const started = Date.now();
    const slow = await callApi(other.baseUrl, 'POST', path, otherToken, {});
    expect(slow.status).toBe(504);
    expect(slow.json).toMatchObject({ error: { status: 'DEADLINE_EXCEEDED' } });
    expect(Date.now() - started).toBeGreaterThanOrEqual(280);
    other.injectFault({ path, status: 504, delayMs: 20_000 });
    const hanging = callApi(other.baseUrl, 'POST', path, otherToken, {}).catch((e: unknown) => e);
    await new Promise((r) => setTimeout(r, 100));
    const t0 = Date.now();
    await other.close();
    expect(Date.now() - t0).toBeLessThan(2000);
    expect(await hanging).toBeInstanceOf(Error);
  });
});
