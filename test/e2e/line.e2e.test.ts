/**
 * A LINE customer (the emulator) talks with an agent (REST + WebSocket) through a real hub on a
 * real socket, on SQLite and on PostgreSQL.
 */
import { createHmac } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { VIDEO_PREVIEW_PNG } from '../../src/http/video-preview.js';
import { eventually } from '../support/api-client.js';
import { setUpLineChannel, startTestHub, type TestHub } from '../support/hub.js';
import { STORE_KINDS } from '../support/stores.js';

const PNG = VIDEO_PREVIEW_PNG;

describe.each(STORE_KINDS)('LINE end to end on %s', (kind) => {
  let t: TestHub;
  beforeAll(async () => {
    t = await startTestHub(kind);
  });
  afterAll(async () => {
    await t?.close();
  });

  it('customer text and image reach the agent; the agent answers with text and an image; the customer sees both', async () => {
    const ch = await setUpLineChannel(t);
    const rt = await ch.agent.realtime();
    const customer = t.line.customer(ch.creds.channelId, undefined, { displayName: 'Sakura', language: 'ja' });

    const first = await customer.sendText('Hello, my order is late');
    expect(first.status).toBe(200);
    const image = await customer.sendImage(PNG, 'image/png');
    expect(image.status).toBe(200);

    const created = await rt.waitFor((e) => e.type === 'conversation.created');
    const convId = created.conversation.id as string;
    expect(created.conversation.queueId).toBe(ch.queueId);
    await rt.waitFor((e) => e.type === 'message.created' && e.message.content.kind === 'text');

    const items = await ch.agent.get(`/api/queues/${ch.queueId}/items`);
    expect(items.map((c: { id: string }) => c.id)).toContain(convId);
    const picked = await ch.agent.post(`/api/conversations/${convId}/pick`);
    expect(picked.state).toBe('active');

    // The image is downloaded from LINE's content endpoint into the blob store.
    const imageMsg = await eventually(async () => {
      const msgs = await ch.agent.get(`/api/conversations/${convId}/messages`);
      return msgs.find((m: any) => m.content.kind === 'image' && m.content.media.blobId);
    }, 10_000, 'image downloaded');
    const blobRes = await ch.agent.raw('GET', `/api/blobs/${imageMsg.content.media.blobId}`);
    expect(blobRes.status).toBe(200);
    expect(blobRes.headers.get('content-type')).toBe('image/png');
    expect(Buffer.from(await blobRes.arrayBuffer()).equals(PNG)).toBe(true);

    // The customer's LINE profile was fetched and kept on the identity.
    const view = await eventually(async () => {
      const v = await ch.agent.get(`/api/conversations/${convId}`);
      return v.identity?.displayName === 'Sakura' && v;
    }, 10_000, 'profile fetched');
    expect(view.identity.language).toBe('ja');
    expect(view.conversation).not.toHaveProperty('replyToken');

    // Text reply (spends the fresh reply token), then an uploaded image (push, signed media URL).
    const text = await ch.agent.post(`/api/conversations/${convId}/messages`, { kind: 'text', text: 'Sorry! Checking now.' });
    expect(text.status).toBe('queued');
    const upload = await ch.agent.call('POST', '/api/blobs?fileName=label.png', PNG, { 'content-type': 'image/png' });
    await ch.agent.post(`/api/conversations/${convId}/messages`, { kind: 'image', blobId: upload.id });

    const inbox = await customer.waitForInbox(2, 10_000);
    expect(inbox[0]!.via).toBe('reply');
    expect(inbox[0]!.message).toMatchObject({ type: 'text', text: 'Sorry! Checking now.' });
    expect(inbox[1]!.via).toBe('push');
    const sentImage = inbox[1]!.message as { type: string; originalContentUrl: string; previewImageUrl: string };
    expect(sentImage.type).toBe('image');
    expect(sentImage.originalContentUrl.startsWith(t.url + '/media/')).toBe(true);
    const fetched = await fetch(sentImage.originalContentUrl);
    expect(fetched.status).toBe(200);
    expect(Buffer.from(await fetched.arrayBuffer()).equals(PNG)).toBe(true);
    const tampered = await fetch(sentImage.originalContentUrl.replace(/sig=[^&]+/, 'sig=forged'));
    expect(tampered.status).toBe(403);

    // Every call the hub made is valid against LINE's OpenAPI document.
    const calls = t.line.requests().filter((r) => r.channelId === ch.creds.channelId);
    expect(calls.length).toBeGreaterThanOrEqual(4);
    for (const c of calls) expect(c.validationErrors ?? []).toEqual([]);
    const push = calls.find((c) => c.path === '/v2/bot/message/push');
    expect(push?.headers['x-line-retry-key']).toMatch(/^[0-9a-f-]{36}$/);

    // Statuses reach the agent over the WebSocket.
    await rt.waitFor((e) => e.type === 'message.updated' && e.message.id === text.id && e.message.status === 'sent');
    const msgs = await eventually(async () => {
      const all = await ch.agent.get(`/api/conversations/${convId}/messages`);
      return all.filter((m: any) => m.direction === 'out').every((m: any) => m.status === 'sent') && all;
    }, 10_000, 'both replies sent');
    expect(msgs.map((m: any) => m.seq)).toEqual([1, 2, 3, 4]);
    expect(msgs.filter((m: any) => m.direction === 'out').every((m: any) => m.status === 'sent')).toBe(true);
    rt.close();
  });

  it('refuses a bad signature with 401 and stores nothing; stores a redelivery once; answers the console Verify with 200', async () => {
    const ch = await setUpLineChannel(t);
    const url = ch.account.callbackUrl as string;
    const body = JSON.stringify({
      destination: 'Ubot',
      events: [
        {
          type: 'message',
          mode: 'active',
          timestamp: Date.now(),
          source: { type: 'user', userId: 'U' + 'a'.repeat(32) },
          webhookEventId: '01HXTESTREDELIVERY00000001',
          deliveryContext: { isRedelivery: false },
          replyToken: 'f'.repeat(32),
          message: { id: '9000001', type: 'text', text: 'once', quoteToken: 'q' },
        },
      ],
    });
    const sign = (b: string, secret = ch.creds.channelSecret) => createHmac('sha256', secret).update(b).digest('base64');
    const post = (b: string, sig?: string) =>
      fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...(sig ? { 'x-line-signature': sig } : {}) }, body: b });

    expect((await post(body)).status).toBe(401);
    expect((await post(body, sign(body, 'f'.repeat(32)))).status).toBe(401);
    expect((await ch.agent.get(`/api/queues/${ch.queueId}/items`)).length).toBe(0);

    expect((await post(body, sign(body))).status).toBe(200);
    expect((await post(body, sign(body))).status).toBe(200);
    const items = await ch.agent.get(`/api/queues/${ch.queueId}/items`);
    expect(items.length).toBe(1);
    const msgs = await ch.agent.get(`/api/conversations/${items[0].id}/messages`);
    expect(msgs.filter((m: any) => m.content.text === 'once')).toHaveLength(1);

    const verify = JSON.stringify({ destination: 'Ubot', events: [] });
    expect((await post(verify, sign(verify))).status).toBe(200);
    const malformed = 'not json';
    const bad = await post(malformed, sign(malformed));
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: { message: string } }).error.message).toMatch(/json/i);
  });

  it('persists the conversation: a customer who writes again continues it; Waiting comes back to the same agent', async () => {
    const ch = await setUpLineChannel(t);
    const customer = t.line.customer(ch.creds.channelId);
    await customer.sendText('first');
    const [conv] = await eventually(async () => {
      const items = await ch.agent.get(`/api/queues/${ch.queueId}/items`);
      return items.length > 0 && items;
    });
    await ch.agent.post(`/api/conversations/${conv.id}/pick`);
    await ch.agent.post(`/api/conversations/${conv.id}/wait`);
    await customer.sendText('second');
    const back = await eventually(async () => {
      const v = await ch.agent.get(`/api/conversations/${conv.id}`);
      return v.conversation.state === 'active' && v.conversation;
    });
    expect(back.agentId).toBe(ch.agentId);
    const msgs = await ch.agent.get(`/api/conversations/${conv.id}/messages`);
    expect(msgs.map((m: any) => m.content.text)).toEqual(['first', 'second']);

    // The server enforces the lifecycle.
    const closeTooEarly = await ch.agent.raw('POST', `/api/conversations/${conv.id}/resume`);
    expect(closeTooEarly.status).toBe(409);
    await ch.agent.post(`/api/conversations/${conv.id}/end`);
    await ch.agent.post(`/api/conversations/${conv.id}/close`);
    const sendClosed = await ch.agent.raw('POST', `/api/conversations/${conv.id}/messages`, { kind: 'text', text: 'x' });
    expect(sendClosed.status).toBe(409);

    // After closing, the customer's next message opens a new conversation.
    await customer.sendText('third');
    const next = await eventually(async () => {
      const items = await ch.agent.get(`/api/queues/${ch.queueId}/items`);
      return items.find((c: any) => c.id !== conv.id);
    });
    expect(next.identityId).toBe(conv.identityId);
  });

  it('obeys the agents-can-send-attachments switch, and a deleted account stops its webhooks but keeps history', async () => {
    const ch = await setUpLineChannel(t, { attachments: false });
    const customer = t.line.customer(ch.creds.channelId);
    await customer.sendText('hi');
    const [conv] = await eventually(async () => {
      const items = await ch.agent.get(`/api/queues/${ch.queueId}/items`);
      return items.length > 0 && items;
    });
    await ch.agent.post(`/api/conversations/${conv.id}/pick`);
    const upload = await ch.agent.call('POST', '/api/blobs', PNG, { 'content-type': 'image/png' });
    const refused = await ch.agent.raw('POST', `/api/conversations/${conv.id}/messages`, { kind: 'image', blobId: upload.id });
    expect(refused.status).toBe(422);
    expect(((await refused.json()) as any).error.code).toBe('attachments_disabled');

    const agentOnAdmin = await ch.agent.raw('POST', '/api/accounts', { kind: 'line', name: 'x', credentials: {}, settings: {} });
    expect(agentOnAdmin.status).toBe(403);

    await t.admin.call('DELETE', `/api/accounts/${ch.account.id}`);
    const after = await customer.sendText('anyone?');
    expect(after.status).toBe(404);
    const history = await t.admin.get(`/api/conversations/${conv.id}/messages`);
    expect(history.map((m: any) => m.content.text)).toEqual(['hi']);
  });

  it('marks a message failed with LINE’s reason on a 4xx, and retries a 500 without sending twice', async () => {
    const ch = await setUpLineChannel(t);
    const customer = t.line.customer(ch.creds.channelId);
    await customer.sendText('hello');
    const [conv] = await eventually(async () => {
      const items = await ch.agent.get(`/api/queues/${ch.queueId}/items`);
      return items.length > 0 && items;
    });
    await ch.agent.post(`/api/conversations/${conv.id}/pick`);
    // Spend the reply token first so the next sends are pushes.
    await ch.agent.post(`/api/conversations/${conv.id}/messages`, { kind: 'text', text: 'one' });
    await customer.waitForInbox(1);

    t.line.injectFault({ path: '/v2/bot/message/push', status: 500, times: 1 });
    const retried = await ch.agent.post(`/api/conversations/${conv.id}/messages`, { kind: 'text', text: 'two' });
    await eventually(async () => {
      const m = (await ch.agent.get(`/api/conversations/${conv.id}/messages`)).find((x: any) => x.id === retried.id);
      return m.status === 'sent';
    }, 15_000, 'retried message sent');
    expect(customer.inbox().filter((r) => (r.message as { text?: string }).text === 'two')).toHaveLength(1);

    t.line.injectFault({ path: '/v2/bot/message/push', status: 400, body: { message: 'The request body has 1 error(s)', details: [{ message: 'May not be empty', property: 'messages[0].text' }] } });
    const failed = await ch.agent.post(`/api/conversations/${conv.id}/messages`, { kind: 'text', text: 'three' });
    const m = await eventually(async () => {
      const x = (await ch.agent.get(`/api/conversations/${conv.id}/messages`)).find((y: any) => y.id === failed.id);
      return x.status === 'failed' && x;
    });
    expect(m.errorCode).toBe('400');
    expect(m.errorMessage).toMatch(/May not be empty/);
  });
});
