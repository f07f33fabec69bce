/**
 * Opens the store named by a database URL: `sqlite:<file>` (embedded default) or
 * `postgres://…` (scale-out). Both go through Kysely; only this folder touches it.
 */
import Sqlite from 'better-sqlite3';
import { Kysely, Migrator, PostgresDialect, SqliteDialect, sql, type Migration, type MigrationProvider, type PostgresPool, type PostgresPoolClient } from 'kysely';
import pg from 'pg';
import { PostgresTextPlugin } from './pg-text.js';
import { preparedName } from './raw-sql.js';
import { WalSync } from './wal-sync.js';
import type { Database } from './schema.js';
import * as m001 from './migrations/001_initial.js';
import * as m002 from './migrations/002_message_templates.js';
import * as m003 from './migrations/003_webhook_verified.js';
import * as m004 from './migrations/004_distribution.js';
import * as m005 from './migrations/005_queue_notices.js';
import * as m006 from './migrations/006_quick_replies.js';
import * as m007 from './migrations/007_conversation_state_index.js';
import * as m008 from './migrations/008_job_order.js';

export type Dialect = 'sqlite' | 'postgres';

export interface Store {
  db: Kysely<Database>;
  dialect: Dialect;
  /** For PostgreSQL LISTEN/NOTIFY fan-out; undefined on SQLite. */
  pgPool?: pg.Pool;
  /**
   * Resolves once every transaction committed before the call is on disk. PostgreSQL commits are
   * durable already; SQLite's are flushed off the event loop (see wal-sync.ts). Await it before
   * acknowledging anything that must survive a power cut.
   */
  durable(): Promise<void>;
  /** Throws when the database cannot answer. */
  ping(): Promise<void>;
  close(): Promise<void>;
}

async function ping(db: Kysely<Database>): Promise<void> {
  await sql`select 1`.execute(db);
}

const MIGRATIONS: Record<string, Migration> = { '001_initial': m001, '002_message_templates': m002, '003_webhook_verified': m003, '004_distribution': m004, '005_queue_notices': m005, '006_quick_replies': m006, '007_conversation_state_index': m007, '008_job_order': m008 };

class StaticMigrations implements MigrationProvider {
  async getMigrations(): Promise<Record<string, Migration>> {
    return MIGRATIONS;
  }
}

// int8 (bigint) columns hold epoch milliseconds, well inside Number's exact range.
pg.types.setTypeParser(20, (v) => Number(v));

export function openStore(databaseUrl: string, opts: { poolSize?: number } = {}): Store {
  if (databaseUrl.startsWith('sqlite:')) {
    const file = databaseUrl.slice('sqlite:'.length);
    const sqlite = new Sqlite(file);
    sqlite.pragma('journal_mode = WAL');
    // NORMAL: commits reach the WAL file without an fsync on the event loop; store.durable()
    // flushes them on the thread pool before anything is acknowledged (wal-sync.ts).
    sqlite.pragma('synchronous = NORMAL');
    sqlite.pragma('foreign_keys = ON');
    sqlite.pragma('busy_timeout = 5000');
    const db = new Kysely<Database>({ dialect: new SqliteDialect({ database: withStatementCache(sqlite) }) });
    const wal = new WalSync(`${file}-wal`);
    return {
      db,
      dialect: 'sqlite',
      durable: () => wal.sync(),
      ping: () => ping(db),
      close: async () => {
        await wal.close();
        await db.destroy();
      },
    };
  }
  if (/^postgres(ql)?:\/\//.test(databaseUrl)) {
    const pool = new pg.Pool({ connectionString: databaseUrl, max: opts.poolSize ?? 10 });
    // An idle client's error (server restart) must not crash the process; the pool replaces it.
    pool.on('error', () => undefined);
    // pg-pool listens for errors on idle clients only: a checked-out client whose server goes away
    // (terminated backend, restart) emits 'error' with no listener, which would crash the process.
    // The query in flight already fails with that error, and the broken client leaves the pool on release.
    pool.on('connect', (client) => client.on('error', () => undefined));
    const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool: preparingPool(pool) }), plugins: [new PostgresTextPlugin()] });
    return { db, dialect: 'postgres', pgPool: pool, durable: () => Promise.resolve(), ping: () => ping(db), close: () => db.destroy() };
  }
  throw new Error(`Unsupported database URL: ${databaseUrl.replace(/\/\/[^@]*@/, '//***@')}`);
}

/**
 * Kysely prepares every query anew; on the ingest path that cost more than running the
 * statements. Prepared statements are reusable (Kysely runs one query at a time per connection),
 * so keep the most recent ones by SQL text.
 */
function withStatementCache(sqlite: Sqlite.Database, max = 500): { prepare(sql: string): Sqlite.Statement; close(): void } {
  const cache = new Map<string, Sqlite.Statement>();
  return {
    prepare(sqlText: string) {
      let stmt = cache.get(sqlText);
      if (stmt) {
        cache.delete(sqlText);
      } else {
        stmt = sqlite.prepare(sqlText);
        if (cache.size >= max) cache.delete(cache.keys().next().value!);
      }
      cache.set(sqlText, stmt);
      return stmt;
    },
    close() {
      cache.clear();
      sqlite.close();
    },
  };
}

/**
 * The pool Kysely is given on PostgreSQL: the hot paths' statements (raw-sql.ts) run as named
 * prepared statements, which each connection parses and plans once (pg remembers which names a
 * connection has prepared); every other query goes through unchanged.
 */
function preparingPool(pool: pg.Pool): PostgresPool {
  const wrappers = new WeakMap<pg.PoolClient, PostgresPoolClient>();
  const wrap = (client: pg.PoolClient): PostgresPoolClient => ({
    query: ((text: unknown, params?: ReadonlyArray<unknown>) => {
      const name = typeof text === 'string' ? preparedName(text) : undefined;
      if (name !== undefined) return client.query({ name, text: text as string, values: params as unknown[] });
      return (client.query as (...a: unknown[]) => unknown)(text, params);
    }) as PostgresPoolClient['query'],
    release: () => client.release(),
  });
  return {
    async connect() {
      const client = await pool.connect();
      let wrapper = wrappers.get(client);
      if (!wrapper) {
        wrapper = wrap(client);
        wrappers.set(client, wrapper);
      }
      return wrapper;
    },
    end: () => pool.end(),
  };
}

export async function migrate(store: Store): Promise<string[]> {
  const migrator = new Migrator({ db: store.db, provider: new StaticMigrations() });
  const { error, results } = await migrator.migrateToLatest();
  if (error) throw error instanceof Error ? error : new Error(String(error));
  return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
}
