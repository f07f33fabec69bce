/**
 * Provider outages: the LINE and Twilio emulators answer 500s, 429s with Retry-After and hang
 * past the hub's provider timeout while agents send; some calls go through but their answer is
 * lost. Once the provider is back, every message ends `sent` (Twilio: then delivered and read)
 * and the provider delivered each exactly once — LINE through the X-Line-Retry-Key, Twilio by
 * reconciling a create whose answer was lost. Messages the provider refuses for good end
 * `failed` with the provider's reason.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, type ApiClient } from '../support/api-client.js';
import { startFailureHub } from '../support/failure-hub.js';
import { setUpLineChannel, setUpTwilioChannel, type TestHub } from '../support/hub.js';

const PROVIDER_TIMEOUT_MS = 500;
/** Longer than the provider timeout: the hub gives up on the call first. */
const HANG_MS = 2000;
const PUSH = '/v2/bot/message/push';
const LINE_SEND = /^\/v2\/bot\/message\/(push|reply)$/;
const TWILIO_MESSAGES = /\/Messages\.json$/;

/** Attempt numbers the job runner asked the backoff for (1 = the first try failed). */
const backoffAsked: number[] = [];
/** Fast enough for a test, still doubling: 100, 200, 400, 800, 1000, 1000 … ms. */
function testBackoff(attempt: number): number {
  backoffAsked.push(attempt);
  return Math.min(1000, 100 * 2 ** (attempt - 1));
}

/**
 * The network between the hub and LINE: each queued mode applies to the next push LINE accepted —
 * 'reset' drops the answer (connection reset after LINE handled the call), 'hang' never answers
 * until the hub's own timeout fires. Either way LINE has the message and the hub does not know.
 */
const lostAnswers: Array<'reset' | 'hang'> = [];
const lossyFetch: typeof fetch = async (input, init) => {
  const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
  const res = await fetch(input, init);
  if (!url.endsWith(PUSH) || !res.ok || lostAnswers.length === 0) return res;
  const mode = lostAnswers.shift()!;
  await res.arrayBuffer();
  if (mode === 'reset') throw new TypeError('fetch failed', { cause: Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }) });
  const signal = init?.signal;
  if (!signal) throw new Error('the hub called LINE without a timeout signal');
  return new Promise<Response>((_, reject) => {
    if (signal.aborted) reject(signal.reason);
    else signal.addEventListener('abort', () => reject(signal.reason), { once: true });
  });
};

async function messageOf(agent: ApiClient, convId: string, id: string): Promise<any> {
  return (await agent.get(`/api/conversations/${convId}/messages`)).find((m: any) => m.id === id);
}

async function finalStatus(agent: ApiClient, convId: string, id: string, want: (m: any) => boolean, what: string): Promise<any> {
  return eventually(async () => {
    const m = await messageOf(agent, convId, id);
    return want(m) && m;
  }, 25_000, what);
}

/** Nothing outbound in flight: the hub's own messages (greeting, agent joined…) have gone out too. */
async function settled(agent: ApiClient, convId: string): Promise<void> {
  await eventually(async () => {
    const msgs = await agent.get(`/api/conversations/${convId}/messages`);
    return msgs.every((m: any) => m.direction !== 'out' || (m.status !== 'queued' && m.status !== 'sending'));
  }, 15_000, 'outbound messages settled');
}

async function faultsLeft(baseUrl: string): Promise<number> {
  const res = await fetch(`${baseUrl}/_emulator/faults`);
  return ((await res.json()) as unknown[]).length;
}

