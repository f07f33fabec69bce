/** Command-line flags of `npm run bench` / `node dist/bench/run.js`. */
import { DEFAULT_PG_URL, parseFlags, STORE_FLAG, UsageError, type FlagTable } from './flags.js';
import type { StoreKind } from './stores.js';

export interface BenchOptions {
  durationS: number;
  warmupS: number;
  connections: number;
  stores: StoreKind[];
  /** Whose webhooks: LINE's (JSON, X-Line-Signature) and/or Twilio's (form, X-Twilio-Signature). */
  providers: Array<'line' | 'twilio'>;
  /** Which sender mixes: senders the hub knows, and/or a new sender on every request. */
  mixes: Array<'known' | 'new'>;
  pgUrl: string;
  /** Known-sender set size for the "known senders" mix. */
  knownSenders: number;
  /** Write a V8 CPU profile of each hub process into this directory. */
  cpuProfDir?: string;
  quick: boolean;
}

export const USAGE = `Usage: node dist/bench/run.js [options]
  --duration S        measured seconds per scenario (default 10)
  --warmup S          warm-up seconds before each measurement (default 3)
  --connections N     concurrent keep-alive connections (default 50)
  --store KIND        sqlite | postgres | both (default sqlite)
  --provider P        line | twilio | both (default both)
  --mix M             known | new | both (default both): senders the hub knows, a new sender each
  --pg-url URL        PostgreSQL server for --store postgres
                      (default: the Unix socket in /var/run/postgresql if there is one,
                      else postgres://postgres@127.0.0.1:5432/postgres)
  --cpu-prof DIR      write a V8 CPU profile of each hub process into DIR and print its top functions
  --quick             smoke run: --duration 2 --warmup 1
  --help`;

export { UsageError };

const FLAGS: FlagTable<BenchOptions> = {
  '--duration': { kind: 'number', key: 'durationS', min: 0.1, quick: 2 },
  '--warmup': { kind: 'number', key: 'warmupS', min: 0, quick: 1 },
  '--connections': { kind: 'number', key: 'connections', min: 1, round: true },
  '--store': STORE_FLAG,
  '--provider': { kind: 'choice', key: 'providers', choices: { line: ['line'], twilio: ['twilio'], both: ['line', 'twilio'] } },
  '--mix': { kind: 'choice', key: 'mixes', choices: { known: ['known'], new: ['new'], both: ['known', 'new'] } },
  '--pg-url': { kind: 'string', key: 'pgUrl' },
  '--cpu-prof': { kind: 'string', key: 'cpuProfDir' },
};

const DEFAULTS: BenchOptions = {
  durationS: 10,
  warmupS: 3,
  connections: 50,
  stores: ['sqlite'],
  providers: ['line', 'twilio'],
  mixes: ['known', 'new'],
  pgUrl: DEFAULT_PG_URL,
  knownSenders: 100,
  quick: false,
};

export function parseArgs(argv: string[]): BenchOptions | 'help' {
  return parseFlags(argv, FLAGS, DEFAULTS, USAGE);
}
