/** /_emulator/*: what the browser page and the CLI demo use. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTwilioEmulator, type TwilioEmulator } from './index.js';
import { ACCOUNT, basic, BUSINESS, startTestHub, type TestHub } from './test-hub.js';
import { UI_HTML } from './ui.js';

let emu: TwilioEmulator;
let hub: TestHub;
const WA = '+15551239876';
const enc = encodeURIComponent;

beforeAll(async () => {
  emu = await startTwilioEmulator({ statusDelaysMs: { sent: 1, delivered: 2, read: 3 } });
  hub = await startTestHub();
});
afterAll(async () => {
  await emu.close();
  await hub.close();
});

async function call(method: string, path: string, body?: unknown): Promise<{ status: number; json: unknown }> {
  const res = await fetch(`${emu.baseUrl}${path}`, {
    method,
    ...(body === undefined ? {} : { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }),
  });
  const text = await res.text();
  return { status: res.status, json: text === '' ? undefined : (JSON.parse(text) as unknown) };
}

describe('emulator admin API', () => {
  it('serves the customer page with a strict CSP and no innerHTML', async () => {
    const res = await fetch(`${emu.baseUrl}/`);
    expect(res.headers.get('content-type')).toMatch(/^text\/html/);
    expect(res.headers.get('content-security-policy')).toContain("default-src 'self'");
    expect(UI_HTML).not.toMatch(/innerHTML|outerHTML|insertAdjacentHTML|document\.write/);
  });

  it('adds an account and a number, plays a customer, and shows the conversation with statuses', async () => {
    expect((await call('POST', '/_emulator/accounts', ACCOUNT)).status).toBe(201);
    expect((await call('POST', '/_emulator/accounts', { accountSid: 'nope', authToken: 'x' })).status).toBe(400);
    expect((await call('POST', '/_emulator/numbers', { accountSid: ACCOUNT.accountSid, number: BUSINESS, webhookUrl: hub.url })).status).toBe(201);
    const accounts = (await call('GET', '/_emulator/accounts')).json as Array<Record<string, unknown>>;
    expect(JSON.stringify(accounts)).not.toContain(ACCOUNT.authToken);
    expect(accounts[0]).toMatchObject({ accountSid: ACCOUNT.accountSid, numbers: [{ number: BUSINESS, webhookUrl: hub.url }] });

    const base = `/_emulator/accounts/${ACCOUNT.accountSid}/numbers/${enc(BUSINESS)}/customers`;
    expect((await call('POST', base, { waNumber: WA, profileName: 'Hana' })).json).toMatchObject({ waNumber: WA, profileName: 'Hana' });
    const d = (await call('POST', `${base}/${enc(WA)}/messages`, { type: 'text', body: 'hello from the page' })).json as Record<string, unknown>;
    expect(d).toMatchObject({ status: 200, attempts: 1, params: { Body: 'hello from the page', ProfileName: 'Hana' } });
    const png = Buffer.from([0x89, 0x50, 0x4e, 0x47]);
    const m = (await call('POST', `${base}/${enc(WA)}/messages`, { type: 'media', items: [{ dataBase64: png.toString('base64'), contentType: 'image/png' }] }))
      .json as { messageSid: string };
    expect((await call('POST', `${base}/${enc(WA)}/messages`, { type: 'location', latitude: 1, longitude: 2 })).status).toBe(200);
    expect((await call('POST', `${base}/${enc(WA)}/messages`, { type: 'button', payload: 'P', text: 'Yes' })).status).toBe(200);
    expect((await call('POST', `${base}/${enc(WA)}/messages`, { type: 'sticker' })).status).toBe(400);

    const media = await fetch(`${emu.baseUrl}/_emulator/accounts/${ACCOUNT.accountSid}/messages/${m.messageSid}/media/0`);
    expect(Buffer.from(await media.arrayBuffer())).toEqual(png);

    const res = await fetch(`${emu.baseUrl}/2010-04-01/Accounts/${ACCOUNT.accountSid}/Messages.json`, {
      method: 'POST',
      headers: { authorization: basic(ACCOUNT.accountSid, ACCOUNT.authToken), 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ From: `whatsapp:${BUSINESS}`, To: `whatsapp:${WA}`, Body: 'hi Hana' }),
    });
    const sid = ((await res.json()) as { sid: string }).sid;
    await emu.customer(ACCOUNT.accountSid, BUSINESS, WA).waitForInbox(1);
    const conv = (await call('GET', `${base}/${enc(WA)}/conversation`)).json as { entries: Array<Record<string, unknown>> };
    expect(conv.entries.map((e) => e['from'])).toEqual(['customer', 'customer', 'customer', 'customer', 'business']);
    expect(conv.entries[1]).toMatchObject({ media: [{ index: 0, contentType: 'image/png' }], delivery: { status: 200, attempts: 1 } });
    expect(conv.entries[4]).toMatchObject({ sid, body: 'hi Hana', status: expect.stringMatching(/^(delivered|read)$/) });
    const inbox = (await call('GET', `${base}/${enc(WA)}/inbox`)).json as Array<Record<string, unknown>>;
    expect(inbox).toMatchObject([{ sid, body: 'hi Hana', media: [] }]);
    const created = (await call('GET', '/_emulator/messages')).json as Array<Record<string, unknown>>;
    expect(created.map((x) => x['sid'])).toContain(sid);
    expect(((await call('GET', '/_emulator/requests')).json as unknown[]).length).toBeGreaterThan(0);
  });

  it('adds content, faults and delivery failures over HTTP', async () => {
    const content = await call('POST', `/_emulator/accounts/${ACCOUNT.accountSid}/contents`, { friendlyName: 'hello', language: 'en', body: 'Hello {{1}}' });
    expect(content).toMatchObject({ status: 201, json: { sid: expect.stringMatching(/^HX[0-9a-f]{32}$/) } });

    expect((await call('POST', '/_emulator/faults', { pathRegex: '^/v1/', status: 503, times: 2 })).status).toBe(201);
    expect((await call('POST', '/_emulator/faults', { pathRegex: '(', status: 500 })).status).toBe(400);
    expect((await call('GET', '/_emulator/faults')).json).toEqual([{ path: '/^\\/v1\\//', status: 503, times: 2 }]);
    expect((await fetch(`${emu.baseUrl}/v1/Content`)).status).toBe(503);
    expect((await call('DELETE', '/_emulator/faults')).status).toBe(200);
    expect((await fetch(`${emu.baseUrl}/v1/Content`)).status).toBe(401);

    expect((await call('POST', '/_emulator/delivery-failures', { to: WA, errorCode: 63024 })).status).toBe(201);
    expect((await call('GET', '/_emulator/delivery-failures')).json).toEqual([{ to: WA, errorCode: 63024, status: 'failed', times: 1 }]);
    expect((await call('DELETE', '/_emulator/delivery-failures')).status).toBe(200);
    expect((await call('GET', '/_emulator/delivery-failures')).json).toEqual([]);
  });
});
