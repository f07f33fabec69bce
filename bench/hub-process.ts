/**
 * The hub under test, in its own process: a real hub (workers on, as in production) on a fresh
 * store, seeded through its services like `switchboard demo`: an admin, a LINE messaging account,
 * a workstream and a channel instance. The runner asks it for its CPU time and, after a run, for
 * what the store holds. For the realtime benches it also makes agents (users with API tokens) and
 * assigns the open conversations to them; a second process can join a store the first one seeded
 * (scale-out on one PostgreSQL database).
 */
import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { createServer } from 'node:net';
import { sql } from 'kysely';
import { loadConfig } from '../src/config.js';
import { createHub, type Hub } from '../src/hub.js';
import type { AuthUser } from '../src/http/route.js';
import { newId } from '../src/lib/ids.js';
import { createLogger } from '../src/lib/logger.js';
import { hashPassword } from '../src/services/passwords.js';
import { serveParent } from './child.js';
import { assignConversations, outboundState, seedTwilio, type AssignRequest, type TwilioSeed } from './outbound-seed.js';

export interface LineChannelCreds {
  channelId: string;
  channelSecret: string;
  channelAccessToken: string;
}

export interface HubStart {
  databaseUrl: string;
  dataDir: string;
  /** Where the workers reach "LINE" (profile fetches): the runner's LINE emulator. */
  lineApiUrl: string;
  line: LineChannelCreds;
  /**
   * Join a store another hub process has seeded (same database, same `dataDir`, hence the same
   * secret key, so this process can unseal the account's credentials): seed nothing, serve the
   * LINE account that is there.
   */
  join?: boolean;
  /** Where the workers reach "Twilio" (the outbound bench's emulator); default the real one. */
  twilioApiUrl?: string;
}

/** An agent made by `agents`: a user with the agent role and an API token for /api/realtime. */
export interface BenchAgent {
  id: string;
  token: string;
}

export interface HubReady {
  origin: string;
  webhookPath: string;
}

export interface HubStats {
  /** Customer messages in the store. */
  messagesIn: number;
  /** Jobs not finished yet (profile fetches the workers still owe). */
  jobsOpen: number;
  jobsDone: number;
  /** Group commits the ingest made, and the webhooks they held (from the hub's own metrics). */
  ingestBatches: number;
  ingestWebhooks: number;
}

let hub: Hub | undefined;
/** The seeding admin, who assigns conversations (only in the process that seeded). */
let admin: AuthUser | undefined;

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

async function start(o: HubStart): Promise<HubReady> {
  const port = await freePort();
  const config = loadConfig(
    { SWITCHBOARD_LOG_LEVEL: 'silent' },
    { host: '127.0.0.1', port, dataDir: o.dataDir, databaseUrl: o.databaseUrl },
  );
  config.providers = {
    ...config.providers,
    lineApi: o.lineApiUrl,
    lineDataApi: o.lineApiUrl,
    ...(o.twilioApiUrl ? { twilioApi: o.twilioApiUrl, twilioContentApi: o.twilioApiUrl } : {}),
  };
  const h = await createHub({ config, logger: createLogger(config.logLevel) });
  hub = h;
  await h.listen();
  if (o.join) {
    const account = await h.store.db.selectFrom('messaging_accounts').select('id').where('kind', '=', 'line').executeTakeFirstOrThrow();
    return { origin: config.publicUrl, webhookPath: `/webhooks/line/${account.id}` };
  }

  const seeder = await h.auth.createUser({ email: 'bench@switchboard.local', password: 'bench-admin-password', displayName: 'Bench', role: 'admin' });
  const sys: AuthUser = { id: seeder.id, email: seeder.email, displayName: 'bench', role: 'admin', canViewSecrets: true, via: 'token' };
  admin = sys;
  const account = await h.accounts.create({ kind: 'line', name: 'Bench LINE', credentials: { ...o.line }, settings: {} }, sys);
  const ws = await h.routing.createWorkstream({ name: 'Bench care', mode: 'pick' });
  await h.routing.createChannelInstance({
    accountId: account.id,
    workstreamId: ws.id,
    name: 'Bench LINE (English)',
    language: 'en-US',
    settings: { customersCanSendAttachments: true, agentsCanSendAttachments: true },
  });
  return { origin: config.publicUrl, webhookPath: `/webhooks/line/${account.id}` };
}

