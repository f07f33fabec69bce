/** Injected faults answer before normal handling; the rate limit answers 429 like LINE. */
import { HTTPFetchError, messagingApi } from '@line/bot-sdk';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startLineEmulator, type LineEmulator } from './index.js';
import { CHANNEL } from './test-hub.js';

let emu: LineEmulator;
let client: messagingApi.MessagingApiClient;
let to: string;

beforeAll(async () => {
  emu = await startLineEmulator();
  emu.addChannel(CHANNEL);
  client = new messagingApi.MessagingApiClient({ channelAccessToken: CHANNEL.channelAccessToken, baseURL: emu.baseUrl });
  to = emu.customer(CHANNEL.channelId).userId;
});
afterEach(() => emu.clearFaults());
afterAll(() => emu.close());

const pushText = (text: string) => client.pushMessage({ to, messages: [{ type: 'text', text }] });
const failure = (p: Promise<unknown>) => p.then(() => undefined, (e: unknown) => (e instanceof HTTPFetchError ? e : undefined));

describe('fault injection', () => {
  it('answers the injected status, body and Retry-After, once by default, and delivers nothing', async () => {
    const c = emu.customer(CHANNEL.channelId, to);
    const before = c.inbox().length;
    emu.injectFault({ method: 'POST', path: '/v2/bot/message/push', status: 429, retryAfterSec: 7 });
    const err = await failure(pushText('a'));
    expect(err?.status).toBe(429);
    expect(err?.headers.get('retry-after')).toBe('7');
    expect(JSON.parse(err?.body ?? '{}')).toEqual({ message: 'The API rate limit has been exceeded. Try again later.' });
    expect(c.inbox()).toHaveLength(before);
    await pushText('b');
    expect(c.inbox()).toHaveLength(before + 1);
    expect(emu.requests().slice(-2).map((r) => r.status)).toEqual([429, 200]);
  });

  it('honours times, method, RegExp paths and a custom body', async () => {
    emu.injectFault({ path: /^\/v2\/bot\/profile\//, status: 500, body: { message: 'boom' }, times: 2 });
    emu.injectFault({ method: 'GET', path: '/v2/bot/message/push', status: 418 });
    expect((await failure(client.getProfile(to)))?.body).toBe('{"message":"boom"}');
    expect((await failure(client.getProfile(to)))?.status).toBe(500);
    expect(await client.getProfile(to)).toMatchObject({ userId: to });
    await pushText('the GET-only fault does not match a POST');
  });

  it('hangs for delayMs before answering', async () => {
    emu.injectFault({ path: '/v2/bot/info', status: 503, delayMs: 300 });
    const t0 = Date.now();
    expect((await failure(client.getBotInfo()))?.status).toBe(503);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(280);
  });

  it('takes priority over authentication', async () => {
    emu.injectFault({ path: '/v2/bot/info', status: 500 });
    const res = await fetch(`${emu.baseUrl}/v2/bot/info`);
    expect(res.status).toBe(500);
  });
});

describe('rate limit', () => {
  it('answers 429 beyond the per-channel limit within one second of the clock', async () => {
    let clock = 5_000_000;
    const limited = await startLineEmulator({ rateLimitPerSecond: 3, now: () => clock });
    try {
      limited.addChannel(CHANNEL);
      const get = () => fetch(`${limited.baseUrl}/v2/bot/info`, { headers: { authorization: `Bearer ${CHANNEL.channelAccessToken}` } });
      const statuses: number[] = [];
      for (let i = 0; i < 5; i += 1) statuses.push((await get()).status);
      expect(statuses).toEqual([200, 200, 200, 429, 429]);
      expect(await (await get()).json()).toEqual({ message: 'The API rate limit has been exceeded. Try again later.' });
      clock += 1000;
      expect((await get()).status).toBe(200);
    } finally {
      await limited.close();
    }
  });
});
