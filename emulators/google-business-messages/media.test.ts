/** Images both ways: a customer's image behind an expiring signed URL; a business image fetched like Google does. */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGbmEmulator, type GbmEmulator } from './index.js';
import { accessToken, AGENT, callApi, startTestHub, type TestHub } from './test-hub.js';

const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==', 'base64');
let clock = Date.UTC(2019, 7, 26, 20, 10, 38);
let emu: GbmEmulator;
let hub: TestHub;
let token: string;
let files: Server;
let filesUrl: string;

beforeAll(async () => {
  emu = await startGbmEmulator({ now: () => clock, receiptDelaysMs: false });
  hub = await startTestHub();
  token = await accessToken(emu.addAgent({ ...AGENT, webhookUrl: hub.url }).serviceAccount, Math.floor(clock / 1000));
  files = createServer((req, res) => {
    if (req.url === '/a.png') res.writeHead(200, { 'content-type': 'image/png' }).end(PNG);
    else if (req.url === '/page.html') res.writeHead(200, { 'content-type': 'text/html' }).end('<p>not an image</p>');
    else if (req.url === '/big.png') res.writeHead(200, { 'content-type': 'image/png' }).end(Buffer.alloc(30 * 1024));
    else res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => files.listen(0, '127.0.0.1', resolve));
  filesUrl = `http://127.0.0.1:${(files.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await emu.close();
  await hub.close();
  files.closeAllConnections();
  await new Promise((resolve) => files.close(resolve));
});

describe("a customer's image", () => {
  it('reaches the business as message.text holding a signed URL that serves the bytes until it expires', async () => {
    const c = emu.customer(AGENT.agentId);
    const d = await c.sendImage(PNG, 'image/png');
    expect(d.status).toBe(200);
    const url = String((d.payload['message'] as Record<string, unknown>)['text']);
    expect(url.startsWith(`${emu.baseUrl}/business-messages-us/`)).toBe(true);
    const q = new URL(url).searchParams;
    expect(q.get('x-goog-algorithm')).toBe('GOOG4-RSA-SHA256');
    expect(q.get('x-goog-date')).toBe('20190826T201038Z');
    expect(q.get('x-goog-expires')).toBe('604800');
    expect(q.get('x-goog-credential')).toMatch(/\/20190826\/auto\/storage\/goog4_request$/);
    expect(Object.keys(d.payload)).toEqual(['agent', 'conversationId', 'customAgentId', 'requestId', 'message', 'context', 'sendTime']);
    expect(hub.received.at(-1)?.raw.toString('utf8')).toContain('x-goog-algorithm\\u003dGOOG4-RSA-SHA256\\u0026');

    const res = await fetch(url);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('image/png');
    expect(Buffer.from(await res.arrayBuffer())).toEqual(PNG);

    const tampered = await fetch(url.replace(/x-goog-expires=\d+/, 'x-goog-expires=999999999'));
    expect(tampered.status).toBe(403);
    expect(await tampered.text()).toContain('<Code>SignatureDoesNotMatch</Code>');

    clock += 604_800_000;
    const expired = await fetch(url);
    expect(expired.status).toBe(400);
    expect(await expired.text()).toContain('<Code>ExpiredToken</Code>');
    clock -= 604_800_000;
  });
});

describe('a business image', () => {
  const send = (conversationId: string, messageId: string, contentInfo: Record<string, unknown>) =>
    callApi(emu.baseUrl, 'POST', `/v1/conversations/${conversationId}/messages`, token, {
      messageId,
      representative: { representativeType: 'BOT' },
      image: { contentInfo: { forceRefresh: false, ...contentInfo } },
      fallback: 'An image',
    });

  it('is fetched from fileUrl and kept for the device', async () => {
    const c = emu.customer(AGENT.agentId);
    const r = await send(c.conversationId, 'img-1', { fileUrl: `${filesUrl}/a.png`, altText: 'a dot' });
    expect(r.status).toBe(200);
    expect(r.json).toMatchObject({ name: `conversations/${c.conversationId}/messages/img-1`, image: { contentInfo: { fileUrl: `${filesUrl}/a.png` } } });
    const image = c.inbox()[0]?.image;
    expect(image).toMatchObject({ fileUrl: `${filesUrl}/a.png`, altText: 'a dot', contentType: 'image/png', size: PNG.length });
    const shown = await fetch(`${emu.baseUrl}/_emulator/media/${image?.mediaId ?? ''}`);
    expect(Buffer.from(await shown.arrayBuffer())).toEqual(PNG);
  });

  it.each([
    ['a 404', '/missing.png', /answered HTTP 404/],
    ['HTML', '/page.html', /has Content-Type "text\/html"/],
    ['an unreachable host', 'http://127.0.0.1:1/a.png', /could not be fetched/],
  ])('is refused with 400 when fileUrl gives %s, and nothing is delivered', async (_name, path, reason) => {
    const c = emu.customer(AGENT.agentId);
    const url = path.startsWith('http') ? path : `${filesUrl}${path}`;
    const r = await send(c.conversationId, 'img-x', { fileUrl: url });
    expect(r.status).toBe(400);
    const error = r.json['error'] as { status: string; details: Array<{ fieldViolations: Array<{ field: string; description: string }> }> };
    expect(error.status).toBe('INVALID_ARGUMENT');
    expect(error.details[0]?.fieldViolations[0]).toEqual({ field: 'message.image.content_info.file_url', description: expect.stringMatching(reason) });
    expect(c.inbox()).toHaveLength(0);
    // The messageId was not used up.
    expect((await send(c.conversationId, 'img-x', { fileUrl: `${filesUrl}/a.png` })).status).toBe(200);
  });

  it('refuses a thumbnail over 25 KB', async () => {
    const c = emu.customer(AGENT.agentId);
    const r = await send(c.conversationId, 'img-t', { fileUrl: `${filesUrl}/a.png`, thumbnailUrl: `${filesUrl}/big.png` });
    expect(r.status).toBe(400);
    expect(JSON.stringify(r.json)).toContain('message.image.content_info.thumbnail_url');
  });
});
