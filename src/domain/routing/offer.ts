/**
 * Push-mode offers as a pure state machine:
 *
 *   offered ──accept──▶ accepted      the agent takes the conversation
 *           ──decline─▶ declined      the agent refused
 *           ──timeout─▶ expired       nobody answered by expiresAt (default 120 s after offering)
 *           ─withdraw─▶ withdrawn     the item no longer needs this offer (customer left,
 *                                     a supervisor assigned it, another process won the claim)
 *
 * The deadline is the contract: an accept or decline arriving at or after `expiresAt` finds the
 * offer expired (the timeout job may simply not have run yet). Decided offers never change again.
 *
 * Declined and expired offers both count against the agent for this item: `declineCounts` feeds
 * `AgentCandidate.declinedCount`, and assignment skips an agent at `maxDeclines`.
 */

export const OFFER_STATES = ['offered', 'accepted', 'declined', 'expired', 'withdrawn'] as const;
export type OfferState = (typeof OFFER_STATES)[number];

export const DEFAULT_OFFER_TIMEOUT_MS = 120_000;

export interface Offer {
  workItemId: string;
  agentId: string;
  state: OfferState;
  offeredAt: number;
  expiresAt: number;
  /** When it left 'offered' (for expiry: the deadline itself); null while offered. */
  decidedAt: number | null;
}

export type OfferEvent = { type: 'accept' | 'decline' | 'timeout' | 'withdraw'; at: number };

export type OfferTransition =
  | { ok: true; offer: Offer }
  /**
   * Refused. `offer` is what to keep: unchanged, except for 'expired' where an accept/decline
   * came too late and the offer is now expired — persist it when `offer.state` changed.
   */
  | { ok: false; offer: Offer; error: 'already_decided' | 'expired' | 'not_due'; message: string };

export function createOffer(input: { workItemId: string; agentId: string; now: number; timeoutMs?: number }): Offer {
  return {
    workItemId: input.workItemId,
    agentId: input.agentId,
    state: 'offered',
    offeredAt: input.now,
    expiresAt: input.now + (input.timeoutMs ?? DEFAULT_OFFER_TIMEOUT_MS),
    decidedAt: null,
  };
}

export function applyOfferEvent(offer: Offer, event: OfferEvent): OfferTransition {
  if (offer.state !== 'offered') {
    return { ok: false, offer, error: 'already_decided', message: `offer already ${offer.state}` };
  }
  const expired: Offer = { ...offer, state: 'expired', decidedAt: offer.expiresAt };
  switch (event.type) {
    case 'withdraw':
      return { ok: true, offer: { ...offer, state: 'withdrawn', decidedAt: event.at } };
    case 'timeout':
      if (event.at < offer.expiresAt) {
        return { ok: false, offer, error: 'not_due', message: `offer expires in ${offer.expiresAt - event.at} ms` };
      }
      return { ok: true, offer: expired };
    case 'accept':
    case 'decline':
      if (event.at >= offer.expiresAt) {
        return { ok: false, offer: expired, error: 'expired', message: `offer expired ${event.at - offer.expiresAt} ms before the ${event.type}` };
      }
      return { ok: true, offer: { ...offer, state: event.type === 'accept' ? 'accepted' : 'declined', decidedAt: event.at } };
  }
}

/** Declined and expired offers count as the agent refusing the item; withdrawn ones do not. */
export function countsAsDecline(state: OfferState): boolean {
  return state === 'declined' || state === 'expired';
}

/** Refusals per agent among one work item's offers. */
export function declineCounts(offers: readonly Offer[], workItemId: string): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const o of offers) {
    if (o.workItemId === workItemId && countsAsDecline(o.state)) counts[o.agentId] = (counts[o.agentId] ?? 0) + 1;
  }
  return counts;
}

/**
 * What the engine does next for one work item, given its offer history:
 * - 'assigned': an offer was accepted — the conversation belongs to that agent.
 * - 'wait': an offer is open until `until`; schedule the timeout then.
 * - 'expire': an open offer is past its deadline; apply `{ type: 'timeout' }`, then ask again.
 * - 'choose': no open offer — call `chooseAgent` with each candidate's `declinedCount` taken from
 *   `declinedCount` (0 when absent). The same agent may be offered the item again until they
 *   reach `maxDeclines`. If nobody is eligible, the item waits in its queue until presence,
 *   capacity or membership changes.
 * Assumes at most one open offer per item (the engine's claim guarantees it).
 */
export type NextOffer =
  | { action: 'assigned'; agentId: string }
  | { action: 'wait'; agentId: string; until: number }
  | { action: 'expire'; offer: Offer }
  | { action: 'choose'; declinedCount: Record<string, number> };

export function nextOfferTarget(offers: readonly Offer[], workItemId: string, now: number): NextOffer {
  const mine = offers.filter((o) => o.workItemId === workItemId);
  const accepted = mine.find((o) => o.state === 'accepted');
  if (accepted) return { action: 'assigned', agentId: accepted.agentId };
  const open = mine.find((o) => o.state === 'offered');
  if (open) return now < open.expiresAt ? { action: 'wait', agentId: open.agentId, until: open.expiresAt } : { action: 'expire', offer: open };
  return { action: 'choose', declinedCount: declineCounts(mine, workItemId) };
}
