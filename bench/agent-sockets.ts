/**
 * The runner's handle on the agents' sockets (agent-sockets-process.ts, a child process): connect
 * them to a hub's /api/realtime, read which customer messages reached them and when (monotonic
 * clock, mono-clock.ts), close them.
 */
import type { Arrivals } from './arrival-log.js';
import type { AgentCredential, SocketsStatus } from './agent-sockets-process.js';
import { forkChild } from './child.js';
import type { CpuSample } from './ipc.js';

export type { AgentCredential, SocketsStatus };

export interface AgentSockets {
  /** Opens one socket per credential on `origin` (http://…) and waits for each one's "hello". Resolves to the sockets open. */
  connect(origin: string, credentials: AgentCredential[], o?: { concurrency?: number; timeoutMs?: number }): Promise<number>;
  status(): Promise<SocketsStatus>;
  /** Message arrivals since the last take (first arrival per provider message id, duplicates counted). */
  take(): Promise<Arrivals>;
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
  return {
    connect: (origin, credentials, o = {}) => rpc.call<number>('connect', { url: realtimeUrl(origin), credentials, ...o }),
    status: () => rpc.call<SocketsStatus>('status'),
    take: () => rpc.call<Arrivals>('take'),
    disconnect: async () => {
      await rpc.call('disconnect');
    },
    cpu: () => rpc.cpu(),
    pid: child.pid,
    stop: () => child.stop(),
  };
}
