/**
 * The bare node:http + ws baselines, as a child process like the hub: a WebSocket server on
 * /api/realtime that says hello on each connection, with no store, no auth and no filtering.
 *
 * - `start` (the inbound-latency floor of the webhook → agent-socket loop, targets.ts): on each
 *   webhook POST it reads the whole body, takes the LINE message ids out of it (JSON.parse, as any
 *   server must to know what arrived), pushes one small `message.created` event per message to a
 *   connected client (in turn) and answers 200. What is left is the HTTP, JSON and WebSocket work
 *   and the machine's scheduling, measured with the same sender, sockets and pacing as the hub.
 * - `start` with `{ pushEvents: false }` (the memory bench): it only holds the sockets, so its RSS
 *   holding them is what Node, http and ws cost before any hub code.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';
import type { BaselineReady } from './baseline-server.js';
import { serveParent } from './child.js';

export interface BaselineWsStart {
  /** Push a `message.created` per LINE message of each webhook (default true); false: only hold the sockets. */
  pushEvents?: boolean;
}

let server: Server | undefined;
let wss: WebSocketServer | undefined;

interface LineBody {
  events?: Array<{ message?: { id?: string } }>;
}

serveParent(
  {
    start: async (params): Promise<BaselineReady> => {
      const pushEvents = (params as BaselineWsStart | undefined)?.pushEvents ?? true;
      const clients: WebSocket[] = [];
      let turn = 0;
      const s = createServer((req, res) => {
        const chunks: Buffer[] = [];
        req.on('data', (c: Buffer) => chunks.push(c));
        req.on('end', () => {
          let body: LineBody = {};
          try {
            body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as LineBody;
          } catch {
            // not a webhook body: answer anyway, push nothing
          }
          for (const e of body.events ?? []) {
            const id = e.message?.id;
            const client = clients.length > 0 ? clients[turn++ % clients.length] : undefined;
            if (id && client) client.send(JSON.stringify({ type: 'message.created', message: { providerMessageId: id, senderType: 'customer' } }));
          }
          res.writeHead(200, { 'content-length': '0' });
          res.end();
        });
      });
      const w = new WebSocketServer({ server: s, path: '/api/realtime', perMessageDeflate: false });
      w.on('connection', (ws) => {
        if (pushEvents) {
          clients.push(ws);
          ws.on('close', () => clients.splice(clients.indexOf(ws), 1));
        }
        ws.send(JSON.stringify({ type: 'hello' }));
      });
      server = s;
      wss = w;
      await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve));
      return { origin: `http://127.0.0.1:${(s.address() as AddressInfo).port}` };
    },
  },
  async () => {
    for (const c of wss?.clients ?? []) c.terminate();
    wss?.close();
    const s = server;
    if (!s) return;
    s.closeAllConnections();
    await new Promise<void>((resolve) => s.close(() => resolve()));
  },
);
