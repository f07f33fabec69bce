/**
 * Bench-only bulk writes for seeding a large store straight into its tables (after the hub's
 * migrations made them): on SQLite one prepared INSERT run per row inside one transaction per
 * batch (better-sqlite3 does ~10⁵–10⁶ rows/s that way); on PostgreSQL one
 * `INSERT … SELECT * FROM unnest($1::text[], $2::bigint[], …)` per batch — one parameter per column
 * whatever the row count, so a batch of 10,000 rows is one round trip.
 */
import { closeSync, fsyncSync, openSync } from 'node:fs';
import Sqlite from 'better-sqlite3';
import pg from 'pg';

export type ColumnType = 'text' | 'integer' | 'bigint';
export type Cell = string | number | null;

export interface TableSpec {
  name: string;
  columns: ReadonlyArray<readonly [name: string, type: ColumnType]>;
}

export interface BulkWriter {
  /** Inserts the rows (cells in the order of `table.columns`) in one transaction. */
  insert(table: TableSpec, rows: Cell[][]): Promise<void>;
  close(): Promise<void>;
}

export function sqliteWriter(file: string): BulkWriter {
  const db = new Sqlite(file);
  // The seed is rebuilt on failure: no need to wait for the disk on each batch.
  db.pragma('synchronous = OFF');
  const statements = new Map<string, Sqlite.Statement>();
  const stmt = (t: TableSpec) => {
    let s = statements.get(t.name);
    if (!s) {
      s = db.prepare(`INSERT INTO ${t.name} (${t.columns.map(([c]) => c).join(', ')}) VALUES (${t.columns.map(() => '?').join(', ')})`);
      statements.set(t.name, s);
    }
    return s;
  };
  return {
    async insert(table, rows) {
      const s = stmt(table);
      db.transaction(() => {
        for (const r of rows) s.run(r);
      })();
    },
    async close() {
      db.pragma('wal_checkpoint(TRUNCATE)');
      db.close();
      // Written without syncs: flush it now, or the kernel's write-back of hundreds of MB would
      // overlap (and slow) whatever the bench times next.
      const fd = openSync(file, 'r');
      try {
        fsyncSync(fd);
      } finally {
        closeSync(fd);
      }
    },
  };
}

/** `INSERT INTO t (a, b) SELECT * FROM unnest($1::text[], $2::bigint[])` for a table. */
export function unnestInsertSql(t: TableSpec): string {
  const cols = t.columns.map(([c]) => c).join(', ');
  const arrays = t.columns.map(([, type], i) => `$${i + 1}::${type}[]`).join(', ');
  return `INSERT INTO ${t.name} (${cols}) SELECT * FROM unnest(${arrays})`;
}

/** Rows → one array per column (the unnest parameters). */
export function columnsOf(t: TableSpec, rows: Cell[][]): Cell[][] {
  const out: Cell[][] = t.columns.map(() => new Array<Cell>(rows.length));
  for (let r = 0; r < rows.length; r++) {
    const row = rows[r]!;
    for (let c = 0; c < out.length; c++) out[c]![r] = row[c] ?? null;
  }
  return out;
}

export async function pgWriter(url: string): Promise<BulkWriter> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  // As on SQLite: a seed is rebuilt on failure, so commits need not wait for the WAL flush.
  await client.query('SET synchronous_commit = off');
  return {
    async insert(table, rows) {
      if (rows.length === 0) return;
      await client.query(unnestInsertSql(table), columnsOf(table, rows));
    },
    async close() {
      await client.query('ANALYZE');
      // Likewise: write the dirty buffers out now rather than during the timed start-ups.
      await client.query('CHECKPOINT');
      await client.end();
    },
  };
}
