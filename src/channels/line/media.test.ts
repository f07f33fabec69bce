/** media.ts against the LINE emulator: LINE-hosted content, transcoding, external URLs. */
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLineEmulator } from '../../../emulators/line/index.js';
import type { LineEmulator } from '../../../emulators/line/types.js';
import type { ChannelClient } from '../adapter.js';
import { lineAdapter, type LineCredentials } from './index.js';
import { fileNameOf } from './media.js';

const creds: LineCredentials = {
  channelId: '2000000002',
  channelSecret: 'fedcba9876543210fedcba9876543210',
  channelAccessToken: 'media-test-token',
};

let emulator: LineEmulator;
let client: ChannelClient;
let external: { server: Server; base: string; seen: IncomingHttpHeaders[] };

beforeAll(async () => {
  emulator = await startLineEmulator({});
  emulator.addChannel(creds);
  client = lineAdapter.createClient(creds, { baseUrls: { lineApi: emulator.baseUrl, lineDataApi: emulator.baseUrl } });
  const seen: IncomingHttpHeaders[] = [];
  const server = createServer((req, res) => {
    seen.push(req.headers);
    if (req.url === '/photo.jpg') {
      res.writeHead(200, { 'content-type': 'image/jpeg', 'content-disposition': 'inline; filename="photo.jpg"' });
      res.end(Buffer.from([0xff, 0xd8, 0xff, 0xe0]));
    } else {
      res.writeHead(404).end('gone');
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  external = { server, base: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, seen };
});

afterAll(async () => {
  await emulator?.close();
  external?.server.closeAllConnections();
  await new Promise((resolve) => external?.server.close(resolve));
});

const download = (ref: string) => {
  const fn = client.downloadMedia;
  if (!fn) throw new Error('LINE client has no downloadMedia');
  return fn(ref);
};

describe('LINE media download (emulator)', () => {
  it('downloads an image a customer sent', async () => {
    const customer = emulator.customer(creds.channelId);
    const bytes = Buffer.from('\x89PNG fake image bytes', 'latin1');
    const { messageId } = await customer.sendImage(bytes, 'image/png');
    const media = await download(messageId!);
    expect(media.body.equals(bytes)).toBe(true);
    expect(media.contentType).toBe('image/png');
    const call = emulator.requests().find((r) => r.path === `/v2/bot/message/${messageId}/content`);
    expect(call?.status).toBe(200);
  });

  it('waits for a video to be transcoded, then downloads it', async () => {
    const customer = emulator.customer(creds.channelId);
    const bytes = Buffer.from('fake mp4 bytes');
    const { messageId } = await customer.sendVideo(bytes, 3000);
    const media = await download(messageId!);
    expect(media.body.equals(bytes)).toBe(true);
    expect(media.contentType).toBe('video/mp4');
    const calls = emulator
      .requests()
      .filter((r) => r.path.startsWith(`/v2/bot/message/${messageId}/`))
      .map((r) => [r.path.replace(`/v2/bot/message/${messageId}`, ''), r.status]);
    expect(calls[0]).toEqual(['/content', 202]);
    expect(calls).toContainEqual(['/content/transcoding', 200]);
    expect(calls.at(-1)).toEqual(['/content', 200]);
  });

  it('downloads audio through the transcoding wait', async () => {
    const customer = emulator.customer(creds.channelId);
    const bytes = Buffer.from('fake m4a bytes');
    const { messageId } = await customer.sendAudio(bytes, 2000);
    const media = await download(messageId!);
    expect(media.body.equals(bytes)).toBe(true);
  });

  it('says what failed when transcoding fails', async () => {
    const customer = emulator.customer(creds.channelId);
    const { messageId } = await customer.sendVideo(Buffer.from('v'), 1000);
    emulator.injectFault({ path: `/v2/bot/message/${messageId}/content/transcoding`, status: 200, body: { status: 'failed' } });
    await expect(download(messageId!)).rejects.toThrow(/transcoding failed/);
  });

  it('throws a clear error for an unknown message id', async () => {
    await expect(download('999999999999')).rejects.toThrow(/content of LINE message 999999999999 failed: HTTP 404/);
  });

  it('throws on a server error, with the status', async () => {
    const customer = emulator.customer(creds.channelId);
    const { messageId } = await customer.sendImage(Buffer.from('x'));
    emulator.injectFault({ path: `/v2/bot/message/${messageId}/content`, status: 500 });
    await expect(download(messageId!)).rejects.toThrow(/HTTP 500/);
  });

  it('refuses a provider ref that is neither a URL nor a message id', async () => {
    await expect(download('../../v2/bot/profile/U1')).rejects.toThrow(/not a LINE message id/);
  });

  it('downloads external content without sending our token', async () => {
    const media = await download(`${external.base}/photo.jpg`);
    expect(media).toEqual({ body: Buffer.from([0xff, 0xd8, 0xff, 0xe0]), contentType: 'image/jpeg', fileName: 'photo.jpg' });
    expect(external.seen.at(-1)?.authorization).toBeUndefined();
    await expect(download(`${external.base}/missing`)).rejects.toThrow(/external content .* HTTP 404/);
  });
});

describe('fileNameOf', () => {
  it.each([
    ['attachment; filename="report.pdf"', 'report.pdf'],
    ["attachment; filename*=UTF-8''r%C3%A9sum%C3%A9.pdf", 'résumé.pdf'],
    ['attachment; filename=plain.txt', 'plain.txt'],
    ['inline', undefined],
    [null, undefined],
  ] as const)('%s → %s', (header, expected) => {
    expect(fileNameOf(header)).toBe(expected);
  });
});
