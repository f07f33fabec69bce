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
import { ConversationsRepo } from '../store/conversations-repo.js';
import { IngestRepo } from '../store/ingest-repo.js';
import { RoutingConfigRepo } from '../store/routing-config-repo.js';
import { LocalEventBus, type HubEvent } from './event-bus.js';
import { CustomerMessageBatch } from './ingest-batch.js';
import { IngestService, type IngestAccount, type ResolveRoute } from './ingest.js';
import { Lifecycle, type LifecycleEvent } from './lifecycle.js';
import { createMetrics, type Metrics } from './metrics.js';
import { RoutingConfigService } from './routing-config-service.js';

interface Fixture {
  store: Store;
  metrics: Metrics;
  clock: ManualClock;
  events: HubEvent[];
  lifecycleEvents: LifecycleEvent[];
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

function ingestFor(f: Fixture, o: { resolveRoute?: ResolveRoute; maxBatch?: number; lanes?: number; fetchesProfiles?: (kind: string) => boolean } = {}): IngestService {
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
  const lifecycle = new Lifecycle(log);
  lifecycle.on((e) => void f.lifecycleEvents.push(e));
  return new IngestService({
    lifecycle,
    store: f.store,
    clock: f.clock,
    log,
    bus,
    metrics: f.metrics,
    resolveRoute: o.resolveRoute ?? realResolveRoute(f),
    onJobs: () => f.jobsPokes.n++,
    ...(o.maxBatch ? { maxBatch: o.maxBatch } : {}),
    // One lane unless a test says otherwise: batch counts are then exact.
    lanes: o.lanes ?? 1,
    ...(o.fetchesProfiles ? { fetchesProfiles: o.fetchesProfiles } : {}),
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

function followEvent(userId: string, eventId = `ev-${++seq}`): InboundEvent {
  return { type: 'follow', eventId, at: new Date('2026-01-01T00:00:00Z'), raw: { webhookEventId: eventId, type: 'follow' }, user: { id: userId } };
}

async function transcript(store: Store, conversationId: string): Promise<string[]> {
  const rows = await store.db.selectFrom('messages').select(['seq', 'content']).where('conversation_id', '=', conversationId).orderBy('seq').execute();
  return rows.map((m) => {
    const c = JSON.parse(m.content) as { kind: string; text?: string; name?: string };
    return `${m.seq}:${c.text ?? c.name ?? c.kind}`;
  });
}

async function conversationOf(store: Store, accountId: string, userId: string) {
  return store.db
    .selectFrom('conversations')
    .innerJoin('identities', 'identities.id', 'conversations.identity_id')
    .selectAll('conversations')
    .where('identities.account_id', '=', accountId)
    .where('identities.provider_user_id', '=', userId)
    .executeTakeFirstOrThrow();
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
      lifecycleEvents: [],
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

  it('known customers in one batch: messages in arrival order per conversation, newest reply token kept, an event each', async () => {
    const acc = await account(f, true);
    const ingest = ingestFor(f);
    for (const u of ['K0', 'K1', 'K2']) await ingest.submit(acc, [textEvent(u, `hi from ${u}`)]);
    f.events.length = 0;
    f.lifecycleEvents.length = 0;
    const burst = [textEvent('K0', 'a'), textEvent('K1', 'b'), textEvent('K0', 'c'), textEvent('K2', 'd'), textEvent('K0', 'e')];
    await Promise.all(burst.map((ev) => ingest.submit(acc, [ev])));

    const k0 = await conversationOf(f.store, acc.id, 'K0');
    expect(await transcript(f.store, k0.id)).toEqual(['1:hi from K0', '2:a', '3:c', '4:e']);
    expect(k0.last_seq).toBe(4);
    expect(k0.reply_token).toBe(burst[4]!.type === 'message' ? burst[4]!.replyToken : undefined);
    expect(await transcript(f.store, (await conversationOf(f.store, acc.id, 'K1')).id)).toEqual(['1:hi from K1', '2:b']);
    expect(await count(f.store, 'conversations')).toBe(3);
    const created = f.events.flatMap((e) => (e.type === 'message.created' ? [e] : []));
    expect(created.map((e) => (e.message.content as { text: string }).text).sort()).toEqual(['a', 'b', 'c', 'd', 'e']);
    expect(created.filter((e) => e.conversation.id === k0.id).map((e) => e.message.seq)).toEqual([2, 3, 4]);
    // No bot holds these conversations: the bot runner is told it need not look.
    const customerMessages = f.lifecycleEvents.filter((e) => e.type === 'customer_message');
    expect(customerMessages).toHaveLength(5);
    expect(customerMessages.every((e) => e.type === 'customer_message' && e.maybeBot === false)).toBe(true);
  });

  it('an event stored one at a time between two batched messages keeps its place in the transcript', async () => {
    const acc = await account(f, true);
    const ingest = ingestFor(f);
    await ingest.submit(acc, [textEvent('Korder', 'first')]);
    await ingest.submit(acc, [textEvent('Korder', 'second'), followEvent('Korder'), textEvent('Korder', 'third')]);
    const conv = await conversationOf(f.store, acc.id, 'Korder');
    expect(await transcript(f.store, conv.id)).toEqual(['1:first', '2:second', '3:follow', '4:third']);
  });

  it('a Waiting conversation comes back to active when its customer writes again', async () => {
    const acc = await account(f, true);
    const ingest = ingestFor(f);
    await ingest.submit(acc, [textEvent('Kwait', 'hello')]);
    const conv = await conversationOf(f.store, acc.id, 'Kwait');
    await new ConversationsRepo(f.store.db).transition(conv.id, 'open', 'waiting', {}, f.clock.now());
    f.events.length = 0;
    await ingest.submit(acc, [textEvent('Kwait', 'any news?')]);
    expect((await conversationOf(f.store, acc.id, 'Kwait')).state).toBe('active');
    expect(f.events.map((e) => e.type)).toEqual(['conversation.updated', 'message.created']);
  });

  it('a batched message whose conversation closed after it was read is handed back, nothing written', async () => {
    const acc = await account(f, true);
    const ingest = ingestFor(f);
    await ingest.submit(acc, [textEvent('Kclosed', 'hello')]);
    const conv = await conversationOf(f.store, acc.id, 'Kclosed');
    await new ConversationsRepo(f.store.db).transition(conv.id, 'open', 'closed', {}, f.clock.now());
    const ev = textEvent('Kclosed', 'too late');
    if (ev.type !== 'message') throw new Error('unreachable');
    const batch = new CustomerMessageBatch<IngestAccount>(new IngestRepo(f.store.db, f.store.dialect));
    batch.add(conv.id, { account: acc, event: ev, content: ev.content });
    const { groups, orphans } = await batch.write(f.clock.now());
    expect(groups).toEqual([]);
    expect(orphans.map((o) => o.event.eventId)).toEqual([ev.eventId]);
    expect(await transcript(f.store, conv.id)).toEqual(['1:hello']);
    // Through the service, the same message opens the customer's next conversation.
    await ingest.submit(acc, [textEvent('Kclosed', 'new question')]);
    expect(await count(f.store, 'conversations')).toBe(2);
  });

  function statusEvent(o: { providerMessageId: string; messageRef?: string; status: 'sent' | 'delivered' | 'read' | 'failed'; errorCode?: string }): InboundEvent {
    const eventId = `st-${++seq}`;
    return { type: 'status', eventId, at: new Date('2026-01-01T00:00:00Z'), raw: { eventId, ...o }, ...o };
  }

  async function outbound(acc: IngestAccount, userId: string, providerMessageId: string | null) {
    const ingest = ingestFor(f);
    await ingest.submit(acc, [textEvent(userId, 'hello')]);
    const conv = await conversationOf(f.store, acc.id, userId);
    return new ConversationsRepo(f.store.db).appendMessage(
      { conversationId: conv.id, direction: 'out', senderType: 'agent', content: { kind: 'text', text: 'hi!' }, providerMessageId, status: 'sending', at: f.clock.now() },
      undefined,
    );
  }

  it('status callbacks of one batch move a message forward once, to the furthest status, never back', async () => {
    const acc = await account(f, true);
    const msg = await outbound(acc, 'Kstatus', null);
    const ingest = ingestFor(f);
    f.events.length = 0;
    // A callback that outran the send's answer: found by our reference, and it teaches the provider id.
    await Promise.all([
      ingest.submit(acc, [statusEvent({ providerMessageId: 'SM1', messageRef: msg.id, status: 'sent' })]),
      ingest.submit(acc, [statusEvent({ providerMessageId: 'SM1', messageRef: msg.id, status: 'delivered' })]),
    ]);
    let row = await f.store.db.selectFrom('messages').selectAll().where('id', '=', msg.id).executeTakeFirstOrThrow();
    expect([row.status, row.provider_message_id]).toEqual(['delivered', 'SM1']);
    const updates = f.events.filter((e) => e.type === 'message.updated');
    expect(updates).toHaveLength(1);
    expect(updates[0]!.type === 'message.updated' && updates[0]!.message.status).toBe('delivered');

    // Late "sent" (by provider id only) changes nothing; "read" moves on.
    f.events.length = 0;
    await ingest.submit(acc, [statusEvent({ providerMessageId: 'SM1', status: 'sent' })]);
    expect(f.events).toEqual([]);
    await ingest.submit(acc, [statusEvent({ providerMessageId: 'SM1', status: 'read' })]);
    row = await f.store.db.selectFrom('messages').selectAll().where('id', '=', msg.id).executeTakeFirstOrThrow();
    expect(row.status).toBe('read');
  });

  it('the send answer recorded after a faster callback keeps the callback status and still records the provider id', async () => {
    const acc = await account(f, true);
    const repo = new ConversationsRepo(f.store.db);
    const slow = await outbound(acc, 'Ksent1', null);
    await repo.updateMessage(slow.id, { errorCode: '429', errorMessage: 'retrying: rate limited' }, f.clock.now());
    // The usual order: the answer first, the message moves to sent and its retry note is cleared.
    expect(await repo.recordSent(slow.id, 'SMslow', f.clock.now())).toMatchObject({ status: 'sent', providerMessageId: 'SMslow', errorCode: null, errorMessage: null });

    const fast = await outbound(acc, 'Ksent2', null);
    await ingestFor(f).submit(acc, [statusEvent({ providerMessageId: 'SMfast', messageRef: fast.id, status: 'delivered' })]);
    // The callback came first: the answer does not move the message back to sent.
    expect(await repo.recordSent(fast.id, 'SMfast', f.clock.now())).toMatchObject({ status: 'delivered', providerMessageId: 'SMfast' });
    // A provider that answers no id leaves the one a callback taught.
    expect(await repo.recordSent(fast.id, undefined, f.clock.now())).toMatchObject({ status: 'delivered', providerMessageId: 'SMfast' });
  });

  it('a failed callback records the provider error; a reference into another account is not followed', async () => {
    const acc = await account(f, true);
    const other = await account(f, true);
    const mine = await outbound(acc, 'Kfail', 'SMmine');
    const theirs = await outbound(other, 'Kother', 'SMtheirs');
    const ingest = ingestFor(f);
    await ingest.submit(acc, [statusEvent({ providerMessageId: 'SMmine', messageRef: theirs.id, status: 'failed', errorCode: '63016' })]);
    const rows = await f.store.db.selectFrom('messages').select(['id', 'status', 'error_code']).where('id', 'in', [mine.id, theirs.id]).execute();
    expect(Object.fromEntries(rows.map((r) => [r.id, [r.status, r.error_code]]))).toEqual({ [mine.id]: ['failed', '63016'], [theirs.id]: ['sending', null] });
  });

  it('a status written only if the message still has the status it was read with', async () => {
    const acc = await account(f, true);
    const msg = await outbound(acc, 'Krace', 'SMrace');
    const repo = new IngestRepo(f.store.db, f.store.dialect);
    expect(await repo.applyStatuses([{ messageId: msg.id, expected: 'sent', status: 'delivered' }], f.clock.now())).toEqual([]);
    const [written] = await repo.applyStatuses([{ messageId: msg.id, expected: 'sending', status: 'delivered' }], f.clock.now());
    expect(written?.status).toBe('delivered');
  });

  it('with several lanes, batches commit side by side and each customer\'s messages keep their order', async () => {
    const acc = await account(f, true);
    const ingest = ingestFor(f, { lanes: 4, maxBatch: 8 });
    const customers = Array.from({ length: 12 }, (_, i) => `Klane${i}`);
    const sends: Array<Promise<void>> = [];
    for (let k = 1; k <= 5; k++) for (const u of customers) sends.push(ingest.submit(acc, [textEvent(u, `${u} #${k}`)]));
    await Promise.all(sends);
    expect(await count(f.store, 'conversations')).toBe(12);
    for (const u of customers) {
      const conv = await conversationOf(f.store, acc.id, u);
      expect(await transcript(f.store, conv.id)).toEqual([1, 2, 3, 4, 5].map((k) => `${k}:${u} #${k}`));
    }
  });

  it('queues no profile fetch for a channel that cannot tell profiles', async () => {
    const acc = await account(f, true);
    const ingest = ingestFor(f, { fetchesProfiles: (k) => k !== 'line' });
    await ingest.submit(acc, [textEvent('Knoprofile', 'hi')]);
    expect(await count(f.store, 'messages')).toBe(1);
    expect(await f.store.db.selectFrom('jobs').select('kind').where('kind', '=', 'fetch_profile').execute()).toEqual([]);
  });
});
