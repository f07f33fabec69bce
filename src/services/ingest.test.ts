/**
 * IngestService on SQLite and PostgreSQL, with real repositories for routing: group commit,
 * redeliveries, a poisoned webhook isolated from its batch, and unrouted accounts.
 */
import { randomBytes } from 'node:crypto';
import { Writable } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTestStore, STORE_KINDS } from '../../test/support/stores.js';
import type { InboundEvent } from '../channels/adapter.js';
import { ManualClock } from '../lib/clock.js';
import { newId } from '../lib/ids.js';
import { createLogger } from '../lib/logger.js';
import { Sealer } from '../lib/sealed.js';
import { AccountsRepo } from '../store/accounts-repo.js';
import type { Store } from '../store/db.js';
import { RoutingConfigRepo } from '../store/routing-config-repo.js';
import { LocalEventBus, type HubEvent } from './event-bus.js';
import { IngestService, type IngestAccount, type ResolveRoute } from './ingest.js';
import { createMetrics, type Metrics } from './metrics.js';
import { RoutingConfigService } from './routing-config-service.js';

interface Fixture {
  store: Store;
  metrics: Metrics;
  clock: ManualClock;
  events: HubEvent[];
  logLines: string[];
  jobsPokes: { n: number };
  routing: RoutingConfigService;
  accountsRepo: AccountsRepo;
  sealer: Sealer;
  cleanup(): Promise<void>;
}

/** The hub's own route resolution, over the real routing repositories. */
function realResolveRoute(f: Pick<Fixture, 'routing' | 'store'>): ResolveRoute {
  const repo = new RoutingConfigRepo(f.store.db);
  return async (accountId, address) => {
    const instance = await f.routing.findChannelInstance(accountId, address);
    if (!instance) return undefined;
    const ws = await repo.getWorkstream(instance.workstreamId);
    if (!ws) return undefined;
    return { channelInstanceId: instance.id, workstreamId: ws.id, queueId: ws.fallbackQueueId, language: instance.language };
  };
}

function ingestFor(f: Fixture, o: { resolveRoute?: ResolveRoute; maxBatch?: number } = {}): IngestService {
  const lines = f.logLines;
  const log = createLogger(
    'trace',
    new Writable({
      write(chunk: Buffer, _enc, cb) {
        lines.push(String(chunk));
        cb();
      },
    }),
  );
  const bus = new LocalEventBus();
  bus.subscribe((e) => f.events.push(e));
  return new IngestService({
    store: f.store,
    clock: f.clock,
    log,
    bus,
    metrics: f.metrics,
    resolveRoute: o.resolveRoute ?? realResolveRoute(f),
    onJobs: () => f.jobsPokes.n++,
    ...(o.maxBatch ? { maxBatch: o.maxBatch } : {}),
  });
}

/** A LINE account; with `routed`, a workstream and a channel instance serve it. */
async function account(f: Fixture, routed: boolean): Promise<IngestAccount & { queueId?: string }> {
  const id = newId('acc');
  await f.accountsRepo.insert({
    id,
    kind: 'line',
    name: `LINE ${id}`,
    settings: {},
    credentialsPublic: { channelId: '123' },
    credentialsSealed: f.sealer.seal('{}'),
    createdAt: f.clock.now(),
  });
  if (!routed) return { id, kind: 'line' };
  const ws = await f.routing.createWorkstream({ name: `Care ${id}`, mode: 'pick' });
  await f.routing.createChannelInstance({ accountId: id, workstreamId: ws.id, name: 'LINE (en)', language: 'en-US' });
  return { id, kind: 'line', queueId: ws.fallbackQueueId };
}

let seq = 0;
function textEvent(userId: string, text: string, eventId = `ev-${++seq}`): InboundEvent {
  return {
    type: 'message',
    eventId,
    at: new Date('2026-01-01T00:00:00Z'),
    raw: { webhookEventId: eventId, message: { type: 'text', text } },
    user: { id: userId },
    providerMessageId: `pm-${eventId}`,
    content: { kind: 'text', text },
    replyToken: `rt-${eventId}`,
  };
}

async function count(store: Store, table: 'conversations' | 'messages' | 'inbound_events' | 'identities'): Promise<number> {
  const r = await store.db.selectFrom(table).select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
  return Number(r.n);
}

async function storedEvent(store: Store, accountId: string, eventId: string) {
  return store.db
    .selectFrom('inbound_events')
    .selectAll()
    .where('account_id', '=', accountId)
    .where('event_id', '=', eventId)
    .executeTakeFirst();
}

