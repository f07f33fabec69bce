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

  /**
   * The hub has sent (or dropped) its automated messages, so none can arrive later and stand in
   * line before the test's messages: on LINE the greeting waits up to 2 s for the customer's profile.
   */
  async function automatedMessagesDecided(): Promise<void> {
    await t.hub.automatedMessages.settle();
  }

  /** Picks the conversation a customer's first message opened (the newest item in the queue). */
  async function pickNew(agent: ApiClient, queueId: string, known: Set<string>): Promise<string> {
    const conv = await eventually(async () => (await agent.get(`/api/queues/${queueId}/items`)).find((c: any) => !known.has(c.id)), 10_000, 'conversation queued');
    known.add(conv.id);
    await agent.post(`/api/conversations/${conv.id}/pick`);
    return conv.id as string;
  }

  /** `count` LINE customers of one channel, each in a conversation the agent picked. */
  async function lineConversations(count: number) {
    const ch = await setUpLineChannel(t);
    const known = new Set<string>();
    const convs = [];
    for (let i = 0; i < count; i++) {
      const customer = t.line.customer(ch.creds.channelId);
      expect((await customer.sendText('hello?')).status).toBe(200);
      const convId = await pickNew(ch.agent, ch.queueId, known);
      // Spend the free reply token, so what follows goes out as pushes with a retry key.
      await ch.agent.post(`/api/conversations/${convId}/messages`, { kind: 'text', text: 'warm-up' });
      await automatedMessagesDecided();
      await settled(ch.agent, convId);
      convs.push({ customer, convId });
    }
    return { ch, convs };
  }

  async function lineConversation() {
    const { ch, convs } = await lineConversations(1);
    return { ch, ...convs[0]! };
  }

  /** `count` WhatsApp customers of one Twilio number, each in a conversation the agent picked. */
  async function twilioConversations(waNumbers: string[]) {
    const ch = await setUpTwilioChannel(t);
    const known = new Set<string>();
    const convs = [];
    for (const waNumber of waNumbers) {
      const customer = t.twilio.customer(ch.creds.accountSid, ch.number, waNumber, 'Outage');
      expect((await customer.sendText('hello?')).status).toBe(200);
      const convId = await pickNew(ch.agent, ch.queueId, known);
      await automatedMessagesDecided();
      await settled(ch.agent, convId);
      convs.push({ customer, convId, waNumber });
    }
    return { ch, convs };
  }

  async function twilioConversation(waNumber: string) {
    const { ch, convs } = await twilioConversations([waNumber]);
    return { ch, ...convs[0]! };
  }

  it('LINE: 500s, 429 + Retry-After, hangs and lost answers — every message ends sent, in order, and LINE delivers each once', async () => {
    const CONVERSATIONS = 4;
    const PER_CONVERSATION = 2;
    const { ch, convs } = await lineConversations(CONVERSATIONS);
    backoffAsked.length = 0;
    // LINE is down (500) until the first message of every conversation has failed once; then 429s, hangs and lost answers.
    t.line.injectFault({ path: LINE_SEND, status: 500, times: Infinity });

    // Each conversation gets its messages one after another, as an agent types them; the conversations go at once.
    const lines = await Promise.all(
      convs.map(async ({ convId, customer }, c) => {
        const out = [];
        for (let i = 0; i < PER_CONVERSATION; i++) {
          const text = `line outage message ${c}.${i}`;
          // Our own Idempotency-Keys (UUIDs): LINE's X-Line-Retry-Key is the key itself.
          const key = randomUUID();
          const m = await ch.agent.post(`/api/conversations/${convId}/messages`, { kind: 'text', text }, { 'idempotency-key': key });
          expect(m.status).toBe('queued');
          out.push({ id: m.id as string, text, key });
        }
        return { convId, customer, out };
      }),
    );
    await eventually(async () => {
      for (const { convId, out } of lines) {
        const msgs = await ch.agent.get(`/api/conversations/${convId}/messages`);
        if (!/^retrying/.test(msgs.find((m: any) => m.id === out[0]!.id)?.errorMessage ?? '')) return false;
      }
      return true;
    }, 15_000, 'the first message of every conversation failed once');
    // The messages behind them wait their turn: not one call was made for them.
    const calledKeys = new Set(t.line.requests().map((r) => r.headers['x-line-retry-key']));
    for (const { out } of lines) for (const later of out.slice(1)) expect(calledKeys.has(later.key), later.text).toBe(false);

    t.line.clearFaults();
    // About two faults a message: enough for every message to meet some, few enough that no
    // message runs out of attempts (10) however the faults fall between them.
    t.line.injectFault({ path: LINE_SEND, status: 429, retryAfterSec: 1, times: CONVERSATIONS });
    t.line.injectFault({ path: LINE_SEND, status: 503, delayMs: HANG_MS, times: CONVERSATIONS });
    lostAnswers.push('reset', 'reset', 'reset', 'hang', 'hang');

    // The outage lasts until every injected fault has answered; then LINE is healthy again.
    await eventually(async () => (await faultsLeft(t.line.baseUrl)) === 0, 25_000, 'LINE faults used up');
    t.line.clearFaults();

    const all = lines.flatMap((l) => l.out.map((m) => ({ ...m, convId: l.convId })));
    const finals = await Promise.all(all.map((m) => finalStatus(ch.agent, m.convId, m.id, (x) => x.status !== 'queued' && x.status !== 'sending', 'LINE message settled')));
    expect(finals.map((m) => [m.status, m.errorMessage])).toEqual(all.map(() => ['sent', null]));
    for (const m of finals) expect(m.errorCode).toBeNull();
    expect(lostAnswers).toEqual([]);

    // Exactly once and in order: each customer holds each text once, in the order the agent wrote them.
    for (const { customer, out } of lines) {
      const texts = out.map((m) => m.text);
      await eventually(async () => texts.every((text) => customer.inbox().some((r) => (r.message as { text?: string }).text === text)), 10_000, 'all in the inbox');
      const received = customer.inbox().map((r) => (r.message as { text?: string }).text).filter((x) => x !== undefined && texts.includes(x));
      expect(received).toEqual(texts);
    }
    const pushes = t.line.requests().filter((r) => r.channelId === ch.creds.channelId && r.path === PUSH);
    const byKey = new Map<string, number[]>();
    for (const r of pushes) {
      const key = r.headers['x-line-retry-key']!;
      expect(key).toMatch(/^[0-9a-f-]{36}$/);
      byKey.set(key, [...(byKey.get(key) ?? []), r.status]);
    }
    for (const m of all) expect((byKey.get(m.key) ?? []).filter((s) => s === 200), m.text).toHaveLength(1);
    for (const { out } of lines) {
      const head = byKey.get(out[0]!.key) ?? [];
      expect(head.some((s) => s !== 200 && s !== 409), `${out[0]!.text} went through the outage`).toBe(true);
    }
    // Every answer the network lost was retried under the same key, and LINE said "already accepted"
    // (more 409s when a busy machine also made a real answer miss the timeout: the same path).
    expect([...byKey.values()].flat().filter((s) => s === 409).length).toBeGreaterThanOrEqual(5);

    // Retries backed off: attempts were counted up, and no retry after a 429 came before its Retry-After.
    expect(Math.max(...backoffAsked)).toBeGreaterThanOrEqual(3);
    for (const { out } of lines) expect(finals.find((m) => m.id === out[0]!.id).attempts).toBeGreaterThan(1);
    for (const [i, r] of pushes.entries()) {
      if (r.status !== 429) continue;
      const next = pushes.slice(i + 1).find((x) => x.headers['x-line-retry-key'] === r.headers['x-line-retry-key']);
      expect(next, 'a retry after the 429').toBeDefined();
      expect(next!.at - r.at).toBeGreaterThanOrEqual(1000 - 5);
    }
  });

  it('Twilio: 500s, 429 + Retry-After, hangs, failed look-ups and lost create answers — each message created once, in order, then delivered and read', async () => {
    const PER_CONVERSATION = 2;
    const { ch, convs } = await twilioConversations(['+393330000101', '+393330000103', '+393330000104', '+393330000105']);
    backoffAsked.length = 0;
    // About two and a half faults a message: every kind is met, and no message runs out of attempts (10).
    t.twilio.injectFault({ method: 'POST', path: TWILIO_MESSAGES, status: 500, times: convs.length });
    t.twilio.injectFault({ method: 'POST', path: TWILIO_MESSAGES, status: 429, retryAfterSec: 1, times: convs.length });
    t.twilio.injectFault({ method: 'POST', path: TWILIO_MESSAGES, status: 500, delayMs: HANG_MS, times: convs.length });
    // A retry first looks for its earlier attempt; when it cannot look, it must not send.
    t.twilio.injectFault({ method: 'GET', path: TWILIO_MESSAGES, status: 503, times: 3 });
    // Created, but the answer was lost / came too late for the hub.
    t.twilio.injectFault({ method: 'POST', path: TWILIO_MESSAGES, status: 500, afterCreate: true, times: 3 });
    t.twilio.injectFault({ method: 'POST', path: TWILIO_MESSAGES, status: 201, afterCreate: true, delayMs: HANG_MS, times: 3 });

    const lines = await Promise.all(
      convs.map(async ({ convId, customer, waNumber }, c) => {
        const out = [];
        for (let i = 0; i < PER_CONVERSATION; i++) {
          const text = `whatsapp outage message ${c}.${i}`;
          const m = await ch.agent.post(`/api/conversations/${convId}/messages`, { kind: 'text', text });
          out.push({ id: m.id as string, text });
        }
        return { convId, customer, waNumber, out };
      }),
    );

    await eventually(async () => (await faultsLeft(t.twilio.baseUrl)) === 0, 25_000, 'Twilio faults used up');
    t.twilio.clearFaults();

    const all = lines.flatMap((l) => l.out.map((m) => ({ ...m, convId: l.convId })));
    const finals = await Promise.all(all.map((m) => finalStatus(ch.agent, m.convId, m.id, (x) => x.status === 'read' || x.status === 'failed', 'WhatsApp message read')));
    expect(finals.map((m) => m.status)).toEqual(all.map(() => 'read'));

    const created = t.twilio.messagesCreated().filter((m) => m.accountSid === ch.creds.accountSid);
    for (const m of all) {
      const copies = created.filter((x) => x.body === m.text);
      expect(copies, m.text).toHaveLength(1);
      expect(copies[0]!.statusHistory).toEqual(['queued', 'sent', 'delivered', 'read']);
      expect(finals.find((f) => f.id === m.id).providerMessageId).toBe(copies[0]!.sid);
    }
    for (const { customer, out } of lines) {
      const texts = out.map((m) => m.text);
      // Twilio created them in the order the agent wrote them.
      expect(created.filter((x) => x.body !== undefined && texts.includes(x.body)).map((x) => x.body)).toEqual(texts);
      await eventually(async () => texts.every((text) => customer.inbox().some((r) => r.body === text)), 10_000, 'all in the inbox');
      for (const text of texts) expect(customer.inbox().filter((r) => r.body === text), text).toHaveLength(1);
    }
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
