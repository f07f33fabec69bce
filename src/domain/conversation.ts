/**
 * The conversation lifecycle, as Dynamics 365 Omnichannel defines it:
 *   open    — waiting in a queue for an agent
 *   active  — an agent works on it
 *   waiting — the agent set it aside; the customer may answer later
 *   wrapup  — the conversation ended; the agent finishes notes
 *   closed  — final; a new customer message starts a new conversation
 */
export type ConversationState = 'open' | 'active' | 'waiting' | 'wrapup' | 'closed';

export type ConversationAction =
  | 'assign' // an agent picks it or distribution assigns it
  | 'release' // back to the queue without an agent
  | 'wait' // agent sets it aside
  | 'resume' // agent takes it up again
  | 'customer_message' // the customer wrote
  | 'end' // agent ends it: wrap-up
  | 'close'; // closed for good (agent after wrap-up, supervisor force-close, timers)

const TRANSITIONS: Record<ConversationState, Partial<Record<ConversationAction, ConversationState>>> = {
  open: { assign: 'active', customer_message: 'open', close: 'closed' },
  active: { release: 'open', wait: 'waiting', end: 'wrapup', customer_message: 'active', close: 'closed', assign: 'active' },
  waiting: { resume: 'active', customer_message: 'active', end: 'wrapup', close: 'closed', release: 'open' },
  wrapup: { close: 'closed' },
  closed: {},
};

export function nextState(from: ConversationState, action: ConversationAction): ConversationState | undefined {
  return TRANSITIONS[from][action];
}

export const LIVE_STATES: ReadonlyArray<ConversationState> = ['open', 'active', 'waiting'];

export function isLive(state: ConversationState): boolean {
  return LIVE_STATES.includes(state);
}
