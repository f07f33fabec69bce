/**
 * Prebuilt statements (raw-sql.ts) on both stores: placeholders numbered for PostgreSQL, U+0000
 * replaced there as in every other statement, and kept prepared per PostgreSQL connection.
 */
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, STORE_KINDS, type TestDatabase } from '../../test/support/stores.js';
import { migrate, openStore, type Store } from './db.js';
import { IngestRepo } from './ingest-repo.js';
import { placeholders, preparedName, runSql, sqlText, valuesList } from './raw-sql.js';

describe('sqlText', () => {
  it('numbers the placeholders for PostgreSQL and names its texts for preparing', () => {
    const build = () => `select ${placeholders(2)} from t where x in (${valuesList(2, '(?, ?)')})`;
    const pg = sqlText('postgres', 'raw-sql.test:a', build);
    expect(pg).toBe('select $1, $2 from t where x in (($3, $4), ($5, $6))');
    expect(sqlText('sqlite', 'raw-sql.test:a', build)).toBe('select ?, ? from t where x in ((?, ?), (?, ?))');
    expect(preparedName(pg)).toMatch(/^sb_\d+$/);
    expect(preparedName('select 1')).toBeUndefined();
  });

  it('builds a text once per dialect and key', () => {
    let builds = 0;
    const build = () => {
      builds++;
      return 'select ?';
    };
    sqlText('sqlite', 'raw-sql.test:b', build);
    sqlText('sqlite', 'raw-sql.test:b', build);
    sqlText('postgres', 'raw-sql.test:b', build);
    expect(builds).toBe(2);
  });
});

describe.each(STORE_KINDS)('prebuilt statements on %s', (kind) => {
  let tdb: TestDatabase;
  let store: Store;

  beforeAll(async () => {
    tdb = await createTestDatabase(kind);
    // One connection, so the session that prepared is the one asked.
    store = openStore(tdb.url, { poolSize: 1 });
    await migrate(store);
  });
  afterAll(async () => {
    await store.close();
    await tdb.drop();
  });

  it('stores strings with U+0000 (replaced by U+FFFD on PostgreSQL) and finds redeliveries', async () => {
    const repo = new IngestRepo(store.db, store.dialect);
    const row = { accountId: 'acc_nul', eventId: 'ev\u00001', eventType: 'message', payload: '{"text":"a\\u0000b"}', at: 1 };
    const fresh = await repo.recordEvents([row]);
    const stored = kind === 'postgres' ? 'ev\uFFFD1' : 'ev\u00001';
    expect([...fresh]).toEqual([`acc_nul\u0000${stored}`]);
    expect((await repo.recordEvents([row])).size).toBe(0);
    const rows = await runSql<{ event_id: string }>(store.db, store.dialect, sqlText(store.dialect, 'raw-sql.test:events', () => 'select event_id from inbound_events where account_id = ?'), ['acc_nul']);
    expect(rows).toEqual([{ event_id: stored }]);
  });

  it.runIf(kind === 'postgres')('keeps the statements prepared on the connection (PostgreSQL)', async () => {
    const repo = new IngestRepo(store.db, store.dialect);
    for (let i = 0; i < 3; i++) await repo.recordEvents([{ accountId: 'acc_prep', eventId: `e${i}`, eventType: 'message', payload: '{}', at: 1 }]);
    const text = sqlText('postgres', 'recordEvents:1', () => 'unused: built by IngestRepo already');
    const prepared = await sql<{ name: string }>`select name from pg_prepared_statements`.execute(store.db);
    expect(prepared.rows.map((r) => r.name)).toContain(preparedName(text));
  });
});
