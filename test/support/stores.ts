/**
 * Every store test runs on both stores: a fresh SQLite file and a fresh PostgreSQL database.
 * PostgreSQL is required, never skipped: if it cannot be reached the suite fails loudly.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { migrate, openStore, type Store } from '../../src/store/db.js';

export const PG_ADMIN_URL = process.env.SWITCHBOARD_TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

export type StoreKind = 'sqlite' | 'postgres';
export const STORE_KINDS: StoreKind[] = ['sqlite', 'postgres'];

export interface TestDatabase {
  url: string;
  dataDir: string;
  drop(): Promise<void>;
}

/** Creates an empty database of the given kind and returns its URL. */
export async function createTestDatabase(kind: StoreKind): Promise<TestDatabase> {
  const dataDir = mkdtempSync(join(tmpdir(), 'sb-test-'));
  if (kind === 'sqlite') {
    return {
      url: `sqlite:${join(dataDir, 'test.db')}`,
      dataDir,
      drop: async () => rmSync(dataDir, { recursive: true, force: true }),
    };
  }
  const name = `sb_test_${process.pid}_${Math.random().toString(36).slice(2, 10)}`;
  const admin = new pg.Client({ connectionString: PG_ADMIN_URL });
  try {
    await admin.connect();
  } catch (e) {
    throw new Error(`PostgreSQL is required for the test suite and is not reachable at ${PG_ADMIN_URL}: ${String(e)}`);
  }
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(PG_ADMIN_URL);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    dataDir,
    drop: async () => {
      const c = new pg.Client({ connectionString: PG_ADMIN_URL });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await c.end();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** A migrated store plus its cleanup. */
export async function createTestStore(kind: StoreKind): Promise<{ store: Store; dataDir: string; cleanup(): Promise<void> }> {
  const tdb = await createTestDatabase(kind);
  const store = openStore(tdb.url);
  await migrate(store);
  return {
    store,
    dataDir: tdb.dataDir,
    cleanup: async () => {
      await store.close();
      await tdb.drop();
    },
  };
}

/** A job's row as stored, for tests of the outbox and its runner. */
export async function jobRow(store: Store, id: string) {
  return store.db.selectFrom('jobs').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
}
