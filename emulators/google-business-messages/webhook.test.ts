/**
 * Webhooks to the business: the verification handshake, customer payloads shaped exactly like the
 * vendored examples, X-Goog-Signature on each, redelivery, and the device's receipts.
 */
import { readFileSync } from 'node:fs';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { gbmProtocolPath } from './discovery.js';
import { gbmSignature, startGbmEmulator, type GbmEmulator } from './index.js';
import { accessToken, AGENT, callApi, startTestHub, type ReceivedWebhook, type TestHub } from './test-hub.js';

type Json = Record<string, unknown>;
const example = (name: string): Json => JSON.parse(readFileSync(gbmProtocolPath(`bm-test-framework-payloads/${name}`), 'utf8')) as Json;

/** The key structure of a payload, in order: nested objects and first array items included, values left out. */
function keys(v: unknown): unknown {
  if (Array.isArray(v)) return [keys(v[0])];
  if (typeof v !== 'object' || v === null) return null;
  return Object.entries(v).map(([k, x]) => [k, keys(x)]);
}

const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$/;
let emu: GbmEmulator;
let hub: TestHub;
let token: string;

beforeAll(async () => {
  emu = await startGbmEmulator({ webhookRetryDelayMs: 10, receiptDelaysMs: { delivered: 10, read: 30 } });
  hub = await startTestHub();
  token = await accessToken(emu.addAgent(AGENT).serviceAccount);
  expect((await emu.setWebhook(AGENT.agentId, hub.url)).verified).toBe(true);
});
afterEach(() => {
  hub.respondWith([]);
  hub.handshake('echo');
});
afterAll(async () => {
  await emu.close();
  await hub.close();
});

/** Receipt webhooks for a conversation, waiting until `count` arrived (the device sends them later). */
async function receiptsFor(conversationId: string, count: number): Promise<ReceivedWebhook[]> {
  const mine = (): ReceivedWebhook[] => hub.received.filter((w) => w.json['receipts'] !== undefined && w.json['conversationId'] === conversationId);
  const until = Date.now() + 3000;
  while (mine().length < count && Date.now() < until) await new Promise((r) => setTimeout(r, 5));
  return mine();
}

function expectSigned(w: ReceivedWebhook | undefined): void {
  expect(w).toBeDefined();
  expect(w?.headers['x-goog-signature']).toBe(gbmSignature(AGENT.clientToken, w?.raw ?? Buffer.alloc(0)));
  expect(w?.headers['content-type']).toBe('application/json');
}

describe('webhook verification handshake', () => {
  it('posts {clientToken, secret} unsigned and is verified when the secret comes back', async () => {
    const before = hub.handshakes.length;
    const r = await emu.setWebhook(AGENT.agentId, hub.url);
    expect(r).toEqual({ verified: true, status: 200, body: expect.stringMatching(/^\d{19}$/) });
    const h = hub.handshakes[before];
    expect(Object.keys(h?.json ?? {})).toEqual(['clientToken', 'secret']);
    expect(h?.json).toEqual({ clientToken: AGENT.clientToken, secret: r.body });
    expect(h?.headers['x-goog-signature']).toBeUndefined();
  });

  it('is not verified, and keeps the old URL, when the receiver answers something else', async () => {
    const other = await startTestHub();
    try {
      other.handshake({ status: 200, body: 'OK' });
      expect(await emu.setWebhook(AGENT.agentId, other.url)).toEqual({ verified: false, status: 200, body: 'OK' });
      other.handshake({ status: 403, body: '' });
      expect(await emu.setWebhook(AGENT.agentId, other.url)).toEqual({ verified: false, status: 403, body: '' });
      expect(await emu.setWebhook(AGENT.agentId, 'http://127.0.0.1:1/nothing')).toMatchObject({ verified: false, status: 0 });
      await emu.customer(AGENT.agentId).sendText('where does this go?');
      expect(other.received).toHaveLength(0);
      expect(hub.received.at(-1)?.json['message']).toMatchObject({ text: 'where does this go?' });
    } finally {
      await other.close();
    }
  });
});