describe('provider outages', () => {
  let t: TestHub;

  beforeAll(async () => {
    t = await startFailureHub('sqlite', {
      hub: { providerTimeoutMs: PROVIDER_TIMEOUT_MS, retryBackoffMs: testBackoff, fetch: lossyFetch },
      line: { rateLimitPerSecond: 10_000 },
      twilio: { rateLimitPerSecond: 10_000 },
    });
  });
  afterAll(async () => {
    await t?.close();
  });

  async function lineConversation() {
    const ch = await setUpLineChannel(t);
    const customer = t.line.customer(ch.creds.channelId);
    expect((await customer.sendText('hello?')).status).toBe(200);
    const conv = await eventually(async () => (await ch.agent.get(`/api/queues/${ch.queueId}/items`))[0], 10_000, 'conversation queued');
    await ch.agent.post(`/api/conversations/${conv.id}/pick`);
    // Spend the free reply token, so what follows goes out as pushes with a retry key.
    await ch.agent.post(`/api/conversations/${conv.id}/messages`, { kind: 'text', text: 'warm-up' });
    await settled(ch.agent, conv.id);
    return { ch, customer, convId: conv.id as string };
  }

  async function twilioConversation(waNumber: string) {
    const ch = await setUpTwilioChannel(t);
    const customer = t.twilio.customer(ch.creds.accountSid, ch.number, waNumber, 'Outage');
    expect((await customer.sendText('hello?')).status).toBe(200);
    const conv = await eventually(async () => (await ch.agent.get(`/api/queues/${ch.queueId}/items`))[0], 10_000, 'conversation queued');
    await ch.agent.post(`/api/conversations/${conv.id}/pick`);
    await settled(ch.agent, conv.id);
    return { ch, customer, convId: conv.id as string };
  }

  it('LINE: 500s, 429 + Retry-After, hangs and lost answers — every message ends sent and LINE delivers each once', async () => {
    const { ch, customer, convId } = await lineConversation();
    const N = 8;
    backoffAsked.length = 0;
    // LINE is down (500) until every message has failed once; then 429s, hangs and lost answers.
    t.line.injectFault({ path: LINE_SEND, status: 500, times: Infinity });

    const texts = Array.from({ length: N }, (_, i) => `line outage message ${i}`);
    // Our own Idempotency-Keys (UUIDs): LINE's X-Line-Retry-Key is the key itself.
    const keys = texts.map(() => randomUUID());
    const sent = await Promise.all(
      texts.map((text, i) => ch.agent.post(`/api/conversations/${convId}/messages`, { kind: 'text', text }, { 'idempotency-key': keys[i]! })),
    );
    for (const m of sent) expect(m.status).toBe('queued');
    await eventually(async () => {
      const msgs = await ch.agent.get(`/api/conversations/${convId}/messages`);
      return sent.every((s) => /^retrying/.test(msgs.find((m: any) => m.id === s.id)?.errorMessage ?? ''));
    }, 15_000, 'every message failed once');
    t.line.clearFaults();
    t.line.injectFault({ path: LINE_SEND, status: 429, retryAfterSec: 1, times: N });
    t.line.injectFault({ path: LINE_SEND, status: 503, delayMs: HANG_MS, times: N });
    lostAnswers.push('reset', 'reset', 'reset', 'hang', 'hang');

    // The outage lasts until every injected fault has answered; then LINE is healthy again.
    await eventually(async () => (await faultsLeft(t.line.baseUrl)) === 0, 25_000, 'LINE faults used up');
    t.line.clearFaults();

    const finals = await Promise.all(sent.map((m) => finalStatus(ch.agent, convId, m.id, (x) => x.status !== 'queued' && x.status !== 'sending', 'LINE message settled')));
    expect(finals.map((m) => m.status)).toEqual(texts.map(() => 'sent'));
    for (const m of finals) expect(m.errorCode).toBeNull();
    expect(lostAnswers).toEqual([]);

    // Exactly once: the customer holds each text once, and LINE accepted one push per retry key.
    await eventually(async () => texts.every((text) => customer.inbox().some((r) => (r.message as { text?: string }).text === text)), 10_000, 'all in the inbox');
    const inbox = customer.inbox();
    for (const text of texts) expect(inbox.filter((r) => (r.message as { text?: string }).text === text), text).toHaveLength(1);
    const pushes = t.line.requests().filter((r) => r.channelId === ch.creds.channelId && r.path === PUSH);
    const byKey = new Map<string, number[]>();
    for (const r of pushes) {
      const key = r.headers['x-line-retry-key']!;
      expect(key).toMatch(/^[0-9a-f-]{36}$/);
      byKey.set(key, [...(byKey.get(key) ?? []), r.status]);
    }
    for (const key of keys) {
      const statuses = byKey.get(key) ?? [];
      expect(statuses.filter((s) => s === 200), key).toHaveLength(1);
      expect(statuses.some((s) => s !== 200 && s !== 409), `${key} went through the outage`).toBe(true);
    }
    // Every answer the network lost was retried under the same key, and LINE said "already accepted"
    // (more 409s when a busy machine also made a real answer miss the timeout: the same path).
    expect([...byKey.values()].flat().filter((s) => s === 409).length).toBeGreaterThanOrEqual(5);

    // Retries backed off: attempts were counted up, and no retry after a 429 came before its Retry-After.
    expect(Math.max(...backoffAsked)).toBeGreaterThanOrEqual(3);
    for (const m of finals) expect(m.attempts).toBeGreaterThan(1);
    const calls = t.line.requests().filter((r) => r.channelId === ch.creds.channelId && r.path === PUSH);
    for (const [i, r] of calls.entries()) {
      if (r.status !== 429) continue;
      const next = calls.slice(i + 1).find((x) => x.headers['x-line-retry-key'] === r.headers['x-line-retry-key']);
      expect(next, 'a retry after the 429').toBeDefined();
      expect(next!.at - r.at).toBeGreaterThanOrEqual(1000 - 5);
    }
  });

  it('Twilio: 500s, 429 + Retry-After, hangs, failed look-ups and lost create answers — each message created once, then delivered and read', async () => {
    const { ch, customer, convId } = await twilioConversation('+393330000101');
    const N = 8;
    backoffAsked.length = 0;
    t.twilio.injectFault({ method: 'POST', path: TWILIO_MESSAGES, status: 500, times: N });
    t.twilio.injectFault({ method: 'POST', path: TWILIO_MESSAGES, status: 429, retryAfterSec: 1, times: N });
    t.twilio.injectFault({ method: 'POST', path: TWILIO_MESSAGES, status: 500, delayMs: HANG_MS, times: N });
    // A retry first looks for its earlier attempt; when it cannot look, it must not send.
    t.twilio.injectFault({ method: 'GET', path: TWILIO_MESSAGES, status: 503, times: 3 });
    // Created, but the answer was lost / came too late for the hub.
    t.twilio.injectFault({ method: 'POST', path: TWILIO_MESSAGES, status: 500, afterCreate: true, times: 3 });
    t.twilio.injectFault({ method: 'POST', path: TWILIO_MESSAGES, status: 201, afterCreate: true, delayMs: HANG_MS, times: 3 });

    const texts = Array.from({ length: N }, (_, i) => `whatsapp outage message ${i}`);
    const sent = await Promise.all(texts.map((text) => ch.agent.post(`/api/conversations/${convId}/messages`, { kind: 'text', text })));

    await eventually(async () => (await faultsLeft(t.twilio.baseUrl)) === 0, 25_000, 'Twilio faults used up');
    t.twilio.clearFaults();

    const finals = await Promise.all(sent.map((m) => finalStatus(ch.agent, convId, m.id, (x) => x.status === 'read' || x.status === 'failed', 'WhatsApp message read')));
    expect(finals.map((m) => m.status)).toEqual(texts.map(() => 'read'));

    const created = t.twilio.messagesCreated().filter((m) => m.accountSid === ch.creds.accountSid);
    for (const text of texts) {
      const copies = created.filter((m) => m.body === text);
      expect(copies, text).toHaveLength(1);
      expect(copies[0]!.statusHistory).toEqual(['queued', 'sent', 'delivered', 'read']);
      expect(finals.find((m) => m.content.text === text).providerMessageId).toBe(copies[0]!.sid);
    }
    const inbox = await customer.waitForInbox(N);
    for (const text of texts) expect(inbox.filter((r) => r.body === text), text).toHaveLength(1);
    expect(Math.max(...backoffAsked)).toBeGreaterThanOrEqual(3);
  });

  it('messages the provider refuses for good end failed with the provider’s reason (LINE 400, Twilio 21211, an outage that never ends)', async () => {
    const line = await lineConversation();
    // Until cleared, so that the hub's own messages cannot use the fault up before ours.
    t.line.injectFault({
      path: PUSH,
      status: 400,
      times: Infinity,
      body: { message: 'The request body has 1 error(s)', details: [{ message: 'May not be empty', property: 'messages[0].text' }] },
    });
    const refused = await line.ch.agent.post(`/api/conversations/${line.convId}/messages`, { kind: 'text', text: 'refused by LINE' });
    const lineFailed = await finalStatus(line.ch.agent, line.convId, refused.id, (x) => x.status === 'failed', 'LINE refusal recorded');
    t.line.clearFaults();
    expect(lineFailed.errorCode).toBe('400');
    expect(lineFailed.errorMessage).toMatch(/May not be empty/);
    expect(lineFailed.attempts).toBe(1);

    const wa = await twilioConversation('+393330000102');
    t.twilio.injectFault({
      method: 'POST',
      path: TWILIO_MESSAGES,
      status: 400,
      times: Infinity,
      body: { code: 21211, message: "The 'To' number whatsapp:+393330000102 is not a valid phone number.", more_info: 'https://www.twilio.com/docs/errors/21211', status: 400 },
    });
    const bad = await wa.ch.agent.post(`/api/conversations/${wa.convId}/messages`, { kind: 'text', text: 'refused by Twilio' });
    const twFailed = await finalStatus(wa.ch.agent, wa.convId, bad.id, (x) => x.status === 'failed', 'Twilio refusal recorded');
    t.twilio.clearFaults();
    expect(twFailed.errorCode).toBe('21211');
    expect(twFailed.errorMessage).toMatch(/not a valid phone number/);
    expect(t.twilio.messagesCreated().filter((m) => m.body === 'refused by Twilio')).toHaveLength(0);

    // LINE down for longer than the hub keeps trying: the message fails, saying why and after how many tries.
    t.line.injectFault({ path: PUSH, status: 503, times: Infinity });
    const doomed = await line.ch.agent.post(`/api/conversations/${line.convId}/messages`, { kind: 'text', text: 'never goes through' });
    const gaveUp = await finalStatus(line.ch.agent, line.convId, doomed.id, (x) => x.status === 'failed', 'gave up');
    t.line.clearFaults();
    expect(gaveUp.errorCode).toBe('503');
    expect(gaveUp.errorMessage).toMatch(/^gave up after 10 attempts: LINE server error/);
    expect(line.customer.inbox().filter((r) => (r.message as { text?: string }).text === 'never goes through')).toHaveLength(0);
  });
});
