/**
 * A real hub on a real socket, with the LINE emulator, on the store kind asked for. Set-up goes
 * through the public API the way an admin would; only the first admin is bootstrapped directly,
 * as `switchboard user add` does.
 */
import { createServer } from 'node:net';
import { startLineEmulator, type LineEmulator } from '../../emulators/line/index.js';
import { startTwilioEmulator, type TwilioEmulator } from '../../emulators/twilio/index.js';
import { startGbmEmulator, type GbmEmulator } from '../../emulators/google-business-messages/index.js';
import type { Clock } from '../../src/lib/clock.js';
import type { Config } from '../../src/config.js';
import type { Logger } from '../../src/lib/logger.js';
import { loadConfig } from '../../src/config.js';
import { createHub, type Hub } from '../../src/hub.js';
import { createLogger } from '../../src/lib/logger.js';
import { ApiClient } from './api-client.js';
import { createTestDatabase, type StoreKind, type TestDatabase } from './stores.js';

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

export interface TestHub {
  hub: Hub;
  url: string;
  db: TestDatabase;
  line: LineEmulator;
  twilio: TwilioEmulator;
  gbm: GbmEmulator;
  admin: ApiClient;
  close(): Promise<void>;
}

export const ADMIN = { email: 'admin@example.test', password: 'admin-password-1', displayName: 'Admin' };

export interface TestHubOptions {
  line?: Parameters<typeof startLineEmulator>[0];
  twilio?: Parameters<typeof startTwilioEmulator>[0];
  gbm?: Parameters<typeof startGbmEmulator>[0];
  /** One clock for the hub and the emulators, so tests can move time (24-hour windows, timeouts). */
  clock?: Clock;
  /** Config fields to override (bodyLimit…). */
  config?: Partial<Config>;
  /**
   * Built-in automated messages (greeting, agent joined…) reach customers' inboxes; off unless a
   * test asks, so tests that read the inbox see only what they sent (production default: on).
   */
  automatedMessageDefaults?: boolean;
  logger?: Logger;
}

