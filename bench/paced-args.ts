/**
 * Flags of the paced realtime benches (inbound-latency.ts, scale-out.ts). Each entry passes its
 * usage text and defaults; a wrong flag throws UsageError (exit 2).
 */
import { UsageError } from './args.js';
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

export const QUICK: Partial<PacedBenchOptions> = { durationS: 2, warmupS: 1, agents: 10, customers: 100 };

export function parsePacedArgs(argv: string[], usage: string, defaults: PacedBenchOptions): PacedBenchOptions | 'help' {
  const o: PacedBenchOptions = { ...defaults };
  const given = new Set<keyof PacedBenchOptions>();
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i]!;
    const value = (): string => {
      const v = argv[++i];
      if (v === undefined) throw new UsageError(`${flag} needs a value\n${usage}`);
      return v;
    };
    const number = (key: keyof PacedBenchOptions, min: number, integer = false): number => {
      const v = Number(value());
      if (!Number.isFinite(v) || v < min || (integer && !Number.isInteger(v))) throw new UsageError(`${flag} must be ${integer ? 'an integer' : 'a number'} >= ${min}`);
      given.add(key);
      return v;
    };
    switch (flag) {
      case '--store': {
        const v = value();
        if (v === 'both') o.stores = ['sqlite', 'postgres'];
        else if (v === 'sqlite' || v === 'postgres') o.stores = [v];
        else throw new UsageError(`--store must be sqlite, postgres or both, not ${v}`);
        break;
      }
      case '--pg-url':
        o.pgUrl = value();
        break;
      case '--rate':
        o.rate = number('rate', 1);
        break;
      case '--duration':
        o.durationS = number('durationS', 0.1);
        break;
      case '--warmup':
        o.warmupS = number('warmupS', 0);
        break;
      case '--agents':
        o.agents = number('agents', 1, true);
        break;
      case '--customers':
        o.customers = number('customers', 1, true);
        break;
      case '--connections':
        o.connections = number('connections', 1, true);
        break;
      case '--grace':
        o.graceS = number('graceS', 0.1);
        break;
      case '--cpu-prof':
        o.cpuProfDir = value();
        break;
      case '--quick':
        o.quick = true;
        break;
      case '--help':
      case '-h':
        return 'help';
      default:
        throw new UsageError(`unknown option ${flag}\n${usage}`);
    }
  }
  if (o.quick) {
    for (const [k, v] of Object.entries(QUICK) as Array<[keyof PacedBenchOptions, number]>) {
      if (!given.has(k)) (o as unknown as Record<string, unknown>)[k] = v;
    }
  }
  if (o.customers < o.agents) throw new UsageError(`--customers (${o.customers}) must be at least --agents (${o.agents}): every agent holds a conversation`);
  return o;
}
