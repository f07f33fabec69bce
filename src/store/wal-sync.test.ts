import { mkdtempSync, rmSync, writeFileSync, unlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openStore } from './db.js';
import { WalSync } from './wal-sync.js';
import { sql } from 'kysely';

describe('WalSync', () => {
  const dirs: string[] = [];
  const dir = () => {
    const d = mkdtempSync(join(tmpdir(), 'sb-wal-'));
    dirs.push(d);
    return d;
  };
  afterEach(() => {
    for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
  });

  it('has nothing to flush before the WAL file exists', async () => {
    const wal = new WalSync(join(dir(), 'none.db-wal'));
    await expect(wal.sync()).resolves.toBeUndefined();
    await wal.close();
  });

  it('callers arriving during a flush share the next one, and every caller is answered', async () => {
    const path = join(dir(), 'x.db-wal');
    writeFileSync(path, 'frames');
    const wal = new WalSync(path);
    const first = wal.sync();
    const during = Array.from({ length: 50 }, () => wal.sync());
    // Everyone who came while the first flush ran waits for the same second flush.
    expect(new Set(during).size).toBe(1);
    expect(during[0]).not.toBe(first);
    await Promise.all([first, ...during]);
    await wal.close();
  });

  it('follows a WAL file that was replaced (a new inode)', async () => {
    const path = join(dir(), 'y.db-wal');
    writeFileSync(path, 'one');
    const wal = new WalSync(path);
    await wal.sync();
    unlinkSync(path);
    writeFileSync(path, 'two');
    await expect(wal.sync()).resolves.toBeUndefined();
    await wal.close();
  });

  it('the SQLite store answers durable() after commits, many callers at once', async () => {
    const store = openStore(`sqlite:${join(dir(), 'store.db')}`);
    await sql`create table t (a text)`.execute(store.db);
    await Promise.all(
      Array.from({ length: 20 }, async (_, i) => {
        await sql`insert into t values (${String(i)})`.execute(store.db);
        await store.durable();
      }),
    );
    const n = await sql<{ n: number }>`select count(*) as n from t`.execute(store.db);
    expect(Number(n.rows[0]!.n)).toBe(20);
    await store.close();
  });
});
