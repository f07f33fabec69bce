import { describe, expect, it } from 'vitest';
import { createTestStore, STORE_KINDS } from './support/stores.js';

describe.each(STORE_KINDS)('store on %s', (kind) => {
  it('migrates and enforces one live conversation per identity', async () => {
    const { store, cleanup } = await createTestStore(kind);
    try {
      const now = Date.now();
      await store.db.insertInto('identities').values({ id: 'i1', account_id: 'a', kind: 'line', provider_user_id: 'U1', contact_id: null, display_name: null, picture_url: null, language: null, profile_fetched_at: null, created_at: now }).execute();
      const conv = (id: string, state: 'open' | 'closed' | 'wrapup') => ({ id, account_id: 'a', channel_instance_id: 'c', identity_id: 'i1', contact_id: null, workstream_id: 'w', queue_id: null, agent_id: null, state, context: '{}', last_seq: 0, last_message_at: now, last_customer_at: now, reply_token: null, reply_token_at: null, created_at: now, updated_at: now, closed_at: null });
      await store.db.insertInto('conversations').values(conv('c1', 'closed')).execute();
      await store.db.insertInto('conversations').values(conv('c0', 'wrapup')).execute();
      await store.db.insertInto('conversations').values(conv('c2', 'open')).execute();
      await expect(store.db.insertInto('conversations').values(conv('c3', 'open')).execute()).rejects.toThrow();
      const r = await store.db.selectFrom('conversations').select(['id', 'last_message_at']).where('id', '=', 'c2').executeTakeFirstOrThrow();
      expect(typeof r.last_message_at).toBe('number');
    } finally {
      await cleanup();
    }
  });
});
