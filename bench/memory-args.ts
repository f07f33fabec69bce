/** Command-line flags of `node dist/bench/memory.js`. */
import { DEFAULT_PG_URL, parseFlags, STORE_FLAG, UsageError, type FlagTable } from './flags.js';
import type { StoreKind } from './stores.js';
import { FULL_SIZES, quickSizes, type SeedSizes } from './seed-plan.js';

export interface MemoryOptions {
  stores: StoreKind[];
  pgUrl: string;
  sizes: SeedSizes;
  /** Start-ups timed per database (after one untimed start that migrates the empty one). */
  starts: number;
  /** Customer webhooks sent into live conversations during the traffic phase. */
  webhooks: number;
  /** Reuse (or create) a seeded SQLite store in this directory. */
  keepDir?: string;
  /** Write a V8 heap profile of the measured hub into this directory (--heap-prof). */
  heapProfDir?: string;
  quick: boolean;
}

export const MEMORY_USAGE = `Usage: node dist/bench/memory.js [options]
  --store KIND        sqlite | postgres | both (default both)
  --pg-url URL        PostgreSQL server for --store postgres
                      (default: the Unix socket in /var/run/postgresql if there is one,
                      else postgres://postgres@127.0.0.1:5432/postgres)
  --conversations N   conversations in the seeded store (default 100000)
  --messages N        messages spread over them (default 1000000)
  --agents N          agents, each with a realtime socket (default 1000)
  --starts N          timed start-ups per database (default 5)
  --webhooks N        customer webhooks into live conversations (default 3000)
  --keep DIR          SQLite: reuse the seeded store kept in DIR if its sizes match, else seed
                      and keep it there (each run works on a copy, so the kept one stays as seeded)
  --heap-prof DIR     run the measured hub with --heap-prof into DIR (RESULTS.md left alone)
  --quick             smoke run: 1/20 of the sizes, 3 starts, 150 webhooks
  --help`;

export { UsageError as MemoryUsageError };

/** The flags as given (sizes flat), before they become MemoryOptions. */
interface MemoryFlags extends SeedSizes {
  stores: StoreKind[];
  pgUrl: string;
  starts: number;
  webhooks: number;
  keepDir?: string;
  heapProfDir?: string;
  quick: boolean;
}

const QUICK_SIZES = quickSizes();

const FLAGS: FlagTable<MemoryFlags> = {
  '--store': STORE_FLAG,
  '--pg-url': { kind: 'string', key: 'pgUrl' },
  '--conversations': { kind: 'number', key: 'conversations', min: 10, integer: true, quick: QUICK_SIZES.conversations },
  '--messages': { kind: 'number', key: 'messages', min: 10, integer: true, quick: QUICK_SIZES.messages },
  '--agents': { kind: 'number', key: 'agents', min: 1, integer: true, quick: QUICK_SIZES.agents },
  '--starts': { kind: 'number', key: 'starts', min: 1, integer: true, quick: 3 },
  '--webhooks': { kind: 'number', key: 'webhooks', min: 0, integer: true, quick: 150 },
  '--keep': { kind: 'string', key: 'keepDir' },
  '--heap-prof': { kind: 'string', key: 'heapProfDir' },
};

const DEFAULTS: MemoryFlags = { stores: ['sqlite', 'postgres'], pgUrl: DEFAULT_PG_URL, ...FULL_SIZES, starts: 5, webhooks: 3000, quick: false };

export function parseMemoryArgs(argv: string[]): MemoryOptions | 'help' {
  const f = parseFlags(argv, FLAGS, DEFAULTS, MEMORY_USAGE);
  if (f === 'help') return f;
  const { conversations, messages, agents, ...rest } = f;
  if (messages < conversations) throw new UsageError('--messages must be at least --conversations (each conversation has a message)');
  return { ...rest, sizes: { conversations, messages, agents } };
}
