/** Sends one customer-side payload to the agent's webhook and keeps the outcome on the conversation. */
import type { EmulatorContext } from './context.js';
import type { Payload, PayloadSource } from './payloads.js';
import type { ConversationEntry, ConversationRecord } from './state.js';
import type { WebhookDelivery } from './types.js';
import { deliver, gsonJson } from './webhook-sender.js';

export const NO_WEBHOOK_ERROR = 'no webhook URL is set for this agent';

export function sourceOf(ctx: EmulatorContext, c: ConversationRecord): PayloadSource {
  const agent = ctx.state.requireAgent(c.agentId);
  return { brandId: agent.brandId, agentId: agent.agentId, customAgentId: agent.customAgentId, conversationId: c.conversationId };
}

export async function dispatchWebhook(
  ctx: EmulatorContext,
  c: ConversationRecord,
  kind: ConversationEntry['kind'],
  payload: Payload,
  ids: { messageId?: string } = {},
): Promise<WebhookDelivery> {
  const agent = ctx.state.requireAgent(c.agentId);
  const entry: ConversationEntry = { at: ctx.state.now(), from: 'customer', kind, payload };
  c.entries.push(entry);
  const requestId = typeof payload['requestId'] === 'string' ? payload['requestId'] : undefined;
  const base = { payload, ...(requestId === undefined ? {} : { requestId }), ...ids };
  if (agent.webhookUrl === undefined || agent.webhookUrl === '') {
    entry.delivery = { status: 0, attempts: 0, error: NO_WEBHOOK_ERROR };
    return { ...base, status: 0, responseBody: '', attempts: 0, error: NO_WEBHOOK_ERROR };
  }
  const r = await deliver(agent.webhookUrl, agent.clientToken, gsonJson(payload), ctx.sender);
  entry.delivery = { status: r.status, attempts: r.attempts, ...(r.error === undefined ? {} : { error: r.error }) };
  return { ...base, status: r.status, responseBody: r.responseBody, attempts: r.attempts, ...(r.error === undefined ? {} : { error: r.error }) };
}
