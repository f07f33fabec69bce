/**
 * Flags of the paced realtime benches (inbound-latency.ts, scale-out.ts). Each entry passes its
 * usage text and defaults; a wrong flag throws UsageError (exit 2).
 */
import { parseFlags, STORE_FLAG, UsageError, type FlagTable } from './flags.js';
import type { StoreKind } from './stores.js';

export { UsageError };

export interface PacedBenchOptions {
  stores: StoreKind[];
  pgUrl: string;
  /** Webhooks per second of the paced runs. */
  rate: number;
  durationS: number;
  warmupS: number;
  agents: number;
  /** Customers, each with a conversation assigned to an agent; the paced webhooks come from them in turn. */
  customers: number;
  /** Connections of the closed-loop ingest runs (scale-out). */
  connections: number;
  /** Wait for late events before calling them lost. */
  graceS: number;
  cpuProfDir?: string;
  quick: boolean;
}

export const QUICK = { durationS: 2, warmupS: 1, agents: 10, customers: 100 } satisfies Partial<PacedBenchOptions>;

const FLAGS: FlagTable<PacedBenchOptions> = {
  '--store': STORE_FLAG,
  '--pg-url': { kind: 'string', key: 'pgUrl' },
  '--rate': { kind: 'number', key: 'rate', min: 1 },
  '--duration': { kind: 'number', key: 'durationS', min: 0.1, quick: QUICK.durationS },
  '--warmup': { kind: 'number', key: 'warmupS', min: 0, quick: QUICK.warmupS },
  '--agents': { kind: 'number', key: 'agents', min: 1, integer: true, quick: QUICK.agents },
  '--customers': { kind: 'number', key: 'customers', min: 1, integer: true, quick: QUICK.customers },
  '--connections': { kind: 'number', key: 'connections', min: 1, integer: true },
  '--grace': { kind: 'number', key: 'graceS', min: 0.1 },
  '--cpu-prof': { kind: 'string', key: 'cpuProfDir' },
};

export function parsePacedArgs(argv: string[], usage: string, defaults: PacedBenchOptions): PacedBenchOptions | 'help' {
  const o = parseFlags(argv, FLAGS, defaults, usage);
  if (o !== 'help' && o.customers < o.agents) throw new UsageError(`--customers (${o.customers}) must be at least --agents (${o.agents}): every agent holds a conversation`);
  return o;
}