export async function startTestHub(kind: StoreKind, opts: TestHubOptions = {}): Promise<TestHub> {
  const db = await createTestDatabase(kind);
  const now = opts.clock ? () => opts.clock!.now() : undefined;
  const line = await startLineEmulator({ webhookRetryDelayMs: 20, ...(now ? { now } : {}), ...opts.line });
  const twilio = await startTwilioEmulator({ webhookRetryDelayMs: 20, ...(now ? { now } : {}), ...opts.twilio });
  const gbm = await startGbmEmulator({ webhookRetryDelayMs: 20, ...(now ? { now } : {}), ...opts.gbm });
  const port = await freePort();
  const config = loadConfig(
    { SWITCHBOARD_LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent' },
    {
      host: '127.0.0.1',
      port,
      dataDir: db.dataDir,
      databaseUrl: db.url,
      providers: {
        ...loadConfig({}, { dataDir: db.dataDir }).providers,
        lineApi: line.baseUrl,
        lineDataApi: line.baseUrl,
        twilioApi: twilio.baseUrl,
        twilioContentApi: twilio.baseUrl,
        gbmApi: gbm.baseUrl,
        googleTokenUrl: gbm.tokenUrl,
      },
      ...opts.config,
    },
  );
  const hub = await createHub({
    config,
    logger: opts.logger ?? createLogger(config.logLevel),
    providerTimeoutMs: 3000,
    automatedMessageDefaults: opts.automatedMessageDefaults ?? false,
    ...(opts.clock ? { clock: opts.clock } : {}),
  });
  const url = await hub.listen();
  await hub.auth.createUser({ ...ADMIN, role: 'admin' });
  const admin = new ApiClient(url);
  await admin.login(ADMIN.email, ADMIN.password);
  return {
    hub,
    url,
    db,
    line,
    twilio,
    gbm,
    admin,
    async close() {
      // Each step is bounded and named, so a hang says where it is.
      await step('hub', () => hub.close());
      await step('LINE emulator', () => line.close());
      await step('Twilio emulator', () => twilio.close());
      await step('Business Messages emulator', () => gbm.close());
      await step('database', () => db.drop());
    },
  };
}

let seq = 0;

/** Admin sets up a LINE channel end to end: account, workstream (pick), agent in its queue, channel instance. */
export async function setUpLineChannel(t: TestHub, o: { attachments?: boolean } = {}) {
  const n = ++seq;
  const creds = {
    channelId: String(1_000_000_000 + n),
    channelSecret: 'ab'.repeat(16).slice(0, 30) + String(n).padStart(2, '0'),
    channelAccessToken: `token-${n}-${Math.random().toString(36).slice(2)}`,
  };
  const account = await t.admin.post('/api/accounts', { kind: 'line', name: `LINE ${n}`, credentials: creds, settings: {} });
  const ws = await t.admin.post('/api/workstreams', { name: `Care ${n}`, mode: 'pick' });
  const agentPassword = 'agent-password-1';
  const agentUser = await t.admin.post('/api/users', {
    email: `agent${n}@example.test`,
    displayName: `Agent ${n}`,
    password: agentPassword,
    role: 'agent',
  });
  const agentId = (agentUser.user ?? agentUser).id as string;
  await t.admin.post(`/api/queues/${ws.fallbackQueueId}/members`, { userId: agentId });
  const instance = await t.admin.post('/api/channel-instances', {
    accountId: account.id,
    workstreamId: ws.id,
    name: `LINE ${n} (en)`,
    language: 'en-US',
    settings: { customersCanSendAttachments: true, agentsCanSendAttachments: o.attachments ?? true },
  });
  t.line.addChannel({ ...creds, webhookUrl: account.callbackUrl });
  const agent = new ApiClient(t.url);
  await agent.login(`agent${n}@example.test`, agentPassword);
  return { account, creds, workstream: ws, queueId: ws.fallbackQueueId as string, agent, agentId, instance };
}

/** Admin connects a Twilio account with one WhatsApp number: account, workstream, agent, channel instance for the number. */
export async function setUpTwilioChannel(t: TestHub, o: { attachments?: boolean; number?: string } = {}) {
  const n = ++seq;
  const hex = (len: number) => Array.from({ length: len }, () => Math.floor(Math.random() * 16).toString(16)).join('');
  const creds = { accountSid: `AC${hex(32)}`, authToken: hex(32) };
  const number = o.number ?? `+1415555${String(1000 + n).slice(-4)}`;
  const account = await t.admin.post('/api/accounts', {
    kind: 'twilio-whatsapp',
    name: `WhatsApp ${n}`,
    credentials: creds,
    settings: { numbers: [{ name: `Support ${n}`, number }] },
  });
  const ws = await t.admin.post('/api/workstreams', { name: `WA care ${n}`, mode: 'pick' });
  const agentPassword = 'agent-password-1';
  const agentUser = await t.admin.post('/api/users', { email: `wa-agent${n}@example.test`, displayName: `WA Agent ${n}`, password: agentPassword, role: 'agent' });
  const agentId = (agentUser.user ?? agentUser).id as string;
  await t.admin.post(`/api/queues/${ws.fallbackQueueId}/members`, { userId: agentId });
  const instance = await t.admin.post('/api/channel-instances', {
    accountId: account.id,
    workstreamId: ws.id,
    name: `WhatsApp ${number}`,
    language: 'en-US',
    address: number,
    settings: { customersCanSendAttachments: true, agentsCanSendAttachments: o.attachments ?? true },
  });
  t.twilio.addAccount(creds);
  t.twilio.addNumber({ accountSid: creds.accountSid, number, webhookUrl: account.callbackUrl, statusCallbackUrl: account.extraCallbackUrls.statusCallbackUrl });
  const agent = new ApiClient(t.url);
  await agent.login(`wa-agent${n}@example.test`, agentPassword);
  return { account, creds, number, workstream: ws, queueId: ws.fallbackQueueId as string, agent, agentId, agentPassword, agentEmail: `wa-agent${n}@example.test`, instance };
}

async function step(name: string, fn: () => Promise<void>, limitMs = 10_000): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([
    fn(),
    new Promise<void>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`closing the ${name} took over ${limitMs} ms`)), limitMs);
    }),
  ]).finally(() => clearTimeout(timer));
}

