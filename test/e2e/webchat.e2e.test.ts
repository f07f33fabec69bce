/**
 * Web chat end to end through HTTP and WebSocket on a real hub, on SQLite and PostgreSQL: a
 * visitor (as the widget would) talks with an agent (REST + /api/realtime); persistence across
 * reloads and devices; origins, tokens, limits, attachments, idempotency and pre-chat answers.
 */
import { randomUUID } from 'node:crypto';
import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signCustomerToken } from '../../src/channels/webchat/index.js';
import { VIDEO_PREVIEW_PNG } from '../../src/http/video-preview.js';
import { eventually, RealtimeClient } from '../support/api-client.js';
import { setUpWebChatChannel, startTestHub, WEBCHAT_ORIGIN, type TestHub } from '../support/hub.js';
import { STORE_KINDS } from '../support/stores.js';

const PNG = VIDEO_PREVIEW_PNG;

/** What the widget does, over plain HTTP and a WebSocket. */
class Visitor {
  token = '';
  visitorId: string | undefined;
  session: any;
  constructor(
    readonly hubUrl: string,
    readonly accountId: string,
    readonly origin: string = WEBCHAT_ORIGIN,
  ) {}

  raw(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<Response> {
    const isBuffer = Buffer.isBuffer(body);
    return fetch(`${this.hubUrl}/webchat/${this.accountId}${path}`, {
      method,
      headers: {
        origin: this.origin,
        ...(this.token ? { authorization: `Bearer ${this.token}` } : {}),
        ...(body !== undefined && !isBuffer ? { 'content-type': 'application/json' } : {}),
        ...headers,
      },
      ...(body !== undefined ? { body: isBuffer ? body : JSON.stringify(body) } : {}),
    });
  }

  async call(method: string, path: string, body?: unknown, headers?: Record<string, string>): Promise<any> {
    const res = await this.raw(method, path, body, headers);
    const text = await res.text();
    if (!res.ok) throw new Error(`${method} ${path} → ${res.status} ${text}`);
    return text ? JSON.parse(text) : undefined;
  }

  async start(o: { customerToken?: string; preChat?: Record<string, string> } = {}): Promise<any> {
    const s = await this.call('POST', '/session', { ...(this.visitorId ? { visitorId: this.visitorId } : {}), ...o });
    this.token = s.token;
    this.visitorId = s.visitorId;
    this.session = s;
    return s;
  }

  send(text: string, clientMessageId: string = randomUUID()): Promise<any> {
    return this.call('POST', '/messages', { clientMessageId, text });
  }

  async socket(): Promise<RealtimeClient> {
    const url = `${this.hubUrl.replace(/^http/, 'ws')}/webchat/${this.accountId}/ws?token=${encodeURIComponent(this.token)}`;
    const ws = new WebSocket(url, { origin: this.origin });
    const client = new RealtimeClient(ws);
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('error', reject);
    });
    await client.waitFor((e) => e.type === 'hello');
    return client;
  }
}

/** How a WebSocket upgrade ends: the close code, or the HTTP status when it was refused. */
function wsOutcome(url: string, origin: string): Promise<{ status?: number; code?: number }> {
  return new Promise((resolve) => {
    const ws = new WebSocket(url, { origin });
    ws.on('unexpected-response', (_req, res) => {
      resolve({ status: res.statusCode });
      ws.terminate();
    });
    ws.on('close', (code) => resolve({ code }));
    ws.on('error', () => undefined);
  });
}

