/**
 * The runner's handle on the agents' sockets (agent-sockets-process.ts, a child process): connect
 * them to a hub's (or a baseline's) /api/realtime, read which customer messages reached them and
 * when (monotonic clock, mono-clock.ts) or what each conversation received, close them.
 */
import type { Arrivals } from './arrival-log.js';
import type { AgentCredential, ConnectRequest, ConnectResult, EventCounts, SocketsStatus } from './agent-sockets-process.js';
import { forkChild } from './child.js';
import type { CpuSample } from './ipc.js';

export type { AgentCredential, ConnectResult, EventCounts, SocketsStatus };

export type ConnectOptions = Pick<ConnectRequest, 'concurrency' | 'timeoutMs' | 'track'>;

export interface AgentSockets {
  /** Opens one socket per credential on `origin` (http://…) and waits for each one's first event; failures are counted in the result. */
  open(origin: string, credentials: AgentCredential[], o?: ConnectOptions): Promise<ConnectResult>;
  /** As `open`, but throws the first failure. Resolves to the sockets open. */
  connect(origin: string, credentials: AgentCredential[], o?: ConnectOptions): Promise<number>;
  status(): Promise<SocketsStatus>;
  /** Message arrivals since the last take (first arrival per provider message id, duplicates counted); `track: 'arrivals'`. */
  take(): Promise<Arrivals>;
  /** Events by type and per conversation since the process started; `track: 'conversations'`. */
  counts(): Promise<EventCounts>;
  /** Closes every socket (the process stays, ready to connect again). */
  disconnect(): Promise<void>;
  cpu(): Promise<CpuSample>;
  /** The child's pid (for its memory, /proc/<pid>/status). */
  pid: number;
  stop(): Promise<void>;
}

export function realtimeUrl(origin: string): string {
  return `${origin.replace(/^http/, 'ws')}/api/realtime`;
}

export async function startAgentSockets(): Promise<AgentSockets> {
  const child = await forkChild(new URL('./agent-sockets-process.js', import.meta.url));
  const rpc = child.rpc;
  const open = (origin: string, credentials: AgentCredential[], o: ConnectOptions = {}) =>
    rpc.call<ConnectResult>('connect', { url: realtimeUrl(origin), credentials, ...o } satisfies ConnectRequest);
  return {
    open,
    connect: async (origin, credentials, o) => {
      const r = await open(origin, credentials, o);
      if (r.failed > 0) throw new Error(`${r.failed} of ${credentials.length} realtime sockets failed: ${r.firstError ?? '?'}`);
      return r.open;
    },
    status: () => rpc.call<SocketsStatus>('status'),
    take: () => rpc.call<Arrivals>('take'),
    counts: () => rpc.call<EventCounts>('counts'),
    disconnect: async () => {
      await rpc.call('disconnect');
    },
    cpu: () => rpc.cpu(),
    pid: child.pid,
    stop: () => child.stop(),
  };
}
