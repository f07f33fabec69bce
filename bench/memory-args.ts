/** Command-line flags of `node dist/bench/memory.js`. */
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
                      (default postgres://postgres@127.0.0.1:5432/postgres)
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

export class MemoryUsageError extends Error {}

export function parseMemoryArgs(argv: string[]): MemoryOptions | 'help' {
  const o: MemoryOptions = {
    stores: ['sqlite', 'postgres'],
    pgUrl: 'postgres://postgres@127.0.0.1:5432/postgres',
    sizes: { ...FULL_SIZES },
    starts: 5,
    webhooks: 3000,
    quick: false,
  };
  const given: Partial<Record<'conversations' | 'messages' | 'agents' | 'starts' | 'webhooks', number>> = {};
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i]!;
    const value = (): string => {
      const v = argv[++i];
      if (v === undefined) throw new MemoryUsageError(`${flag} needs a value\n${MEMORY_USAGE}`);
      return v;
    };
    const int = (min: number): number => {
      const v = Number(value());
      if (!Number.isInteger(v) || v < min) throw new MemoryUsageError(`${flag} must be an integer >= ${min}`);
      return v;
    };
    switch (flag) {
      case '--store': {
        const v = value();
        if (v === 'both') o.stores = ['sqlite', 'postgres'];
        else if (v === 'sqlite' || v === 'postgres') o.stores = [v];
        else throw new MemoryUsageError(`--store must be sqlite, postgres or both, not ${v}`);
        break;
      }
      case '--pg-url':
        o.pgUrl = value();
        break;
      case '--conversations':
        given.conversations = int(10);
        break;
      case '--messages':
        given.messages = int(10);
        break;
      case '--agents':
        given.agents = int(1);
        break;
      case '--starts':
        given.starts = int(1);
        break;
      case '--webhooks':
        given.webhooks = int(0);
        break;
      case '--keep':
        o.keepDir = value();
        break;
      case '--heap-prof':
        o.heapProfDir = value();
        break;
      case '--quick':
        o.quick = true;
        break;
      case '--help':
      case '-h':
        return 'help';
      default:
        throw new MemoryUsageError(`unknown option ${flag}\n${MEMORY_USAGE}`);
    }
  }
  const base = o.quick ? quickSizes() : o.sizes;
  o.sizes = { conversations: given.conversations ?? base.conversations, messages: given.messages ?? base.messages, agents: given.agents ?? base.agents };
  if (o.sizes.messages < o.sizes.conversations) throw new MemoryUsageError('--messages must be at least --conversations (each conversation has a message)');
  o.starts = given.starts ?? (o.quick ? 3 : o.starts);
  o.webhooks = given.webhooks ?? (o.quick ? 150 : o.webhooks);
  return o;
}
