/**
 * Agents' browsers, played by one child process of the runner: WebSocket clients on a server's
 * /api/realtime, each authenticated as one agent. Being its own process, it shares an event loop
 * with neither the hub nor the webhook sender, and its memory is not the hub's. Started by
 * agent-sockets.ts. What it notes of each event depends on `track`:
 *
 * - `arrivals` (the latency benches): when each customer message's event arrives, on the shared
 *   monotonic clock, by provider message id, and nothing else, so the process stays light;
 * - `conversations` (the memory bench): events by type and `message.created` per conversation id.
 */
import WebSocket from 'ws';
import { ArrivalLog } from './arrival-log.js';
import { serveParent } from './child.js';
import { monotonicMs } from './mono-clock.js';

/** How one socket authenticates: an API token (Authorization: Bearer; '' for none) or a session cookie. */
export type AgentCredential = { token: string } | { cookie: string };

export type Tracking = 'arrivals' | 'conversations';

export interface ConnectRequest {
  /** ws://host:port/api/realtime */
  url: string;
  credentials: AgentCredential[];
  /** Sockets opening at once (default 50). */
  concurrency?: number;
  /** Per socket: open and first event ("hello") within this long (default 10 s). */
  timeoutMs?: number;
  /** What to note of each event (default 'arrivals'). */
  track?: Tracking;
}

export interface ConnectResult {
  /** Sockets open after this connect. */
  open: number;
  /** Sockets of this connect whose first event was "hello". */
  hellos: number;
  failed: number;
  firstError?: string;
  ms: number;
}

export interface SocketsStatus {
  open: number;
  /** Sockets that closed without being asked to (an event sent to them after that is lost). */
  droppedUnasked: number;
  /** Message events seen since the last take. */
  messages: number;
}

/** What `track: 'conversations'` counted since the process started. */
export interface EventCounts {
  /** Events received, by type, over every socket. */
  byType: Record<string, number>;
  /** message.created events received per conversation id, summed over sockets. */
  messagesByConversation: Record<string, number>;
}

const log = new ArrivalLog();
const counts: EventCounts = { byType: {}, messagesByConversation: {} };
const sockets = new Set<WebSocket>();
let track: Tracking = 'arrivals';
let closing = false;
let droppedUnasked = 0;

function onArrival(data: WebSocket.RawData): void {
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

function onCount(data: WebSocket.RawData): void {
  let e: { type?: string; conversation?: { id?: string } };
  try {
    e = JSON.parse(String(data)) as typeof e;
  } catch {
    return;
  }
  const type = e.type ?? 'unknown';
  counts.byType[type] = (counts.byType[type] ?? 0) + 1;
  const conv = e.conversation?.id;
  if (type === 'message.created' && conv) counts.messagesByConversation[conv] = (counts.messagesByConversation[conv] ?? 0) + 1;
}

function isHello(data: WebSocket.RawData): boolean {
  try {
    return (JSON.parse(String(data)) as { type?: unknown }).type === 'hello';
  } catch {
    return false;
  }
}

/** Resolves to whether the first event was "hello", once it arrived. */
function open(url: string, cred: AgentCredential, timeoutMs: number): Promise<boolean> {
  const headers = 'token' in cred ? (cred.token ? { authorization: `Bearer ${cred.token}` } : {}) : { cookie: cred.cookie };
  const ws = new WebSocket(url, { headers, perMessageDeflate: false });
  const onData = track === 'arrivals' ? onArrival : onCount;
  return new Promise<boolean>((resolve, reject) => {
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
      resolve(isHello(first));
    });
  });
}

/** Opens every socket it can; failures are counted, not thrown. */
async function connect(r: ConnectRequest): Promise<ConnectResult> {
  closing = false;
  track = r.track ?? 'arrivals';
  const t0 = Date.now();
  let next = 0;
  let hellos = 0;
  let failed = 0;
  let firstError: string | undefined;
  const lanes = Array.from({ length: Math.min(r.concurrency ?? 50, r.credentials.length) }, async () => {
    while (next < r.credentials.length) {
      try {
        if (await open(r.url, r.credentials[next++]!, r.timeoutMs ?? 10_000)) hellos++;
      } catch (e) {
        failed++;
        firstError ??= e instanceof Error ? e.message : String(e);
      }
    }
  });
  await Promise.all(lanes);
  return { open: sockets.size, hellos, failed, ...(firstError ? { firstError } : {}), ms: Date.now() - t0 };
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
    counts: async (): Promise<EventCounts> => ({ byType: { ...counts.byType }, messagesByConversation: { ...counts.messagesByConversation } }),
    disconnect: () => closeAll(),
  },
  async () => {
    await closeAll();
  },
);
