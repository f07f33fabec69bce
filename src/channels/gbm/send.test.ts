/**
 * The Business Messages client against the emulator (emulators/google-business-messages): a real
 * socket, the real OAuth service-account flow, Google's validation rules and error bodies, and
 * the customer's side (inbox, events, receipts, signed image URLs) through a webhook sink that
 * runs the adapter's handshake, verify and parse like the hub does.
 */
import { randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGbmEmulator, type GbmEmulator, type ServiceAccountJson } from '../../../emulators/google-business-messages/index.js';
import type { ChannelClient, InboundEvent, OutboundMessage, RawWebhook } from '../adapter.js';
import type { MessageContent } from '../../domain/message.js';
import { gbmAdapter, type GbmCredentials } from './index.js';
import { createGbmClient } from './send.js';
import { createTokenCache } from './token.js';
import { captionMessageId } from './render.js';

/** A 1×1 PNG. */
const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==', 'base64');

interface Sink {
  url: string;
  server: Server;
  events: InboundEvent[];
  refused: number;
  handshakes: number;
  /** Resolves with the first event matching `match` (already received or arriving within 5 s). */
  waitFor(match: (e: InboundEvent) => boolean): Promise<InboundEvent>;
}

/** The hub's side of the webhook: handshake, then signature, then parse. */
async function startWebhookSink(credentials: () => GbmCredentials): Promise<Sink> {
  const waiters = new Set<() => void>();
  const sink: Sink = {
    url: '',
    server: createServer(),
    events: [],
    refused: 0,
    handshakes: 0,
    waitFor(match) {
      return new Promise((resolve, reject) => {
        const check = (): void => {
          const hit = sink.events.find(match);
          if (!hit) return;
          clearTimeout(timer);
          waiters.delete(check);
          resolve(hit);
        };
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(new Error('no matching webhook event within 5 s'));
        }, 5000);
        waiters.add(check);
        check();
      });
    },
  };
  sink.server.on('request', (req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const headers: Record<string, string | undefined> = {};
      for (const [k, v] of Object.entries(req.headers)) headers[k.toLowerCase()] = Array.isArray(v) ? v.join(',') : v;
      const raw: RawWebhook = { url: sink.url, headers, body: Buffer.concat(chunks) };
      const creds = credentials();
      const handshake = gbmAdapter.handshake?.(raw, creds);
      if (handshake?.handled) {
        sink.handshakes++;
        res.writeHead(handshake.ack.status, handshake.ack.contentType ? { 'content-type': handshake.ack.contentType } : {});
        res.end(handshake.ack.body ?? '');
        return;
      }
      const verdict = gbmAdapter.verify(raw, creds);
      if (!verdict.ok) {
        sink.refused++;
        res.writeHead(verdict.status).end();
        return;
      }
      sink.events.push(...gbmAdapter.parse(raw));
      res.writeHead(200).end();
      for (const w of [...waiters]) w();
    });
  });
  await listen(sink.server);
  sink.url = `${urlOf(sink.server)}/webhooks/gbm/acc_1`;
  return sink;
}

function listen(server: Server): Promise<void> {
  return new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
}
function urlOf(server: Server): string {
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}
async function stop(server: Server | undefined): Promise<void> {
  if (!server) return;
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
}

let emulator: GbmEmulator;
let sink: Sink;
/** Serves the hub's media: /media/{blobId}.png as image/png, anything else 404. */
let mediaServer: Server;
let creds: GbmCredentials;
let client: ChannelClient;
let baseUrls: Record<string, string>;

const AGENT = { agentId: 'agent-1', brandId: 'brand-1', partnerId: 'partner-1', clientToken: 'SJENCPGJESMGUFPY' };
const ada = { type: 'human', displayName: 'Ada', avatarUrl: undefined } as const;
const text = (t: string): MessageContent => ({ kind: 'text', text: t });

function credentialsFor(a: typeof AGENT, serviceAccount: ServiceAccountJson): GbmCredentials {
  return gbmAdapter.credentialsSchema.parse({ ...a, serviceAccount: JSON.stringify(serviceAccount) });
}

function outbound(recipient: string, content: MessageContent, extra: Partial<OutboundMessage> = {}): OutboundMessage {
  return {
    idempotencyKey: randomUUID(),
    recipient,
    content,
    mediaUrl: (blobId) => `${urlOf(mediaServer)}/media/${blobId}.png`,
    ...extra,
  };
}

