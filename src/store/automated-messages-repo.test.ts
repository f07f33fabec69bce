import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestStore, STORE_KINDS } from '../../test/support/stores.js';
import { AutomatedMessagesRepo } from './automated-messages-repo.js';
import type { Store } from './db.js';
import { SurveysRepo } from './surveys-repo.js';

const T0 = Date.parse('2026-01-01T00:00:00Z');

describe.each(STORE_KINDS)('automated messages and surveys on %s', (kind) => {
  let store: Store;
  let cleanup: () => Promise<void>;
  let repo: AutomatedMessagesRepo;
  let surveys: SurveysRepo;

  beforeAll(async () => {
    ({ store, cleanup } = await createTestStore(kind));
    repo = new AutomatedMessagesRepo(store.db);
    surveys = new SurveysRepo(store.db);
  });
  afterAll(async () => cleanup());

  const base = { trigger: 'greeting', channel: 'line', language: 'en', channelInstanceId: '', text: 'Hello', templateId: null, enabled: true };

  it('upserts by trigger, channel, language and instance, keeping the id', async () => {
    const a = await repo.upsert(base, T0);
    expect(a.created).toBe(true);
    const b = await repo.upsert({ ...base, text: 'Hello again', enabled: false }, T0 + 1);
    expect(b).toMatchObject({ created: false, message: { id: a.message.id, text: 'Hello again', enabled: false, createdAt: T0, updatedAt: T0 + 1 } });
    const c = await repo.upsert({ ...base, channelInstanceId: 'ci_1' }, T0);
    expect(c.created).toBe(true);
    await repo.upsert({ ...base, channelInstanceId: 'ci_2' }, T0);
    expect((await repo.candidates('greeting', 'line', 'ci_1')).map((m) => m.channelInstanceId).sort()).toEqual(['', 'ci_1']);
    expect((await repo.candidates('greeting', 'line', '')).map((m) => m.channelInstanceId)).toEqual(['']);
    expect(await repo.delete(c.message.id)).toBe(true);
    expect(await repo.delete(c.message.id)).toBe(false);
  });

  it('claims a position notice once (compare-and-set)', async () => {
    await repo.putNotice('conv_1', 'q_1', 3, T0);
    await repo.recordNotice('conv_1', 'q_1', 9); // known already: kept
    const told = (await repo.notice('conv_1'))!;
    expect(told).toMatchObject({ queueId: 'q_1', position: 3, notifiedAt: T0 });
    expect(await repo.claimNotice('conv_1', told, { position: 2, notifiedAt: T0 + 1 })).toBe(true);
    expect(await repo.claimNotice('conv_1', told, { position: 2, notifiedAt: T0 + 2 })).toBe(false);
    await repo.putNotice('conv_1', 'q_2', 5); // moved queue: the time told is kept
    expect(await repo.notice('conv_1')).toMatchObject({ queueId: 'q_2', position: 5, notifiedAt: T0 + 1 });
    await repo.deleteNotice('conv_1');
    expect(await repo.notice('conv_1')).toBeUndefined();
  });

  it('keeps one survey per conversation and takes one answer', async () => {
    const row = { id: 'srv_1', conversationKey: 'conv_9', channelInstanceId: 'ci_1', agentId: 'u1', contactId: null, anonymous: false, tokenHash: 'h1', sentAt: T0 };
    expect(await surveys.insert(row)).toBe(true);
    expect(await surveys.insert({ ...row, id: 'srv_2' })).toBe(false);
    expect(await surveys.answer('srv_1', { rating: 4, comment: 'ok', at: T0 + 5, sentSince: T0 + 1 })).toBe(false); // too old
    expect(await surveys.answer('srv_1', { rating: 4, comment: 'ok', at: T0 + 5, sentSince: T0 })).toBe(true);
    expect(await surveys.answer('srv_1', { rating: 1, comment: null, at: T0 + 6, sentSince: T0 })).toBe(false);
    expect(await surveys.byTokenHash('h1')).toMatchObject({ state: 'answered', rating: 4, comment: 'ok', mode: 'link', answeredAt: T0 + 5 });
    await surveys.insert({ ...row, id: 'srv_3', conversationKey: 'anon:x', agentId: null, anonymous: true, tokenHash: null, sentAt: T0 + 10 });
    expect(await surveys.byConversationKeys(['conv_8', 'anon:x'])).toMatchObject({ id: 'srv_3', mode: 'inline', anonymous: true });
    expect(await surveys.counts({ from: T0 })).toEqual(
      expect.arrayContaining([
        { agentId: 'u1', state: 'answered', rating: 4, n: 1 },
        { agentId: null, state: 'sent', rating: null, n: 1 },
      ]),
    );
    expect((await surveys.list({ limit: 10 })).map((r) => r.id)).toEqual(['srv_3', 'srv_1']);
    expect((await surveys.list({ limit: 10, agentId: 'u1' })).map((r) => r.id)).toEqual(['srv_1']);
    expect((await surveys.list({ limit: 10, to: T0 + 1 })).map((r) => r.id)).toEqual(['srv_1']);
  });
});
