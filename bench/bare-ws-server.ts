/**
 * The memory bench's baseline: a bare node:http server with a `ws` WebSocket server on
 * /api/realtime that says hello on each connection and holds it, nothing else. Its RSS holding
 * the same 1,000 sockets is what Node, http and ws cost before any hub code.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer } from 'ws';
import { serveParent } from './child.js';

export interface BareWsReady {
  origin: string;
}

let server: Server | undefined;
let wss: WebSocketServer | undefined;

serveParent(
  {
    start: async (): Promise<BareWsReady> => {
      const s = createServer((_req, res) => res.end('ok'));
      const w = new WebSocketServer({ server: s, path: '/api/realtime' });
      w.on('connection', (ws) => ws.send(JSON.stringify({ type: 'hello' })));
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