const tokenCalls = (): number => emulator.requests().filter((r) => r.path === '/token').length;
const messagesPath = (conversationId: string): string => `/v1/conversations/${conversationId}/messages`;

beforeAll(async () => {
  mediaServer = createServer((req, res) => {
    if (req.url?.startsWith('/media/') && req.url.endsWith('.png')) {
      res.writeHead(200, { 'content-type': 'image/png', 'content-length': PNG.length }).end(PNG);
    } else {
      res.writeHead(404).end();
    }
  });
  await listen(mediaServer);
  emulator = await startGbmEmulator({ webhookRetryDelayMs: 10 });
  const { serviceAccount } = emulator.addAgent(AGENT);
  creds = credentialsFor(AGENT, serviceAccount);
  sink = await startWebhookSink(() => creds);
  baseUrls = { gbmApi: emulator.baseUrl, googleTokenUrl: emulator.tokenUrl };
  client = gbmAdapter.createClient(creds, { baseUrls });
});

afterAll(async () => {
  await emulator?.close();
  await stop(sink?.server);
  await stop(mediaServer);
});

describe('webhook verification (emulator)', () => {
  it("answers Google's handshake, so the emulator takes the webhook URL", async () => {
    const result = await emulator.setWebhook(AGENT.agentId, sink.url);
    expect(result).toMatchObject({ verified: true, status: 200 });
    expect(sink.handshakes).toBe(1);
  });

  it('refuses the handshake of an agent with another client token', async () => {
    emulator.addAgent({ ...AGENT, agentId: 'agent-other-token', clientToken: 'SOMEONEELSESTOKEN' });
    const result = await emulator.setWebhook('agent-other-token', sink.url);
    expect(result).toMatchObject({ verified: false, status: 403 });
  });
});

