/**
 * `switchboard demo`: the hub on the embedded store, the provider emulators, and demo data —
 * an admin, an agent, a LINE account, a WhatsApp (Twilio) account and a Business Messages agent,
 * each wired to its emulator, on one workstream with its queue — so a newcomer can play
 * customer and agent at once. Seeding is idempotent: a second run reuses what the first made.
 */
import { randomBytes } from 'node:crypto';
import { startGbmEmulator, type GbmEmulator } from '../emulators/google-business-messages/index.js';
import { startLineEmulator, type LineEmulator } from '../emulators/line/index.js';
import { startTwilioEmulator, type TwilioEmulator } from '../emulators/twilio/index.js';
import type { Config } from './config.js';
import { createHub, type Hub } from './hub.js';
import type { AuthUser } from './http/route.js';

export const DEMO_USERS = {
  admin: { email: 'admin@switchboard.local', password: 'switchboard-admin', displayName: 'Ada Admin' },
  agent: { email: 'agent@switchboard.local', password: 'switchboard-agent', displayName: 'Alex Agent' },
} as const;

const hex = (bytes: number) => randomBytes(bytes).toString('hex');
export const DEMO_WHATSAPP_NUMBER = '+14155238886';

export interface Emulators {
  line: LineEmulator;
  twilio: TwilioEmulator;
  gbm: GbmEmulator;
  close(): Promise<void>;
}

export async function startEmulators(host = '127.0.0.1', ports: { line?: number; twilio?: number; gbm?: number } = {}): Promise<Emulators> {
  const line = await startLineEmulator({ host, port: ports.line ?? 0 });
  const twilio = await startTwilioEmulator({ host, port: ports.twilio ?? 0 });
  const gbm = await startGbmEmulator({ host, port: ports.gbm ?? 0 });
  return {
    line,
    twilio,
    gbm,
    async close() {
      await Promise.all([line.close(), twilio.close(), gbm.close()]);
    },
  };
}

export interface DemoHandle {
  hub: Hub;
  hubUrl: string;
  emulators: Emulators;
  line: LineEmulator;
  lineChannelId: string;
  lineAccountId: string;
  whatsapp: { accountSid: string; number: string };
  gbmAgentId: string;
  close(): Promise<void>;
}

const systemUser = (id: string): AuthUser => ({ id, email: 'system', displayName: 'system', role: 'admin', canViewSecrets: true, via: 'token' });

async function ensureUser(hub: Hub, u: { email: string; password: string; displayName: string }, role: 'admin' | 'agent') {
  return (await hub.users.getUserByEmail(u.email)) ?? hub.auth.createUser({ ...u, role });
}

/** Starts the emulators and the hub with provider URLs pointing at them, then seeds. */
export async function startDemo(base: Config): Promise<DemoHandle> {
  const emulators = await startEmulators();
  const { line, twilio, gbm } = emulators;
  const config: Config = {
    ...base,
    providers: {
      ...base.providers,
      lineApi: line.baseUrl,
      lineDataApi: line.baseUrl,
      twilioApi: twilio.baseUrl,
      twilioContentApi: twilio.baseUrl,
      gbmApi: gbm.baseUrl,
      googleTokenUrl: gbm.tokenUrl,
    },
  };
  const hub = await createHub({ config });
  const hubUrl = await hub.listen();
  const admin = await ensureUser(hub, DEMO_USERS.admin, 'admin');
  const agent = await ensureUser(hub, DEMO_USERS.agent, 'agent');
  const sys = systemUser(admin.id);
  const accounts = await hub.accounts.list({}, sys);
  const find = (name: string) => accounts.find((a) => a.name === name);

  let workstreamId = (await hub.routing.listWorkstreams()).find((w) => w.name === 'Customer care')?.id;
  if (!workstreamId) {
    const ws = await hub.routing.createWorkstream({ name: 'Customer care', mode: 'pick' });
    await hub.routing.addMember(ws.fallbackQueueId, agent.id);
    workstreamId = ws.id;
  }
  const ensureInstance = async (accountId: string, name: string, address = '') => {
    const existing = await hub.routing.listChannelInstances({ accountId });
    if (existing.length > 0) return;
    await hub.routing.createChannelInstance({
      accountId,
      workstreamId: workstreamId!,
      name,
      language: 'en-US',
      address,
      settings: { customersCanSendAttachments: true, agentsCanSendAttachments: true },
    });
  };

  // LINE
  const lineCreds = (find('Demo LINE')?.credentials as { channelId: string; channelSecret: string; channelAccessToken: string } | undefined) ?? {
    channelId: '1234567890',
    channelSecret: hex(16),
    channelAccessToken: `demo-${randomBytes(24).toString('base64url')}`,
  };
  const lineAccount = find('Demo LINE') ?? (await hub.accounts.create({ kind: 'line', name: 'Demo LINE', credentials: lineCreds, settings: {} }, sys));
  await ensureInstance(lineAccount.id, 'Demo LINE (English)');
  line.addChannel({ ...lineCreds, webhookUrl: lineAccount.callbackUrl });

  // WhatsApp through Twilio
  const waCreds = (find('Demo WhatsApp')?.credentials as { accountSid: string; authToken: string } | undefined) ?? { accountSid: `AC${hex(16)}`, authToken: hex(16) };
  const waAccount =
    find('Demo WhatsApp') ??
    (await hub.accounts.create(
      { kind: 'twilio-whatsapp', name: 'Demo WhatsApp', credentials: waCreds, settings: { numbers: [{ name: 'Support', number: DEMO_WHATSAPP_NUMBER }] } },
      sys,
    ));
  await ensureInstance(waAccount.id, 'WhatsApp Support', DEMO_WHATSAPP_NUMBER);
  twilio.addAccount(waCreds);
  twilio.addNumber({ accountSid: waCreds.accountSid, number: DEMO_WHATSAPP_NUMBER, webhookUrl: waAccount.callbackUrl, statusCallbackUrl: waAccount.extraCallbackUrls.statusCallbackUrl });
  twilio.addContent(waCreds.accountSid, { friendlyName: 'order_update', language: 'en', body: 'Hi {{1}}, your order {{2}} has an update.', approval: 'approved' });

  // Google's Business Messages: the emulator issues a new service-account key each run.
  const gbmIds = { agentId: 'demo-agent', brandId: 'demo-brand', partnerId: 'demo-partner', clientToken: hex(16) };
  const existingGbm = find('Demo Business Messages');
  if (existingGbm) gbmIds.clientToken = String((existingGbm.credentials as { clientToken: string }).clientToken);
  const { serviceAccount } = gbm.addAgent(gbmIds);
  const gbmAccount = existingGbm
    ? await hub.accounts.update(existingGbm.id, { credentials: { serviceAccount: JSON.stringify(serviceAccount) } }, sys)
    : await hub.accounts.create({ kind: 'gbm', name: 'Demo Business Messages', credentials: { ...gbmIds, serviceAccount: JSON.stringify(serviceAccount) }, settings: {} }, sys);
  await ensureInstance(gbmAccount.id, 'Business Messages (English)');
  await gbm.setWebhook(gbmIds.agentId, gbmAccount.callbackUrl);

  return {
    hub,
    hubUrl,
    emulators,
    line,
    lineChannelId: lineCreds.channelId,
    lineAccountId: lineAccount.id,
    whatsapp: { accountSid: waCreds.accountSid, number: DEMO_WHATSAPP_NUMBER },
    gbmAgentId: gbmIds.agentId,
    async close() {
      await hub.close();
      await emulators.close();
    },
  };
}
