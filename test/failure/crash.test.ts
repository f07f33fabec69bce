/**
 * kill -9 under load. The hub runs as a real child process (`switchboard start`, configured from
 * the environment) with the LINE emulator in the test process. Signed LINE webhooks stream in
 * from a handful of concurrent senders while the agent queues replies; at a random moment the hub
 * is killed with SIGKILL, restarted on the same data, and what was not acknowledged is sent again
 * (LINE redelivers; the browser retries with the same Idempotency-Key). Round after round:
 *
 * - every acknowledged webhook's message is stored, and no message is stored twice;
 * - every reply the hub accepted reaches LINE exactly once (nothing lost between the click and
 *   the provider, nothing doubled by the retries after a crash).
 *
 * A delivery job the kill caught in the middle keeps its lease (2 minutes) until it expires and
 * another worker may take it. Between a kill and the restart the test moves those leases to
 * "expired" — what the clock would do if the hub stayed down for the lease — so the rounds stay
 * short; the lease-expiry path itself is what is exercised.
 *
 * The webhooks carry reply tokens LINE does not know, so every reply goes out as a push with an
 * X-Line-Retry-Key. (A real reply token has no retry key: a kill between LINE accepting a reply and
 * the hub recording it makes the retry push it a second time. That is the price of free replies.)
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import Sqlite from 'better-sqlite3';
import pg from 'pg';
import { afterAll, beforeAll, describe, it, type TestContext } from 'vitest';
import { startLineEmulator } from '../../emulators/line/index.js';
import { ApiClient, eventually } from '../support/api-client.js';
import { seededRandom, testSeed } from '../support/failure-hub.js';
import { lineTextEvent, lineUserId, postLineWebhook } from '../support/line-webhooks.js';
import { createTestDatabase, type StoreKind, type TestDatabase } from '../support/stores.js';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const BIN = join(ROOT, 'bin', 'switchboard.js');
const ROUNDS: Record<StoreKind, number> = { sqlite: 18, postgres: 2 };
const SENDERS = 6;
const CUSTOMERS = 4; // within one agent's default capacity (5)
const ADMIN = { email: 'crash-admin@example.test', password: 'crash-admin-password' };
const AGENT = { email: 'crash-agent@example.test', password: 'crash-agent-password' };
const run = promisify(execFile);

const seed = testSeed();
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

beforeAll(async () => {
  // `npm test` builds first; a lone `vitest run` of this file builds here when dist is missing.
  if (!existsSync(join(ROOT, 'dist', 'src', 'cli.js'))) await run('npm', ['run', 'build'], { cwd: ROOT, timeout: 25_000 });
  console.log(`crash test seed ${seed} (replay with SWITCHBOARD_TEST_SEED=${seed})`);
}, 30_000);

/** One webhook the test sends until the hub acknowledges it. */
interface Hook {
  userId: string;
  webhookEventId: string;
  messageId: string;
  text: string;
  tries: number;
  acked: boolean;
}

/** One agent reply the test posts until the hub accepts it. */
interface Reply {
  key: string;
  convId: string;
  userId: string;
  text: string;
  tries: number;
  acked: boolean;
}

class HubProcess {
  private child: ChildProcess | undefined;
  private exited: Promise<void> = Promise.resolve();
  readonly output: string[] = [];

  constructor(
    private readonly env: NodeJS.ProcessEnv,
    readonly url: string,
  ) {}

  async start(): Promise<void> {
    const child = spawn(process.execPath, [BIN, 'start'], { cwd: ROOT, env: this.env, stdio: ['ignore', 'pipe', 'pipe'] });
    this.child = child;
    const keep = (d: Buffer) => {
      this.output.push(String(d));
      if (this.output.length > 200) this.output.shift();
    };
    child.stdout!.on('data', keep);
    child.stderr!.on('data', keep);
    let gone = false;
    this.exited = new Promise((r) => child.once('exit', () => ((gone = true), r())));
    await eventually(async () => {
      if (gone) throw new Error(`the hub exited during start-up:\n${this.output.join('')}`);
      const res = await fetch(`${this.url}/healthz`);
      return res.status === 200;
    }, 20_000, 'hub ready');
  }

  async kill(signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
    this.child?.kill(signal);
    await this.exited;
    this.child = undefined;
  }
}

/**
 * A free port below the kernel's ephemeral range. The hub is down between a kill and its restart;
 * a port from listen(0) could meanwhile become the local port of any outgoing connection on the
 * machine and the restart would fail with EADDRINUSE. Ports below the range are never handed out so.
 */
