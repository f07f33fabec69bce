/**
 * The database goes away and comes back while signed webhooks stream in. To the hub this looks
 * like a PostgreSQL restart: its connections are terminated and new ones are refused for a while.
 * Only the test's own database is touched (ALLOW_CONNECTIONS + pg_terminate_backend), never the
 * shared server. While it is down: webhooks 503 (never a 2xx for something not stored) and
 * /healthz 503; afterwards the hubs recover by themselves: webhooks 200, every acknowledged
 * message stored once, the job runner delivers again, and the LISTEN connection carries events
 * from one hub process to an agent connected to the other.
 */
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { createHub, type Hub } from '../../src/hub.js';
import { createLogger } from '../../src/lib/logger.js';
import { ApiClient, eventually, type RealtimeClient } from '../support/api-client.js';
import { startFailureHub } from '../support/failure-hub.js';
import { freePort, setUpLineChannel, type TestHub } from '../support/hub.js';
import { lineTextEvent, lineUserId, postLineWebhook } from '../support/line-webhooks.js';
import { PG_ADMIN_URL } from '../support/stores.js';

const SENDERS = 4;

interface Sent {
  n: number;
  messageId: string;
  eventId: string;
  startedAt: number;
  answeredAt: number;
  status: number;
}

function dbNameOf(url: string): string {
  return decodeURIComponent(new URL(url).pathname.slice(1));
}

