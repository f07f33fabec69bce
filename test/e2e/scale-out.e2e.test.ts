/**
 * Two hub processes' worth of hubs on one PostgreSQL database: a message that arrives at one
 * reaches an agent connected to the other (LISTEN/NOTIFY), and the agent's reply sent through
 * the second hub is delivered exactly once although both hubs run delivery workers.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLineEmulator, type LineEmulator } from '../../emulators/line/index.js';
import { loadConfig } from '../../src/config.js';
import { createHub, type Hub } from '../../src/hub.js';
import { createLogger } from '../../src/lib/logger.js';
import { ApiClient, eventually } from '../support/api-client.js';
import { ADMIN, freePort } from '../support/hub.js';
import { createTestDatabase, type TestDatabase } from '../support/stores.js';

describe('scale-out on PostgreSQL', () => {
  let db: TestDatabase;
  let line: LineEmulator;
  const hubs: Hub[] = [];
  const urls: string[] = [];

  beforeAll(async () => {
    db = await createTestDatabase('postgres');
    line = await startLineEmulator({ webhookRetryDelayMs: 20 });
    const secretKey = randomBytes(32);
    for (let i = 0; i < 2; i++) {
      const port = await freePort();
      const config = loadConfig(
        { SWITCHBOARD_LOG_LEVEL: 'silent' },
        {
          host: '127.0.0.1',
          port,
          dataDir: db.dataDir,
          databaseUrl: db.url,
          secretKey,
          providers: { ...loadConfig({}, { dataDir: db.dataDir }).providers, lineApi: line.baseUrl, lineDataApi: line.baseUrl },
        },
      );
      const hub = await createHub({ config, logger: createLogger('silent') });
      hubs.push(hub);
      urls.push(await hub.listen());
    }
    await hubs[0]!.auth.createUser({ ...ADMIN, role: 'admin' });
  });

  afterAll(async () => {
    for (const h of hubs) await h.close();
    await line?.close();
    await db?.drop();
  });

  it('a message arriving at hub A reaches an agent connected to hub B; B’s reply is sent once', async () => {
    const admin = new ApiClient(urls[0]!);
    await admin.login(ADMIN.email, ADMIN.password);
    const creds = { channelId: '2000000001', channelSecret: 'c'.repeat(32), channelAccessToken: 'scale-out-token' };
    const account = await admin.post('/api/accounts', { kind: 'line', name: 'LINE scale', credentials: creds, settings: {} });
    const ws = await admin.post('/api/workstreams', { name: 'Scale', mode: 'pick' });
    const agentUser = await admin.post('/api/users', { email: 'scale@example.test', displayName: 'Scale Agent', password: 'agent-password-1', role: 'agent' });
    await admin.post(`/api/queues/${ws.fallbackQueueId}/members`, { userId: (agentUser.user ?? agentUser).id });
    await admin.post('/api/channel-instances', { accountId: account.id, workstreamId: ws.id, name: 'LINE scale', language: 'en-US', settings: {} });
    // Webhooks go to hub A.
    line.addChannel({ ...creds, webhookUrl: account.callbackUrl });
    expect(account.callbackUrl.startsWith(urls[0]!)).toBe(true);

    // The agent is connected to hub B.
    const agent = new ApiClient(urls[1]!);
    await agent.login('scale@example.test', 'agent-password-1');
    const rt = await agent.realtime();
    const customer = line.customer(creds.channelId);
    await customer.sendText('hello from far away');
    const created = await rt.waitFor((e) => e.type === 'message.created' && e.message.content.text === 'hello from far away');
    const convId = created.conversation.id as string;

    await agent.post(`/api/conversations/${convId}/pick`);
    await agent.post(`/api/conversations/${convId}/messages`, { kind: 'text', text: 'answer via hub B' });
    await customer.waitForInbox(1);
    await eventually(async () => {
      const msgs = await agent.get(`/api/conversations/${convId}/messages`);
      return msgs.find((m: any) => m.direction === 'out')?.status === 'sent';
    });
    // Give both hubs' workers the chance to (wrongly) send it again.
    await new Promise((r) => setTimeout(r, 300));
    expect(customer.inbox().filter((m) => (m.message as { text?: string }).text === 'answer via hub B')).toHaveLength(1);
    rt.close();
  });
});