describe('Business Messages send (emulator)', () => {
  it('gets a token once and reuses it: one /token call for two sends', async () => {
    const agent = { ...AGENT, agentId: 'agent-token', partnerId: 'partner-token' };
    const own = credentialsFor(agent, emulator.addAgent(agent).serviceAccount);
    const c = createGbmClient(own, { baseUrls }, { tokenCache: createTokenCache() });
    const customer = emulator.customer(agent.agentId);
    const before = tokenCalls();
    expect(await c.send(outbound(customer.conversationId, text('one')))).toMatchObject({ ok: true });
    expect(await c.send(outbound(customer.conversationId, text('two')))).toMatchObject({ ok: true });
    expect(tokenCalls() - before).toBe(1);
    const calls = emulator.requests().filter((r) => r.path === messagesPath(customer.conversationId));
    expect(calls.map((r) => [r.status, r.partnerId])).toEqual([
      [200, 'partner-token'],
      [200, 'partner-token'],
    ]);
    expect((await customer.waitForInbox(2)).map((m) => m.text)).toEqual(['one', 'two']);
  });

  it('concurrent first sends share one token request', async () => {
    const agent = { ...AGENT, agentId: 'agent-burst', partnerId: 'partner-burst' };
    const own = credentialsFor(agent, emulator.addAgent(agent).serviceAccount);
    const c = createGbmClient(own, { baseUrls }, { tokenCache: createTokenCache() });
    const customer = emulator.customer(agent.agentId);
    const before = tokenCalls();
    const results = await Promise.all(Array.from({ length: 5 }, (_, i) => c.send(outbound(customer.conversationId, text(`m${i}`)))));
    expect(results.every((r) => r.ok)).toBe(true);
    expect(tokenCalls() - before).toBe(1);
  });

  it('a text from a human agent with suggested replies reaches the customer', async () => {
    const customer = emulator.customer(AGENT.agentId);
    const message = outbound(customer.conversationId, text('Shall we book tomorrow?'), {
      representative: ada,
      suggestions: [
        { text: 'Yes', postbackData: 'book:yes' },
        { text: 'No', postbackData: 'book:no' },
      ],
    });
    const result = await client.send(message);
    expect(result).toEqual({ ok: true, providerMessageId: message.idempotencyKey });
    const [got] = await customer.waitForInbox(1);
    expect(got).toMatchObject({
      messageId: message.idempotencyKey,
      name: `conversations/${customer.conversationId}/messages/${message.idempotencyKey}`,
      representative: { representativeType: 'HUMAN', displayName: 'Ada' },
      text: 'Shall we book tomorrow?',
      fallback: 'Shall we book tomorrow?\n\n• Yes\n• No',
      suggestions: [{ reply: { text: 'Yes', postbackData: 'book:yes' } }, { reply: { text: 'No', postbackData: 'book:no' } }],
    });
    const call = emulator.requests().filter((r) => r.path === messagesPath(customer.conversationId)).at(-1);
    expect(call).toMatchObject({ method: 'POST', status: 200 });
    expect(call?.validationErrors ?? []).toEqual([]);
    expect(call?.headers['content-type']).toMatch(/^application\/json/);

    // The customer taps a chip: a postback with the chip's data and text.
    await customer.sendSuggestionResponse('book:yes', 'Yes');
    const tap = await sink.waitFor((e) => e.type === 'postback' && 'user' in e && e.user?.id === customer.conversationId);
    expect(tap).toMatchObject({ type: 'postback', data: 'book:yes', label: 'Yes' });
  });

  it('the customer’s receipts come back as delivered and read statuses of our message id', async () => {
    const customer = emulator.customer(AGENT.agentId);
    const message = outbound(customer.conversationId, text('Your order has shipped'));
    expect(await client.send(message)).toMatchObject({ ok: true });
    const mine = (status: string) => (e: InboundEvent) => e.type === 'status' && e.providerMessageId === message.idempotencyKey && e.status === status;
    await expect(sink.waitFor(mine('delivered'))).resolves.toMatchObject({ type: 'status', status: 'delivered' });
    await expect(sink.waitFor(mine('read'))).resolves.toMatchObject({ type: 'status', status: 'read' });
    expect(sink.refused).toBe(0);
  });

  it('sends an image the emulator fetches from the hub’s media URL', async () => {
    const customer = emulator.customer(AGENT.agentId);
    const message = outbound(customer.conversationId, { kind: 'image', media: { blobId: 'blob-1', contentType: 'image/png' } });
    expect(await client.send(message)).toEqual({ ok: true, providerMessageId: message.idempotencyKey });
    const [got] = await customer.waitForInbox(1);
    expect(got).toMatchObject({
      messageId: message.idempotencyKey,
      representative: { representativeType: 'BOT' },
      image: { fileUrl: `${urlOf(mediaServer)}/media/blob-1.png`, contentType: 'image/png', size: PNG.length },
      fallback: 'Image',
    });
  });

  it('sends an image with its caption as a text after it, once even when retried', async () => {
    const customer = emulator.customer(AGENT.agentId);
    const message = outbound(customer.conversationId, { kind: 'image', media: { blobId: 'blob-2' }, caption: 'your receipt' }, { representative: ada });
    expect(await client.send(message)).toMatchObject({ ok: true });
    expect(await client.send({ ...message, attempt: 2 })).toMatchObject({ ok: true });
    const got = await customer.waitForInbox(2);
    expect(got.map((m) => [m.messageId, m.image?.altText ?? null, m.text ?? null])).toEqual([
      [message.idempotencyKey, 'your receipt', null],
      [captionMessageId(message.idempotencyKey), null, 'your receipt'],
    ]);
    await new Promise((r) => setTimeout(r, 50));
    expect(customer.inbox()).toHaveLength(2);
  });

  it('a repeated message id is success, delivered once (409 ALREADY_EXISTS)', async () => {
    const customer = emulator.customer(AGENT.agentId);
    const message = outbound(customer.conversationId, text('only once'));
    expect(await client.send(message)).toEqual({ ok: true, providerMessageId: message.idempotencyKey });
    expect(await client.send({ ...message, attempt: 2 })).toEqual({ ok: true, providerMessageId: message.idempotencyKey });
    await customer.waitForInbox(1);
    await new Promise((r) => setTimeout(r, 50));
    expect(customer.inbox()).toHaveLength(1);
    const statuses = emulator.requests().filter((r) => r.path === messagesPath(customer.conversationId)).map((r) => r.status);
    expect(statuses).toEqual([200, 409]);
  });

  it('a 500 is temporary', async () => {
    const customer = emulator.customer(AGENT.agentId);
    emulator.injectFault({ method: 'POST', path: messagesPath(customer.conversationId), status: 500 });
    const result = await client.send(outbound(customer.conversationId, text('boom')));
    expect(result).toMatchObject({ ok: false, error: { code: 'temporary', providerCode: 'INTERNAL' } });
    expect(customer.inbox()).toHaveLength(0);
  });

  it('a 503 is temporary, and the retry of the same message goes through', async () => {
    const customer = emulator.customer(AGENT.agentId);
    emulator.injectFault({ method: 'POST', path: messagesPath(customer.conversationId), status: 503 });
    const message = outbound(customer.conversationId, text('second time lucky'));
    expect(await client.send(message)).toMatchObject({ ok: false, error: { code: 'temporary', providerCode: 'UNAVAILABLE' } });
    expect(await client.send({ ...message, attempt: 2 })).toMatchObject({ ok: true });
    expect(await customer.waitForInbox(1)).toHaveLength(1);
  });

  it('a 429 is rate_limited with the Retry-After delay', async () => {
    const customer = emulator.customer(AGENT.agentId);
    emulator.injectFault({ method: 'POST', path: messagesPath(customer.conversationId), status: 429, retryAfterSec: 3 });
    const result = await client.send(outbound(customer.conversationId, text('slow down')));
    expect(result).toMatchObject({ ok: false, error: { code: 'rate_limited', providerCode: 'RESOURCE_EXHAUSTED', retryAfterMs: 3000 } });
  });

  it('a 401 drops the token and tries once more with a new one', async () => {
    const customer = emulator.customer(AGENT.agentId);
    emulator.injectFault({ method: 'POST', path: messagesPath(customer.conversationId), status: 401 });
    const before = tokenCalls();
    const result = await client.send(outbound(customer.conversationId, text('after a refresh')));
    expect(result).toMatchObject({ ok: true });
    expect(tokenCalls() - before).toBe(1);
    expect(emulator.requests().filter((r) => r.path === messagesPath(customer.conversationId)).map((r) => r.status)).toEqual([401, 200]);
  });

  it('a second 401 in a row is auth', async () => {
    const customer = emulator.customer(AGENT.agentId);
    emulator.injectFault({ method: 'POST', path: messagesPath(customer.conversationId), status: 401, times: 2 });
    const result = await client.send(outbound(customer.conversationId, text('refused')));
    expect(result).toMatchObject({ ok: false, error: { code: 'auth', providerCode: 'UNAUTHENTICATED' } });
  });

  it('a key the token endpoint refuses is auth', async () => {
    const agent = { ...AGENT, agentId: 'agent-revoked', partnerId: 'partner-revoked' };
    const own = credentialsFor(agent, emulator.addAgent(agent).serviceAccount);
    const c = createGbmClient(own, { baseUrls }, { tokenCache: createTokenCache() });
    emulator.injectFault({ method: 'POST', path: '/token', status: 400, body: { error: 'invalid_grant', error_description: 'Invalid JWT Signature.' } });
    const result = await c.send(outbound(emulator.customer(agent.agentId).conversationId, text('x')));
    expect(result).toMatchObject({ ok: false, error: { code: 'auth', providerCode: 'invalid_grant', message: expect.stringMatching(/Invalid JWT Signature/) } });
  });

  it('a key of another service account is refused by the real signature check (auth)', async () => {
    const agent = { ...AGENT, agentId: 'agent-forged', partnerId: 'partner-forged' };
    const own = credentialsFor(agent, emulator.addAgent(agent).serviceAccount);
    const forged = { ...own, serviceAccount: { ...own.serviceAccount, private_key: creds.serviceAccount.private_key } };
    const c = createGbmClient(forged, { baseUrls }, { tokenCache: createTokenCache() });
    const result = await c.send(outbound(emulator.customer(agent.agentId).conversationId, text('x')));
    expect(result).toMatchObject({ ok: false, error: { code: 'auth', providerCode: 'invalid_grant' } });
  });

  it('an unknown conversation is invalid_recipient', async () => {
    const result = await client.send(outbound(randomUUID(), text('anyone?')));
    expect(result).toMatchObject({ ok: false, error: { code: 'invalid_recipient', providerCode: 'NOT_FOUND' } });
  });

  it("another partner's conversation is PERMISSION_DENIED (auth)", async () => {
    const agent = { ...AGENT, agentId: 'agent-foreign', partnerId: 'partner-foreign' };
    emulator.addAgent(agent);
    const result = await client.send(outbound(emulator.customer(agent.agentId).conversationId, text('not mine')));
    expect(result).toMatchObject({ ok: false, error: { code: 'auth', providerCode: 'PERMISSION_DENIED' } });
  });

  it('an image the emulator cannot fetch is invalid_request with Google’s message', async () => {
    const customer = emulator.customer(AGENT.agentId);
    const result = await client.send(
      outbound(customer.conversationId, { kind: 'image', media: { blobId: 'missing' } }, { mediaUrl: (id) => `${urlOf(mediaServer)}/nothing/${id}` }),
    );
    expect(result).toMatchObject({ ok: false, error: { code: 'invalid_request', providerCode: 'INVALID_ARGUMENT', message: expect.stringMatching(/file_url/) } });
  });

  it('content Business Messages cannot carry is invalid_request before any call', async () => {
    const customer = emulator.customer(AGENT.agentId);
    const before = emulator.requests().length;
    const result = await client.send(outbound(customer.conversationId, { kind: 'location', latitude: 1, longitude: 2 }));
    expect(result).toMatchObject({ ok: false, error: { code: 'invalid_request' } });
    expect(emulator.requests()).toHaveLength(before);
  });

  it('a slow answer times out as temporary', async () => {
    const customer = emulator.customer(AGENT.agentId);
    const impatient = gbmAdapter.createClient(creds, { baseUrls, timeoutMs: 200 });
    emulator.injectFault({ method: 'POST', path: messagesPath(customer.conversationId), status: 500, delayMs: 1000 });
    const result = await impatient.send(outbound(customer.conversationId, text('tick')));
    expect(result).toMatchObject({ ok: false, error: { code: 'temporary', providerCode: 'TimeoutError' } });
  });

  it('an unreachable API is temporary', async () => {
    const closed = createServer();
    await listen(closed);
    const deadUrl = urlOf(closed);
    await stop(closed);
    const offline = gbmAdapter.createClient(creds, { baseUrls: { ...baseUrls, gbmApi: deadUrl } });
    const result = await offline.send(outbound(emulator.customer(AGENT.agentId).conversationId, text('hello?')));
    expect(result).toMatchObject({ ok: false, error: { code: 'temporary', providerCode: 'ECONNREFUSED' } });
  });
});

