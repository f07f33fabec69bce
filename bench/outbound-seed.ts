/**
 * The hub side of the outbound bench, run inside the hub process (hub-process.ts serves these):
 * seed a Twilio WhatsApp account and a pick workstream whose queue the agents (made by
 * hub-process.ts `agents`, with API tokens) belong to; assign the customers'
 * conversations to the agents once their first messages arrived; and, after the run, read what the
 * store holds for the agents' messages. Seeded through the hub's services, like `switchboard demo`.
 */
import { sql } from 'kysely';
import type { Hub } from '../src/hub.js';
import type { AuthUser } from '../src/http/route.js';

export interface TwilioSeed {
  accountSid: string;
  authToken: string;
  /** The business's WhatsApp number (E.164). */
  number: string;
  /** Agents to put in the workstream's queue. */
  agentIds: string[];
}

export interface TwilioSeeded {
  accountId: string;
  webhookUrl: string;
  statusCallbackUrl: string;
  queueId: string;
}

export interface AssignRequest {
  queueId: string;
  agentIds: string[];
  /** Conversations expected in the queue (one per customer). */
  expect: number;
  timeoutMs: number;
}

export interface Assigned {
  conversationId: string;
  agentIndex: number;
}

export interface OutboundState {
  /** Agents' messages: [text, status, error code or ''], oldest first. */
  rows: Array<[text: string, status: string, errorCode: string]>;
  /** Jobs by status (pending, running, done, failed). */
  jobs: Record<string, number>;
}

const asUser = (id: string, role: AuthUser['role'], email: string): AuthUser => ({ id, email, displayName: email, role, canViewSecrets: role === 'admin', via: 'token' });

export async function seedTwilio(hub: Hub, s: TwilioSeed): Promise<TwilioSeeded> {
  const sys = asUser('bench-outbound', 'admin', 'outbound@bench.local');
  const account = await hub.accounts.create(
    {
      kind: 'twilio-whatsapp',
      name: 'Bench WhatsApp',
      credentials: { accountSid: s.accountSid, authToken: s.authToken },
      settings: { numbers: [{ name: 'Bench support', number: s.number }] },
    },
    sys,
  );
  const ws = await hub.routing.createWorkstream({ name: 'Bench WhatsApp care', mode: 'pick' });
  await hub.routing.createChannelInstance({
    accountId: account.id,
    workstreamId: ws.id,
    name: `WhatsApp ${s.number}`,
    language: 'en-US',
    address: s.number,
    settings: { customersCanSendAttachments: true, agentsCanSendAttachments: true },
  });
  for (const id of s.agentIds) await hub.routing.addMember(ws.fallbackQueueId, id);
  const statusCallbackUrl = account.extraCallbackUrls['statusCallbackUrl'];
  if (!statusCallbackUrl) throw new Error('the Twilio account has no status callback URL');
  return { accountId: account.id, webhookUrl: account.callbackUrl, statusCallbackUrl, queueId: ws.fallbackQueueId };
}

/**
 * Each agent picks its share of the customers' conversations from the queue (round robin), as
 * they arrive. The queue view lists the 500 oldest at a time, so it is read again until every
 * expected conversation was picked.
 */
export async function assignConversations(hub: Hub, r: AssignRequest): Promise<Assigned[]> {
  const deadline = Date.now() + r.timeoutMs;
  const adminView = asUser('bench', 'admin', 'bench@bench.local');
  const out: Assigned[] = [];
  while (out.length < r.expect) {
    if (Date.now() > deadline) throw new Error(`only ${out.length} of ${r.expect} conversations reached the queue`);
    const open = await hub.conversations.queueItems(adminView, r.queueId);
    if (open.length === 0) {
      await new Promise((res) => setTimeout(res, 50));
      continue;
    }
    for (const c of open) {
      const agentIndex = out.length % r.agentIds.length;
      await hub.conversations.pick(asUser(r.agentIds[agentIndex]!, 'agent', `agent${agentIndex}@bench.local`), c.id);
      out.push({ conversationId: c.id, agentIndex });
    }
  }
  return out;
}

/** Counted straight from the tables (a bench check, so it reads the store directly). */
export async function outboundState(hub: Hub): Promise<OutboundState> {
  const db = hub.store.db;
  const msgs = await db
    .selectFrom('messages')
    .select(['content', 'status', 'error_code'])
    .where('direction', '=', 'out')
    .where('sender_type', '=', 'agent')
    .orderBy('created_at')
    .execute();
  const jobs = await db.selectFrom('jobs').select(['status', sql<number>`count(*)`.as('n')]).groupBy('status').execute();
  return {
    rows: msgs.map((m) => {
      const content = (typeof m.content === 'string' ? JSON.parse(m.content) : m.content) as { text?: unknown };
      return [typeof content.text === 'string' ? content.text : '', m.status, m.error_code ?? ''];
    }),
    jobs: Object.fromEntries(jobs.map((j) => [j.status, Number(j.n)])),
  };
}
