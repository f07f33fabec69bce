/**
 * A child process of the memory bench that holds the agents' realtime sockets
 * (`/api/realtime`, one per agent, each with the agent's API token), so the memory of the client
 * side is never counted in the process measured. It counts what each socket receives, for the
 * bench's checks: every socket said hello, and agents saw the messages of their conversations.
 *
 * (The memory bench's own minimal client; bench/agent-sockets.ts of the latency bench may replace it.)
 */
import WebSocket from 'ws';
import { serveParent } from './child.js';

export interface SocketsOpen {
  /** ws://… or http://… origin of the server. */
  origin: string;
  /** One bearer token per socket ('' for an unauthenticated socket, e.g. against the bare server). */
  tokens: string[];
  /** Sockets opening at once. */
  inFlight?: number;
}

export interface SocketsOpened {
  open: number;
  hellos: number;
  failed: number;
  firstError?: string;
  ms: number;
}

export interface SocketsStats {
  open: number;
  /** Events received, by type, over every socket. */
  byType: Record<string, number>;
  /** message.created events received per conversation id, summed over sockets. */
  messagesByConversation: Record<string, number>;
  closedByServer: number;
}

const sockets: WebSocket[] = [];
const byType: Record<string, number> = {};
const messagesByConversation: Record<string, number> = {};
let closedByServer = 0;
let closing = false;

function openOne(url: string, token: string): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, token ? { headers: { authorization: `Bearer ${token}` } } : {});
    let hello = false;
    // A hub that neither greets nor closes must not hang the bench.
    const timer = setTimeout(() => {
      if (hello) return;
      ws.terminate();
      reject(new Error('no hello within 30 s'));
    }, 30_000);
    ws.on('message', (data: Buffer) => {
      let e: { type?: string; conversation?: { id?: string } };
      try {
        e = JSON.parse(String(data)) as typeof e;
      } catch {
        return;
      }
      const type = e.type ?? 'unknown';
      byType[type] = (byType[type] ?? 0) + 1;
      if (type === 'message.created' && e.conversation?.id) messagesByConversation[e.conversation.id] = (messagesByConversation[e.conversation.id] ?? 0) + 1;
      if (type === 'hello' && !hello) {
        hello = true;
        clearTimeout(timer);
        resolve(ws);
      }
    });
    ws.once('close', (code, reason) => {
      if (!hello) reject(new Error(`closed before hello: ${code} ${String(reason)}`));
      else if (!closing) closedByServer++;
    });
    ws.once('error', (err) => {
      if (!hello) reject(err);
    });
  });
}

async function open(p: SocketsOpen): Promise<SocketsOpened> {
  const url = `${p.origin.replace(/^http/, 'ws')}/api/realtime`;
  const t0 = Date.now();
  let next = 0;
  let failed = 0;
  let firstError: string | undefined;
  await Promise.all(
    Array.from({ length: Math.min(p.inFlight ?? 50, p.tokens.length) }, async () => {
      while (next < p.tokens.length) {
        const token = p.tokens[next++]!;
        try {
          sockets.push(await openOne(url, token));
        } catch (e) {
          failed++;
          firstError ??= String(e);
        }
      }
    }),
  );
  const hellos = byType.hello ?? 0;
  return { open: sockets.filter((s) => s.readyState === WebSocket.OPEN).length, hellos, failed, ...(firstError ? { firstError } : {}), ms: Date.now() - t0 };
}

function stats(): SocketsStats {
  return {
    open: sockets.filter((s) => s.readyState === WebSocket.OPEN).length,
    byType: { ...byType },
    messagesByConversation: { ...messagesByConversation },
    closedByServer,
  };
}

async function closeAll(): Promise<void> {
  closing = true;
  await Promise.all(
    sockets.splice(0).map(
      (s) =>
        new Promise<void>((resolve) => {
          if (s.readyState === WebSocket.CLOSED) return resolve();
          const t = setTimeout(() => (s.terminate(), resolve()), 2000);
          s.once('close', () => (clearTimeout(t), resolve()));
          s.close();
        }),
    ),
  );
  closing = false;
}

serveParent(
  {
    open: (p) => open(p as SocketsOpen),
    stats: async () => stats(),
    closeAll: async () => {
      await closeAll();
      return null;
    },
  },
  closeAll,
);
