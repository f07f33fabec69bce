/**
 * Agents whose sockets receive real events: agents made in the hub (users with API tokens), and
 * customers who each wrote once ("primed", through signed webhooks like every other message)
 * whose conversations a supervisor then assigned to those agents in turn. From then on every
 * message of a primed customer lands in a conversation held by one agent, so the hub sends its
 * `message.created` to exactly that agent's socket (src/http/realtime.ts, visibleTo).
 */
import { performance } from 'node:perf_hooks';
import type { AgentCredential } from './agent-sockets.js';
import type { Generator } from './generator.js';
import type { BenchAgent } from './hub-process.js';
import type { Target } from './scenario.js';
import type { HubRunning } from './targets.js';

export interface SeededAgents {
  agents: BenchAgent[];
  credentials: AgentCredential[];
  /** 2xx answers to the priming webhooks (customer messages stored). */
  primedAcked: number;
}

/**
 * `gen` must be a generator on `hub`'s origin with a `known` body mix of `customers` senders and
 * nothing sent yet: its first `customers` bodies are one from each.
 */
export async function seedAssignedAgents(
  hub: HubRunning,
  gen: Generator,
  o: { agents: number; customers: number },
  progress: (line: string) => void,
): Promise<SeededAgents> {
  const t0 = performance.now();
  const agents = await hub.rpc.call<BenchAgent[]>('agents', { count: o.agents });
  const t1 = performance.now();
  const prime = await gen.run({ path: hub.target.path, connections: Math.min(50, o.customers), count: o.customers });
  if (prime.ok !== o.customers) throw new Error(`priming: ${prime.ok} of ${o.customers} webhooks accepted (${JSON.stringify(prime.statuses)} ${prime.firstError ?? ''})`);
  const t2 = performance.now();
  const assigned = await hub.rpc.call<number>('assignOpen', { agentIds: agents.map((a) => a.id) });
  if (assigned !== o.customers) throw new Error(`assigned ${assigned} conversations, expected ${o.customers}`);
  const s = (a: number, b: number) => `${((b - a) / 1000).toFixed(1)} s`;
  progress(
    `${o.agents} agents with API tokens (${s(t0, t1)}); ${o.customers} customers primed, one message each (${s(t1, t2)}); ` +
      `their conversations assigned to the agents in turn (${s(t2, performance.now())})`,
  );
  await awaitJobsDone(hub.target, 60_000, progress);
  return { agents, credentials: agents.map((a) => ({ token: a.token })), primedAcked: prime.ok };
}

/**
 * Waits (at most `maxMs`) until the hub's workers have no job left: the profile fetches and
 * automated messages that seeding set off would otherwise run during the next measurement.
 */
export async function awaitJobsDone(target: Target, maxMs: number, progress: (line: string) => void): Promise<void> {
  const t0 = performance.now();
  let open = 0;
  while (performance.now() - t0 < maxMs) {
    open = (await target.storedMessages!()).jobsOpen;
    if (open === 0) return;
    await new Promise((r) => setTimeout(r, 200));
  }
  progress(`note: ${open} jobs still open after ${Math.round(maxMs / 1000)} s; measuring anyway`);
}