describe('Business Messages signals (emulator)', () => {
  it('REPRESENTATIVE_JOINED is recorded on the conversation, with the event id', async () => {
    const customer = emulator.customer(AGENT.agentId);
    const key = randomUUID();
    const result = await client.sendSignal?.(customer.conversationId, { type: 'representative_joined', representative: ada }, key);
    expect(result).toEqual({ ok: true, providerMessageId: key });
    expect(customer.events()).toEqual([
      expect.objectContaining({
        eventId: key,
        name: `conversations/${customer.conversationId}/events/${key}`,
        eventType: 'REPRESENTATIVE_JOINED',
        representative: { representativeType: 'HUMAN', displayName: 'Ada' },
      }),
    ]);
    const call = emulator.requests().filter((r) => r.path === `/v1/conversations/${customer.conversationId}/events`).at(-1);
    expect(call).toMatchObject({ status: 200, query: { eventId: key } });
    expect(call?.validationErrors ?? []).toEqual([]);
  });

  it('typing started and stopped; a repeated event id is success and recorded once', async () => {
    const customer = emulator.customer(AGENT.agentId);
    const started = randomUUID();
    const bot = { type: 'bot' } as const;
    expect(await client.sendSignal?.(customer.conversationId, { type: 'typing_started', representative: bot }, started)).toMatchObject({ ok: true });
    expect(await client.sendSignal?.(customer.conversationId, { type: 'typing_started', representative: bot }, started)).toMatchObject({ ok: true });
    expect(await client.sendSignal?.(customer.conversationId, { type: 'typing_stopped', representative: bot }, randomUUID())).toMatchObject({ ok: true });
    expect(customer.events().map((e) => [e.eventType, e.representative.representativeType])).toEqual([
      ['TYPING_STARTED', 'BOT'],
      ['TYPING_STOPPED', 'BOT'],
    ]);
  });

  it('REPRESENTATIVE_LEFT errors follow the send error model', async () => {
    const customer = emulator.customer(AGENT.agentId);
    emulator.injectFault({ method: 'POST', path: `/v1/conversations/${customer.conversationId}/events`, status: 503 });
    const result = await client.sendSignal?.(customer.conversationId, { type: 'representative_left', representative: ada }, randomUUID());
    expect(result).toMatchObject({ ok: false, error: { code: 'temporary' } });
  });
});

