/** Command-line flags of `node dist/bench/outbound.js`. */
import { DEFAULT_PG_URL, parseFlags, STORE_FLAG, type FlagTable } from './flags.js';
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
  /** Run only the "emulator alone" target (no hub, no store); RESULTS.md is left as it was. */
  onlyEmulator: boolean;
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
                      (default: the Unix socket in /var/run/postgresql if there is one,
                      else postgres://postgres@127.0.0.1:5432/postgres)
  --drain S           longest wait after the run for deliveries and callbacks (default 60)
  --cpu-prof DIR      write a V8 CPU profile of each hub process into DIR and print its top functions
  --only-emulator     run only the "emulator alone" target (no hub); leaves RESULTS.md alone
  --quick             smoke run: --duration 2 --warmup 1 --customers 200 --agents 20
  --help`;

const FLAGS: FlagTable<OutboundOptions> = {
  '--duration': { kind: 'number', key: 'durationS', min: 0.1, quick: 2 },
  '--warmup': { kind: 'number', key: 'warmupS', min: 0, quick: 1 },
  '--connections': { kind: 'number', key: 'connections', min: 1, round: true },
  '--agents': { kind: 'number', key: 'agents', min: 1, round: true, quick: 20 },
  '--customers': { kind: 'number', key: 'customers', min: 1, round: true, quick: 200 },
  '--store': STORE_FLAG,
  '--pg-url': { kind: 'string', key: 'pgUrl' },
  '--drain': { kind: 'number', key: 'drainS', min: 1 },
  '--cpu-prof': { kind: 'string', key: 'cpuProfDir' },
  '--only-emulator': { kind: 'boolean', key: 'onlyEmulator' },
};

const DEFAULTS: OutboundOptions = {
  durationS: 10,
  warmupS: 3,
  connections: 64,
  agents: 50,
  customers: 1000,
  stores: ['sqlite', 'postgres'],
  pgUrl: DEFAULT_PG_URL,
  drainS: 60,
  onlyEmulator: false,
  quick: false,
};

export function parseOutboundArgs(argv: string[]): OutboundOptions | 'help' {
  return parseFlags(argv, FLAGS, DEFAULTS, OUTBOUND_USAGE);
}
