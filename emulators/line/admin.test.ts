/** The /_emulator HTTP API and the customer page, as the CLI demo and a person use them. */
import { validateSignature } from '@line/bot-sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLineEmulator, type LineEmulator } from './index.js';
import { CHANNEL, startTestHub, type TestHub } from './test-hub.js';

let emu: LineEmulator;
let hub: TestHub;

beforeAll(async () => {
  emu = await startLineEmulator();
  hub = await startTestHub();
});
afterAll(async () => {
  await emu.close();
  await hub.close();
});

async function admin(method: string, path: string, body?: unknown): Promise<{ status: number; json: unknown }> {
  const res = await fetch(`${emu.baseUrl}${path}`, {
    method,
    ...(body === undefined ? {} : { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }),
  });
  return { status: res.status, json: await res.json() };
}

describe('/_emulator API', () => {
  it('adds a channel, plays a named customer, and shows the conversation', async () => {
    expect((await admin('POST', '/_emulator/channels', { ...CHANNEL, webhookUrl: hub.url })).status).toBe(201);
    const c1 = await admin('POST', `/_emulator/channels/${CHANNEL.channelId}/customers`, { displayName: 'Yuki' });
    const c2 = await admin('POST', `/_emulator/channels/${CHANNEL.channelId}/customers`, { displayName: 'Yuki' });
    const userId = (c1.json as { userId: string }).userId;
    expect(userId).toMatch(/^U[0-9a-f]{32}$/);
    expect((c2.json as { userId: string }).userId).toBe(userId);

    const base = `/_emulator/channels/${CHANNEL.channelId}/customers/${userId}`;
    const sent = await admin('POST', `${base}/messages`, { type: 'text', text: 'Do you ship to Osaka?' });
    expect(sent).toMatchObject({ status: 200, json: { status: 200, attempts: 1 } });
    const img = await admin('POST', `${base}/messages`, { type: 'image', dataBase64: Buffer.from('JPEG').toString('base64') });
    const imgId = (img.json as { messageId: string }).messageId;
    const content = await fetch(`${emu.baseUrl}/_emulator/channels/${CHANNEL.channelId}/content/${imgId}`);
    expect(Buffer.from(await content.arrayBuffer()).toString()).toBe('JPEG');
    const w = hub.received.at(-1);
    expect(validateSignature(w?.raw.toString('utf8') ?? '', CHANNEL.channelSecret, String(w?.headers['x-line-signature']))).toBe(true);

    await fetch(`${emu.baseUrl}/v2/bot/message/push`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${CHANNEL.channelAccessToken}` },
      body: JSON.stringify({ to: userId, messages: [{ type: 'text', text: 'Yes, 2 days.' }] }),
    });
    expect((await admin('GET', `${base}/inbox`)).json).toEqual([expect.objectContaining({ via: 'push', message: { type: 'text', text: 'Yes, 2 days.' } })]);
    const conv = (await admin('GET', `${base}/conversation`)).json as { entries: Array<{ from: string }> };
    expect(conv.entries.map((e) => e.from)).toEqual(['customer', 'customer', 'bot']);
    const channels = (await admin('GET', '/_emulator/channels')).json as Array<{ customers: unknown[] }>;
    expect(channels[0]?.customers).toHaveLength(1);
    expect(((await admin('GET', '/_emulator/requests')).json as unknown[]).length).toBeGreaterThan(0);
  });

  it('sends follow and postback events, and rejects bad input', async () => {
    const base = `/_emulator/channels/${CHANNEL.channelId}/customers/U${'d'.repeat(32)}`;
    expect(await admin('POST', `${base}/events`, { type: 'postback', data: 'a=1' })).toMatchObject({ json: { event: { type: 'postback' } } });
    expect((await admin('POST', `${base}/messages`, { type: 'text' })).status).toBe(400);
    expect((await admin('POST', `/_emulator/channels/nope/customers/U${'d'.repeat(32)}/messages`, { type: 'text', text: 'a' })).status).toBe(404);
  });

  it('injects and clears faults over HTTP', async () => {
    expect((await admin('POST', '/_emulator/faults', { pathRegex: '^/v2/bot/info$', status: 503, times: 5 })).status).toBe(201);
    const info = () => fetch(`${emu.baseUrl}/v2/bot/info`, { headers: { authorization: `Bearer ${CHANNEL.channelAccessToken}` } });
    expect((await info()).status).toBe(503);
    expect((await admin('POST', '/_emulator/faults', { pathRegex: '(', status: 500 })).status).toBe(400);
    await admin('DELETE', '/_emulator/faults');
    expect((await info()).status).toBe(200);
  });

  it('serves the customer page at / without innerHTML', async () => {
    const res = await fetch(`${emu.baseUrl}/`);
    expect(res.headers.get('content-type')).toContain('text/html');
    expect(res.headers.get('content-security-policy')).toContain("default-src 'self'");
    const html = await res.text();
    expect(html).toContain('/_emulator/channels');
    expect(html).not.toMatch(/innerHTML|outerHTML|insertAdjacentHTML|document\.write/);
    expect((await fetch(`${emu.baseUrl}/_emulator/ui`)).status).toBe(200);
  });
});
