/** media.ts against the Twilio emulator (Basic auth) and local servers (redirects to signed URLs). */
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTwilioEmulator, type TwilioEmulator } from '../../../emulators/twilio/index.js';
import type { ChannelClient } from '../adapter.js';
import { twilioWhatsAppAdapter, type TwilioCredentials } from './index.js';
import { fileNameOf } from './media.js';

const creds: TwilioCredentials = {
  accountSid: 'AC22222222222222222222222222222222',
  authToken: 'fedcba9876543210fedcba9876543210',
};
const BUSINESS = '+14155238886';

let emulator: TwilioEmulator;
let client: ChannelClient;

interface Recorder {
  server: Server;
  base: string;
  seen: Array<{ url: string; headers: IncomingHttpHeaders }>;
}

/** A server that answers with `handler` and records what it saw. */
async function serve(handler: (url: string, res: import('node:http').ServerResponse, self: Recorder) => void): Promise<Recorder> {
  const rec: Recorder = { server: createServer(), base: '', seen: [] };
  rec.server.on('request', (req, res) => {
    rec.seen.push({ url: req.url ?? '', headers: req.headers });
    handler(req.url ?? '', res, rec);
  });
  await new Promise<void>((resolve) => rec.server.listen(0, '127.0.0.1', resolve));
  rec.base = `http://127.0.0.1:${(rec.server.address() as AddressInfo).port}`;
  return rec;
}

/** Plays "api.twilio.com": the media URL redirects to a signed URL on `cdn`. */
let api: Recorder;
/** Plays the media CDN (another origin). */
let cdn: Recorder;
let redirectingClient: ChannelClient;

beforeAll(async () => {
  emulator = await startTwilioEmulator({ rateLimitPerSecond: 10_000 });
  emulator.addAccount(creds);
  emulator.addNumber({ accountSid: creds.accountSid, number: BUSINESS });
  client = twilioWhatsAppAdapter.createClient(creds, { baseUrls: { twilioApi: emulator.baseUrl } });

  cdn = await serve((url, res) => {
    if (url.startsWith('/signed/')) {
      res.writeHead(200, { 'content-type': 'image/jpeg; charset=binary', 'content-disposition': 'inline; filename="photo.jpg"' });
      res.end(Buffer.from([0xff, 0xd8, 0xff, 0xe0]));
    } else res.writeHead(404).end('gone');
  });
  api = await serve((url, res, self) => {
    if (url === '/media/ME1') res.writeHead(307, { location: `${cdn.base}/signed/ME1?Expires=1&Signature=abc` }).end();
    else if (url === '/media/same-origin') res.writeHead(302, { location: '/media/final' }).end();
    else if (url === '/media/final') res.writeHead(200, { 'content-type': 'audio/ogg' }).end('ogg');
    else if (url === '/media/loop') res.writeHead(302, { location: `${self.base}/media/loop` }).end();
    else if (url === '/media/no-location') res.writeHead(302).end();
    else res.writeHead(404, { 'content-type': 'application/json' }).end(JSON.stringify({ code: 20404, message: 'The requested resource was not found', status: 404 }));
  });
  redirectingClient = twilioWhatsAppAdapter.createClient(creds, { baseUrls: { twilioApi: api.base } });
});

afterAll(async () => {
  await emulator?.close();
  for (const s of [api?.server, cdn?.server]) {
    s?.closeAllConnections();
    await new Promise((resolve) => s?.close(resolve));
  }
});

function download(c: ChannelClient, ref: string) {
  if (!c.downloadMedia) throw new Error('Twilio client has no downloadMedia');
  return c.downloadMedia(ref);
}

const expectedAuth = `Basic ${Buffer.from(`${creds.accountSid}:${creds.authToken}`).toString('base64')}`;

