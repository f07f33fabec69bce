/**
 * WhatsApp through Twilio, end to end through the public API and the Twilio emulator, on SQLite
 * and PostgreSQL: media both ways, status callbacks, the 24-hour rule with templates, retries
 * that never send twice, and refused signatures.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { twilioSignature } from '../../emulators/twilio/index.js';
import { VIDEO_PREVIEW_PNG } from '../../src/http/video-preview.js';
import { ManualClock } from '../../src/lib/clock.js';
import { ApiClient, eventually } from '../support/api-client.js';
import { ADMIN, setUpTwilioChannel, startTestHub, type TestHub } from '../support/hub.js';
import { STORE_KINDS } from '../support/stores.js';

const PNG = VIDEO_PREVIEW_PNG;
const HOUR = 3_600_000;

/** A clock that follows real time but can be pushed forward (the hub's timers still run). */
class ShiftableClock extends ManualClock {
  private offset = 0;
  override now(): number {
    return Date.now() + this.offset;
  }
  override advance(ms: number): void {
    this.offset += ms;
  }
}

async function firstItem(agent: ApiClient, queueId: string): Promise<any> {
  return eventually(async () => (await agent.get(`/api/queues/${queueId}/items`))[0], 10_000, 'conversation in queue');
}

async function messageOf(agent: ApiClient, convId: string, id: string): Promise<any> {
  return (await agent.get(`/api/conversations/${convId}/messages`)).find((m: any) => m.id === id);
}