async function stablePort(): Promise<number> {
  let low = 32768;
  try {
    low = Number(readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/)[0]) || low;
  } catch {
    // not Linux: keep the IANA default
  }
  for (;;) {
    const port = 20000 + Math.floor(Math.random() * Math.max(1000, low - 20000 - 1));
    const free = await new Promise<boolean>((resolve) => {
      const s = createServer();
      s.once('error', () => resolve(false));
      s.listen(port, '127.0.0.1', () => s.close(() => resolve(true)));
    });
    if (free) return port;
  }
}

async function cli(env: NodeJS.ProcessEnv, args: string[]): Promise<string> {
  const { stdout } = await run(process.execPath, [BIN, ...args], { cwd: ROOT, env, timeout: 20_000 });
  return stdout;
}

/** Jobs a kill left 'running' become claimable, as they would once their lease ran out. */
async function expireLeases(kind: StoreKind, url: string): Promise<number> {
  const sql = "UPDATE jobs SET locked_until = 0 WHERE status = 'running'";
  if (kind === 'sqlite') {
    const db = new Sqlite(url.slice('sqlite:'.length));
    try {
      return db.prepare(sql).run().changes;
    } finally {
      db.close();
    }
  }
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    return (await c.query(sql)).rowCount ?? 0;
  } finally {
    await c.end();
  }
}

async function queryRows<T>(kind: StoreKind, url: string, sql: string): Promise<T[]> {
  if (kind === 'sqlite') {
    const db = new Sqlite(url.slice('sqlite:'.length), { readonly: true });
    try {
      return db.prepare(sql).all() as T[];
    } finally {
      db.close();
    }
  }
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    return (await c.query(sql)).rows as T[];
  } finally {
    await c.end();
  }
}

