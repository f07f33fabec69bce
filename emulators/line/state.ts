/** Everything the emulated platform remembers: channels, customers, inboxes, reply tokens, retry keys. */
import { newMessageId, newQuoteToken, newReplyToken, newUserId } from './ids.js';
import type { ChannelConfig, CustomerProfileInput, LineMessage, ReceivedMessage } from './types.js';

export const RETRY_KEY_TTL_MS = 24 * 60 * 60 * 1000;
/** Message types whose sentMessages entry carries a quoteToken. */
const QUOTABLE = new Set(['text', 'textV2', 'sticker', 'image', 'video']);

export interface SentMessage {
  id: string;
  quoteToken?: string;
}
export interface ConversationEntry {
  at: number;
  from: 'customer' | 'bot';
  /** Customer side: the webhook event; bot side: the LINE message as sent. */
  message: Record<string, unknown>;
  messageId?: string;
  via?: ReceivedMessage['via'];
  delivery?: { status: number; attempts: number; error?: string };
}
export interface CustomerRecord {
  channelId: string;
  userId: string;
  profile: { displayName: string; language: string; pictureUrl?: string; statusMessage?: string };
  following: boolean;
  /** Has unfollowed (blocked) at least once: the next follow is an unblock. */
  blockedBefore: boolean;
  inbox: ReceivedMessage[];
  conversation: ConversationEntry[];
  /** Until when the bot shows a loading animation (ms, emulator clock). */
  loadingUntil: number;
  listeners: Set<() => void>;
}
export interface AcceptedRetry {
  at: number;
  requestId: string;
  sentMessages: SentMessage[];
}
export interface ChannelRecord {
  channelId: string;
  channelSecret: string;
  channelAccessToken: string;
  webhookUrl: string | undefined;
  botUserId: string;
  customers: Map<string, CustomerRecord>;
  retryKeys: Map<string, AcceptedRetry>;
}
interface ReplyTokenRecord {
  channelId: string;
  userId: string;
  issuedAt: number;
}

export class EmulatorState {
  private readonly channels = new Map<string, ChannelRecord>();
  private readonly byToken = new Map<string, ChannelRecord>();
  private readonly replyTokens = new Map<string, ReplyTokenRecord>();
  private readonly quoteTokens = new Map<string, string>();

  constructor(
    readonly now: () => number,
    private readonly replyTokenTtlMs: number,
  ) {}

  addChannel(c: ChannelConfig): ChannelRecord {
    const existing = this.channels.get(c.channelId);
    if (existing !== undefined) this.byToken.delete(existing.channelAccessToken);
    const record: ChannelRecord = {
      channelId: c.channelId,
      channelSecret: c.channelSecret,
      channelAccessToken: c.channelAccessToken,
      webhookUrl: c.webhookUrl,
      botUserId: c.botUserId ?? existing?.botUserId ?? newUserId(),
      customers: existing?.customers ?? new Map(),
      retryKeys: existing?.retryKeys ?? new Map(),
    };
    this.channels.set(c.channelId, record);
    this.byToken.set(c.channelAccessToken, record);
    return record;
  }

  channel(channelId: string): ChannelRecord | undefined {
    return this.channels.get(channelId);
  }

  requireChannel(channelId: string): ChannelRecord {
    const ch = this.channels.get(channelId);
    if (ch === undefined) throw new Error(`LINE emulator: unknown channel ${channelId}; call addChannel first`);
    return ch;
  }

  channelByToken(token: string): ChannelRecord | undefined {
    return this.byToken.get(token);
  }

  listChannels(): ChannelRecord[] {
    return [...this.channels.values()];
  }

  /** Finds or creates; given profile fields replace the stored ones. */
  customer(channelId: string, userId?: string, profile?: CustomerProfileInput): CustomerRecord {
    const ch = this.requireChannel(channelId);
    const id = userId ?? newUserId();
    let c = ch.customers.get(id);
    if (c === undefined) {
      c = {
        channelId,
        userId: id,
        profile: { displayName: `Customer ${id.slice(1, 7)}`, language: 'en' },
        following: true,
        blockedBefore: false,
        inbox: [],
        conversation: [],
        loadingUntil: 0,
        listeners: new Set(),
      };
      ch.customers.set(id, c);
    }
    if (profile?.displayName !== undefined) c.profile.displayName = profile.displayName;
    if (profile?.language !== undefined) c.profile.language = profile.language;
    if (profile?.pictureUrl !== undefined) c.profile.pictureUrl = profile.pictureUrl;
    return c;
  }

  findCustomer(channelId: string, userId: string): CustomerRecord | undefined {
    return this.channels.get(channelId)?.customers.get(userId);
  }

  issueReplyToken(channelId: string, userId: string): string {
    const now = this.now();
    if (this.replyTokens.size > 10_000) {
      for (const [t, r] of this.replyTokens) if (now - r.issuedAt > this.replyTokenTtlMs) this.replyTokens.delete(t);
    }
    const token = newReplyToken();
    this.replyTokens.set(token, { channelId, userId, issuedAt: now });
    return token;
  }

  /** The user the token was issued for, once; undefined when unknown, used, expired or another channel's. */
  useReplyToken(channelId: string, token: string): string | undefined {
    const r = this.replyTokens.get(token);
    if (r === undefined || r.channelId !== channelId) return undefined;
    this.replyTokens.delete(token);
    return this.now() - r.issuedAt > this.replyTokenTtlMs ? undefined : r.userId;
  }

  newQuoteToken(messageId: string): string {
    const token = newQuoteToken();
    this.quoteTokens.set(token, messageId);
    return token;
  }

  messageIdForQuoteToken(token: string): string | undefined {
    return this.quoteTokens.get(token);
  }

  /** Puts the bot's messages in the customer's inbox and answers LINE's sentMessages. */
  deliver(c: CustomerRecord, messages: LineMessage[], via: ReceivedMessage['via'], requestId: string): SentMessage[] {
    const at = this.now();
    const sent = messages.map((message) => {
      const id = newMessageId();
      c.inbox.push({ at, via, message, requestId, messageId: id });
      c.conversation.push({ at, from: 'bot', message, messageId: id, via });
      return QUOTABLE.has(String(message['type'])) ? { id, quoteToken: this.newQuoteToken(id) } : { id };
    });
    c.loadingUntil = 0; // like the app: a message ends the loading animation
    for (const notify of c.listeners) notify();
    return sent;
  }

  acceptedRetry(ch: ChannelRecord, key: string): AcceptedRetry | undefined {
    const r = ch.retryKeys.get(key.toLowerCase());
    if (r !== undefined && this.now() - r.at > RETRY_KEY_TTL_MS) {
      ch.retryKeys.delete(key.toLowerCase());
      return undefined;
    }
    return r;
  }

  acceptRetry(ch: ChannelRecord, key: string, requestId: string, sentMessages: SentMessage[]): void {
    ch.retryKeys.set(key.toLowerCase(), { at: this.now(), requestId, sentMessages });
  }
}
