/** Everything the emulated service remembers: partners and their service accounts, agents, conversations. */
import { newPlaceId, newUuid } from './ids.js';
import type { StoredMedia } from './media.js';
import { createServiceAccount, type ServiceAccountRecord } from './oauth.js';
import type {
  CustomerOptions,
  GbmAgentConfig,
  ReceivedGbm,
  ReceivedGbmEvent,
  ReceivedGbmSurvey,
  SentGbm,
} from './types.js';

export interface AgentRecord {
  agentId: string;
  brandId: string;
  partnerId: string;
  clientToken: string;
  customAgentId: string;
  defaultLocale: string;
  webhookUrl: string | undefined;
}

export interface WebhookOutcome {
  status: number;
  attempts: number;
  error?: string;
}

/** One line of the conversation as the emulator page shows it. */
export interface ConversationEntry {
  at: number;
  from: 'customer' | 'business';
  /** Customer side: the webhook payload; business side: the message, event or survey. */
  payload: Record<string, unknown>;
  kind: 'message' | 'suggestionResponse' | 'userStatus' | 'receipts' | 'event' | 'survey';
  delivery?: WebhookOutcome;
}

export interface ConversationRecord {
  conversationId: string;
  agentId: string;
  profile: { displayName: string; locale: string; entryPoint: string; placeId?: string };
  inbox: ReceivedGbm[];
  events: ReceivedGbmEvent[];
  surveys: ReceivedGbmSurvey[];
  sent: SentGbm[];
  /** Ids the business used: a repeat is ALREADY_EXISTS. */
  messageIds: Set<string>;
  eventIds: Set<string>;
  surveyIds: Set<string>;
  entries: ConversationEntry[];
  listeners: Set<() => void>;
}

const PLACE_ENTRY_POINTS = new Set(['PLACESHEET', 'MAPS']);

export class EmulatorState {
  private readonly partners = new Map<string, ServiceAccountRecord>();
  private readonly byEmail = new Map<string, ServiceAccountRecord>();
  private readonly agents = new Map<string, AgentRecord>();
  private readonly conversations = new Map<string, ConversationRecord>();
  /** Images businesses sent, as fetched, for the emulator page. */
  readonly businessMedia = new Map<string, StoredMedia>();

  constructor(readonly now: () => number) {}

  /** Registers (or replaces) an agent; the partner's service account is made on its first agent. */
  addAgent(c: GbmAgentConfig, tokenUrl: string): { agent: AgentRecord; account: ServiceAccountRecord } {
    let account = this.partners.get(c.partnerId);
    if (account === undefined) {
      account = createServiceAccount(c.partnerId, tokenUrl);
      this.partners.set(c.partnerId, account);
      this.byEmail.set(account.json.client_email, account);
    }
    const agent: AgentRecord = {
      agentId: c.agentId,
      brandId: c.brandId,
      partnerId: c.partnerId,
      clientToken: c.clientToken,
      customAgentId: c.customAgentId ?? c.agentId,
      defaultLocale: c.defaultLocale ?? 'en',
      webhookUrl: c.webhookUrl,
    };
    this.agents.set(c.agentId, agent);
    return { agent, account };
  }

  agent(agentId: string): AgentRecord | undefined {
    return this.agents.get(agentId);
  }

  requireAgent(agentId: string): AgentRecord {
    const a = this.agents.get(agentId);
    if (a === undefined) throw new Error(`GBM emulator: unknown agent ${agentId}; call addAgent first`);
    return a;
  }

  listAgents(): AgentRecord[] {
    return [...this.agents.values()];
  }

  serviceAccountOf(partnerId: string): ServiceAccountRecord | undefined {
    return this.partners.get(partnerId);
  }

  accountByEmail(email: string): ServiceAccountRecord | undefined {
    return this.byEmail.get(email);
  }

  /** Finds the conversation `opts.conversationId` or starts one; given profile fields replace the stored ones. */
  conversation(agentId: string, opts: CustomerOptions = {}): ConversationRecord {
    this.requireAgent(agentId);
    const id = opts.conversationId ?? newUuid();
    let c = this.conversations.get(id);
    if (c !== undefined && c.agentId !== agentId) throw new Error(`GBM emulator: conversation ${id} belongs to agent ${c.agentId}`);
    if (c === undefined) {
      const entryPoint = opts.entryPoint ?? 'PLACESHEET';
      const placeId = opts.placeId ?? (PLACE_ENTRY_POINTS.has(entryPoint) ? newPlaceId() : undefined);
      c = {
        conversationId: id,
        agentId,
        profile: { displayName: `Customer ${id.slice(0, 4)}`, locale: 'en-US', entryPoint, ...(placeId === undefined ? {} : { placeId }) },
        inbox: [],
        events: [],
        surveys: [],
        sent: [],
        messageIds: new Set(),
        eventIds: new Set(),
        surveyIds: new Set(),
        entries: [],
        listeners: new Set(),
      };
      this.conversations.set(id, c);
    }
    if (opts.displayName !== undefined) c.profile.displayName = opts.displayName;
    if (opts.locale !== undefined) c.profile.locale = opts.locale;
    if (opts.entryPoint !== undefined) c.profile.entryPoint = opts.entryPoint;
    if (opts.placeId !== undefined) c.profile.placeId = opts.placeId;
    return c;
  }

  findConversation(conversationId: string): ConversationRecord | undefined {
    return this.conversations.get(conversationId);
  }

  conversationsOf(agentId: string): ConversationRecord[] {
    return [...this.conversations.values()].filter((c) => c.agentId === agentId);
  }

  /** A business message reaches the customer's device. */
  deliver(c: ConversationRecord, m: ReceivedGbm): void {
    c.inbox.push(m);
    c.entries.push({ at: m.at, from: 'business', kind: 'message', payload: m as unknown as Record<string, unknown> });
    this.notify(c);
  }

  notify(c: ConversationRecord): void {
    for (const listener of c.listeners) listener();
  }
}
