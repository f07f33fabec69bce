/**
 * Helpers for the automated-message and survey end-to-end tests: a LINE channel set up through
 * the public API with the language, mode and instance settings a test needs, and the customer's
 * emulator inbox read as texts.
 */
import { ManualClock } from '../../src/lib/clock.js';
import { ApiClient, eventually } from './api-client.js';
import type { TestHub } from './hub.js';

/** Real time plus an offset the test can push forward (the hub's timers still run). */
export class ShiftableClock extends ManualClock {
  private offset = 0;
  override now(): number {
    return Date.now() + this.offset;
  }
  override advance(ms: number): void {
    this.offset += ms;
  }
}

let seq = 0;

export interface LineSetup {
  channelId: string;
  accountId: string;
  instanceId: string;
  queueId: string;
  workstreamId: string;
  agent: ApiClient;
  agentId: string;
  agentName: string;
}

/** LINE account, workstream (pick by default), channel instance and one agent in the fallback queue. */
export async function setUpLine(
  t: TestHub,
  o: { language?: string; mode?: 'push' | 'pick'; settings?: Record<string, unknown> } = {},
): Promise<LineSetup> {
  const n = ++seq;
  const tag = `${process.pid % 1000}${n}`;
  const creds = { channelId: String(5_000_000_000 + Number(tag)), channelSecret: 'e'.repeat(30) + String(n % 100).padStart(2, '0'), channelAccessToken: `cm-${tag}` };
  const account = await t.admin.post('/api/accounts', { kind: 'line', name: `Customer messages ${tag}`, credentials: creds, settings: {} });
  const ws = await t.admin.post('/api/workstreams', { name: `CM ${tag}`, mode: o.mode ?? 'pick' });
  const instance = await t.admin.post('/api/channel-instances', {
    accountId: account.id,
    workstreamId: ws.id,
    name: `CM ${tag}`,
    language: o.language ?? 'en-US',
    settings: { customersCanSendAttachments: true, agentsCanSendAttachments: true, ...o.settings },
  });
  t.line.addChannel({ ...creds, webhookUrl: account.callbackUrl });
  const agentName = `Ada ${tag}`;
  const email = `cm-agent${tag}@example.test`;
  const u = await t.admin.post('/api/users', { email, displayName: agentName, password: 'agent-password-1', role: 'agent' });
  const agentId = (u.user ?? u).id as string;
  await t.admin.post(`/api/queues/${ws.fallbackQueueId}/members`, { userId: agentId });
  const agent = new ApiClient(t.url);
  await agent.login(email, 'agent-password-1');
  return { channelId: creds.channelId, accountId: account.id, instanceId: instance.id, queueId: ws.fallbackQueueId, workstreamId: ws.id, agent, agentId, agentName };
}

/** The texts a customer received, oldest first. */
export function textsOf(customer: { inbox(): Array<{ message: unknown }> }): string[] {
  return customer.inbox().map((m) => String((m.message as { text?: string }).text ?? ''));
}

/** Waits until the customer received a text matching `match`; returns it. */
export async function received(customer: { inbox(): Array<{ message: unknown }> }, match: string | RegExp, timeoutMs = 10_000): Promise<string> {
  const test = (s: string) => (typeof match === 'string' ? s === match : match.test(s));
  return eventually(async () => textsOf(customer).find(test), timeoutMs, `customer received ${String(match)} (has ${JSON.stringify(textsOf(customer))})`);
}

/** The open conversation of a queue that holds `firstMessage`. */
export async function queuedConversation(t: TestHub, queueId: string, firstMessage: string): Promise<any> {
  return eventually(
    async () => (await t.admin.get(`/api/queues/${queueId}/items`)).find((c: any) => c.context?.firstMessage === firstMessage && c.context?.routing),
    10_000,
    `"${firstMessage}" queued`,
  );
}