function started(): Hub {
  if (!hub) throw new Error('hub not started');
  return hub;
}

/** Counted straight from the tables (a bench check, so it reads the store directly). */
async function stats(): Promise<HubStats> {
  if (!hub) throw new Error('hub not started');
  const db = hub.store.db;
  const messages = await db
    .selectFrom('messages')
    .select(sql<number>`count(*)`.as('n'))
    .where('direction', '=', 'in')
    .where('sender_type', '=', 'customer')
    .executeTakeFirstOrThrow();
  const jobs = await db.selectFrom('jobs').select(['status', sql<number>`count(*)`.as('n')]).groupBy('status').execute();
  const count = (pred: (s: string) => boolean) => jobs.filter((j) => pred(j.status)).reduce((a, j) => a + Number(j.n), 0);
  const batches = (await hub.metrics.ingestBatchSize.get()).values;
  const of = (name: string) => batches.find((v) => v.metricName === name)?.value ?? 0;
  return {
    ingestBatches: of('switchboard_ingest_batch_size_count'),
    ingestWebhooks: of('switchboard_ingest_batch_size_sum'),
    messagesIn: Number(messages.n),
    jobsOpen: count((s) => s === 'pending' || s === 'running'),
    jobsDone: count((s) => s === 'done'),
  };
}

/**
 * `count` agents (users with the agent role, in no queue) with an API token each. Written through
 * the users repository with one password hash for all: hashing a password per agent would take
 * minutes for a thousand and tells the bench nothing.
 */
async function agents(p: { count: number; prefix?: string }): Promise<BenchAgent[]> {
  if (!hub) throw new Error('hub not started');
  const h = hub;
  const prefix = p.prefix ?? 'agent';
  const passwordHash = await hashPassword('bench-agent-password');
  const made: BenchAgent[] = [];
  for (let i = 0; i < p.count; i++) {
    const u = await h.users.createUser({ id: newId('usr'), email: `${prefix}${i}@bench.local`, displayName: `Agent ${i}`, passwordHash, role: 'agent', createdAt: Date.now() });
    const { token } = await h.auth.createApiToken(u.id, 'bench realtime');
    made.push({ id: u.id, token });
  }
  return made;
}

/**
 * Assigns every open conversation to the given agents in turn, as a supervisor does
 * (RoutingActions.assign), so each agent's socket receives the events of its conversations.
 * Returns how many were assigned.
 */
async function assignOpen(p: { agentIds: string[] }): Promise<number> {
  if (!hub || !admin) throw new Error('assignOpen needs the hub process that seeded the store');
  if (p.agentIds.length === 0) return 0;
  const open = await hub.store.db.selectFrom('conversations').select('id').where('state', '=', 'open').orderBy('id').execute();
  for (let i = 0; i < open.length; i++) await hub.routingActions.assign(admin, open[i]!.id, p.agentIds[i % p.agentIds.length]!);
  return open.length;
}

/**
 * A V8 CPU profile of a chosen window only (`--cpu-prof` covers the process's whole life, start-up
 * and seeding included): `profileStart`, then `profileStop` writes it to `file`.
 */
let profiler: Session | undefined;

async function profileStart(): Promise<null> {
  profiler = new Session();
  profiler.connect();
  await profiler.post('Profiler.enable');
  await profiler.post('Profiler.start');
  return null;
}

async function profileStop(p: { file: string }): Promise<null> {
  if (!profiler) throw new Error('no profile started');
  const { profile } = await profiler.post('Profiler.stop');
  writeFileSync(p.file, JSON.stringify(profile));
  profiler.disconnect();
  profiler = undefined;
  return null;
}

serveParent(
  {
    start: (p) => start(p as HubStart),
    profileStart: () => profileStart(),
    profileStop: (p) => profileStop(p as { file: string }),
    stats: () => stats(),
    agents: (p) => agents(p as { count: number; prefix?: string }),
    assignOpen: (p) => assignOpen(p as { agentIds: string[] }),
    // The outbound bench (outbound.ts; see outbound-seed.ts).
    seedTwilio: (p) => seedTwilio(started(), p as TwilioSeed),
    assignConversations: (p) => assignConversations(started(), p as AssignRequest),
    outboundState: () => outboundState(started()),
  },
  async () => {
    await hub?.close();
  },
);
