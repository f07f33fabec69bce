/** Test support: a node:http server standing in for the hub's LINE webhook endpoint. */
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ReceivedWebhook {
  headers: IncomingHttpHeaders;
  raw: Buffer;
  json: { destination: string; events: Array<Record<string, unknown>> };
}
export interface TestHub {
  url: string;
  received: ReceivedWebhook[];
  /** Statuses for the next webhooks, in order; afterwards 200. */
  respondWith(statuses: number[]): void;
  close(): Promise<void>;
}

/** `onWebhook` runs before the answer, like a bot that replies inside its handler. */
export async function startTestHub(onWebhook?: (w: ReceivedWebhook) => Promise<void> | void): Promise<TestHub> {
  const received: ReceivedWebhook[] = [];
  let statuses: number[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const raw = Buffer.concat(chunks);
      const w: ReceivedWebhook = { headers: req.headers, raw, json: JSON.parse(raw.toString('utf8')) as ReceivedWebhook['json'] };
      received.push(w);
      Promise.resolve(onWebhook?.(w))
        .catch(() => undefined)
        .finally(() => {
          res.statusCode = statuses.shift() ?? 200;
          res.end(res.statusCode === 200 ? 'OK' : 'nope');
        });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/webhooks/line`,
    received,
    respondWith(s) {
      statuses = [...s];
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

export const CHANNEL = {
  channelId: '1650000001',
  channelSecret: '0123456789abcdef0123456789abcdef',
  channelAccessToken: 'test-access-token-1',
  botUserId: `U${'b'.repeat(32)}`,
} as const;