describe('what customers send (emulator → webhook → parse)', () => {
  it('a text arrives as a message from the conversation, with context and language', async () => {
    const customer = emulator.customer(AGENT.agentId, { displayName: 'Grace Hopper', locale: 'en-GB', entryPoint: 'PLACESHEET', placeId: 'ChIJ_place_1' });
    const delivery = await customer.sendText('Is the shop open on Sunday?');
    expect(delivery.status).toBe(200);
    const event = await sink.waitFor((e) => e.type === 'message' && e.providerMessageId === delivery.messageId);
    expect(event).toMatchObject({
      type: 'message',
      eventId: delivery.requestId,
      user: { id: customer.conversationId, displayName: 'Grace Hopper', language: 'en' },
      context: { entryPoint: 'PLACESHEET', placeId: 'ChIJ_place_1', resolvedLocale: 'en', userDeviceLocale: 'en-GB' },
      content: { kind: 'text', text: 'Is the shop open on Sunday?' },
    });
  });

  it('typing and a request for a live agent arrive as typing and escalate', async () => {
    const customer = emulator.customer(AGENT.agentId);
    const mine = (e: InboundEvent) => 'user' in e && e.user?.id === customer.conversationId;
    await customer.typing(true);
    await expect(sink.waitFor((e) => mine(e) && e.type === 'typing')).resolves.toMatchObject({ isTyping: true });
    await customer.requestLiveAgent();
    await expect(sink.waitFor((e) => mine(e) && e.type === 'escalate')).resolves.toMatchObject({ type: 'escalate' });
  });

  it("downloads a customer's image from its signed URL, without our token", async () => {
    const customer = emulator.customer(AGENT.agentId);
    const delivery = await customer.sendImage(PNG, 'image/png');
    const event = await sink.waitFor((e) => e.type === 'message' && e.providerMessageId === delivery.messageId);
    if (event.type !== 'message' || event.content.kind !== 'image') throw new Error(`expected an image, got ${JSON.stringify(event)}`);
    const url = event.content.media.providerRef!;
    expect(url).toMatch(new RegExp(`^${emulator.baseUrl}/business-messages-us/.+x-goog-signature=`));
    const before = emulator.requests().length;
    const media = await client.downloadMedia!(url);
    expect(media).toEqual({ body: PNG, contentType: 'image/png' });
    // The media route is GCS, not the API: no token was sent or fetched.
    expect(emulator.requests().slice(before).filter((r) => r.path === '/token')).toEqual([]);
  });

  it('a tampered signed URL fails with a message that keeps the signature out', async () => {
    const customer = emulator.customer(AGENT.agentId);
    const delivery = await customer.sendImage(PNG, 'image/png');
    const event = await sink.waitFor((e) => e.type === 'message' && e.providerMessageId === delivery.messageId);
    const url = event.type === 'message' && event.content.kind === 'image' ? event.content.media.providerRef! : '';
    const tampered = url.replace(/x-goog-signature=([0-9a-f])/, (_m, c: string) => `x-goog-signature=${c === '0' ? '1' : '0'}`);
    const error = await client.downloadMedia!(tampered).then(
      () => undefined,
      (e: unknown) => e as Error,
    );
    expect(error?.message).toMatch(/HTTP 403/);
    expect(error?.message).not.toMatch(/x-goog-signature/i);
  });
});

