/** Command-line flags of `npm run bench` / `node dist/bench/run.js`. */
import type { StoreKind } from './stores.js';

export interface BenchOptions {
  durationS: number;
  warmupS: number;
  connections: number;
  stores: StoreKind[];
  /** Whose webhooks: LINE's (JSON, X-Line-Signature) and/or Twilio's (form, X-Twilio-Signature). */
  providers: Array<'line' | 'twilio'>;
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
  --pg-url URL        PostgreSQL server for --store postgres
                      (default postgres://postgres@127.0.0.1:5432/postgres)
  --cpu-prof DIR      write a V8 CPU profile of each hub process into DIR and print its top functions
  --quick             smoke run: --duration 2 --warmup 1
  --help`;

/** A wrong flag: reported as its message alone, without a stack. */
export class UsageError extends Error {}

export function parseArgs(argv: string[]): BenchOptions | 'help' {
  const o: BenchOptions = {
    durationS: 10,
    warmupS: 3,
    connections: 50,
    stores: ['sqlite'],
    providers: ['line', 'twilio'],
    pgUrl: 'postgres://postgres@127.0.0.1:5432/postgres',
    knownSenders: 100,
    quick: false,
  };
  let duration: number | undefined;
  let warmup: number | undefined;
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i];
    const value = (): string => {
      const v = argv[++i];
      if (v === undefined) throw new UsageError(`${flag} needs a value\n${USAGE}`);
      return v;
    };
    const number = (min: number): number => {
      const v = Number(value());
      if (!Number.isFinite(v) || v < min) throw new UsageError(`${flag} must be a number >= ${min}`);
      return v;
    };
    switch (flag) {
      case '--duration':
        duration = number(0.1);
        break;
      case '--warmup':
        warmup = number(0);
        break;
      case '--connections':
        o.connections = Math.round(number(1));
        break;
      case '--store': {
        const v = value();
        if (v === 'both') o.stores = ['sqlite', 'postgres'];
        else if (v === 'sqlite' || v === 'postgres') o.stores = [v];
        else throw new UsageError(`--store must be sqlite, postgres or both, not ${v}`);
        break;
      }
      case '--provider': {
        const v = value();
        if (v === 'both') o.providers = ['line', 'twilio'];
        else if (v === 'line' || v === 'twilio') o.providers = [v];
        else throw new UsageError(`--provider must be line, twilio or both, not ${v}`);
        break;
      }
      case '--pg-url':
        o.pgUrl = value();
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
        throw new UsageError(`unknown option ${flag}\n${USAGE}`);
    }
  }
  o.durationS = duration ?? (o.quick ? 2 : o.durationS);
  o.warmupS = warmup ?? (o.quick ? 1 : o.warmupS);
  return o;
}
