/**
 * The hub under test, in its own process: a real hub (workers on, as in production) on a fresh
 * store, seeded through its services like `switchboard demo`: an admin, a LINE messaging account,
 * a workstream and a channel instance. The runner asks it for its CPU time and, after a run, for
 * what the store holds.
 */
import { createServer } from 'node:net';
import { sql } from 'kysely';
import { loadConfig } from '../src/config.js';
import { createHub, type Hub } from '../src/hub.js';
import type { AuthUser } from '../src/http/route.js';
import { createLogger } from '../src/lib/logger.js';
import { serveParent } from './child.js';

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
}

let hub: Hub | undefined;

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
  config.providers = { ...config.providers, lineApi: o.lineApiUrl, lineDataApi: o.lineApiUrl };
  const h = await createHub({ config, logger: createLogger(config.logLevel) });
  hub = h;
  await h.listen();

  const admin = await h.auth.createUser({ email: 'bench@switchboard.local', password: 'bench-admin-password', displayName: 'Bench', role: 'admin' });
  const sys: AuthUser = { id: admin.id, email: admin.email, displayName: 'bench', role: 'admin', canViewSecrets: true, via: 'token' };
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
  return {
    messagesIn: Number(messages.n),
    jobsOpen: count((s) => s === 'pending' || s === 'running'),
    jobsDone: count((s) => s === 'done'),
  };
}

serveParent(
  {
    start: (p) => start(p as HubStart),
    stats: () => stats(),
  },
  async () => {
    await hub?.close();
  },
);
