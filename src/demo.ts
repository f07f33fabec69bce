/**
 * `switchboard demo`: the hub on the embedded store, the provider emulators, and demo data —
 * an admin, an agent, a LINE messaging account wired to the LINE emulator, a workstream with its
 * queue and a channel instance — so a newcomer can play customer and agent at once.
 * Seeding is idempotent: a second run reuses what the first one made.
 */
import { randomBytes } from 'node:crypto';
import { startLineEmulator, type LineEmulator } from '../emulators/line/index.js';
import type { Config } from './config.js';
import { createHub, type Hub } from './hub.js';
import type { AuthUser } from './http/route.js';

export const DEMO_USERS = {
  admin: { email: 'admin@switchboard.local', password: 'switchboard-admin', displayName: 'Ada Admin' },
  agent: { email: 'agent@switchboard.local', password: 'switchboard-agent', displayName: 'Alex Agent' },
} as const;

export const DEMO_LINE = {
  channelId: '1234567890',
  channelSecret: randomBytes(16).toString('hex'),
  channelAccessToken: `demo-${randomBytes(24).toString('base64url')}`,
};

export interface DemoHandle {
  hub: Hub;
  hubUrl: string;
  line: LineEmulator;
  lineChannelId: string;
  lineAccountId: string;
  close(): Promise<void>;
}

const systemUser = (id: string): AuthUser => ({
  id,
  email: 'system',
  displayName: 'system',
  role: 'admin',
  canViewSecrets: true,
  via: 'token',
});

async function ensureUser(hub: Hub, u: { email: string; password: string; displayName: string }, role: 'admin' | 'agent') {
  return (await hub.users.getUserByEmail(u.email)) ?? hub.auth.createUser({ ...u, role });
}

/** Starts emulators and the hub with provider URLs pointing at the emulators, then seeds. */
export async function startDemo(base: Config): Promise<DemoHandle> {
  const line = await startLineEmulator({ host: '127.0.0.1', port: 0 });
  const config: Config = { ...base, providers: { ...base.providers, lineApi: line.baseUrl, lineDataApi: line.baseUrl } };
  const hub = await createHub({ config });
  const hubUrl = await hub.listen();

  const admin = await ensureUser(hub, DEMO_USERS.admin, 'admin');
  const agent = await ensureUser(hub, DEMO_USERS.agent, 'agent');
  const sys = systemUser(admin.id);

  const existing = (await hub.accounts.list({ kind: 'line' }, sys)).find((a) => a.name === 'Demo LINE');
  let accountId: string;
  let creds: { channelId: string; channelSecret: string; channelAccessToken: string };
  if (existing) {
    accountId = existing.id;
    creds = existing.credentials as typeof creds;
  } else {
    creds = DEMO_LINE;
    accountId = (await hub.accounts.create({ kind: 'line', name: 'Demo LINE', credentials: creds, settings: {} }, sys)).id;
  }
  if ((await hub.routing.listChannelInstances({ accountId })).length === 0) {
    const ws = await hub.routing.createWorkstream({ name: 'Customer care', mode: 'pick' });
    await hub.routing.addMember(ws.fallbackQueueId, agent.id);
    await hub.routing.createChannelInstance({
      accountId,
      workstreamId: ws.id,
      name: 'Demo LINE (English)',
      language: 'en-US',
      settings: { customersCanSendAttachments: true, agentsCanSendAttachments: true },
    });
  }
  line.addChannel({ ...creds, webhookUrl: `${config.publicUrl}/webhooks/line/${accountId}` });

  return {
    hub,
    hubUrl,
    line,
    lineChannelId: creds.channelId,
    lineAccountId: accountId,
    async close() {
      await hub.close();
      await line.close();
    },
  };
}
