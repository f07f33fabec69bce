/** The official `twilio` client works against the emulator, and verifies its webhook signatures. */
import twilio from 'twilio';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTwilioEmulator, type TwilioEmulator } from './index.js';
import { ACCOUNT, BUSINESS, startTestHub, type TestHub } from './test-hub.js';

let emu: TwilioEmulator;
let hub: TestHub;
let client: twilio.Twilio;
const CUSTOMER = '+15551230001';

beforeAll(async () => {
  emu = await startTwilioEmulator({ statusDelaysMs: { sent: 5, delivered: 10, read: 15 } });
  hub = await startTestHub();
  emu.addAccount(ACCOUNT);
  emu.addNumber({ accountSid: ACCOUNT.accountSid, number: BUSINESS, webhookUrl: hub.url, statusCallbackUrl: hub.statusUrl });
  client = twilio(ACCOUNT.accountSid, ACCOUNT.authToken);
  client.api.baseUrl = emu.baseUrl;
  client.content.baseUrl = emu.baseUrl;
});
afterAll(async () => {
  await emu.close();
  await hub.close();
});

describe('official twilio client against the emulator', () => {
  it('receives an inbound webhook that twilio.validateRequest accepts, then replies inside the window', async () => {
    const alice = emu.customer(ACCOUNT.accountSid, BUSINESS, CUSTOMER, 'Alice');
    const d = await alice.sendText('Hi, is my order on its way?');
    expect(d).toMatchObject({ status: 200, attempts: 1 });
    const w = hub.webhooks().at(-1);
    expect(w).toBeDefined();
    if (w === undefined) return;
    const sig = String(w.headers['x-twilio-signature']);
    expect(twilio.validateRequest(ACCOUNT.authToken, sig, w.url, w.params)).toBe(true);
    expect(twilio.validateRequest('0'.repeat(32), sig, w.url, w.params)).toBe(false);
    expect(twilio.validateRequest(ACCOUNT.authToken, sig, w.url, { ...w.params, Body: 'tampered' })).toBe(false);
    expect(w.headers['user-agent']).toBe('TwilioProxy/1.1');
    expect(w.headers['content-type']).toBe('application/x-www-form-urlencoded');
    expect(w.params).toMatchObject({ Body: 'Hi, is my order on its way?', From: `whatsapp:${CUSTOMER}`, ProfileName: 'Alice', MessageSid: d.messageSid });

    const sent = await client.messages.create({ from: `whatsapp:${BUSINESS}`, to: `whatsapp:${CUSTOMER}`, body: 'Yes, it ships today.' });
    expect(sent.sid).toMatch(/^SM[0-9a-f]{32}$/);
    expect(sent).toMatchObject({ status: 'queued', body: 'Yes, it ships today.', accountSid: ACCOUNT.accountSid, direction: 'outbound-api', apiVersion: '2010-04-01' });
    expect(sent.dateCreated).toBeInstanceOf(Date);
    const inbox = await alice.waitForInbox(1);
    expect(inbox[0]).toMatchObject({ sid: sent.sid, body: 'Yes, it ships today.', via: 'api' });

    const call = emu.requests().find((r) => r.method === 'POST' && r.path.endsWith('/Messages.json'));
    expect(call).toMatchObject({ status: 201, accountSid: ACCOUNT.accountSid, body: { To: `whatsapp:${CUSTOMER}`, Body: 'Yes, it ships today.' } });
    expect(call?.headers['user-agent']).toMatch(/^twilio-node\//);
    expect(call?.headers['authorization']).toBe('Basic <redacted>');

    // Status callbacks are signed for the status URL too.
    const callbacks = await hub.waitFor((r) => r.some((x) => x.params['MessageSid'] === sent.sid && x.params['MessageStatus'] === 'read'));
    for (const cb of callbacks.filter((x) => x.params['MessageSid'] === sent.sid)) {
      expect(twilio.validateRequest(ACCOUNT.authToken, String(cb.headers['x-twilio-signature']), cb.url, cb.params)).toBe(true);
    }
  });

  it('sends media and a template, lists by recipient, and fetches one message', async () => {
    hub.serve('/files/receipt.png', { contentType: 'image/png', body: Buffer.from([0x89, 0x50, 0x4e, 0x47]) });
    const withMedia = await client.messages.create({ from: `whatsapp:${BUSINESS}`, to: `whatsapp:${CUSTOMER}`, mediaUrl: [`${hub.origin}/files/receipt.png`] });
    expect(withMedia.sid).toMatch(/^MM[0-9a-f]{32}$/);
    expect(withMedia.numMedia).toBe('1');

    const { sid: contentSid } = emu.addContent(ACCOUNT.accountSid, { friendlyName: 'order_update', language: 'en', body: 'Hello {{1}}, order {{2}} has shipped.' });
    const templated = await client.messages.create({
      from: `whatsapp:${BUSINESS}`,
      to: `whatsapp:${CUSTOMER}`,
      contentSid,
      contentVariables: JSON.stringify({ 1: 'Alice', 2: '#1042' }),
    });
    const alice = emu.customer(ACCOUNT.accountSid, BUSINESS, CUSTOMER);
    const inbox = await alice.waitForInbox(3); // the media message may arrive last: Twilio fetches its media first
    const mediaMsg = inbox.find((m) => m.sid === withMedia.sid);
    expect(mediaMsg).toMatchObject({ mediaUrls: [`${hub.origin}/files/receipt.png`] });
    expect(mediaMsg?.media[0]).toMatchObject({ contentType: 'image/png', bytes: Buffer.from([0x89, 0x50, 0x4e, 0x47]) });
    expect(inbox.find((m) => m.sid === templated.sid)).toMatchObject({ sid: templated.sid, contentSid, contentVariables: { 1: 'Alice', 2: '#1042' }, renderedText: 'Hello Alice, order #1042 has shipped.' });

    const listed = await client.messages.list({ to: `whatsapp:${CUSTOMER}` });
    expect(listed.map((m) => m.sid)).toEqual([templated.sid, withMedia.sid, expect.stringMatching(/^SM/)]);
    const paged = await client.messages.list({ to: `whatsapp:${CUSTOMER}`, pageSize: 1 });
    expect(paged.map((m) => m.sid)).toEqual(listed.map((m) => m.sid));
    const inbound = await client.messages.list({ from: `whatsapp:${CUSTOMER}` });
    expect(inbound[0]).toMatchObject({ direction: 'inbound', status: 'received' });

    const fetched = await client.messages(templated.sid).fetch();
    expect(fetched).toMatchObject({ sid: templated.sid, body: 'Hello Alice, order #1042 has shipped.' });
    const media = await client.messages(withMedia.sid).media.list();
    expect(media[0]).toMatchObject({ contentType: 'image/png', parentSid: withMedia.sid });
  });

  it('reads templates with the Content API', async () => {
    const contents = await client.content.v1.contents.list();
    expect(contents.length).toBeGreaterThan(0);
    const c = contents[0];
    expect(c).toMatchObject({ friendlyName: 'order_update', language: 'en', types: { 'twilio/text': { body: 'Hello {{1}}, order {{2}} has shipped.' } } });
    expect(c?.sid).toMatch(/^HX[0-9a-f]{32}$/);
    const one = await client.content.v1.contents(c?.sid ?? '').fetch();
    expect(one.accountSid).toBe(ACCOUNT.accountSid);
    const approvals = await client.content.v1.contentAndApprovals.list();
    expect(approvals[0]?.approvalRequests).toMatchObject({ status: 'approved', category: 'UTILITY' });
    const fetchApproval = await client.content.v1.contents(c?.sid ?? '').approvalFetch().fetch();
    expect(fetchApproval.whatsapp).toMatchObject({ status: 'approved', name: 'order_update' });
    expect(emu.requests().some((r) => r.path === '/v1/Content' && r.status === 200)).toBe(true);
  });

  it('creates content and submits it for approval', async () => {
    // On the wire the content types are keyed 'twilio/text' (the spec); the SDK's typings say twilioText.
    const request = {
      friendly_name: 'appointment_reminder',
      language: 'en',
      variables: { 1: 'tomorrow' },
      types: { 'twilio/text': { body: 'Your appointment is {{1}}.' } },
    } as unknown as Parameters<typeof client.content.v1.contents.create>[0];
    const created = await client.content.v1.contents.create(request);
    expect(created.sid).toMatch(/^HX/);
    const approval = await client.content.v1.contents(created.sid).approvalCreate.create({ name: 'appointment_reminder', category: 'UTILITY' });
    expect(approval.status).toBe('approved');
  });

  it('surfaces Twilio errors as RestException with code and status', async () => {
    const bad = twilio(ACCOUNT.accountSid, 'wrong-token');
    bad.api.baseUrl = emu.baseUrl;
    const err = await bad.messages.create({ from: `whatsapp:${BUSINESS}`, to: `whatsapp:${CUSTOMER}`, body: 'x' }).catch((e: unknown) => e);
    expect(err).toMatchObject({ status: 401, code: 20003, message: 'Authenticate', moreInfo: 'https://www.twilio.com/docs/errors/20003' });
    const notOurs = await client.messages.create({ from: 'whatsapp:+15550009999', to: `whatsapp:${CUSTOMER}`, body: 'x' }).catch((e: unknown) => e);
    expect(notOurs).toMatchObject({ status: 400, code: 21606 });
  });

  it('accepts an API key for the account', async () => {
    emu.addAccount({ ...ACCOUNT, apiKeys: [{ sid: `SK${'1'.repeat(32)}`, secret: 'key-secret' }] });
    const keyed = twilio(`SK${'1'.repeat(32)}`, 'key-secret', { accountSid: ACCOUNT.accountSid });
    keyed.api.baseUrl = emu.baseUrl;
    const listed = await keyed.messages.list({ limit: 1 });
    expect(listed).toHaveLength(1);
  });
});