/** The two stores run side by side: most of a round is waiting for a hub process to start. */
describe('kill -9 under load', () => {
  const cleanups: Array<() => Promise<void>> = [];
  afterAll(async () => {
    for (const c of cleanups) await c();
  });

  it.concurrent.for<StoreKind>(['sqlite', 'postgres'])('%s: every acknowledged webhook stored once, every accepted reply delivered once', { timeout: 120_000 }, async (kind: StoreKind, { expect }: TestContext) => {
    // One generator per store: the two run concurrently, and each must replay from the seed alone.
    const random = seededRandom(kind === 'sqlite' ? seed : seed + 1);
    const between = (lo: number, hi: number) => Math.floor(lo + random() * (hi - lo));
    const line = await startLineEmulator({ rateLimitPerSecond: 100_000 });
    let db: TestDatabase;
    if (kind === 'postgres') db = await createTestDatabase('postgres');
    else {
      // No DATABASE_URL: the hub keeps its SQLite file in the data directory, as `switchboard start` does by default.
      const dir = mkdtempSync(join(tmpdir(), 'sb-crash-'));
      db = { url: `sqlite:${join(dir, 'switchboard.db')}`, dataDir: dir, drop: async () => rmSync(dir, { recursive: true, force: true }) };
    }
    const port = await stablePort();
    const url = `http://127.0.0.1:${port}`;
    const env: NodeJS.ProcessEnv = {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      HOST: '127.0.0.1',
      PORT: String(port),
      SWITCHBOARD_DATA_DIR: db.dataDir,
      SWITCHBOARD_PUBLIC_URL: url,
      SWITCHBOARD_LINE_API_URL: line.baseUrl,
      SWITCHBOARD_LINE_DATA_API_URL: line.baseUrl,
      SWITCHBOARD_LOG_LEVEL: 'warn',
      ...(kind === 'postgres' ? { DATABASE_URL: db.url } : {}),
    };
    const hub = new HubProcess(env, url);
    cleanups.push(async () => {
      await hub.kill();
      await line.close();
      await db.drop();
    });

    // ── set-up: the first admin through the CLI, the rest through the API ──
    expect(await cli(env, ['user', 'add', '--email', ADMIN.email, '--name', 'Crash Admin', '--role', 'admin', '--password', ADMIN.password])).toMatch(/^Added admin/);
    await hub.start();
    const admin = new ApiClient(url);
    await admin.login(ADMIN.email, ADMIN.password);
    const creds = { channelId: '1655500001', channelSecret: 'c0ffee'.repeat(5) + '00', channelAccessToken: `crash-token-${seed}` };
    const account = await admin.post('/api/accounts', { kind: 'line', name: 'LINE crash', credentials: creds, settings: {} });
    const ws = await admin.post('/api/workstreams', { name: 'Crash care', mode: 'pick' });
    const agentUser = await admin.post('/api/users', { email: AGENT.email, displayName: 'Crash Agent', password: AGENT.password, role: 'agent' });
    await admin.post(`/api/queues/${ws.fallbackQueueId}/members`, { userId: (agentUser.user ?? agentUser).id });
    await admin.post('/api/channel-instances', { accountId: account.id, workstreamId: ws.id, name: 'LINE crash', language: 'en-US', settings: {} });
    line.addChannel({ ...creds, webhookUrl: account.callbackUrl });
    const agent = new ApiClient(url);
    await agent.login(AGENT.email, AGENT.password);
    const webhookUrl = account.callbackUrl as string;

    let hookSeq = 0;
    const newHook = (userId: string): Hook => {
      const n = ++hookSeq;
      return { userId, webhookEventId: `01CRASH${kind.toUpperCase()}${String(n).padStart(14, '0')}`, messageId: `5${String(n).padStart(13, '0')}`, text: `customer message ${n}`, tries: 0, acked: false };
    };
    const hooks: Hook[] = [];
    let pendingHooks: Hook[] = [];
    const send = async (h: Hook, timeoutMs = 5000): Promise<boolean> => {
      h.tries++;
      const ev = lineTextEvent({ userId: h.userId, webhookEventId: h.webhookEventId, messageId: h.messageId, text: h.text, isRedelivery: h.tries > 1 });
      const status = await postLineWebhook(webhookUrl, creds.channelSecret, [ev], timeoutMs);
      if (status >= 200 && status < 300) h.acked = true;
      else if (status !== 0) throw new Error(`webhook ${h.webhookEventId} answered ${status}: only 2xx or no answer (killed) are expected`);
      return h.acked;
    };

    // Each customer writes once and the agent picks the conversation.
    const customers = Array.from({ length: CUSTOMERS }, () => lineUserId());
    for (const userId of customers) {
      line.customer(creds.channelId, userId);
      const h = newHook(userId);
      hooks.push(h);
      expect(await send(h, 30_000)).toBe(true);
    }
    const convOf = new Map<string, string>();
    await eventually(async () => {
      const items = await agent.get(`/api/queues/${ws.fallbackQueueId}/items`);
      return items.length === CUSTOMERS && items;
    }, 20_000, 'every customer has a conversation');
    for (const item of await agent.get(`/api/queues/${ws.fallbackQueueId}/items`)) {
      await agent.post(`/api/conversations/${item.id}/pick`);
      const view = await agent.get(`/api/conversations/${item.id}`);
      convOf.set(view.identity.providerUserId, item.id);
    }
    expect(convOf.size).toBe(CUSTOMERS);

    let replySeq = 0;
    const replies: Reply[] = [];
    let pendingReplies: Reply[] = [];
    const postReply = async (r: Reply): Promise<void> => {
      r.tries++;
      let status = 0;
      try {
        const res = await agent.raw('POST', `/api/conversations/${r.convId}/messages`, { kind: 'text', text: r.text }, { 'idempotency-key': r.key });
        status = res.status;
        await res.arrayBuffer();
      } catch {
        status = 0; // the hub died under the request: the outcome is unknown
      }
      if (status >= 200 && status < 300) r.acked = true;
      else if (status !== 0) throw new Error(`reply ${r.key} answered ${status}`);
    };

    // ── the rounds ──
    let reclaimed = 0;
    const perRound: string[] = [];
    for (let round = 1; round <= ROUNDS[kind]; round++) {
      const t0 = Date.now();
      if (round > 1) await hub.start();
      const t1 = Date.now();
      const killAfter = between(250, 800);
      let stop = false;
      const retryHooks = pendingHooks;
      const retryReplies = pendingReplies;
      pendingHooks = [];
      pendingReplies = [];
      const sender = async () => {
        while (!stop) {
          const h = retryHooks.shift() ?? newHook(customers[between(0, CUSTOMERS)]!);
          if (h.tries === 0) hooks.push(h);
          if (!(await send(h))) pendingHooks.push(h);
        }
      };
      const replier = async () => {
        while (!stop) {
          let r = retryReplies.shift();
          if (!r) {
            const userId = customers[between(0, CUSTOMERS)]!;
            const n = ++replySeq;
            r = { key: `crash-reply-${kind}-${seed}-${n}`, convId: convOf.get(userId)!, userId, text: `agent reply ${n}`, tries: 0, acked: false };
            replies.push(r);
          }
          await postReply(r);
          if (!r.acked) pendingReplies.push(r);
          await sleep(15);
        }
      };
      const workers = [...Array.from({ length: SENDERS }, () => sender()), replier()];
      await sleep(killAfter);
      stop = true; // what is in flight now dies with the hub; nothing new is sent at a dead hub
      await hub.kill('SIGKILL');
      await Promise.all(workers);
      pendingHooks.push(...retryHooks);
      pendingReplies.push(...retryReplies);
      const expired = await expireLeases(kind, db.url);
      reclaimed += expired;
      perRound.push(`#${round} kill after ${killAfter} ms: ${pendingHooks.length} webhooks and ${pendingReplies.length} replies unanswered, ${expired} jobs caught running${round > 1 ? `, restart took ${t1 - t0} ms` : ''}`);
    }

    // ── the last restart: LINE redelivers the rest, the browser retries the rest ──
    await hub.start();
    while (pendingHooks.length > 0) {
      const h = pendingHooks.shift()!;
      if (!(await send(h, 30_000))) throw new Error(`webhook ${h.webhookEventId} unanswered by a running hub`);
    }
    for (const r of pendingReplies.splice(0)) {
      await postReply(r);
      expect(r.acked, `reply ${r.key} accepted by a running hub`).toBe(true);
    }
    // Every reply the hub holds goes out.
    await eventually(async () => {
      for (const convId of convOf.values()) {
        const msgs = await agent.get(`/api/conversations/${convId}/messages`);
        if (msgs.some((m: any) => m.direction === 'out' && (m.status === 'queued' || m.status === 'sending'))) return false;
      }
      return true;
    }, 30_000, 'every queued reply sent');
    await hub.kill('SIGTERM');

    // ── what the store holds ──
    const inbound = await queryRows<{ provider_message_id: string; n: number | string }>(
      kind,
      db.url,
      "SELECT provider_message_id, count(*) AS n FROM messages WHERE direction = 'in' AND provider_message_id IS NOT NULL GROUP BY provider_message_id",
    );
    const stored = new Map(inbound.map((r) => [r.provider_message_id, Number(r.n)]));
    const acked = hooks.filter((h) => h.acked);
    expect(acked.length).toBe(hooks.length);
    const notOnce = hooks.filter((h) => stored.get(h.messageId) !== 1).map((h) => `${h.messageId}: stored ${stored.get(h.messageId) ?? 0}×`);
    expect(notOnce).toEqual([]);
    expect(inbound.length).toBe(hooks.length);
    const resent = hooks.filter((h) => h.tries > 1).length;

    const outbound = await queryRows<{ idempotency_key: string; status: string; sender_type: string }>(
      kind,
      db.url,
      "SELECT idempotency_key, status, sender_type FROM messages WHERE direction = 'out'",
    );
    const byKey = new Map(outbound.map((m) => [m.idempotency_key, m]));
    for (const r of replies) expect(byKey.get(r.key)?.status, `reply ${r.key}`).toBe('sent');
    // The agent's replies, once each (the hub's own automated messages are the rest).
    expect(outbound.filter((m) => m.sender_type === 'agent').length).toBe(replies.length);
    expect(outbound.filter((m) => m.status === 'queued' || m.status === 'sending')).toEqual([]);
    // LINE's side: each reply in its customer's chat exactly once.
    const twice: string[] = [];
    for (const r of replies) {
      const n = line.customer(creds.channelId, r.userId).inbox().filter((m) => (m.message as { text?: string }).text === r.text).length;
      if (n !== 1) twice.push(`${r.text} → ${n}×`);
    }
    expect(twice).toEqual([]);
    const accepted = line.requests().filter((q) => q.path === '/v2/bot/message/push' && q.status === 200);
    const keys = accepted.map((q) => q.headers['x-line-retry-key']);
    expect(new Set(keys).size).toBe(keys.length);

    console.log(
      [
        `crash on ${kind}: ${ROUNDS[kind]} kill -9 rounds, ${hooks.length} webhooks (${resent} needed a resend), ` +
          `${replies.length} replies (${replies.filter((r) => r.tries > 1).length} retried), ${reclaimed} delivery jobs caught running at a kill`,
        ...perRound,
      ].join('\n  '),
    );
  });
});
