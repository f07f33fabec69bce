/**
 * The baseline: a bare node:http server that reads the whole body and answers 200 with an empty
 * body, nothing else. Runs as a child process like the hub, so both are measured the same way.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { serveParent } from './child.js';

export interface BaselineReady {
  origin: string;
}

let server: Server | undefined;

serveParent(
  {
    start: async (): Promise<BaselineReady> => {
      const s = createServer((req, res) => {
        req.on('data', () => undefined);
        req.on('end', () => {
          res.writeHead(200, { 'content-length': '0' });
          res.end();
        });
      });
      server = s;
      await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve));
      return { origin: `http://127.0.0.1:${(s.address() as AddressInfo).port}` };
    },
  },
  async () => {
    const s = server;
    if (!s) return;
    s.closeAllConnections();
    await new Promise<void>((resolve) => s.close(() => resolve()));
  },
);
