/** A fresh store for one scenario: a SQLite file in a new temp dir, or a new PostgreSQL database. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';

export type StoreKind = 'sqlite' | 'postgres';

export interface BenchDatabase {
  kind: StoreKind;
  url: string;
  dataDir: string;
  /** The PostgreSQL database name (for finding its server processes). */
  pgName?: string;
  drop(): Promise<void>;
}

export async function createBenchDatabase(kind: StoreKind, pgAdminUrl: string): Promise<BenchDatabase> {
  const dataDir = mkdtempSync(join(tmpdir(), 'sb-bench-'));
  const removeDir = () => rmSync(dataDir, { recursive: true, force: true });
  if (kind === 'sqlite') {
    return { kind, url: `sqlite:${join(dataDir, 'bench.db')}`, dataDir, drop: async () => removeDir() };
  }
  const name = `sb_bench_${process.pid}_${Math.random().toString(36).slice(2, 10)}`;
  const admin = new pg.Client({ connectionString: pgAdminUrl });
  try {
    await admin.connect();
  } catch (e) {
    removeDir();
    throw new Error(`PostgreSQL is not reachable at ${pgAdminUrl} (use --pg-url): ${String(e)}`);
  }
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(pgAdminUrl);
  url.pathname = `/${name}`;
  return {
    kind,
    url: url.toString(),
    dataDir,
    pgName: name,
    drop: async () => {
      const c = new pg.Client({ connectionString: pgAdminUrl });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await c.end();
      removeDir();
    },
  };
}