describe('customer webhooks', () => {
  it('sends text, suggestion taps, typing and live-agent requests shaped like the examples, each signed', async () => {
    const c = emu.customer(AGENT.agentId, { displayName: 'Alice', locale: 'en-GB' });
    // The business offers a reply and an action, so the taps can be typed.
    const offered = await callApi(emu.baseUrl, 'POST', `/v1/conversations/${c.conversationId}/messages`, token, {
      messageId: 'offer-1',
      representative: { representativeType: 'BOT' },
      text: 'Pick one',
      suggestions: [{ reply: { text: 'Yes', postbackData: 'yes' } }, { action: { text: 'Call us', postbackData: 'call', dialAction: { phoneNumber: '+1-201-555-0123' } } }],
    });
    expect(offered.status).toBe(200);
    await c.waitForInbox(1);

    const start = hub.received.length;
    const text = await c.sendText('Do you ship = fast & cheap?');
    const reply = await c.sendSuggestionResponse('yes', 'Yes');
    const action = await c.sendSuggestionResponse('call', 'Call us');
    const typing = await c.typing(true);
    const live = await c.requestLiveAgent();
    for (const d of [text, reply, action, typing, live]) expect(d).toMatchObject({ status: 200, attempts: 1 });
    const sent = hub.received.slice(start).filter((w) => w.json['receipts'] === undefined);
    expect(sent).toHaveLength(5);
    sent.forEach(expectSigned);
    const [t, r, a, ty, la] = sent.map((w) => w.json);

    expect(keys(t)).toEqual(keys(example('text-message.json')));
    expect(t).toMatchObject({
      agent: `brands/${AGENT.brandId}/agents/${AGENT.agentId}`,
      conversationId: c.conversationId,
      customAgentId: AGENT.agentId,
      requestId: text.requestId,
      message: { messageId: text.messageId, name: `conversations/${c.conversationId}/messages/${text.messageId}`, text: 'Do you ship = fast & cheap?' },
      context: { entryPoint: 'PLACESHEET', placeId: expect.stringMatching(/^ChIJ/), resolvedLocale: 'en', userInfo: { displayName: 'Alice', userDeviceLocale: 'en-GB' } },
    });
    expect(sent[0]?.raw.toString('utf8')).toContain('ship \\u003d fast \\u0026 cheap');
    expect((t?.['message'] as Json)['createTime']).toMatch(RFC3339);
    expect(t?.['sendTime']).toMatch(RFC3339);

    expect(keys(r)).toEqual(keys(example('suggestion-message.json')));
    expect(r?.['suggestionResponse']).toMatchObject({ postbackData: 'yes', text: 'Yes', suggestionType: 'REPLY', message: `conversations/${c.conversationId}/messages/${reply.messageId}` });
    expect(a?.['suggestionResponse']).toMatchObject({ postbackData: 'call', suggestionType: 'ACTION' });

    const statusExample = example('event-receive.json');
    for (const s of [ty, la]) {
      expect(Object.keys(s ?? {})).toEqual(Object.keys(statusExample));
      expect(Object.keys(statusExample['userStatus'] as Json)).toEqual(expect.arrayContaining(Object.keys((s?.['userStatus'] as Json) ?? {})));
    }
    expect(ty?.['userStatus']).toEqual({ isTyping: true, createTime: expect.stringMatching(RFC3339) });
    expect(la?.['userStatus']).toEqual({ requestedLiveAgent: true, createTime: expect.stringMatching(RFC3339) });
    expect(new Set(sent.map((w) => w.json['requestId'])).size).toBe(5);
    expect(c.sent().map((s) => s.kind)).toEqual(['text', 'suggestionResponse', 'suggestionResponse']);
    expect(await receiptsFor(c.conversationId, 2)).toHaveLength(2); // settled before the next test
  });

  it('omits placeId for an entry point that is not a place', async () => {
    const d = await emu.customer(AGENT.agentId, { entryPoint: 'BRANDED_WEBSITE', locale: 'fr-FR' }).sendText('bonjour');
    expect(d.payload['context']).toEqual({
      entryPoint: 'BRANDED_WEBSITE',
      resolvedLocale: 'en',
      userInfo: { displayName: expect.any(String), userDeviceLocale: 'fr-FR' },
    });
  });

  it('redelivers the same bytes, so the same requestId, after a 5xx or a lost connection', async () => {
    hub.respondWith([500, 503]);
    const start = hub.received.length;
    const d = await emu.customer(AGENT.agentId).sendText('are you there?');
    expect(d).toMatchObject({ status: 200, attempts: 3 });
    const tries = hub.received.slice(start);
    expect(tries).toHaveLength(3);
    expect(new Set(tries.map((w) => w.raw.toString('base64'))).size).toBe(1);
    expect(tries[0]?.json['requestId']).toBe(d.requestId);

    hub.respondWith([500, 500, 500]);
    expect(await emu.customer(AGENT.agentId).sendText('x')).toMatchObject({ status: 500, attempts: 3 });
    const down = await startGbmEmulator({ webhookRetryDelayMs: 1 });
    try {
      down.addAgent({ ...AGENT, webhookUrl: 'http://127.0.0.1:1/down' });
      const lost = await down.customer(AGENT.agentId).sendText('x');
      expect(lost).toMatchObject({ status: 0, attempts: 3 });
      expect(lost.error).toBeTypeOf('string');
      down.addAgent({ ...AGENT, agentId: 'no-hook' });
      expect(await down.customer('no-hook').sendText('x')).toMatchObject({ status: 0, attempts: 0, error: 'no webhook URL is set for this agent' });
    } finally {
      await down.close();
    }
  });
});

