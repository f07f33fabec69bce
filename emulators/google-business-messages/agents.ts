/** Registering agents and setting their webhooks: shared by the programmatic API and /_emulator. */
import type { EmulatorContext } from './context.js';
import { newVerificationSecret } from './ids.js';
import type { GbmAgentConfig, ServiceAccountJson } from './types.js';
import { verifyWebhook } from './webhook-sender.js';

export function registerAgent(ctx: EmulatorContext, a: GbmAgentConfig): { serviceAccount: ServiceAccountJson } {
  for (const [k, v] of Object.entries({ agentId: a.agentId, brandId: a.brandId, partnerId: a.partnerId, clientToken: a.clientToken })) {
    if (typeof v !== 'string' || v === '') throw new Error(`GBM emulator: addAgent needs a non-empty ${k}`);
  }
  const { account } = ctx.state.addAgent(a, ctx.tokenUrl);
  return { serviceAccount: { ...account.json } };
}

/** Google's handshake; only a verified URL becomes the agent's webhook. */
export async function setAgentWebhook(ctx: EmulatorContext, agentId: string, url: string): Promise<{ verified: boolean; status: number; body: string }> {
  const agent = ctx.state.requireAgent(agentId);
  const result = await verifyWebhook(url, agent.clientToken, newVerificationSecret(), ctx.sender);
  if (result.verified) agent.webhookUrl = url;
  return result;
}