describe.each(STORE_KINDS)('WhatsApp through Twilio on %s', (kind) => {
  let t: TestHub;
  const clock = new ShiftableClock();
  beforeAll(async () => {
    t = await startTestHub(kind, { clock });
  });
  afterAll(async () => {
    await t?.close();
  });

  it('customer text and media reach the agent; the agent answers with text and an image; statuses reach read', async () => {
    const ch = await setUpTwilioChannel(t);
    expect(ch.account.callbackUrl).toMatch(/\/webhooks\/twilio-whatsapp\/[^/]+$/);
    expect(ch.account.extraCallbackUrls.statusCallbackUrl).toBe(`${ch.account.callbackUrl}/status`);
    const customer = t.twilio.customer(ch.creds.accountSid, ch.number, '+393331234567', 'Giulia');
    const d1 = await customer.sendText('Ciao, where is my parcel?');
    expect(d1.status).toBe(200);
    expect(d1.responseBody).toContain('<Response/>');
    await customer.sendMedia([{ bytes: PNG, contentType: 'image/png' }], 'this label');

    const conv = await firstItem(ch.agent, ch.queueId);
    await ch.agent.post(`/api/conversations/${conv.id}/pick`);
    const view = await ch.agent.get(`/api/conversations/${conv.id}`);
    expect(view.identity.providerUserId).toBe('+393331234567');
    expect(view.identity.displayName).toBe('Giulia');
    expect(view.windowEndsAt).toBeGreaterThan(clock.now() + 23 * HOUR);

    const image = await eventually(async () => {
      const msgs = await ch.agent.get(`/api/conversations/${conv.id}/messages`);
      return msgs.find((m: any) => m.content.kind === 'image' && m.content.media.blobId);
    }, 10_000, 'media downloaded with Basic auth');
    expect(image.content.caption).toBe('this label');
    const blob = await ch.agent.raw('GET', `/api/blobs/${image.content.media.blobId}`);
    expect(Buffer.from(await blob.arrayBuffer()).equals(PNG)).toBe(true);

    const text = await ch.agent.post(`/api/conversations/${conv.id}/messages`, { kind: 'text', text: 'On its way!' });
    const upload = await ch.agent.call('POST', '/api/blobs', PNG, { 'content-type': 'image/png' });
    const img = await ch.agent.post(`/api/conversations/${conv.id}/messages`, { kind: 'image', blobId: upload.id, caption: 'your label' });

    const inbox = await customer.waitForInbox(2, 10_000);
    expect(inbox[0]!.body).toBe('On its way!');
    expect(inbox[1]!.media[0]!.bytes.equals(PNG)).toBe(true);
    expect(inbox[1]!.body).toBe('your label');

    for (const m of [text, img]) {
      await eventually(async () => (await messageOf(ch.agent, conv.id, m.id)).status === 'read', 10_000, `${m.id} read`);
    }
    const created = t.twilio.requests().filter((r) => r.method === 'POST' && r.path.endsWith('/Messages.json') && r.accountSid === ch.creds.accountSid);
    expect(created).toHaveLength(2);
    for (const r of created) {
      expect(r.validationErrors ?? []).toEqual([]);
      expect((r.body as Record<string, string>).From).toBe(`whatsapp:${ch.number}`);
      expect((r.body as Record<string, string>).StatusCallback).toContain('/status?m=');
    }
  });

  it('refuses free-form after 24 hours before calling Twilio, offers the templates, and sends a template', async () => {
    const ch = await setUpTwilioChannel(t);
    const { sid } = t.twilio.addContent(ch.creds.accountSid, {
      friendlyName: 'order_update',
      language: 'en',
      body: 'Hi {{1}}, your order {{2}} has an update.',
      approval: 'approved',
    });
    t.twilio.addContent(ch.creds.accountSid, { friendlyName: 'promo', language: 'en', body: 'Sale!', approval: 'pending' });
    const imported = await t.admin.post(`/api/accounts/${ch.account.id}/templates/import`);
    expect(imported).toMatchObject({ added: 2, total: 2 });
    const templates = await t.admin.get(`/api/accounts/${ch.account.id}/templates`);
    expect(templates.find((x: any) => x.name === 'order_update')).toMatchObject({ providerTemplateId: sid, status: 'approved' });
    expect(templates.find((x: any) => x.name === 'promo').status).toBe('pending');

    const customer = t.twilio.customer(ch.creds.accountSid, ch.number, '+393339999999', 'Marco');
    await customer.sendText('hello');
    const conv = await firstItem(ch.agent, ch.queueId);
    await ch.agent.post(`/api/conversations/${conv.id}/pick`);

    clock.advance(25 * HOUR);
    // Sessions last 12 hours: sign in again after the jump.
    await t.admin.login(ADMIN.email, ADMIN.password);
    const agent = new ApiClient(t.url);
    await agent.login(ch.agentEmail, ch.agentPassword);
    const view = await agent.get(`/api/conversations/${conv.id}`);
    expect(view.windowEndsAt).toBeLessThan(clock.now());

    const before = t.twilio.requests().length;
    const refused = await agent.raw('POST', `/api/conversations/${conv.id}/messages`, { kind: 'text', text: 'still there?' });
    expect(refused.status).toBe(422);
    const body = (await refused.json()) as any;
    expect(body.error.code).toBe('outside_window');
    expect(body.error.message).toMatch(/24-hour/);
    expect(body.error.details.templates.map((x: any) => x.name)).toEqual(['order_update']);
    expect(t.twilio.requests().length).toBe(before);

    const missingVar = await agent.raw('POST', `/api/conversations/${conv.id}/messages`, {
      kind: 'template',
      templateId: body.error.details.templates[0].id,
      variables: { '1': 'Marco' },
    });
    expect(missingVar.status).toBe(400);
    const sent = await agent.post(`/api/conversations/${conv.id}/messages`, {
      kind: 'template',
      templateId: body.error.details.templates[0].id,
      variables: { '1': 'Marco', '2': 'A-17' },
    });
    expect(sent.content.text).toBe('Hi Marco, your order A-17 has an update.');
    const inbox = await customer.waitForInbox(1, 10_000);
    expect(inbox[0]!.contentSid).toBe(sid);
    expect(inbox[0]!.renderedText).toBe('Hi Marco, your order A-17 has an update.');
    await eventually(async () => ['delivered', 'read'].includes((await messageOf(agent, conv.id, sent.id)).status));
  });

  it('applies status callbacks only forward, even out of order', async () => {
    const ch = await setUpTwilioChannel(t);
    const customer = t.twilio.customer(ch.creds.accountSid, ch.number, '+393330000001');
    await customer.sendText('hi');
    const conv = await firstItem(ch.agent, ch.queueId);
    await ch.agent.post(`/api/conversations/${conv.id}/pick`);
    const m = await ch.agent.post(`/api/conversations/${conv.id}/messages`, { kind: 'text', text: 'hello' });
    const final = await eventually(async () => {
      const x = await messageOf(ch.agent, conv.id, m.id);
      return x.status === 'read' && x;
    });
    // A late, genuine-looking "sent" and "delivered" arrive after "read": they must not move it back.
    const url = ch.account.extraCallbackUrls.statusCallbackUrl as string;
    for (const status of ['sent', 'delivered']) {
      const params = {
        MessageSid: final.providerMessageId,
        MessageStatus: status,
        AccountSid: ch.creds.accountSid,
        From: `whatsapp:${ch.number}`,
        To: 'whatsapp:+393330000001',
        ApiVersion: '2010-04-01',
        ChannelPrefix: 'whatsapp',
        SmsSid: final.providerMessageId,
        SmsStatus: status,
      };
      const res = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': twilioSignature(ch.creds.authToken, url, params) },
        body: new URLSearchParams(params).toString(),
      });
      expect(res.status).toBe(200);
    }
    expect((await messageOf(ch.agent, conv.id, m.id)).status).toBe('read');
  });

  it('retries a create whose answer was lost without sending twice; records Twilio’s error on a refusal', async () => {
    const ch = await setUpTwilioChannel(t);
    const customer = t.twilio.customer(ch.creds.accountSid, ch.number, '+393330000002');
    await customer.sendText('hi');
    const conv = await firstItem(ch.agent, ch.queueId);
    await ch.agent.post(`/api/conversations/${conv.id}/pick`);

    t.twilio.injectFault({ method: 'POST', path: /\/Messages\.json$/, status: 500, afterCreate: true, times: 1 });
    const m = await ch.agent.post(`/api/conversations/${conv.id}/messages`, { kind: 'text', text: 'exactly once' });
    await eventually(async () => ['sent', 'delivered', 'read'].includes((await messageOf(ch.agent, conv.id, m.id)).status), 15_000, 'sent after retry');
    await customer.waitForInbox(1);
    await new Promise((r) => setTimeout(r, 200));
    expect(customer.inbox().filter((x) => x.body === 'exactly once')).toHaveLength(1);

    t.twilio.injectFault({
      method: 'POST',
      path: /\/Messages\.json$/,
      status: 400,
      body: { code: 21211, message: "The 'To' number whatsapp:+393330000002 is not a valid phone number.", more_info: 'https://www.twilio.com/docs/errors/21211', status: 400 },
    });
    const bad = await ch.agent.post(`/api/conversations/${conv.id}/messages`, { kind: 'text', text: 'refused' });
    const failed = await eventually(async () => {
      const x = await messageOf(ch.agent, conv.id, bad.id);
      return x.status === 'failed' && x;
    });
    expect(failed.errorCode).toBe('21211');
    expect(failed.errorMessage).toMatch(/not a valid phone number/);
  });

  it('works with the Twilio Sandbox: join <code>, then a normal conversation', async () => {
    const sandbox = '+14155238886';
    const ch = await setUpTwilioChannel(t, { number: sandbox });
    // The sandbox number only delivers to customers who joined.
    t.twilio.addNumber({
      accountSid: ch.creds.accountSid,
      number: sandbox,
      webhookUrl: ch.account.callbackUrl,
      statusCallbackUrl: ch.account.extraCallbackUrls.statusCallbackUrl,
      sandbox: { joinCode: 'silver-fox' },
    });
    const customer = t.twilio.customer(ch.creds.accountSid, sandbox, '+447700900123', 'Alice');
    await customer.join('silver-fox');
    const conv = await firstItem(ch.agent, ch.queueId);
    const msgs = await ch.agent.get(`/api/conversations/${conv.id}/messages`);
    expect(msgs[0].content.text).toBe('join silver-fox');
    await ch.agent.post(`/api/conversations/${conv.id}/pick`);
    const reply = await ch.agent.post(`/api/conversations/${conv.id}/messages`, { kind: 'text', text: 'Welcome, Alice' });
    const inbox = await eventually(async () => customer.inbox().find((x) => x.body === 'Welcome, Alice'));
    expect(inbox.via).toBe('api');
    await eventually(async () => ['delivered', 'read'].includes((await messageOf(ch.agent, conv.id, reply.id)).status));
  });

  it('refuses a bad signature with 403 and stores nothing', async () => {
    const ch = await setUpTwilioChannel(t);
    const params = { MessageSid: 'SM' + 'a'.repeat(32), AccountSid: ch.creds.accountSid, From: 'whatsapp:+15550001111', To: `whatsapp:${ch.number}`, Body: 'forged', NumMedia: '0' };
    const res = await fetch(ch.account.callbackUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': twilioSignature('0'.repeat(32), ch.account.callbackUrl, params) },
      body: new URLSearchParams(params).toString(),
    });
    expect(res.status).toBe(403);
    expect(await ch.agent.get(`/api/queues/${ch.queueId}/items`)).toEqual([]);
  });
});
