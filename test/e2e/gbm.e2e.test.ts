/**
 * Google's Business Messages end to end through the public API and the emulator, on SQLite and
 * PostgreSQL: the verification handshake, the service-account OAuth flow, signed webhooks with
 * context, images, receipts, representatives and join/leave/typing events.
 */
import { createHmac } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { VIDEO_PREVIEW_PNG } from '../../src/http/video-preview.js';
import { eventually } from '../support/api-client.js';
import { setUpGbmChannel, startTestHub, type TestHub } from '../support/hub.js';
import { STORE_KINDS } from '../support/stores.js';

const PNG = VIDEO_PREVIEW_PNG;

describe.each(STORE_KINDS)("Google's Business Messages on %s", (kind) => {
  let t: TestHub;
  beforeAll(async () => {
    t = await startTestHub(kind);
  });
  afterAll(async () => {
    await t?.close();
  });

  it('verifies the webhook with the client token, and shows it on the account', async () => {
    const ch = await setUpGbmChannel(t);
    expect(ch.handshake.verified).toBe(true);
    const account = await t.admin.get(`/api/accounts/${ch.account.id}`);
    expect(account.webhookVerifiedAt).not.toBeNull();
    expect(ch.account.webhookVerifiedAt).toBeNull();
    // Secured fields: the client token and the key file are masked for a supervisor.
    await t.admin.post('/api/users', { email: `sup-${ch.ids.agentId}@example.test`, displayName: 'Sup', password: 'supervisor-pw-1', role: 'supervisor' });
    const { ApiClient } = await import('../support/api-client.js');
    const sup = new ApiClient(t.url);
    await sup.login(`sup-${ch.ids.agentId}@example.test`, 'supervisor-pw-1');
    const masked = await sup.get(`/api/accounts/${ch.account.id}`);
    expect(JSON.stringify(masked)).not.toContain(ch.ids.clientToken);
    expect(JSON.stringify(masked)).not.toContain('PRIVATE KEY');

    const wrong = await fetch(ch.account.callbackUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ clientToken: 'not-the-token', secret: '12345' }),
    });
    expect(wrong.status).toBe(403);
  });

  it('customer text (with context) and image reach the agent; the agent joins, types, answers as a HUMAN; receipts arrive', async () => {
    const ch = await setUpGbmChannel(t);
    const customer = t.gbm.customer(ch.ids.agentId, { displayName: 'Ana', locale: 'es-ES', entryPoint: 'PLACESHEET', placeId: 'ChIJplace123' });
    expect((await customer.sendText('¿Tienen talla M?')).status).toBe(200);
    await customer.sendImage(PNG, 'image/png');

    const conv = await eventually(async () => (await ch.agent.get(`/api/queues/${ch.queueId}/items`))[0]);
    expect(conv.context).toMatchObject({ channel: 'gbm', entryPoint: 'PLACESHEET', placeId: 'ChIJplace123', customerName: 'Ana' });
    const rt = await ch.agent.realtime();
    await ch.agent.post(`/api/conversations/${conv.id}/pick`);
    await eventually(async () => customer.events().some((e: any) => e.eventType === 'REPRESENTATIVE_JOINED'), 10_000, 'joined event');

    const img = await eventually(async () => {
      const msgs = await ch.agent.get(`/api/conversations/${conv.id}/messages`);
      return msgs.find((m: any) => m.content.kind === 'image' && m.content.media.blobId);
    }, 10_000, 'image downloaded');
    const blob = await ch.agent.raw('GET', `/api/blobs/${img.content.media.blobId}`);
    expect(Buffer.from(await blob.arrayBuffer()).equals(PNG)).toBe(true);

    rt.ws.send(JSON.stringify({ type: 'typing', conversationId: conv.id, isTyping: true }));
    await eventually(async () => customer.events().some((e: any) => e.eventType === 'TYPING_STARTED'), 10_000, 'typing event');

    const text = await ch.agent.post(`/api/conversations/${conv.id}/messages`, { kind: 'text', text: 'Sí, la tenemos.' });
    const upload = await ch.agent.call('POST', '/api/blobs', PNG, { 'content-type': 'image/png' });
    await ch.agent.post(`/api/conversations/${conv.id}/messages`, { kind: 'image', blobId: upload.id });
    const inbox = await customer.waitForInbox(2, 10_000);
    expect(inbox[0]!.text).toBe('Sí, la tenemos.');
    expect(inbox[0]!.representative).toMatchObject({ representativeType: 'HUMAN', displayName: ch.agentName });
    expect(inbox[1]!.image).toBeDefined();

    const read = await eventually(async () => {
      const m = (await ch.agent.get(`/api/conversations/${conv.id}/messages`)).find((x: any) => x.id === text.id);
      return m.status === 'read' && m;
    }, 10_000, 'read receipt');
    // Our messageId (the idempotency key) is what Google's receipts refer to.
    expect(read.providerMessageId).toBe(inbox[0]!.messageId);

    await customer.requestLiveAgent();
    await eventually(async () => {
      const msgs = await ch.agent.get(`/api/conversations/${conv.id}/messages`);
      return msgs.some((m: any) => m.content.kind === 'event' && m.content.name === 'live_agent_requested');
    });

    await ch.agent.post(`/api/conversations/${conv.id}/end`);
    await eventually(async () => customer.events().some((e: any) => e.eventType === 'REPRESENTATIVE_LEFT'), 10_000, 'left event');
    const calls = t.gbm.requests().filter((r: any) => r.path.startsWith(`/v1/conversations/${customer.conversationId}`));
    for (const c of calls) expect(c.validationErrors ?? []).toEqual([]);
    const tokenCalls = t.gbm.requests().filter((r: any) => r.path === '/token');
    expect(tokenCalls.length).toBeGreaterThanOrEqual(1);
    expect(tokenCalls.length).toBeLessThan(calls.length);
    rt.close();
  });

  it('refuses a wrong X-Goog-Signature with 401 and stores nothing', async () => {
    const ch = await setUpGbmChannel(t);
    const body = JSON.stringify({
      agent: `brands/${ch.ids.brandId}/agents/${ch.ids.agentId}`,
      conversationId: 'c0ffee00-0000-0000-0000-000000000001',
      requestId: 'req-forged-1',
      message: { messageId: 'm1', name: 'conversations/x/messages/m1', text: 'forged', createTime: new Date().toISOString() },
      sendTime: new Date().toISOString(),
    });
    const sig = createHmac('sha512', 'wrong-token').update(body).digest('base64');
    const res = await fetch(ch.account.callbackUrl, { method: 'POST', headers: { 'content-type': 'application/json', 'x-goog-signature': sig }, body });
    expect(res.status).toBe(401);
    expect(await ch.agent.get(`/api/queues/${ch.queueId}/items`)).toEqual([]);
  });
});