describe('database outage on PostgreSQL', () => {
  let t: TestHub;
  let hubB: Hub;
  let urlB: string;
  let admin: pg.Client;
  let dbName: string;

  beforeAll(async () => {
    t = await startFailureHub('postgres');
    dbName = dbNameOf(t.db.url);
    // A second hub process' worth of hub on the same database: realtime crosses over LISTEN/NOTIFY.
    const config = loadConfig(
      { SWITCHBOARD_LOG_LEVEL: 'silent' },
      { host: '127.0.0.1', port: await freePort(), dataDir: t.db.dataDir, databaseUrl: t.db.url, providers: t.hub.config.providers },
    );
    hubB = await createHub({ config, logger: createLogger('silent') });
    urlB = await hubB.listen();
    admin = new pg.Client({ connectionString: PG_ADMIN_URL });
    await admin.connect();
  });

  afterAll(async () => {
    // Whatever happened, give the database back before dropping it.
    await admin?.query(`ALTER DATABASE "${dbName}" ALLOW_CONNECTIONS true`).catch(() => undefined);
    await admin?.end();
    await hubB?.close();
    await t?.close();
  });

  async function takeDown(): Promise<void> {
    await admin.query(`ALTER DATABASE "${dbName}" ALLOW_CONNECTIONS false`);
    // Twice: a connection that passed the check just before the ALTER is caught by the second sweep.
    for (let i = 0; i < 2; i++) {
      await admin.query('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()', [dbName]);
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  async function bringBack(): Promise<void> {
    await admin.query(`ALTER DATABASE "${dbName}" ALLOW_CONNECTIONS true`);
  }

  async function status(url: string): Promise<number> {
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(10_000) });
      await res.arrayBuffer();
      return res.status;
    } catch {
      return 0;
    }
  }

  it('webhooks get 503 while the database is away, never a 2xx for something not stored; everything recovers by itself', async () => {
    const ch = await setUpLineChannel(t);
    const url = ch.account.callbackUrl as string;
    const secret = ch.creds.channelSecret;
    const userId = lineUserId();
    const customer = t.line.customer(ch.creds.channelId, userId);
    let n = 0;
    const event = (text: string) => {
      const i = ++n;
      return { i, ev: lineTextEvent({ userId, webhookEventId: `01DBOUTAGE${String(i).padStart(16, '0')}`, messageId: `71${String(i).padStart(12, '0')}`, text }) };
    };

    // The customer exists and an agent (connected to hub B) has the conversation.
    const first = event('before the outage');
    expect(await postLineWebhook(url, secret, [first.ev])).toBe(200);
    const conv = await eventually(async () => (await ch.agent.get(`/api/queues/${ch.queueId}/items`))[0], 10_000, 'conversation queued');
    await ch.agent.post(`/api/conversations/${conv.id}/pick`);
    const agentB = new ApiClient(urlB);
    await agentB.login((await ch.agent.get('/api/me')).user.email, 'agent-password-1');
    const rt: RealtimeClient = await agentB.realtime();

    // A reply whose first push is refused with 429 + Retry-After: its retry comes after the database
    // went away. (Not a 500: a retry claimed just before the cut would sit out its two-minute lease.)
    // LINE answers 429 until the fault is cleared, after the outage (whatever else the hub sends meanwhile).
    await ch.agent.post(`/api/conversations/${conv.id}/messages`, { kind: 'text', text: 'warm-up' });
    await eventually(async () => {
      const msgs = await ch.agent.get(`/api/conversations/${conv.id}/messages`);
      return msgs.every((m: any) => m.direction !== 'out' || (m.status !== 'queued' && m.status !== 'sending'));
    }, 10_000, 'outbound settled');
    t.line.injectFault({ path: /^\/v2\/bot\/message\/(push|reply)$/, status: 429, retryAfterSec: 4, times: Infinity });
    const pending = await ch.agent.post(`/api/conversations/${conv.id}/messages`, { kind: 'text', text: 'queued across the outage' });
    await eventually(async () => {
      const m = (await ch.agent.get(`/api/conversations/${conv.id}/messages`)).find((x: any) => x.id === pending.id);
      return m.status === 'queued' && /^retrying/.test(m.errorMessage ?? '');
    }, 10_000, 'first push failed, retry scheduled');

    // Stream webhooks from a few concurrent senders for the whole test.
    const sent: Sent[] = [];
    let streaming = true;
    const sender = async () => {
      while (streaming) {
        const { i, ev } = event(`streamed ${n + 1}`);
        const startedAt = Date.now();
        const s = await postLineWebhook(url, secret, [ev]);
        sent.push({ n: i, messageId: (ev.message as { id: string }).id, eventId: ev.webhookEventId as string, startedAt, answeredAt: Date.now(), status: s });
      }
    };
    const senders = Array.from({ length: SENDERS }, () => sender());
    await new Promise((r) => setTimeout(r, 300));

    // ── the database goes away ──
    await takeDown();
    const downAt = Date.now();
    const healthDuring = await eventually(async () => {
      const [a, b] = await Promise.all([status(`${t.url}/healthz`), status(`${urlB}/healthz`)]);
      return a === 503 && b === 503 && [a, b];
    }, 10_000, 'healthz 503 on both hubs');
    expect(healthDuring).toEqual([503, 503]);
    // An API call while it is away is refused as unavailable too, never a 500.
    const apiDuring = await ch.agent.raw('GET', `/api/conversations/${conv.id}/messages`);
    expect(apiDuring.status).toBe(503);
    await eventually(async () => sent.filter((s) => s.startedAt > downAt + 50).length >= 20, 10_000, 'webhooks sent during the outage');
    await new Promise((r) => setTimeout(r, 1500));
    const upAt = Date.now();
    await bringBack();

    // ── it is back: the hubs recover without help ──
    await eventually(async () => (await status(`${t.url}/healthz`)) === 200 && (await status(`${urlB}/healthz`)) === 200, 20_000, 'healthz 200 again');
    await eventually(async () => sent.some((s) => s.startedAt > upAt && s.status === 200), 20_000, 'webhooks 200 again');
    await new Promise((r) => setTimeout(r, 300));
    streaming = false;
    await Promise.all(senders);

    const during = sent.filter((s) => s.startedAt > downAt + 50 && s.answeredAt < upAt);
    expect(during.length).toBeGreaterThan(0);
    expect(during.filter((s) => s.status !== 503)).toEqual([]);
    // Around the edges a webhook is either stored (2xx) or refused as unavailable: nothing else.
    expect(sent.filter((s) => s.status !== 200 && s.status !== 503)).toEqual([]);
    const acked = sent.filter((s) => s.status === 200);
    const refused = sent.filter((s) => s.status !== 200);
    expect(acked.length).toBeGreaterThan(0);
    expect(refused.length).toBeGreaterThan(0);

    // LINE redelivers what was refused; the hub stores each once.
    for (const s of refused) {
      const ev = lineTextEvent({ userId, webhookEventId: s.eventId, messageId: s.messageId, text: `streamed ${s.n}`, isRedelivery: true });
      expect(await postLineWebhook(url, secret, [ev])).toBe(200);
    }
    const rows = await t.hub.store.db
      .selectFrom('messages')
      .select(['provider_message_id'])
      .where('conversation_id', '=', conv.id)
      .where('direction', '=', 'in')
      .where('provider_message_id', 'is not', null)
      .execute();
    const counts = new Map<string, number>();
    for (const r of rows) counts.set(r.provider_message_id ?? '', (counts.get(r.provider_message_id ?? '') ?? 0) + 1);
    const wrong = sent.filter((s) => counts.get(s.messageId) !== 1).map((s) => `${s.messageId}: ${counts.get(s.messageId) ?? 0} (answered ${s.status})`);
    expect(wrong).toEqual([]);
    expect(rows.length).toBe(sent.length + 1);

    // The job runner picked the queued reply up again once LINE took messages again: sent once.
    t.line.clearFaults();
    await eventually(async () => {
      const m = (await ch.agent.get(`/api/conversations/${conv.id}/messages`)).find((x: any) => x.id === pending.id);
      return m.status === 'sent';
    }, 20_000, 'queued reply sent after the outage');
    expect(customer.inbox().filter((r) => (r.message as { text?: string }).text === 'queued across the outage')).toHaveLength(1);

    // Realtime crossed processes again: a webhook at hub A reaches the agent connected to hub B.
    const after = event('after recovery');
    expect(await postLineWebhook(url, secret, [after.ev])).toBe(200);
    await rt.waitFor((e) => e.type === 'message.created' && e.message.content.text === 'after recovery', 15_000);
    // And the agent's reply through hub B is delivered.
    const reply = await agentB.post(`/api/conversations/${conv.id}/messages`, { kind: 'text', text: 'back online' });
    await rt.waitFor((e) => e.type === 'message.updated' && e.message.id === reply.id && e.message.status === 'sent', 15_000);
    expect(customer.inbox().filter((r) => (r.message as { text?: string }).text === 'back online')).toHaveLength(1);
    rt.close();
    console.log(`db outage: ${sent.length} webhooks streamed (${acked.length} acknowledged, ${refused.length} refused with 503, ${during.length} sent while down)`);
  });
});