describe.each(STORE_KINDS)('web chat end to end on %s', (kind) => {
  let t: TestHub;
  beforeAll(async () => {
    t = await startTestHub(kind);
  });
  afterAll(async () => {
    await t?.close();
  });

  it('a visitor writes; the agent sees it, picks and replies; the widget gets the reply with the agent’s name; receipts move the ticks', async () => {
    const ch = await setUpWebChatChannel(t);
    const rt = await ch.agent.realtime();
    const v = new Visitor(t.url, ch.accountId);
    const s = await v.start();
    expect(s.visitorId).toMatch(/^[0-9a-f-]{36}$/);
    expect(s.settings).toMatchObject({ title: expect.stringMatching(/support$/), accentColor: '#2563eb', preChatFields: [], attachments: false, maxMessageLength: 4000 });
    expect(s.conversation).toBeNull();
    expect(s.messages).toEqual([]);

    const sent = await v.send('Hello, where is my parcel?');
    expect(sent).toMatchObject({ from: 'customer', text: 'Hello, where is my parcel?', seq: 1, status: 'received' });
    const created = await rt.waitFor((e) => e.type === 'conversation.created');
    const convId = created.conversation.id as string;
    expect(sent.conversationId).toBe(convId);
    expect(created.conversation.queueId).toBe(ch.queueId);
    await rt.waitFor((e) => e.type === 'message.created' && e.message.content.text === 'Hello, where is my parcel?');
    const view = await ch.agent.get(`/api/conversations/${convId}`);
    expect(view.channel).toBe('webchat');
    expect(view.identity.providerUserId).toBe(`v:${v.visitorId}`);
    expect(view.windowEndsAt).toBeNull();

    const ws = await v.socket();
    await ch.agent.post(`/api/conversations/${convId}/pick`);
    const assigned = await ws.waitFor((e) => e.type === 'conversation' && e.conversation.state === 'active');
    expect(assigned.conversation.agentName).toBe(ch.agentName);

    // Typing both ways.
    await v.call('POST', '/typing', { isTyping: true });
    await rt.waitFor((e) => e.type === 'typing' && e.who === 'customer' && e.isTyping === true && e.conversation.id === convId);
    rt.ws.send(JSON.stringify({ type: 'typing', conversationId: convId, isTyping: true }));
    const typing = await ws.waitFor((e) => e.type === 'typing' && e.isTyping === true);
    expect(typing.agentName).toBe(ch.agentName);

    const reply = await ch.agent.post(`/api/conversations/${convId}/messages`, { kind: 'text', text: 'It arrives tomorrow <b>morning</b>.' });
    const pushed = await ws.waitFor((e) => e.type === 'message' && e.message.id === reply.id);
    expect(pushed.message).toMatchObject({ from: 'agent', agentName: ch.agentName, text: 'It arrives tomorrow <b>morning</b>.' });
    expect(pushed.message).not.toHaveProperty('authorUserId');
    expect(pushed.message).not.toHaveProperty('idempotencyKey');
    await rt.waitFor((e) => e.type === 'message.updated' && e.message.id === reply.id && e.message.status === 'sent');

    const delivered = await v.call('POST', '/receipts', { messageIds: [reply.id], status: 'delivered' });
    expect(delivered.accepted).toEqual([reply.id]);
    await rt.waitFor((e) => e.type === 'message.updated' && e.message.id === reply.id && e.message.status === 'delivered');
    await v.call('POST', '/receipts', { messageIds: [reply.id, sent.id, 'msg_nope'], status: 'read' });
    await rt.waitFor((e) => e.type === 'message.updated' && e.message.id === reply.id && e.message.status === 'read');
    await ws.waitFor((e) => e.type === 'status' && e.messageId === reply.id && e.status === 'read');
    // Forward only: a late "delivered" changes nothing.
    expect((await v.call('POST', '/receipts', { messageIds: [reply.id], status: 'delivered' })).accepted).toEqual([]);
    const msgs = await ch.agent.get(`/api/conversations/${convId}/messages`);
    expect(msgs.find((m: any) => m.id === reply.id).status).toBe('read');
    expect(msgs.find((m: any) => m.id === sent.id).status).toBe('received');

    // The agent ends and closes: the widget is told.
    await ch.agent.post(`/api/conversations/${convId}/end`);
    await ch.agent.post(`/api/conversations/${convId}/close`);
    await ws.waitFor((e) => e.type === 'conversation' && e.conversation.state === 'closed' && e.conversation.agentName === null);
    ws.close();
    rt.close();
  });

  it('persists: the same visitor after a reload sees the history, catches up after a seq, and a new conversation keeps the old one visible', async () => {
    const ch = await setUpWebChatChannel(t);
    const v = new Visitor(t.url, ch.accountId);
    await v.start();
    const first = await v.send('first question');
    await ch.agent.post(`/api/conversations/${first.conversationId}/pick`);
    const answer = await ch.agent.post(`/api/conversations/${first.conversationId}/messages`, { kind: 'text', text: 'first answer' });

    // "Reload": a new session with the visitor id from localStorage.
    const reloaded = new Visitor(t.url, ch.accountId);
    reloaded.visitorId = v.visitorId;
    const s = await reloaded.start();
    expect(s.conversation).toMatchObject({ id: first.conversationId, state: 'active', agentName: ch.agentName });
    // Automated messages (greeting, agent joined) come from 'system'; the conversation itself:
    const talk = (list: any[]) => list.filter((m) => m.from !== 'system');
    expect(talk(s.messages).map((m: any) => [m.from, m.text])).toEqual([
      ['customer', 'first question'],
      ['agent', 'first answer'],
    ]);
    expect(talk(s.messages)[1].agentName).toBe(ch.agentName);
    const after = await reloaded.call('GET', `/messages?conversationId=${first.conversationId}&afterSeq=${first.seq}`);
    expect(talk(after.messages).map((m: any) => m.id)).toEqual([answer.id]);
    expect(after.messages.every((m: any) => m.seq > first.seq)).toBe(true);

    // A stranger's visitor id sees nothing of it.
    const stranger = new Visitor(t.url, ch.accountId);
    expect((await stranger.start()).messages).toEqual([]);
    expect((await stranger.call('GET', '/messages')).messages).toEqual([]);

    await ch.agent.post(`/api/conversations/${first.conversationId}/end`);
    await ch.agent.post(`/api/conversations/${first.conversationId}/close`);
    const second = await reloaded.send('back again');
    expect(second.conversationId).not.toBe(first.conversationId);
    const history = await reloaded.call('GET', '/messages');
    expect(history.conversation).toMatchObject({ id: second.conversationId, state: 'open', agentName: null });
    expect(talk(history.messages).map((m: any) => m.text)).toEqual(['first question', 'first answer', 'back again']);
    // Automated notices may sit between (hidden from the widget), so the cursor is the answer's own seq.
    const caughtUp = await reloaded.call('GET', `/messages?conversationId=${first.conversationId}&afterSeq=${answer.seq}`);
    expect(talk(caughtUp.messages).map((m: any) => m.text)).toEqual(['back again']);
  });

  it('an authenticated customer on two devices shares one conversation and its history; bad or expired customer tokens get 401', async () => {
    const ch = await setUpWebChatChannel(t);
    const now = Math.floor(Date.now() / 1000);
    const token = signCustomerToken({ sub: 'cust-42', name: 'Maya Lin', email: 'maya@example.com', exp: now + 600 }, ch.identitySecret!);
    const phone = new Visitor(t.url, ch.accountId);
    const laptop = new Visitor(t.url, ch.accountId);
    const ps = await phone.start({ customerToken: token });
    expect(ps.displayName).toBe('Maya Lin');
    await laptop.start({ customerToken: token });
    expect(phone.visitorId).not.toBe(laptop.visitorId);

    const fromPhone = await phone.send('Hi from my phone');
    const laptopWs = await laptop.socket();
    const fromLaptop = await laptop.send('and from my laptop');
    expect(fromLaptop.conversationId).toBe(fromPhone.conversationId);
    const view = await ch.agent.get(`/api/conversations/${fromPhone.conversationId}`);
    expect(view.identity.providerUserId).toBe('c:cust-42');
    expect(view.identity.displayName).toBe('Maya Lin');
    await ch.agent.post(`/api/conversations/${fromPhone.conversationId}/pick`);
    const reply = await ch.agent.post(`/api/conversations/${fromPhone.conversationId}/messages`, { kind: 'text', text: 'Hello Maya' });
    await laptopWs.waitFor((e) => e.type === 'message' && e.message.id === reply.id);
    const phoneHistory = await phone.call('GET', '/messages');
    expect(phoneHistory.messages.filter((m: any) => m.from !== 'system').map((m: any) => m.text)).toEqual(['Hi from my phone', 'and from my laptop', 'Hello Maya']);
    laptopWs.close();

    const refused = async (customerToken: string, why: RegExp) => {
      const res = await new Visitor(t.url, ch.accountId).raw('POST', '/session', { customerToken });
      expect(res.status).toBe(401);
      expect(((await res.json()) as any).error.message).toMatch(why);
    };
    await refused(signCustomerToken({ sub: 'cust-42', exp: now - 3600 }, ch.identitySecret!), /expired/);
    await refused(signCustomerToken({ sub: 'cust-42', exp: now + 600 }, 'another-secret-of-at-least-32-characters'), /signature/);
    await refused(signCustomerToken({ sub: 'cust-42' }, ch.identitySecret!), /exp/);
    await refused(token.slice(0, -4) + 'AAAA', /signature/);
    const none = `${Buffer.from('{"alg":"none","typ":"JWT"}').toString('base64url')}.${Buffer.from(JSON.stringify({ sub: 'x', exp: now + 60 })).toString('base64url')}.x`;
    await refused(none, /HS256/);
    await refused('not-a-jwt', /JWT/);

    // An account without an identity secret accepts no customer tokens.
    const anon = await setUpWebChatChannel(t, { identitySecret: null });
    const res = await new Visitor(t.url, anon.accountId).raw('POST', '/session', { customerToken: token });
    expect(res.status).toBe(401);
  });

  it('checks the Origin on every route and answers CORS for allowed origins only', async () => {
    const ch = await setUpWebChatChannel(t, { origins: [WEBCHAT_ORIGIN, 'http://localhost:3000'] });
    const good = new Visitor(t.url, ch.accountId);
    await good.start();
    const evil = new Visitor(t.url, ch.accountId, 'https://evil.example.net');
    evil.token = good.token;

    const ok = await good.raw('GET', '/messages');
    expect(ok.status).toBe(200);
    expect(ok.headers.get('access-control-allow-origin')).toBe(WEBCHAT_ORIGIN);
    expect(ok.headers.get('vary')).toMatch(/Origin/);
    const local = new Visitor(t.url, ch.accountId, 'http://localhost:3000');
    expect((await local.raw('POST', '/session', {})).headers.get('access-control-allow-origin')).toBe('http://localhost:3000');

    const preflight = await fetch(`${t.url}/webchat/${ch.accountId}/messages`, {
      method: 'OPTIONS',
      headers: { origin: WEBCHAT_ORIGIN, 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization, content-type' },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('access-control-allow-origin')).toBe(WEBCHAT_ORIGIN);
    expect(preflight.headers.get('access-control-allow-headers')).toMatch(/authorization/);
    expect(preflight.headers.get('access-control-allow-methods')).toMatch(/POST/);

    for (const [method, path, body] of [
      ['POST', '/session', {}],
      ['GET', '/messages', undefined],
      ['POST', '/messages', { clientMessageId: randomUUID(), text: 'x' }],
      ['POST', '/typing', { isTyping: true }],
      ['OPTIONS', '/messages', undefined],
    ] as const) {
      const res = await evil.raw(method, path, body);
      expect(res.status, `${method} ${path}`).toBe(403);
      expect(res.headers.get('access-control-allow-origin')).toBeNull();
    }
    const noOrigin = await fetch(`${t.url}/webchat/${ch.accountId}/session`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
    expect(noOrigin.status).toBe(403);
    const wsUrl = `${t.url.replace(/^http/, 'ws')}/webchat/${ch.accountId}/ws?token=${encodeURIComponent(good.token)}`;
    expect(await wsOutcome(wsUrl, 'https://evil.example.net')).toEqual({ status: 403 });
    expect(await wsOutcome(wsUrl.replace(/token=.*/, 'token=forged'), WEBCHAT_ORIGIN)).toEqual({ code: 4401 });

    // Unknown accounts, other kinds, and no provider webhooks.
    expect((await new Visitor(t.url, 'acc_nope').raw('POST', '/session', {})).status).toBe(404);
    const hook = await fetch(`${t.url}/webhooks/webchat/${ch.accountId}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
    expect(hook.status).toBe(401);
    expect(((await hook.json()) as any).error.message).toMatch(/no provider webhooks/);
  });

  it('validates: tokens, JSON only, body size, rate limit with Retry-After, message length, required pre-chat fields into the conversation context', async () => {
    const ch = await setUpWebChatChannel(t, {
      settings: {
        maxMessageLength: 50,
        messagesPerMinute: 3,
        preChatFields: [
          { name: 'name', label: 'Your name', type: 'text', required: true },
          { name: 'email', label: 'E-mail', type: 'email', required: true },
          { name: 'question', label: 'How can we help?', type: 'textarea', required: false },
        ],
      },
    });
    const v = new Visitor(t.url, ch.accountId);
    expect((await v.raw('GET', '/messages')).status).toBe(401);
    const s = await v.start();
    expect(s.preChatNeeded).toBe(true);
    expect(s.settings.preChatFields.map((f: any) => f.name)).toEqual(['name', 'email', 'question']);

    // Required pre-chat answers before the first message.
    const early = await v.raw('POST', '/messages', { clientMessageId: randomUUID(), text: 'hi' });
    expect(early.status).toBe(400);
    expect(((await early.json()) as any).error.message).toMatch(/pre-chat.*Your name, E-mail/);
    const badForm = await v.raw('POST', '/session', { visitorId: v.visitorId, preChat: { name: 'Ann', email: 'not-an-address' } });
    expect(badForm.status).toBe(400);
    expect(((await badForm.json()) as any).error.message).toMatch(/E-mail is not an e-mail address/);
    const filled = await v.start({ preChat: { name: ' Ann  Lee ', email: 'ann@example.com', question: 'Refund for order 1234?', extra: 'dropped' } });
    expect(filled.preChatNeeded).toBe(false);
    expect(filled.preChat).toEqual({ name: 'Ann Lee', email: 'ann@example.com', question: 'Refund for order 1234?' });

    // Body checks.
    expect((await v.raw('POST', '/messages', 'text', { 'content-type': 'text/plain' })).status).toBe(415);
    const bad = await v.raw('POST', '/messages', { clientMessageId: 'not-a-uuid', text: 'x' });
    expect(bad.status).toBe(400);
    expect(bad.headers.get('access-control-allow-origin')).toBe(WEBCHAT_ORIGIN); // errors are readable by the widget too
    expect(((await bad.json()) as any).error.message).toMatch(/clientMessageId/);
    expect((await v.raw('POST', '/messages', { clientMessageId: randomUUID(), text: '   ' })).status).toBe(400);
    const huge = await v.raw('POST', '/messages', Buffer.from(JSON.stringify({ clientMessageId: randomUUID(), text: 'x'.repeat(100_000) })), {
      'content-type': 'application/json',
    });
    expect(huge.status).toBe(413);
    const long = await v.raw('POST', '/messages', { clientMessageId: randomUUID(), text: 'y'.repeat(51) });
    expect(long.status).toBe(400);
    expect(((await long.json()) as any).error.message).toMatch(/51 characters long; this chat accepts at most 50/);

    // A repeated clientMessageId is stored once (and costs no rate-limit token).
    const id = randomUUID();
    const once = await v.send('Hi, I need help', id);
    const again = await v.send('Hi, I need help', id);
    expect(again.id).toBe(once.id);
    const msgs = await ch.agent.get(`/api/conversations/${once.conversationId}/messages`);
    expect(msgs.filter((m: any) => m.content.text === 'Hi, I need help')).toHaveLength(1);
    // Someone else cannot reuse it.
    const other = new Visitor(t.url, ch.accountId);
    await other.start({ preChat: { name: 'Bo', email: 'bo@example.com' } });
    expect((await other.raw('POST', '/messages', { clientMessageId: id, text: 'mine?' })).status).toBe(409);

    // Pre-chat answers are on the conversation, for the agent and routing rules.
    const view = await ch.agent.get(`/api/conversations/${once.conversationId}`);
    expect(view.conversation.context.preChat).toEqual({ name: 'Ann Lee', email: 'ann@example.com', question: 'Refund for order 1234?' });
    expect(view.conversation.context.customerName).toBe('Ann Lee');
    expect(view.identity.displayName).toBe('Ann Lee');

    // messagesPerMinute = 3: two more pass, the next is refused with Retry-After.
    await v.send('two');
    await v.send('three');
    const limited = await v.raw('POST', '/messages', { clientMessageId: randomUUID(), text: 'four' });
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(limited.headers.get('access-control-expose-headers')).toMatch(/Retry-After/);
    expect(((await limited.json()) as any).error.code).toBe('rate_limited');

    // A token of another account is worthless here.
    const elsewhere = await setUpWebChatChannel(t);
    const foreign = new Visitor(t.url, elsewhere.accountId);
    await foreign.start();
    const crossed = new Visitor(t.url, ch.accountId);
    crossed.token = foreign.token;
    expect((await crossed.raw('GET', '/messages')).status).toBe(401);
  });

  it('attachments: refused while the channel instance forbids them, accepted when allowed; each side downloads only its own conversation’s media', async () => {
    const off = await setUpWebChatChannel(t, { attachments: false });
    const v0 = new Visitor(t.url, off.accountId);
    expect((await v0.start()).settings.attachments).toBe(false);
    const refused = await v0.raw('POST', '/uploads?fileName=photo.png', PNG, { 'content-type': 'image/png' });
    expect(refused.status).toBe(422);
    expect(((await refused.json()) as any).error.code).toBe('attachments_disabled');

    const ch = await setUpWebChatChannel(t, { attachments: true });
    const v = new Visitor(t.url, ch.accountId);
    expect((await v.start()).settings.attachments).toBe(true);
    expect((await v.raw('POST', '/uploads', Buffer.from('<html><script>alert(1)</script>'), { 'content-type': 'image/png' })).status).toBe(400);
    expect((await v.raw('POST', '/uploads', Buffer.from('MZ'), { 'content-type': 'application/octet-stream' })).status).toBe(415);
    const upload = await v.call('POST', '/uploads?fileName=../../photo.png', PNG, { 'content-type': 'image/png' });
    expect(upload).toMatchObject({ contentType: 'image/png', size: PNG.length, fileName: 'photo.png' });
    const sent = await v.call('POST', '/messages', { clientMessageId: randomUUID(), blobId: upload.id, text: 'the damaged box' });
    expect(sent).toMatchObject({ attachment: { kind: 'image', blobId: upload.id, contentType: 'image/png' }, text: 'the damaged box' });

    // The agent sees and downloads it.
    const convId = sent.conversationId as string;
    await ch.agent.post(`/api/conversations/${convId}/pick`);
    const agentCopy = await ch.agent.raw('GET', `/api/blobs/${upload.id}`);
    expect(agentCopy.status).toBe(200);
    expect(Buffer.from(await agentCopy.arrayBuffer()).equals(PNG)).toBe(true);

    // The agent answers with a PDF; the customer downloads it, a stranger cannot.
    const pdf = Buffer.from('%PDF-1.4\n% label\n');
    const agentBlob = await ch.agent.call('POST', '/api/blobs?fileName=label.pdf', pdf, { 'content-type': 'application/pdf' });
    const reply = await ch.agent.post(`/api/conversations/${convId}/messages`, { kind: 'file', blobId: agentBlob.id });
    const history = await v.call('GET', '/messages');
    expect(history.messages.find((m: any) => m.id === reply.id).attachment).toMatchObject({ kind: 'file', blobId: agentBlob.id, fileName: 'label.pdf' });
    const mine = await v.raw('GET', `/blobs/${agentBlob.id}`);
    expect(mine.status).toBe(200);
    expect(mine.headers.get('content-disposition')).toMatch(/^attachment; filename="label.pdf"/);
    expect(mine.headers.get('x-content-type-options')).toBe('nosniff');
    expect(Buffer.from(await mine.arrayBuffer()).equals(pdf)).toBe(true);
    expect((await v.raw('GET', `/blobs/${upload.id}`)).status).toBe(200);

    const stranger = new Visitor(t.url, ch.accountId);
    await stranger.start();
    expect((await stranger.raw('GET', `/blobs/${agentBlob.id}`)).status).toBe(404);
    expect((await stranger.raw('GET', `/blobs/${upload.id}`)).status).toBe(404);
    expect((await stranger.raw('POST', '/messages', { clientMessageId: randomUUID(), blobId: upload.id })).status).toBe(404);
    // The widget script is served to any site.
    const script = await fetch(`${t.url}/webchat/widget.js`);
    expect(script.status).toBe(200);
    expect(script.headers.get('content-type')).toMatch(/javascript/);
    expect(await script.text()).toMatch(/attachShadow/);
  });

  it('pushes only the visitor’s own conversation events on its WebSocket', async () => {
    const ch = await setUpWebChatChannel(t);
    const a = new Visitor(t.url, ch.accountId);
    const b = new Visitor(t.url, ch.accountId);
    await a.start();
    await b.start();
    const aFirst = await a.send('A here');
    const aWs = await a.socket();
    // b has no conversation yet when it connects: it learns of its own when it writes.
    const bWs = await b.socket();
    const bFirst = await b.send('B here');
    await ch.agent.post(`/api/conversations/${aFirst.conversationId}/pick`);
    await ch.agent.post(`/api/conversations/${bFirst.conversationId}/pick`);
    const toA = await ch.agent.post(`/api/conversations/${aFirst.conversationId}/messages`, { kind: 'text', text: 'for A only' });
    const toB = await ch.agent.post(`/api/conversations/${bFirst.conversationId}/messages`, { kind: 'text', text: 'for B only' });
    await aWs.waitFor((e) => e.type === 'message' && e.message.id === toA.id);
    await bWs.waitFor((e) => e.type === 'message' && e.message.id === toB.id);
    await eventually(async () => bWs.events.some((e) => e.type === 'message' && e.message.id === bFirst.id));
    const leaked = (ws: RealtimeClient, convId: string) =>
      ws.events.filter((e) => (e.message?.conversationId ?? e.conversation?.id ?? e.conversationId ?? convId) !== convId);
    expect(leaked(aWs, aFirst.conversationId)).toEqual([]);
    expect(leaked(bWs, bFirst.conversationId)).toEqual([]);
    aWs.ws.send(JSON.stringify({ type: 'ping' }));
    await aWs.waitFor((e) => e.type === 'pong');
    aWs.close();
    bWs.close();
  });
});
