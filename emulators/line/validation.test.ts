/** Request bodies are checked against the vendored OpenAPI spec (with discriminators) and LINE's extra rules. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLineEmulator, type LineEmulator } from './index.js';
import { resolveDiscriminators } from './spec-validator.js';
import { CHANNEL } from './test-hub.js';

let emu: LineEmulator;
let to: string;

beforeAll(async () => {
  emu = await startLineEmulator();
  emu.addChannel(CHANNEL);
  to = emu.customer(CHANNEL.channelId).userId;
});
afterAll(() => emu.close());

async function call(path: string, body: unknown, opts: { token?: string; headers?: Record<string, string>; raw?: string } = {}) {
  const res = await fetch(`${emu.baseUrl}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${opts.token ?? CHANNEL.channelAccessToken}`, ...opts.headers },
    body: opts.raw ?? JSON.stringify(body),
  });
  return { status: res.status, headers: res.headers, json: (await res.json()) as Record<string, unknown> };
}
const push = (messages: unknown[]) => call('/v2/bot/message/push', { to, messages });

describe('request validation', () => {
  it('resolves the Message discriminator: an image needs previewImageUrl', async () => {
    const r = await push([{ type: 'image', originalContentUrl: 'https://example.com/a.jpg' }]);
    expect(r.status).toBe(400);
    expect(r.json).toEqual({
      message: 'The request body has 1 error(s)',
      details: [{ message: 'must be specified', property: 'messages[0].previewImageUrl' }],
    });
    const rec = emu.requests().at(-1);
    expect(rec).toMatchObject({ path: '/v2/bot/message/push', status: 400, channelId: CHANNEL.channelId });
    expect(rec?.validationErrors).toEqual([{ message: 'must be specified', property: 'messages[0].previewImageUrl' }]);
    expect(rec?.headers['authorization']).toBe('Bearer <redacted>');
  });

  it('rejects text over 5000 characters, unknown types, and too many or no messages', async () => {
    const long = await push([{ type: 'text', text: 'x'.repeat(5001) }]);
    expect(long.json['details']).toEqual([{ message: 'Length must be between 0 and 5000', property: 'messages[0].text' }]);
    expect((await push([{ type: 'text', text: 'x'.repeat(5000) }])).status).toBe(200);
    const unknown = await push([{ type: 'hologram' }]);
    expect(unknown.status).toBe(400);
    expect(unknown.json['details']).toEqual([expect.objectContaining({ property: 'messages[0].type' })]);
    const six = await push(Array.from({ length: 6 }, () => ({ type: 'text', text: 'a' })));
    expect(six.json['details']).toEqual([{ message: 'Size must be between 1 and 5', property: 'messages' }]);
    expect((await push([])).status).toBe(400);
  });

  it('validates nested polymorphic objects (template → actions)', async () => {
    const r = await push([
      { type: 'template', altText: 'menu', template: { type: 'buttons', text: 'Pick', actions: [{ type: 'uri', label: 'Go', uri: 'not a uri' }] } },
    ]);
    expect(r.json['details']).toEqual([{ message: 'invalid uri', property: 'messages[0].template.actions[0].uri' }]);
    const ok = await push([
      { type: 'template', altText: 'menu', template: { type: 'buttons', text: 'Pick', actions: [{ type: 'uri', label: 'Go', uri: 'https://example.com' }] } },
    ]);
    expect(ok.status).toBe(200);
  });

  it('requires HTTPS media URLs, allowing http only on localhost', async () => {
    const http = await push([{ type: 'image', originalContentUrl: 'http://example.com/a.jpg', previewImageUrl: 'https://example.com/p.jpg' }]);
    expect(http.json['details']).toEqual([{ message: 'must be a valid HTTPS URL', property: 'messages[0].originalContentUrl' }]);
    const local = await push([{ type: 'image', originalContentUrl: 'http://localhost:3000/a.jpg', previewImageUrl: 'http://127.0.0.1/p.jpg' }]);
    expect(local.status).toBe(200);
  });

  it('answers 401 without a valid token, and an x-line-request-id on every call', async () => {
    const r = await call('/v2/bot/message/push', { to, messages: [{ type: 'text', text: 'a' }] }, { token: 'wrong' });
    expect(r.status).toBe(401);
    expect(r.headers.get('x-line-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    const none = await fetch(`${emu.baseUrl}/v2/bot/info`);
    expect(none.status).toBe(401);
    expect(emu.requests().at(-1)).toMatchObject({ path: '/v2/bot/info', status: 401 });
    expect(emu.requests().at(-1)?.channelId).toBeUndefined();
  });

  it('rejects malformed JSON, a malformed retry key, an unknown recipient and bad loading seconds', async () => {
    expect((await call('/v2/bot/message/push', undefined, { raw: '{"to":' })).status).toBe(400);
    const key = await call('/v2/bot/message/push', { to, messages: [{ type: 'text', text: 'a' }] }, { headers: { 'x-line-retry-key': 'abc' } });
    expect(key.status).toBe(400);
    const stranger = await call('/v2/bot/message/push', { to: `U${'9'.repeat(32)}`, messages: [{ type: 'text', text: 'a' }] });
    expect(stranger).toMatchObject({ status: 400, json: { message: "The property, 'to', in the request body is invalid (line: -, column: -)" } });
    const loading = await call('/v2/bot/chat/loading/start', { chatId: to, loadingSeconds: 7 });
    expect(loading.json['details']).toEqual([{ message: 'must be a multiple of 5', property: 'loadingSeconds' }]);
  });

  it('offers the validate endpoints and multicast', async () => {
    expect((await call('/v2/bot/message/validate/push', { messages: [{ type: 'sticker', packageId: '1', stickerId: '1' }] })).status).toBe(200);
    expect((await call('/v2/bot/message/validate/reply', { messages: [{ type: 'sticker' }] })).status).toBe(400);
    const other = emu.customer(CHANNEL.channelId);
    const before = other.inbox().length;
    const m = await call('/v2/bot/message/multicast', { to: [other.userId, `U${'8'.repeat(32)}`], messages: [{ type: 'text', text: 'all' }] });
    expect(m).toMatchObject({ status: 200, json: {} });
    expect(other.inbox()).toHaveLength(before + 1);
    expect(other.inbox().at(-1)?.via).toBe('multicast');
  });
});

describe('resolveDiscriminators', () => {
  it('turns a base into a dispatcher and points subtypes at the plain base', () => {
    const ref = (n: string) => ({ $ref: `#/$defs/${n}` });
    const out = resolveDiscriminators({
      Shape: { type: 'object', properties: { kind: { type: 'string' } }, discriminator: { propertyName: 'kind', mapping: { sq: '#/components/schemas/Square' } } },
      Square: { allOf: [ref('Shape'), { required: ['side'] }] },
    });
    expect(out['Shape__base']).not.toHaveProperty('discriminator');
    expect(out['Shape']).toMatchObject({ required: ['kind'], properties: { kind: { enum: ['sq'] } } });
    expect(out['Square']).toEqual({ allOf: [ref('Shape__base'), { required: ['side'] }] });
  });
});
