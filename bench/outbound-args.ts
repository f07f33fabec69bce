/** Command-line flags of `node dist/bench/outbound.js`. */
import { UsageError } from './args.js';
import type { StoreKind } from './stores.js';

export interface OutboundOptions {
  durationS: number;
  warmupS: number;
  connections: number;
  agents: number;
  customers: number;
  stores: StoreKind[];
  pgUrl: string;
  /** Longest wait after the run for the outbox and the callbacks to finish. */
  drainS: number;
  /** Write a V8 CPU profile of each hub process into this directory. */
  cpuProfDir?: string;
  quick: boolean;
}

export const OUTBOUND_USAGE = `Usage: node dist/bench/outbound.js [options]
  --duration S        measured seconds per target (default 10)
  --warmup S          warm-up seconds before each measurement (default 3)
  --connections N     concurrent keep-alive connections, one request in flight each (default 64)
  --agents N          agents sending, each with an API token (default 50)
  --customers N       WhatsApp customers, one open conversation each, spread over the agents (default 1000)
  --store KIND        sqlite | postgres | both (default both)
  --pg-url URL        PostgreSQL server for --store postgres
                      (default postgres://postgres@127.0.0.1:5432/postgres)
  --drain S           longest wait after the run for deliveries and callbacks (default 60)
  --cpu-prof DIR      write a V8 CPU profile of each hub process into DIR and print its top functions
  --quick             smoke run: --duration 2 --warmup 1 --customers 200 --agents 20
  --help`;

export function parseOutboundArgs(argv: string[]): OutboundOptions | 'help' {
  const o: OutboundOptions = {
    durationS: 10,
    warmupS: 3,
    connections: 64,
    agents: 50,
    customers: 1000,
    stores: ['sqlite', 'postgres'],
    pgUrl: 'postgres://postgres@127.0.0.1:5432/postgres',
    drainS: 60,
    quick: false,
  };
  const given = new Set<string>();
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i]!;
    const value = (): string => {
      const v = argv[++i];
      if (v === undefined) throw new UsageError(`${flag} needs a value\n${OUTBOUND_USAGE}`);
      return v;
    };
    const number = (min: number): number => {
      const v = Number(value());
      if (!Number.isFinite(v) || v < min) throw new UsageError(`${flag} must be a number >= ${min}`);
      return v;
    };
    given.add(flag);
    switch (flag) {
      case '--duration':
        o.durationS = number(0.1);
        break;
      case '--warmup':
        o.warmupS = number(0);
        break;
      case '--connections':
        o.connections = Math.round(number(1));
        break;
      case '--agents':
        o.agents = Math.round(number(1));
        break;
      case '--customers':
        o.customers = Math.round(number(1));
        break;
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
      case '--drain':
        o.drainS = number(1);
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
        throw new UsageError(`unknown option ${flag}\n${OUTBOUND_USAGE}`);
    }
  }
  if (o.quick) {
    if (!given.has('--duration')) o.durationS = 2;
    if (!given.has('--warmup')) o.warmupS = 1;
    if (!given.has('--customers')) o.customers = 200;
    if (!given.has('--agents')) o.agents = 20;
  }
  return o;
}
