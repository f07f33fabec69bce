/** Reply tokens expire and are single-use; video/audio content goes through LINE's transcoding states. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLineEmulator, type LineEmulator } from './index.js';
import { CHANNEL } from './test-hub.js';

let emu: LineEmulator;
let clock = 1_700_000_000_000;
const OTHER = { channelId: '1650000002', channelSecret: 'f'.repeat(32), channelAccessToken: 'other-token' };

beforeAll(async () => {
  emu = await startLineEmulator({ now: () => clock, replyTokenTtlMs: 60_000 });
  emu.addChannel(CHANNEL);
  emu.addChannel(OTHER);
});
afterAll(() => emu.close());

function api(method: string, path: string, body?: unknown, token: string = CHANNEL.channelAccessToken) {
  return fetch(`${emu.baseUrl}${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
}
const reply = (replyToken: string, token?: string) =>
  api('POST', '/v2/bot/message/reply', { replyToken, messages: [{ type: 'text', text: 'ok' }] }, token);

describe('reply tokens', () => {
  it('work once', async () => {
    const d = await emu.customer(CHANNEL.channelId).sendText('hi');
    expect((await reply(d.replyToken ?? '')).status).toBe(200);
    const again = await reply(d.replyToken ?? '');
    expect(again.status).toBe(400);
    expect(await again.json()).toEqual({ message: 'Invalid reply token' });
  });

  it('expire after the TTL on the injected clock', async () => {
    const c = emu.customer(CHANNEL.channelId);
    const fresh = await c.sendText('one');
    const stale = await c.sendText('two');
    clock += 59_000;
    expect((await reply(fresh.replyToken ?? '')).status).toBe(200);
    clock += 2_000;
    expect((await reply(stale.replyToken ?? '')).status).toBe(400);
    expect(c.inbox()).toHaveLength(1);
  });

  it('belong to one channel, and an invalid body does not use them up', async () => {
    const d = await emu.customer(CHANNEL.channelId).sendText('hi');
    expect((await reply(d.replyToken ?? '', OTHER.channelAccessToken)).status).toBe(400);
    const bad = await api('POST', '/v2/bot/message/reply', { replyToken: d.replyToken, messages: [{ type: 'text' }] });
    expect(bad.status).toBe(400);
    expect((await reply(d.replyToken ?? '')).status).toBe(200);
    expect((await reply('0'.repeat(32))).status).toBe(400);
  });
});

describe('content', () => {
  it('serves an image at once with its content type, and its preview', async () => {
    const d = await emu.customer(CHANNEL.channelId).sendImage(Buffer.from('PNGDATA'), 'image/png');
    const res = await api('GET', `/v2/bot/message/${d.messageId}/content`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('image/png');
    expect(Buffer.from(await res.arrayBuffer()).toString()).toBe('PNGDATA');
    expect((await api('GET', `/v2/bot/message/${d.messageId}/content/preview`)).status).toBe(200);
  });

  it('has video processing on the first poll, then succeeded, with 202 from content while processing', async () => {
    const c = emu.customer(CHANNEL.channelId);
    const v = await c.sendVideo(Buffer.from('MP4'), 3000);
    const poll = async (id: string) => (await (await api('GET', `/v2/bot/message/${id}/content/transcoding`)).json()) as unknown;
    expect(await poll(v.messageId ?? '')).toEqual({ status: 'processing' });
    expect(await poll(v.messageId ?? '')).toEqual({ status: 'succeeded' });
    const ok = await api('GET', `/v2/bot/message/${v.messageId}/content`);
    expect(ok.status).toBe(200);
    expect(ok.headers.get('content-type')).toBe('video/mp4');

    const a = await c.sendAudio(Buffer.from('M4A'));
    expect((await api('GET', `/v2/bot/message/${a.messageId}/content`)).status).toBe(202);
    const later = await api('GET', `/v2/bot/message/${a.messageId}/content`);
    expect(later.status).toBe(200);
    expect(Buffer.from(await later.arrayBuffer()).toString()).toBe('M4A');
  });

  it('answers 404 for unknown ids and for another channel\'s media', async () => {
    const d = await emu.customer(CHANNEL.channelId).sendFile(Buffer.from('doc'), 'a.txt');
    expect((await api('GET', '/v2/bot/message/42/content')).status).toBe(404);
    const other = await api('GET', `/v2/bot/message/${d.messageId}/content`, undefined, OTHER.channelAccessToken);
    expect(other.status).toBe(404);
    expect(await other.json()).toEqual({ message: 'Not found' });
  });
});
