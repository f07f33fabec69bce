/**
 * Seeds a fresh store with a contact centre's worth of history (bench-only code): the hub's
 * migrations and its services make the configuration — an admin, a LINE and a Twilio WhatsApp
 * messaging account, a push workstream for LINE over 20 queues and a pick workstream for
 * WhatsApp, a channel instance each — exactly as an admin would; then the bulk rows go straight
 * into the tables in big batches (bulk-insert.ts): agents with API tokens and queue memberships,
 * contacts, identities, conversations in every state (seed-plan.ts), their messages, and the
 * inbound events the ingest keeps for each customer message. Doing the bulk through the hub's
 * ingest would take hours; the rows have the shapes the repositories write.
 */
import { createHash, randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { loadConfig } from '../src/config.js';
import { createHub, type Hub } from '../src/hub.js';
import type { AuthUser } from '../src/http/route.js';
import { createLogger } from '../src/lib/logger.js';
import { hashPassword } from '../src/services/passwords.js';
import { workstreamRoutingSchema } from '../src/services/routing-settings.js';
import { pgWriter, sqliteWriter, type BulkWriter, type Cell, type TableSpec } from './bulk-insert.js';
import { identityCount, kindOfIdentity, prng, providerUserId, spreadCounts, stateCounts, stateOf, type SeedSizes, type SeedState, type StateCounts } from './seed-plan.js';

export interface SeedOptions {
  databaseUrl: string;
  /** The hub's data directory: the secret key that seals the accounts' credentials lives there. */
  dataDir: string;
  sizes: SeedSizes;
  progress: (line: string) => void;
}

/** A live conversation the bench can write into as its customer. */
export interface LiveTarget {
  conversationId: string;
  kind: 'line' | 'twilio';
  providerUserId: string;
  state: SeedState;
  /** Index into `agents` of the agent holding it (null while it waits in a queue). */
  agent: number | null;
}

/** What the bench needs to know about a seeded store (kept as JSON next to a kept store). */
export interface SeedManifest {
  sizes: SeedSizes;
  states: StateCounts;
  identities: number;
  line: { accountId: string; channelId: string; channelSecret: string; channelAccessToken: string; botUserId: string };
  twilio: { accountId: string; accountSid: string; authToken: string; number: string };
  /** Agent ids with a plaintext API token each (the store keeps only their hashes). */
  agents: Array<{ id: string; token: string }>;
  live: LiveTarget[];
  seededAt: number;
  seedMs: number;
}

const T = (name: string, columns: TableSpec['columns']): TableSpec => ({ name, columns });
const USERS = T('users', [['id', 'text'], ['email', 'text'], ['display_name', 'text'], ['password_hash', 'text'], ['role', 'text'], ['can_view_secrets', 'integer'], ['presence', 'text'], ['disabled', 'integer'], ['created_at', 'bigint'], ['routing', 'text'], ['presence_label', 'text'], ['last_assigned_at', 'bigint']]);
const TOKENS = T('api_tokens', [['id', 'text'], ['user_id', 'text'], ['name', 'text'], ['token_hash', 'text'], ['created_at', 'bigint'], ['last_used_at', 'bigint']]);
const MEMBERS = T('queue_members', [['queue_id', 'text'], ['user_id', 'text']]);
const CONTACTS = T('contacts', [['id', 'text'], ['display_name', 'text'], ['email', 'text'], ['phone', 'text'], ['fields', 'text'], ['created_at', 'bigint'], ['updated_at', 'bigint']]);
const IDENTITIES = T('identities', [['id', 'text'], ['account_id', 'text'], ['kind', 'text'], ['provider_user_id', 'text'], ['contact_id', 'text'], ['display_name', 'text'], ['picture_url', 'text'], ['language', 'text'], ['profile_fetched_at', 'bigint'], ['created_at', 'bigint']]);
const CONVERSATIONS = T('conversations', [
  ['id', 'text'], ['account_id', 'text'], ['channel_instance_id', 'text'], ['identity_id', 'text'], ['contact_id', 'text'], ['workstream_id', 'text'],
  ['queue_id', 'text'], ['agent_id', 'text'], ['state', 'text'], ['context', 'text'], ['last_seq', 'integer'], ['last_message_at', 'bigint'],
  ['last_customer_at', 'bigint'], ['reply_token', 'text'], ['reply_token_at', 'bigint'], ['created_at', 'bigint'], ['updated_at', 'bigint'], ['closed_at', 'bigint'],
  ['units', 'integer'], ['capacity_profile', 'text'], ['priority', 'integer'], ['required_skills', 'text'], ['routed_at', 'bigint'], ['queued_at', 'bigint'],
  ['assigned_at', 'bigint'], ['wrapup_at', 'bigint'], ['bot_id', 'text'], ['close_reason', 'text'],
]);
const MESSAGES = T('messages', [
  ['id', 'text'], ['conversation_id', 'text'], ['seq', 'integer'], ['direction', 'text'], ['sender_type', 'text'], ['author_user_id', 'text'], ['content', 'text'],
  ['provider_message_id', 'text'], ['status', 'text'], ['error_code', 'text'], ['error_message', 'text'], ['idempotency_key', 'text'], ['attempts', 'integer'],
  ['created_at', 'bigint'], ['updated_at', 'bigint'],
]);
const EVENTS = T('inbound_events', [['account_id', 'text'], ['event_id', 'text'], ['event_type', 'text'], ['payload', 'text'], ['received_at', 'bigint']]);

const LINE_QUEUES = 20;
const UNITS_PER_AGENT = 3;
const DAY = 86_400_000;
const PHRASES = [
  'Hello, I have a question about my order',
  'When will my parcel arrive? The tracking page has not changed since Monday.',
  'Thanks, that helps a lot!',
  'Could you check the invoice for last month please',
  'I would like to change the delivery address to my office',
  'Is the blue one still in stock in size M?',
  'Sure, one moment while I look that up for you.',
  'Your refund was issued today; it can take 3–5 business days to show.',
];

/** Unique, sortable-enough ids without randomness per row (the store is fresh). */
const idOf = (prefix: string, stamp: string, n: number) => `${prefix}_${stamp}${n.toString(16).padStart(12, '0')}`;

/** The configuration an admin would make, through the hub's own services. */
async function configure(hub: Hub) {
  const admin = await hub.auth.createUser({ email: 'bench-admin@switchboard.local', password: 'bench-admin-password', displayName: 'Bench admin', role: 'admin' });
  const sys: AuthUser = { id: admin.id, email: admin.email, displayName: 'bench', role: 'admin', canViewSecrets: true, via: 'token' };
  const line = { channelId: '2000000001', channelSecret: randomBytes(16).toString('hex'), channelAccessToken: `bench-${randomBytes(24).toString('base64url')}` };
  const twilio = { accountSid: `AC${randomBytes(16).toString('hex')}`, authToken: randomBytes(16).toString('hex') };
  const number = '+14155550100';
  const lineAccount = await hub.accounts.create({ kind: 'line', name: 'LINE Official Account', credentials: { ...line }, settings: {} }, sys);
  const twilioAccount = await hub.accounts.create(
    { kind: 'twilio-whatsapp', name: 'WhatsApp', credentials: { ...twilio }, settings: { numbers: [{ name: 'Support', number }] } },
    sys,
  );
  const lineWs = await hub.routing.createWorkstream({ name: 'LINE care', mode: 'push' });
  const waWs = await hub.routing.createWorkstream({ name: 'WhatsApp care', mode: 'pick' });
  // Inactivity and waiting auto-close on: the engine's once-a-second timers have work to look at.
  const routing = workstreamRoutingSchema.parse({ autoCloseAfterInactivitySec: 7 * 86_400, waitingAutoCloseSec: 3 * 86_400 });
  await hub.distribution.locked((repo) => repo.setWorkstreamSettings(lineWs.id, routing));
  const queues = [lineWs.fallbackQueueId];
  for (let q = 1; q < LINE_QUEUES; q++) queues.push((await hub.routing.createQueue({ name: `LINE queue ${q}` })).id);
  const settings = { customersCanSendAttachments: true, agentsCanSendAttachments: true };
  const lineInstance = await hub.routing.createChannelInstance({ accountId: lineAccount.id, workstreamId: lineWs.id, name: 'LINE (English)', language: 'en-US', settings });
  const waInstance = await hub.routing.createChannelInstance({ accountId: twilioAccount.id, workstreamId: waWs.id, name: `WhatsApp ${number}`, language: 'en-US', address: number, settings });
  return {
    line: { ...line, accountId: lineAccount.id, instanceId: lineInstance.id, workstreamId: lineWs.id, queues },
    twilio: { ...twilio, number, accountId: twilioAccount.id, instanceId: waInstance.id, workstreamId: waWs.id, queueId: waWs.fallbackQueueId },
  };
}

/**
 * Buffers rows per table; when one table's batch fills, every table is written, in the order the
 * tables were first used, so a row's parent (conversation before its messages) is always there
 * first for PostgreSQL's foreign keys.
 */
class Batches {
  private readonly rows = new Map<TableSpec, Cell[][]>();
  constructor(
    private readonly writer: BulkWriter,
    private readonly size: number,
  ) {}
  async add(t: TableSpec, row: Cell[]): Promise<void> {
    let list = this.rows.get(t);
    if (!list) this.rows.set(t, (list = []));
    list.push(row);
    if (list.length >= this.size) await this.flush();
  }
  async flush(): Promise<void> {
    for (const [table, list] of this.rows) if (list.length > 0) await this.writer.insert(table, list.splice(0));
  }
}

export async function seedLargeStore(o: SeedOptions): Promise<SeedManifest> {
  const t0 = performance.now();
  const { sizes, progress } = o;
  const say = (line: string) => progress(`seed: ${line} (${((performance.now() - t0) / 1000).toFixed(1)} s)`);

  // 1. Migrations and configuration, through a hub (workers off) on the fresh store.
  const config = loadConfig({ SWITCHBOARD_LOG_LEVEL: 'silent' }, { host: '127.0.0.1', port: 0, dataDir: o.dataDir, databaseUrl: o.databaseUrl });
  const hub = await createHub({ config, logger: createLogger('silent'), workers: false });
  let cfg: Awaited<ReturnType<typeof configure>>;
  try {
    cfg = await configure(hub);
  } finally {
    await hub.close();
  }
  say('migrated; admin, LINE and WhatsApp accounts, 2 workstreams, 21 queues, 2 channel instances made through the services');

  // 2. The bulk, straight into the tables.
  const writer = o.databaseUrl.startsWith('sqlite:') ? sqliteWriter(o.databaseUrl.slice('sqlite:'.length)) : await pgWriter(o.databaseUrl);
  const batches = new Batches(writer, 5000);
  const rand = prng(20_260_704);
  const now = Date.now();
  const stamp = now.toString(36).padStart(9, '0');
  const tag = randomBytes(4).toString('hex');
  const botUserId = `U${randomBytes(16).toString('hex')}`;
  const states = stateCounts(sizes.conversations);
  const identities = identityCount(sizes.conversations, states);
  const manifest: SeedManifest = {
    sizes,
    states,
    identities,
    line: { accountId: cfg.line.accountId, channelId: cfg.line.channelId, channelSecret: cfg.line.channelSecret, channelAccessToken: cfg.line.channelAccessToken, botUserId },
    twilio: { accountId: cfg.twilio.accountId, accountSid: cfg.twilio.accountSid, authToken: cfg.twilio.authToken, number: cfg.twilio.number },
    agents: [],
    live: [],
    seededAt: now,
    seedMs: 0,
  };
  try {
    // Agents: available, 3 units each, one API token each; each in one LINE queue, every 4th also in the WhatsApp queue.
    const passwordHash = await hashPassword('bench-agent-password');
    const agentIds: string[] = [];
    for (let a = 0; a < sizes.agents; a++) {
      const id = idOf('usr', stamp, a);
      const token = `sbt_${randomBytes(32).toString('base64url')}`;
      agentIds.push(id);
      manifest.agents.push({ id, token });
      const routing = JSON.stringify({ capacity: { mode: 'units', total: UNITS_PER_AGENT }, skills: {} });
      await batches.add(USERS, [id, `agent${a}@bench.local`, `Agent ${a}`, passwordHash, 'agent', 0, 'available', 0, now - 90 * DAY, routing, null, null]);
      await batches.add(TOKENS, [idOf('tok', stamp, a), id, 'bench sockets', createHash('sha256').update(token).digest('hex'), now, null]);
      await batches.add(MEMBERS, [cfg.line.queues[a % LINE_QUEUES]!, id]);
      if (a % 4 === 0) await batches.add(MEMBERS, [cfg.twilio.queueId, id]);
    }
    await batches.flush();
    say(`${sizes.agents.toLocaleString('en-US')} agents with API tokens and queue memberships`);

    // Contacts and identities: one contact per identity.
    for (let j = 0; j < identities; j++) {
      const kind = kindOfIdentity(j);
      const created = now - 180 * DAY + Math.floor((j / identities) * 170 * DAY);
      const contactId = idOf('ct', stamp, j);
      const phone = kind === 'twilio' ? providerUserId(kind, j, tag) : null;
      await batches.add(CONTACTS, [contactId, `Customer ${j}`, j % 3 === 0 ? `customer${j}@example.com` : null, phone, JSON.stringify({ tier: ['bronze', 'silver', 'gold'][j % 3] }), created, created]);
      await batches.add(IDENTITIES, [
        idOf('idn', stamp, j),
        kind === 'line' ? cfg.line.accountId : cfg.twilio.accountId,
        kind === 'line' ? 'line' : 'twilio-whatsapp',
        providerUserId(kind, j, tag),
        contactId,
        `Customer ${j}`,
        null,
        'en',
        created,
        created,
      ]);
    }
    await batches.flush();
    say(`${identities.toLocaleString('en-US')} contacts and identities`);

    // Conversations and their messages (and an inbound event per customer message).
    const counts = spreadCounts(sizes.messages, sizes.conversations, rand);
    let written = 0;
    let nextReport = sizes.messages / 10;
    for (let i = 0; i < sizes.conversations; i++) {
      const j = i % identities;
      const kind = kindOfIdentity(j);
      const state = stateOf(i, sizes.conversations, states);
      const live = state !== 'closed' && state !== 'wrapup';
      const n = counts[i]!;
      // Closed ones spread over the last 180 days in order; the others began in the last two hours.
      const created = state === 'closed' ? now - 180 * DAY + Math.floor((i / sizes.conversations) * 179 * DAY) : now - 2 * 3_600_000 + Math.floor(rand() * 3_000_000);
      const step = state === 'closed' ? 60_000 : Math.floor(Math.min(60_000, (now - created) / (n + 1)));
      const agent = state === 'open' ? null : i % sizes.agents;
      const convId = idOf('conv', stamp, i);
      const accountId = kind === 'line' ? cfg.line.accountId : cfg.twilio.accountId;
      const queueId = kind === 'line' ? cfg.line.queues[i % LINE_QUEUES]! : cfg.twilio.queueId;
      const lastAt = created + n * step;
      // Open conversations have only the customer's messages; the others alternate customer / agent (odd seq: customer).
      const fromCustomer = (seq: number) => agent === null || seq % 2 === 1;
      const lastCustomerAt = created + (fromCustomer(n) ? n : n - 1) * step;
      const context = JSON.stringify({
        channel: kind === 'line' ? 'line' : 'twilio-whatsapp',
        customerName: `Customer ${j}`,
        locale: 'en',
        firstMessage: PHRASES[(i + 1) % PHRASES.length],
        address: kind === 'line' ? botUserId : cfg.twilio.number,
        routing: { queueId, ruleId: null, reason: 'fallback' },
      });
      const closedAt = state === 'closed' ? lastAt + 300_000 : null;
      const wrapupAt = state === 'wrapup' ? now - Math.floor(rand() * 240_000) : state === 'closed' ? lastAt + 60_000 : null;
      // The conversation first: its messages refer to it.
      await batches.add(CONVERSATIONS, [
        convId, accountId, kind === 'line' ? cfg.line.instanceId : cfg.twilio.instanceId, idOf('idn', stamp, j), idOf('ct', stamp, j),
        kind === 'line' ? cfg.line.workstreamId : cfg.twilio.workstreamId, queueId, agent === null ? null : agentIds[agent]!, state, context, n, lastAt,
        lastCustomerAt, null, null, created, Math.max(lastAt, closedAt ?? 0, wrapupAt ?? 0), closedAt,
        1, null, null, '[]', created, created, agent === null ? null : created + 30_000, wrapupAt, null, state === 'closed' ? 'agent closed' : null,
      ]);
      for (let seq = 1; seq <= n; seq++) {
        const at = created + seq * step;
        const text = PHRASES[(i + seq) % PHRASES.length]!;
        if (fromCustomer(seq)) {
          const pmid = `${i}${String(seq).padStart(5, '0')}`;
          await batches.add(MESSAGES, [idOf('msg', stamp, written), convId, seq, 'in', 'customer', null, JSON.stringify({ kind: 'text', text }), pmid, 'received', null, null, null, 0, at, at]);
          await batches.add(EVENTS, [accountId, `ev${tag}${i}_${seq}`, 'message', JSON.stringify({ type: 'message', id: pmid, text }), at]);
        } else {
          await batches.add(MESSAGES, [idOf('msg', stamp, written), convId, seq, 'out', 'agent', agentIds[agent!]!, JSON.stringify({ kind: 'text', text }), `out${i}_${seq}`, 'read', null, null, `idk${tag}${i}_${seq}`, 1, at, at + 2000]);
        }
        written++;
      }
      if (live) manifest.live.push({ conversationId: convId, kind, providerUserId: providerUserId(kind, j, tag), state, agent });
      if (written >= nextReport) {
        say(`messages ${written.toLocaleString('en-US')} / ${sizes.messages.toLocaleString('en-US')}, conversations ${(i + 1).toLocaleString('en-US')} / ${sizes.conversations.toLocaleString('en-US')}`);
        nextReport += sizes.messages / 10;
      }
    }
    await batches.flush();
  } finally {
    await writer.close();
  }
  manifest.seedMs = performance.now() - t0;
  say(`done: ${sizes.conversations.toLocaleString('en-US')} conversations (${Object.entries(states).map(([s, n]) => `${n.toLocaleString('en-US')} ${s}`).join(', ')}), ${sizes.messages.toLocaleString('en-US')} messages`);
  return manifest;
}
