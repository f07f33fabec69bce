/**
 * Realtime events for agents' browsers. Within one process a plain emitter; with PostgreSQL the
 * events also travel through LISTEN/NOTIFY (store/pg-event-bus.ts) so an agent connected to
 * another hub process sees them.
 */
import type { Conversation, Message } from '../store/conversations-repo.js';

export interface ConversationSummary {
  id: string;
  state: Conversation['state'];
  queueId: string | null;
  agentId: string | null;
  accountId: string;
  channelInstanceId: string;
  identityId: string;
  contactId: string | null;
  lastMessageAt: number;
  lastCustomerAt: number | null;
}

export type HubEvent =
  | { type: 'conversation.created' | 'conversation.updated'; conversation: ConversationSummary }
  | { type: 'message.created' | 'message.updated'; conversation: ConversationSummary; message: Message }
  | { type: 'presence.updated'; userId: string; presence: string }
  | { type: 'typing'; conversation: ConversationSummary; who: 'customer' | 'agent'; isTyping: boolean }
  /** Push mode: an offer for one agent (accept / decline before it expires). */
  | { type: 'offer.created' | 'offer.ended'; offer: OfferView; conversation: ConversationSummary };

export interface OfferView {
  id: string;
  conversationId: string;
  agentId: string;
  state: string;
  offeredAt: number;
  expiresAt: number;
  /** What the agent sees before accepting. */
  customerName?: string | null;
  channel?: string | null;
  queueName?: string | null;
  firstMessage?: string | null;
}

/** The fields of a conversation its events carry. */
export type SummarizedFields = 'id' | 'state' | 'queueId' | 'agentId' | 'accountId' | 'channelInstanceId' | 'identityId' | 'contactId' | 'lastMessageAt' | 'lastCustomerAt';

export function summarize(c: Pick<Conversation, SummarizedFields>): ConversationSummary {
  return {
    id: c.id,
    state: c.state,
    queueId: c.queueId,
    agentId: c.agentId,
    accountId: c.accountId,
    channelInstanceId: c.channelInstanceId,
    identityId: c.identityId,
    contactId: c.contactId,
    lastMessageAt: c.lastMessageAt,
    lastCustomerAt: c.lastCustomerAt,
  };
}

type Listener = (e: HubEvent) => void;

export interface EventBus {
  publish(e: HubEvent): void;
  subscribe(l: Listener): () => void;
  close(): Promise<void>;
}

export class LocalEventBus implements EventBus {
  protected readonly listeners = new Set<Listener>();
  publish(e: HubEvent): void {
    this.deliver(e);
  }
  protected deliver(e: HubEvent): void {
    for (const l of this.listeners) l(e);
  }
  subscribe(l: Listener): () => void {
    this.listeners.add(l);
    return () => this.listeners.delete(l);
  }
  async close(): Promise<void> {
    this.listeners.clear();
  }
}