/** Admin connects a Business Messages agent as the seed documents describe, and Google verifies the webhook. */
export async function setUpGbmChannel(t: TestHub) {
  const n = ++seq;
  const ids = { agentId: `agent-${n}`, brandId: `brand-${n}`, partnerId: `partner-${n}`, clientToken: `client-token-${n}-${Math.random().toString(36).slice(2)}` };
  const { serviceAccount } = t.gbm.addAgent(ids);
  const account = await t.admin.post('/api/accounts', {
    kind: 'gbm',
    name: `Business Messages ${n}`,
    credentials: { ...ids, serviceAccount: JSON.stringify(serviceAccount) },
    settings: {},
  });
  const handshake = await t.gbm.setWebhook(ids.agentId, account.callbackUrl);
  const ws = await t.admin.post('/api/workstreams', { name: `GBM care ${n}`, mode: 'pick' });
  const agentPassword = 'agent-password-1';
  const agentEmail = `gbm-agent${n}@example.test`;
  const agentUser = await t.admin.post('/api/users', { email: agentEmail, displayName: `Gia ${n}`, password: agentPassword, role: 'agent' });
  const agentId = (agentUser.user ?? agentUser).id as string;
  await t.admin.post(`/api/queues/${ws.fallbackQueueId}/members`, { userId: agentId });
  await t.admin.post('/api/channel-instances', {
    accountId: account.id,
    workstreamId: ws.id,
    name: `Business Messages ${n}`,
    language: 'en-US',
    settings: { customersCanSendAttachments: true, agentsCanSendAttachments: true },
  });
  const agent = new ApiClient(t.url);
  await agent.login(agentEmail, agentPassword);
  return { account, ids, handshake, queueId: ws.fallbackQueueId as string, agent, agentId, agentName: `Gia ${n}` };
}

export const WEBCHAT_ORIGIN = 'https://shop.example.com';

/**
 * Admin connects a web chat: account (allowed origins, optional identity secret and settings),
 * workstream (pick), an agent in its queue, channel instance (customer attachments per `attachments`).
 */
export async function setUpWebChatChannel(
  t: { url: string; admin: ApiClient },
  o: { attachments?: boolean; identitySecret?: string | null; origins?: string[]; settings?: Record<string, unknown> } = {},
) {
  const n = ++seq;
  const identitySecret = o.identitySecret === null ? undefined : (o.identitySecret ?? `webchat-identity-secret-${n}-${Math.random().toString(36).slice(2)}`);
  const origins = o.origins ?? [WEBCHAT_ORIGIN];
  const account = await t.admin.post('/api/accounts', {
    kind: 'webchat',
    name: `Web chat ${n}`,
    credentials: identitySecret ? { identitySecret } : {},
    settings: { allowedOrigins: origins, title: `Shop ${n} support`, ...o.settings },
  });
  const ws = await t.admin.post('/api/workstreams', { name: `Web care ${n}`, mode: 'pick' });
  const agentPassword = 'agent-password-1';
  const agentEmail = `web-agent${n}@example.test`;
  const agentName = `Wendy ${n}`;
  const agentUser = await t.admin.post('/api/users', { email: agentEmail, displayName: agentName, password: agentPassword, role: 'agent' });
  const agentId = (agentUser.user ?? agentUser).id as string;
  await t.admin.post(`/api/queues/${ws.fallbackQueueId}/members`, { userId: agentId });
  const instance = await t.admin.post('/api/channel-instances', {
    accountId: account.id,
    workstreamId: ws.id,
    name: `Web chat ${n}`,
    language: 'en-US',
    settings: { customersCanSendAttachments: o.attachments ?? false, agentsCanSendAttachments: true },
  });
  const agent = new ApiClient(t.url);
  await agent.login(agentEmail, agentPassword);
  return { account, accountId: account.id as string, origin: origins[0]!, identitySecret, queueId: ws.fallbackQueueId as string, agent, agentId, agentName, instance };
}