describe('receipts from the device', () => {
  it('sends DELIVERED then READ for each business message, signed, shaped like the examples', async () => {
    const c = emu.customer(AGENT.agentId);
    const r = await callApi(emu.baseUrl, 'POST', `/v1/conversations/${c.conversationId}/messages`, token, {
      messageId: 'biz-1',
      representative: { representativeType: 'HUMAN', displayName: 'Sam' },
      text: 'Your order shipped',
    });
    expect(r.status).toBe(200);
    const [delivered, read] = await receiptsFor(c.conversationId, 2);
    expectSigned(delivered);
    expectSigned(read);
    expect(keys(delivered?.json)).toEqual(keys(example('user-receipt.json')));
    expect(keys(read?.json)).toEqual(keys(example('read-receipt.json')));
    const name = `conversations/${c.conversationId}/messages/biz-1`;
    expect(delivered?.json['receipts']).toEqual({ receipts: [{ message: name, receiptType: 'DELIVERED' }], createTime: expect.stringMatching(RFC3339) });
    expect(read?.json['receipts']).toEqual({ receipts: [{ message: name, receiptType: 'READ' }], createTime: expect.stringMatching(RFC3339) });
    expect(delivered?.json).not.toHaveProperty('requestId');
    expect(c.inbox()[0]?.receiptsSent).toEqual(['DELIVERED', 'READ']);
  });

  it('can be turned off, and the customer can read a message by hand', async () => {
    const quiet = await startGbmEmulator({ receiptDelaysMs: { delivered: false, read: false } });
    const other = await startTestHub();
    try {
      const sa = quiet.addAgent({ ...AGENT, webhookUrl: other.url }).serviceAccount;
      const c = quiet.customer(AGENT.agentId);
      const t = await accessToken(sa);
      expect((await callApi(quiet.baseUrl, 'POST', `/v1/conversations/${c.conversationId}/messages`, t, { messageId: 'q1', representative: { representativeType: 'BOT' }, text: 'hi' })).status).toBe(200);
      await new Promise((r) => setTimeout(r, 100));
      expect(other.received).toHaveLength(0);
      const d = await c.read('q1');
      expect(d.status).toBe(200);
      expect(other.received.map((w) => (w.json['receipts'] as { receipts: Array<{ receiptType: string }> }).receipts[0]?.receiptType)).toEqual(['READ']);
      await expect(c.read('never-sent')).rejects.toThrow(/no business message never-sent/);
    } finally {
      await quiet.close();
      await other.close();
    }
  });
});
