/** Injected faults (before or after the work), the per-account rate limit, and closing under load. */
import twilio from 'twilio';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startTwilioEmulator, type TwilioEmulator } from './index.js';
import { ACCOUNT, basic, BUSINESS } from './test-hub.js';

let emu: TwilioEmulator;
let client: twilio.Twilio;
const CUSTOMER = '+15551230077';
const MESSAGES = `/2010-04-01/Accounts/${ACCOUNT.accountSid}/Messages.json`;

beforeAll(async () => {
  emu = await startTwilioEmulator({ statusDelaysMs: { sent: 1, delivered: 2, read: 3 } });
  emu.addAccount(ACCOUNT);
  emu.addNumber({ accountSid: ACCOUNT.accountSid, number: BUSINESS });
  client = twilio(ACCOUNT.accountSid, ACCOUNT.authToken);
  client.api.baseUrl = emu.baseUrl;
  await emu.customer(ACCOUNT.accountSid, BUSINESS, CUSTOMER).sendText('hi');
});
afterEach(() => emu.clearFaults());
afterAll(() => emu.close());

const sendText = (body: string) => client.messages.create({ from: `whatsapp:${BUSINESS}`, to: `whatsapp:${CUSTOMER}`, body });
const failure = (p: Promise<unknown>) => p.then(() => undefined, (e: unknown) => e as { status?: number; code?: number; message?: string });

describe('fault injection', () => {
  it('answers the injected status and Retry-After, once by default, and sends nothing', async () => {
    const before = emu.messagesCreated().length;
    emu.injectFault({ method: 'POST', path: MESSAGES, status: 429, retryAfterSec: 7 });
    const res = await fetch(`${emu.baseUrl}${MESSAGES}`, {
      method: 'POST',
      headers: { authorization: basic(ACCOUNT.accountSid, ACCOUNT.authToken), 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ From: `whatsapp:${BUSINESS}`, To: `whatsapp:${CUSTOMER}`, Body: 'a' }),
    });
    expect(res.status).toBe(429);
    expect(res.headers.get('retry-after')).toBe('7');
    expect(await res.json()).toEqual({ code: 20429, message: 'Too Many Requests', more_info: 'https://www.twilio.com/docs/errors/20429', status: 429 });
    expect(emu.messagesCreated()).toHaveLength(before);
    await sendText('b');
    expect(emu.messagesCreated()).toHaveLength(before + 1);
    expect(emu.requests().slice(-2).map((r) => r.status)).toEqual([429, 201]);
  });

  it('honours times, method, RegExp paths and a custom body; runs before authentication', async () => {
    emu.injectFault({ path: /\/Messages\/SM[0-9a-f]+\.json$/, status: 503, body: { code: 20503, message: 'Service Unavailable' }, times: 2 });
    emu.injectFault({ method: 'GET', path: MESSAGES, status: 418 });
    const sid = (await sendText('c')).sid; // the GET-only fault does not match a POST
    expect(await failure(client.messages(sid).fetch())).toMatchObject({ status: 503, code: 20503, message: 'Service Unavailable' });
    expect((await fetch(`${emu.baseUrl}/2010-04-01/Accounts/${ACCOUNT.accountSid}/Messages/${sid}.json`)).status).toBe(503);
    expect((await client.messages(sid).fetch()).sid).toBe(sid);
  });

  it('afterCreate: the message is created and sent, the caller sees the fault, the list shows the message', async () => {
    emu.injectFault({ method: 'POST', path: MESSAGES, status: 500, afterCreate: true });
    const err = await failure(sendText('accepted, answer lost'));
    expect(err).toMatchObject({ status: 500, code: 20500 });
    const created = emu.messagesCreated().at(-1);
    expect(created).toMatchObject({ body: 'accepted, answer lost' });
    expect(emu.requests().at(-1)).toMatchObject({ method: 'POST', path: MESSAGES, status: 500 });

    const listed = await client.messages.list({ to: `whatsapp:${CUSTOMER}`, limit: 5 });
    expect(listed[0]).toMatchObject({ sid: created?.sid, body: 'accepted, answer lost' });
    const customer = emu.customer(ACCOUNT.accountSid, BUSINESS, CUSTOMER);
    await customer.waitForInbox(customer.inbox().length + (customer.inbox().some((m) => m.sid === created?.sid) ? 0 : 1));
    expect(customer.inbox().some((m) => m.sid === created?.sid)).toBe(true);
  });

  it('afterCreate with a 2xx and no body keeps the real answer, only late', async () => {
    emu.injectFault({ method: 'POST', path: MESSAGES, status: 201, afterCreate: true, delayMs: 200 });
    const t0 = Date.now();
    const sent = await sendText('slow answer');
    expect(Date.now() - t0).toBeGreaterThanOrEqual(180);
    expect(sent).toMatchObject({ status: 'queued', body: 'slow answer', sid: emu.messagesCreated().at(-1)?.sid });
  });

  it('hangs for delayMs before answering', async () => {
    emu.injectFault({ method: 'GET', path: MESSAGES, status: 502, delayMs: 300 });
    const t0 = Date.now();
    expect(await failure(client.messages.list({ limit: 1 }))).toMatchObject({ status: 502 });
    expect(Date.now() - t0).toBeGreaterThanOrEqual(280);
  });
});

describe('rate limit', () => {
  it('answers 429 code 20429 with Retry-After beyond the per-account limit within one second of the clock', async () => {
    let clock = 9_000_000;
    const limited = await startTwilioEmulator({ rateLimitPerSecond: 3, now: () => clock });
    try {
      limited.addAccount(ACCOUNT);
      const get = () => fetch(`${limited.baseUrl}${MESSAGES}`, { headers: { authorization: basic(ACCOUNT.accountSid, ACCOUNT.authToken) } });
      const statuses: number[] = [];
      for (let i = 0; i < 5; i += 1) statuses.push((await get()).status);
      expect(statuses).toEqual([200, 200, 200, 429, 429]);
      const res = await get();
      expect(res.headers.get('retry-after')).toBe('1');
      expect(await res.json()).toMatchObject({ code: 20429, status: 429 });
      clock += 1000;
      expect((await get()).status).toBe(200);
    } finally {
      await limited.close();
    }
  });
});

describe('close()', () => {
  it('resolves promptly with a delayed fault in flight and callbacks pending', async () => {
    const e = await startTwilioEmulator({ statusDelaysMs: { sent: 5_000, delivered: 10_000, read: 15_000 } });
    e.addAccount(ACCOUNT);
    e.addNumber({ accountSid: ACCOUNT.accountSid, number: BUSINESS, statusCallbackUrl: 'http://127.0.0.1:1/status' });
    await e.customer(ACCOUNT.accountSid, BUSINESS, CUSTOMER).sendText('hi');
    const c = twilio(ACCOUNT.accountSid, ACCOUNT.authToken);
    c.api.baseUrl = e.baseUrl;
    await c.messages.create({ from: `whatsapp:${BUSINESS}`, to: `whatsapp:${CUSTOMER}`, body: 'slow lifecycle' });
    e.injectFault({ method: 'GET', path: MESSAGES, status: 500, delayMs: 60_000 });
    const hanging = c.messages.list({ limit: 1 }).then(
      () => 'answered',
      () => 'dropped',
    );
    await new Promise((r) => setTimeout(r, 50));
    const t0 = Date.now();
    await e.close();
    expect(Date.now() - t0).toBeLessThan(2_000);
    expect(await hanging).toBe('dropped');
  });
});