describe('media URL expiry (emulator with a clock)', () => {
  it('an expired signed URL fails to download', async () => {
    let clock = Date.now();
    const e2 = await startGbmEmulator({ now: () => clock, mediaUrlTtlSec: 60 });
    const s2 = await startWebhookSink(() => c2);
    let c2: GbmCredentials;
    try {
      const agent = { ...AGENT, agentId: 'agent-clock', partnerId: 'partner-clock' };
      c2 = credentialsFor(agent, e2.addAgent(agent).serviceAccount);
      expect((await e2.setWebhook(agent.agentId, s2.url)).verified).toBe(true);
      const customer = e2.customer(agent.agentId);
      const delivery = await customer.sendImage(PNG, 'image/png');
      const event = await s2.waitFor((e) => e.type === 'message' && e.providerMessageId === delivery.messageId);
      const url = event.type === 'message' && event.content.kind === 'image' ? event.content.media.providerRef! : '';
      const c = gbmAdapter.createClient(c2, { baseUrls: { gbmApi: e2.baseUrl, googleTokenUrl: e2.tokenUrl } });
      expect((await c.downloadMedia!(url)).body).toEqual(PNG);
      clock += 61_000;
      await expect(c.downloadMedia!(url)).rejects.toThrow(/HTTP 400 \(the signed URL may have expired\)/);
    } finally {
      await e2.close();
      await stop(s2.server);
    }
  });
});
