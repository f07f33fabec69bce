import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebhookClient } from './webhook-client.js';

interface Seen {
  method: string | undefined;
  url: string | undefined;
  headers: IncomingMessage['headers'];
  body: string;
}

describe('WebhookClient', () => {
  let server: Server;
  let origin: string;
  let connections = 0;
  const seen: Seen[] = [];

  beforeAll(async () => {
    server = createServer((req, res) => {
      let body = '';
      req.setEncoding('utf8');
      req.on('data', (c: string) => (body += c));
      req.on('end', () => {
        seen.push({ method: req.method, url: req.url, headers: req.headers, body });
        if (req.url === '/slow') return void setTimeout(() => res.end('late'), 3000);
        res.writeHead(req.url === '/refuse' ? 503 : 200, { 'content-type': 'text/xml' }).end('<Response/>');
      });
    });
    server.on('connection', () => connections++);
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise<void>((r) => server.close(() => r()));
  });

  const spec = (path: string, o: { timeoutMs?: number; headers?: Record<string, string> } = {}) => ({
    url: new URL(path, origin),
    headers: o.headers ?? { 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': 'sig' },
    body: 'MessageStatus=sent&To=whatsapp%3A%2B1',
    timeoutMs: o.timeoutMs ?? 2000,
  });

  it('POSTs the body with its headers and answers the status and body', async () => {
    const client = new WebhookClient();
    seen.length = 0;
    expect(await client.post(spec('/cb?x=1'))).toEqual({ status: 200, body: '<Response/>' });
    expect(await client.post(spec('/refuse'))).toEqual({ status: 503, body: '<Response/>' });
    expect(seen[0]).toMatchObject({ method: 'POST', url: '/cb?x=1', body: 'MessageStatus=sent&To=whatsapp%3A%2B1' });
    expect(seen[0]!.headers).toMatchObject({ 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': 'sig', 'content-length': '37' });
    client.close();
  });

  it('reuses keep-alive connections for requests one after another', async () => {
    const client = new WebhookClient();
    await client.post(spec('/warm'));
    const before = connections;
    for (let i = 0; i < 5; i++) expect((await client.post(spec(`/again/${i}`))).status).toBe(200);
    // Not one per request (undici may open a second while the first is being handed back).
    expect(connections - before).toBeLessThanOrEqual(1);
    client.close();
  });

  it('sends credentials in the URL as Basic auth, not in the request line', async () => {
    const client = new WebhookClient();
    seen.length = 0;
    const s = spec('/auth');
    s.url = new URL(`${origin.replace('http://', 'http://us%40er:p%3Ass@')}/auth`);
    expect((await client.post(s)).status).toBe(200);
    expect(seen[0]!.url).toBe('/auth');
    expect(seen[0]!.headers.authorization).toBe(`Basic ${Buffer.from('us@er:p:ss').toString('base64')}`);
    client.close();
  });

  it('fails, never rejects: a slow receiver, a closed port, an odd protocol, a closed client', async () => {
    const client = new WebhookClient();
    expect(await client.post(spec('/slow', { timeoutMs: 300 }))).toEqual({ status: 0, body: '', error: 'no answer within 300 ms' });
    const nobody = await client.post({ ...spec('/'), url: new URL('http://127.0.0.1:1/x') });
    expect(nobody.status).toBe(0);
    expect(nobody.error).toMatch(/ECONNREFUSED|connect/);
    expect(await client.post({ ...spec('/'), url: new URL('ftp://127.0.0.1/x') })).toEqual({ status: 0, body: '', error: 'unsupported protocol ftp:' });
    client.close();
    expect(await client.post(spec('/cb'))).toEqual({ status: 0, body: '', error: 'the emulator is closing' });
  });

  it('closes when its signal aborts, failing requests in flight', async () => {
    const abort = new AbortController();
    const client = new WebhookClient({ signal: abort.signal });
    const inFlight = client.post(spec('/slow'));
    await new Promise((r) => setTimeout(r, 50));
    abort.abort();
    expect(await inFlight).toEqual({ status: 0, body: '', error: 'the emulator is closing' });
  });
});