async function histogram(h: Metrics['ingestBatchSize'] | Metrics['ingestLatency']) {
  const m = await h.get();
  const value = (suffix: string, le?: number) =>
    m.values.find((v) => v.metricName === `${m.name}${suffix}` && (le === undefined || (v.labels as Record<string, unknown>).le === le))?.value ?? 0;
  return { count: value('_count'), sum: value('_sum'), bucket: (le: number) => value('_bucket', le) };
}

describe.each(STORE_KINDS)('IngestService on %s', (kind) => {
  let f: Fixture;

  beforeEach(async () => {
    const { store, cleanup } = await createTestStore(kind);
    const clock = new ManualClock();
    const accountsRepo = new AccountsRepo(store.db);
    f = {
      store,
      metrics: createMetrics(),
      clock,
      events: [],
      logLines: [],
      jobsPokes: { n: 0 },
      accountsRepo,
      sealer: new Sealer(randomBytes(32)),
      routing: new RoutingConfigService({ repo: new RoutingConfigRepo(store.db), clock, accounts: { get: (id) => accountsRepo.get(id) } }),
      cleanup,
    };
  });
  afterEach(async () => {
    await f.cleanup();
  });

  it('commits concurrent webhooks together, and acknowledges each only once it is stored', async () => {
    const acc = await account(f, true);
    const ingest = ingestFor(f);
    const acked: Array<Promise<boolean>> = [];
    for (let i = 0; i < 20; i++) {
      const ev = textEvent(`U${i}`, `hello ${i}`);
      // Resolution means committed: the event must already be readable from another query.
      acked.push(ingest.submit(acc, [ev]).then(async () => (await storedEvent(f.store, acc.id, ev.eventId)) !== undefined));
    }
    expect(await Promise.all(acked)).toEqual(Array(20).fill(true));

    const h = await histogram(f.metrics.ingestBatchSize);
    expect(h.sum).toBe(20);
    expect(h.count).toBeLessThan(20);
    // At least one commit carried more than one webhook.
    expect(h.bucket(1)).toBeLessThan(h.count);

    expect(await count(f.store, 'conversations')).toBe(20);
    expect(await count(f.store, 'messages')).toBe(20);
    const stored = await f.metrics.messagesStored.get();
    expect(stored.values.find((v) => v.labels.direction === 'in')?.value).toBe(20);
    const latency = await histogram(f.metrics.ingestLatency);
    expect(latency.count).toBe(20);
    // New customers: one profile fetch each, and the runner was poked after the commit.
    const profileJobs = await f.store.db.selectFrom('jobs').select('kind').where('kind', '=', 'fetch_profile').execute();
    expect(profileJobs).toHaveLength(20);
    expect(f.jobsPokes.n).toBeGreaterThan(0);
    expect(f.events.filter((e) => e.type === 'conversation.created')).toHaveLength(20);
    expect(f.events.filter((e) => e.type === 'message.created')).toHaveLength(20);
    const conv = await f.store.db.selectFrom('conversations').select(['queue_id', 'state']).execute();
    expect(new Set(conv.map((c) => c.queue_id))).toEqual(new Set([acc.queueId]));
  });

  it('splits a long queue into batches of maxBatch', async () => {
    const acc = await account(f, true);
    const ingest = ingestFor(f, { maxBatch: 8 });
    await Promise.all(Array.from({ length: 20 }, (_, i) => ingest.submit(acc, [textEvent(`U${i}`, `m${i}`)])));
    const h = await histogram(f.metrics.ingestBatchSize);
    expect(h.sum).toBe(20);
    expect(h.count).toBe(3); // 8 + 8 + 4
    expect(await count(f.store, 'messages')).toBe(20);
  });

  it('two messages of one new customer in one batch open one conversation, in order', async () => {
    const acc = await account(f, true);
    const ingest = ingestFor(f);
    await Promise.all([ingest.submit(acc, [textEvent('Usame', 'first')]), ingest.submit(acc, [textEvent('Usame', 'second')])]);
    expect(await count(f.store, 'conversations')).toBe(1);
    const msgs = await f.store.db.selectFrom('messages').select(['seq', 'content']).orderBy('seq').execute();
    expect(msgs.map((m) => [m.seq, (JSON.parse(m.content) as { text: string }).text])).toEqual([
      [1, 'first'],
      [2, 'second'],
    ]);
  });

  it('stores a redelivered event once, whether it comes later or in the same batch', async () => {
    const acc = await account(f, true);
    const ingest = ingestFor(f);
    const ev = textEvent('Uredeliver', 'only once', 'ev-redelivered');
    await ingest.submit(acc, [ev]);
    await ingest.submit(acc, [ev]);
    await Promise.all([ingest.submit(acc, [ev]), ingest.submit(acc, [ev])]);
    const twin = textEvent('Utwin', 'twice in one batch', 'ev-twin');
    await Promise.all([ingest.submit(acc, [twin]), ingest.submit(acc, [twin])]);

    expect(await count(f.store, 'inbound_events')).toBe(2);
    const texts = (await f.store.db.selectFrom('messages').select('content').execute()).map(
      (m) => (JSON.parse(m.content) as { text: string }).text,
    );
    expect(texts.sort()).toEqual(['only once', 'twice in one batch']);
    expect(f.events.filter((e) => e.type === 'message.created')).toHaveLength(2);
    // The same event id on another account is another event.
    const other = await account(f, true);
    await ingest.submit(other, [ev]);
    expect(await count(f.store, 'messages')).toBe(3);
  });

  it('a poisoned webhook fails alone; its batch neighbours are stored and acknowledged', async () => {
    const acc = await account(f, true);
    const ingest = ingestFor(f);
    const good = [0, 1, 2, 3].map((i) => textEvent(`Ugood${i}`, `fine ${i}`));
    // Its provider JSON cannot be serialized for inbound_events: the insert throws inside the transaction.
    const poisoned: InboundEvent = { ...textEvent('Upoison', 'poison'), raw: { huge: 10n } };
    const results = await Promise.allSettled([
      ingest.submit(acc, [good[0]!]),
      ingest.submit(acc, [good[1]!]),
      ingest.submit(acc, [poisoned]),
      ingest.submit(acc, [good[2]!]),
      ingest.submit(acc, [good[3]!]),
    ]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'fulfilled', 'rejected', 'fulfilled', 'fulfilled']);
    expect(String((results[2] as PromiseRejectedResult).reason)).toMatch(/BigInt/i);

    for (const ev of good) expect(await storedEvent(f.store, acc.id, ev.eventId)).toBeDefined();
    // Nothing of the poisoned webhook stayed: the provider's retry must find the event new.
    expect(await storedEvent(f.store, acc.id, poisoned.eventId)).toBeUndefined();
    expect(await count(f.store, 'messages')).toBe(4);
    expect(await count(f.store, 'conversations')).toBe(4);
    expect(f.events.filter((e) => e.type === 'message.created')).toHaveLength(4);

    // The service keeps working after the failure.
    await ingest.submit(acc, [textEvent('Uafter', 'after')]);
    expect(await count(f.store, 'messages')).toBe(5);
    // And the retried event, now storable, is stored.
    await ingest.submit(acc, [{ ...poisoned, raw: { huge: '10' } }]);
    expect(await storedEvent(f.store, acc.id, poisoned.eventId)).toBeDefined();
    expect(await count(f.store, 'messages')).toBe(6);
  });

  it('an account whose route lookup fails is refused alone; other accounts in the batch are stored', async () => {
    const ok = await account(f, true);
    const broken = await account(f, true);
    const real = realResolveRoute(f);
    const ingest = ingestFor(f, {
      resolveRoute: async (accountId, address) => {
        if (accountId === broken.id) throw new Error('routing table unreadable');
        return real(accountId, address);
      },
    });
    const results = await Promise.allSettled([
      ingest.submit(ok, [textEvent('U1', 'a')]),
      ingest.submit(broken, [textEvent('U2', 'b')]),
      ingest.submit(ok, [textEvent('U3', 'c')]),
    ]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect(await count(f.store, 'messages')).toBe(2);
    const accounts = await f.store.db.selectFrom('inbound_events').select('account_id').execute();
    expect(accounts.map((a) => a.account_id)).toEqual([ok.id, ok.id]);
  });

  it('an account without a channel instance: acknowledged, kept in inbound_events, no conversation', async () => {
    const acc = await account(f, false);
    const ingest = ingestFor(f);
    const ev = textEvent('Unrouted', 'is anyone there?');
    await expect(ingest.submit(acc, [ev])).resolves.toBeUndefined();

    const kept = await storedEvent(f.store, acc.id, ev.eventId);
    expect(kept?.event_type).toBe('message');
    expect(JSON.parse(kept!.payload)).toEqual(ev.raw);
    expect(await count(f.store, 'conversations')).toBe(0);
    expect(await count(f.store, 'messages')).toBe(0);
    expect(f.events).toEqual([]);
    expect(f.logLines.some((l) => l.includes('no channel instance serves this account'))).toBe(true);
  });

  it('stores nothing for an empty webhook (LINE console Verify) and still resolves', async () => {
    const acc = await account(f, true);
    await expect(ingestFor(f).submit(acc, [])).resolves.toBeUndefined();
    expect(await count(f.store, 'inbound_events')).toBe(0);
  });
});