describe('Twilio media download (emulator)', () => {
  it('downloads what a customer sent, with Basic auth', async () => {
    const customer = emulator.customer(creds.accountSid, BUSINESS, '+15550001111');
    const bytes = Buffer.from([0x89, 0x50, 0x4e, 0x47, 1, 2, 3]);
    const delivery = await customer.sendMedia([{ bytes, contentType: 'image/png' }], 'a photo');
    const url = delivery.params['MediaUrl0']!;
    expect(url.startsWith(emulator.baseUrl)).toBe(true);
    const got = await download(client, url);
    expect(got.body.equals(bytes)).toBe(true);
    expect(got.contentType).toBe('image/png');
    const call = emulator.requests().find((r) => url.endsWith(r.path));
    expect(call).toMatchObject({ status: 200, accountSid: creds.accountSid });
  });

  it('wrong credentials: a clear error with the status and Twilio code', async () => {
    const customer = emulator.customer(creds.accountSid, BUSINESS, '+15550001112');
    const delivery = await customer.sendMedia([{ bytes: Buffer.from('x'), contentType: 'audio/ogg' }]);
    const bad = twilioWhatsAppAdapter.createClient({ ...creds, authToken: '00000000000000000000000000000000' }, { baseUrls: { twilioApi: emulator.baseUrl } });
    await expect(download(bad, delivery.params['MediaUrl0']!)).rejects.toThrow(/HTTP 401 .*Twilio error 20003/);
  });

  it('an unknown media sid: 404', async () => {
    const url = `${emulator.baseUrl}/2010-04-01/Accounts/${creds.accountSid}/Messages/MM00000000000000000000000000000000/Media/ME00000000000000000000000000000000`;
    await expect(download(client, url)).rejects.toThrow(/HTTP 404/);
  });
});

describe('Twilio media download: redirects', () => {
  it('follows the redirect to the signed URL and drops the credentials there', async () => {
    api.seen.length = 0;
    cdn.seen.length = 0;
    const got = await download(redirectingClient, `${api.base}/media/ME1`);
    expect(got).toEqual({ body: Buffer.from([0xff, 0xd8, 0xff, 0xe0]), contentType: 'image/jpeg', fileName: 'photo.jpg' });
    expect(api.seen[0]?.headers.authorization).toBe(expectedAuth);
    expect(cdn.seen).toHaveLength(1);
    expect(cdn.seen[0]?.url).toBe('/signed/ME1?Expires=1&Signature=abc');
    expect(cdn.seen[0]?.headers.authorization).toBeUndefined();
  });

  it('keeps the credentials on a same-origin redirect (relative Location)', async () => {
    api.seen.length = 0;
    const got = await download(redirectingClient, `${api.base}/media/same-origin`);
    expect(got).toEqual({ body: Buffer.from('ogg'), contentType: 'audio/ogg' });
    expect(api.seen.map((s) => [s.url, s.headers.authorization])).toEqual([
      ['/media/same-origin', expectedAuth],
      ['/media/final', expectedAuth],
    ]);
  });

  it('never sends the credentials to a URL that is not Twilio’s', async () => {
    cdn.seen.length = 0;
    await download(redirectingClient, `${cdn.base}/signed/direct`);
    expect(cdn.seen[0]?.headers.authorization).toBeUndefined();
  });

  it('gives up on a redirect loop', async () => {
    await expect(download(redirectingClient, `${api.base}/media/loop`)).rejects.toThrow(/more than 5 redirects/);
  });

  it('a redirect without a Location', async () => {
    await expect(download(redirectingClient, `${api.base}/media/no-location`)).rejects.toThrow(/without a Location/);
  });

  it('refuses a providerRef that is not an http(s) URL', async () => {
    await expect(download(redirectingClient, 'ME123')).rejects.toThrow(/not a Twilio media URL/);
    await expect(download(redirectingClient, 'file:///etc/passwd')).rejects.toThrow(/not an http\(s\) URL/);
  });

  it('a refused connection names the media', async () => {
    const dead = twilioWhatsAppAdapter.createClient(creds, { baseUrls: { twilioApi: 'http://127.0.0.1:9' } });
    await expect(download(dead, 'http://127.0.0.1:9/media/x')).rejects.toThrow(/download of Twilio media http:\/\/127\.0\.0\.1:9\/media\/x failed/);
  });
});

describe('fileNameOf', () => {
  it.each([
    [`attachment; filename*=UTF-8''r%C3%A9sum%C3%A9.pdf`, 'résumé.pdf'],
    ['inline; filename="a b.pdf"', 'a b.pdf'],
    ['attachment; filename=plain.txt', 'plain.txt'],
    ['inline', undefined],
    [null, undefined],
  ] as const)('%s → %s', (header, expected) => {
    expect(fileNameOf(header)).toBe(expected);
  });
});
