/**
 * Test support: a node:http server standing in for the hub — it records the form POSTs Twilio
 * sends (incoming messages, status callbacks) and serves files for outbound MediaUrls.
 */
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ReceivedPost {
  /** The full URL as the emulator called it (what the signature covers). */
  url: string;
  path: string;
  headers: IncomingHttpHeaders;
  raw: string;
  params: Record<string, string>;
}
export interface TestHub {
  /** http://127.0.0.1:<port> */
  origin: string;
  /** The inbound-message webhook URL. */
  url: string;
  /** The status-callback URL. */
  statusUrl: string;
  received: ReceivedPost[];
  /** POSTs to the webhook URL. */
  webhooks(): ReceivedPost[];
  /** POSTs to the status-callback URL. */
  callbacks(): ReceivedPost[];
  /** Statuses for the next POSTs, in order; afterwards 200. */
  respondWith(statuses: number[]): void;
  /** Serve `body` at GET `path`. */
  serve(path: string, file: { status?: number; contentType: string; body: Buffer }): void;
  /** TCP connections accepted so far (callbacks and webhooks share keep-alive ones). */
  connections(): number;
  /** Resolves when `test` holds for the received POSTs; rejects after timeoutMs. */
  waitFor(test: (received: ReceivedPost[]) => boolean, timeoutMs?: number): Promise<ReceivedPost[]>;
  close(): Promise<void>;
}

export async function startTestHub(): Promise<TestHub> {
  const received: ReceivedPost[] = [];
  const files = new Map<string, { status?: number; contentType: string; body: Buffer }>();
  let statuses: number[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const path = (req.url ?? '/').split('?')[0] ?? '/';
      if (req.method === 'GET') {
        const f = files.get(path);
        res.statusCode = f?.status ?? (f === undefined ? 404 : 200);
        if (f !== undefined) res.setHeader('content-type', f.contentType);
        res.end(f?.body ?? 'not found');
        return;
      }
      const raw = Buffer.concat(chunks).toString('utf8');
      received.push({ url: `${origin}${req.url ?? '/'}`, path, headers: req.headers, raw, params: Object.fromEntries(new URLSearchParams(raw)) });
      res.statusCode = statuses.shift() ?? 200;
      res.setHeader('content-type', 'text/xml');
      res.end(res.statusCode === 200 ? '<Response/>' : 'nope');
    });
  });
  let connections = 0;
  server.on('connection', () => {
    connections += 1;
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const origin = `http://127.0.0.1:${port}`;
  const url = `${origin}/webhooks/twilio`;
  const statusUrl = `${origin}/webhooks/twilio/status`;
  return {
    origin,
    url,
    statusUrl,
    received,
    webhooks: () => received.filter((r) => r.path === '/webhooks/twilio'),
    callbacks: () => received.filter((r) => r.path === '/webhooks/twilio/status'),
    respondWith(s) {
      statuses = [...s];
    },
    serve(path, file) {
      files.set(path, file);
    },
    connections: () => connections,
    waitFor(test, timeoutMs = 5000) {
      return new Promise((resolve, reject) => {
        const started = Date.now();
        const tick = (): void => {
          if (test(received)) resolve([...received]);
          else if (Date.now() - started > timeoutMs) reject(new Error(`test hub: condition not met after ${timeoutMs} ms (${received.length} POSTs)`));
          else setTimeout(tick, 5);
        };
        tick();
      });
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

export const ACCOUNT = {
  accountSid: `AC${'0123456789abcdef'.repeat(2)}`,
  authToken: 'f00dfeedf00dfeedf00dfeedf00dfeed',
} as const;
export const OTHER_ACCOUNT = {
  accountSid: `AC${'fedcba9876543210'.repeat(2)}`,
  authToken: 'beefbeefbeefbeefbeefbeefbeefbeef',
} as const;
export const BUSINESS = '+14155238886';
export const SANDBOX = '+14155230000';

export function basic(accountSid: string, secret: string): string {
  return `Basic ${Buffer.from(`${accountSid}:${secret}`).toString('base64')}`;
}
