/** Group commit on SQLite and PostgreSQL: writes of one moment share a transaction; a bad one fails alone. */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTestStore, STORE_KINDS } from '../../test/support/stores.js';
import type { Store } from './db.js';
import { GroupCommit } from './group-commit.js';
import { JobsRepo } from './jobs-repo.js';

describe.each(STORE_KINDS)('GroupCommit on %s', (kind) => {
  let store: Store;
  let cleanup: () => Promise<void>;
  beforeEach(async () => {
    ({ store, cleanup } = await createTestStore(kind));
  });
  afterEach(async () => {
    await cleanup();
  });

  it('is one per database handle and resolves each caller with its own result after the commit', async () => {
    const g = GroupCommit.of(store.db, store.dialect);
    expect(GroupCommit.of(store.db, store.dialect)).toBe(g);
    const ids = await Promise.all(Array.from({ length: 20 }, (_, i) => g.run((trx) => new JobsRepo(trx, store.dialect).enqueue('k', { i }, 1))));
    expect(new Set(ids).size).toBe(20);
    expect(await new JobsRepo(store.db, store.dialect).counts()).toEqual({ pending: 20 });
  });

  it('a failing write fails alone; its neighbours in the batch are committed', async () => {
    const g = GroupCommit.of(store.db, store.dialect);
    const jobs = (trx: Parameters<Parameters<GroupCommit['run']>[0]>[0]) => new JobsRepo(trx, store.dialect);
    const results = await Promise.allSettled([
      g.run((trx) => jobs(trx).enqueue('k', { n: 1 }, 1)),
      g.run(async (trx) => {
        await jobs(trx).enqueue('k', { n: 'doomed' }, 1);
        throw new Error('bad write');
      }),
      g.run((trx) => jobs(trx).enqueue('k', { n: 3 }, 1)),
    ]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    const rows = await store.db.selectFrom('jobs').select('payload').execute();
    expect(rows.map((r) => JSON.parse(r.payload).n).sort()).toEqual([1, 3]);
  });
});
