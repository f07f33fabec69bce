/**
 * Agents' browsers, played by one child process of the runner: WebSocket clients on the hub's
 * /api/realtime, each authenticated as one agent. They note when each customer message's event
 * arrives (on the shared monotonic clock) and nothing else, so the process stays light; being its
 * own process, it shares an event loop with neither the hub nor the webhook sender, and its memory
 * is not the hub's. Started by agent-sockets.ts.
 */
import WebSocket from 'ws';
import { ArrivalLog } from './arrival-log.js';
import { serveParent } from './child.js';
import { monotonicMs } from './mono-clock.js';

/** How one socket authenticates: an API token (Authorization: Bearer) or a session cookie. */
export type AgentCredential = { token: string } | { cookie: string };

export interface ConnectRequest {
  /** ws://host:port/api/realtime */
  url: string;
  credentials: AgentCredential[];
  /** Sockets opening at once (default 50). */
  concurrency?: number;
  /** Per socket: open and first event ("hello") within this long (default 10 s). */
  timeoutMs?: number;
}

export interface SocketsStatus {
  open: number;
  /** Sockets that closed without being asked to (an event sent to them after that is lost). */
  droppedUnasked: number;
  /** Message events seen since the last take. */
  messages: number;
}

const log = new ArrivalLog();
const sockets = new Set<WebSocket>();
let closing = false;
let droppedUnasked = 0;

function onData(data: WebSocket.RawData): void {
  const at = monotonicMs(); // before parsing: the arrival, not the client's work
  let e: { type?: unknown; message?: { senderType?: unknown; providerMessageId?: unknown } };
  try {
    e = JSON.parse(String(data)) as typeof e;
  } catch {
    log.otherEvent();
    return;
  }
  const id = e.message?.providerMessageId;
  if (e.type === 'message.created' && e.message?.senderType === 'customer' && typeof id === 'string') log.message(id, at);
  else log.otherEvent();
}

function open(url: string, cred: AgentCredential, timeoutMs: number): Promise<void> {
  const headers = 'token' in cred ? { authorization: `Bearer ${cred.token}` } : { cookie: cred.cookie };
  const ws = new WebSocket(url, { headers, perMessageDeflate: false });
  return new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => {
      ws.terminate();
      reject(new Error(`realtime socket: no first event within ${timeoutMs} ms`));
    }, timeoutMs);
    ws.once('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    ws.once('close', (code, reason) => {
      clearTimeout(timer);
      reject(new Error(`realtime socket closed before its first event: ${code} ${String(reason)}`));
    });
    // The hub's first event is "hello": the socket is authenticated and subscribed.
    ws.once('message', (first) => {
      clearTimeout(timer);
      ws.removeAllListeners('close');
      ws.removeAllListeners('error');
      sockets.add(ws);
      ws.on('message', onData);
      ws.on('error', () => undefined);
      ws.on('close', () => {
        sockets.delete(ws);
        if (!closing) droppedUnasked++;
      });
      onData(first);
      resolve();
    });
  });
}

async function connect(r: ConnectRequest): Promise<number> {
  closing = false;
  let next = 0;
  const lanes = Array.from({ length: Math.min(r.concurrency ?? 50, r.credentials.length) }, async () => {
    while (next < r.credentials.length) await open(r.url, r.credentials[next++]!, r.timeoutMs ?? 10_000);
  });
  await Promise.all(lanes);
  return sockets.size;
}

async function closeAll(): Promise<null> {
  closing = true;
  const all = [...sockets];
  await Promise.all(
    all.map(
      (ws) =>
        new Promise<void>((resolve) => {
          const timer = setTimeout(() => {
            ws.terminate();
            resolve();
          }, 2000);
          ws.once('close', () => {
            clearTimeout(timer);
            resolve();
          });
          ws.close(1000, 'bench done');
        }),
    ),
  );
  sockets.clear();
  return null;
}

serveParent(
  {
    connect: (p) => connect(p as ConnectRequest),
    status: async (): Promise<SocketsStatus> => ({ open: sockets.size, droppedUnasked, messages: log.size }),
    take: async () => log.take(),
    disconnect: () => closeAll(),
  },
  async () => {
    await closeAll();
  },
);
