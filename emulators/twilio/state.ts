/** Everything the emulated platform remembers: accounts, numbers, customers, messages, media, contents. */
import { ACCOUNT_SID_RE, E164_RE, newSid } from './ids.js';
import type { AccountConfig, ContentApproval, ContentInput, NumberConfig, OutboundStatus, ReceivedWhatsApp } from './types.js';

export const SESSION_WINDOW_MS = 24 * 60 * 60 * 1000;

export type MessageStatus = OutboundStatus | 'received';
export type Direction = 'inbound' | 'outbound-api' | 'outbound-reply';

export interface StoredMedia {
  /** ME + 32 hex. */
  sid: string;
  contentType: string;
  bytes: Buffer;
  dateCreated: number;
  /** Outbound: the MediaUrl it was fetched from. */
  sourceUrl?: string;
}

export interface MessageRecord {
  sid: string;
  accountSid: string;
  direction: Direction;
  /** `whatsapp:+…` */
  from: string;
  to: string;
  body: string;
  media: StoredMedia[];
  status: MessageStatus;
  statusHistory: MessageStatus[];
  errorCode?: number;
  errorMessage?: string;
  dateCreated: number;
  dateUpdated: number;
  dateSent?: number;
  // Outbound only:
  mediaUrls: string[];
  contentSid?: string;
  contentVariables?: Record<string, string>;
  renderedText?: string;
  statusCallback?: string;
  messagingServiceSid?: string;
}

export interface ConversationEntry {
  at: number;
  from: 'customer' | 'business';
  sid: string;
  /** Customer side: what the webhook POSTed, and how that went. */
  params?: Record<string, string>;
  delivery?: { status: number; attempts: number; error?: string };
  via?: ReceivedWhatsApp['via'];
}

export interface CustomerRecord {
  accountSid: string;
  businessNumber: string;
  waNumber: string;
  profileName: string;
  /** Emulator clock of the customer's last message to this business number. */
  lastInboundAt?: number;
  joinedSandbox: boolean;
  inbox: ReceivedWhatsApp[];
  conversation: ConversationEntry[];
  listeners: Set<() => void>;
}

export interface NumberRecord {
  accountSid: string;
  number: string;
  webhookUrl?: string;
  statusCallbackUrl?: string;
  sandbox?: { joinCode: string };
  customers: Map<string, CustomerRecord>;
}

export interface ContentRecord {
  sid: string;
  accountSid: string;
  friendlyName: string;
  language: string;
  body: string;
  variables: Record<string, string>;
  approval: ContentApproval;
  category: string;
  dateCreated: number;
}

export interface AccountRecord {
  accountSid: string;
  authToken: string;
  apiKeys: Map<string, string>;
  numbers: Map<string, NumberRecord>;
  /** Inbound and outbound, oldest first. */
  messages: MessageRecord[];
  contents: Map<string, ContentRecord>;
}

export class EmulatorState {
  private readonly accounts = new Map<string, AccountRecord>();
  private readonly messagesBySid = new Map<string, MessageRecord>();

  constructor(readonly now: () => number) {}

  addAccount(a: AccountConfig): AccountRecord {
    if (!ACCOUNT_SID_RE.test(a.accountSid)) throw new Error(`Twilio emulator: account SID ${a.accountSid} is not AC + 32 hex digits`);
    const existing = this.accounts.get(a.accountSid);
    const record: AccountRecord = {
      accountSid: a.accountSid,
      authToken: a.authToken,
      apiKeys: new Map((a.apiKeys ?? []).map((k) => [k.sid, k.secret])),
      numbers: existing?.numbers ?? new Map(),
      messages: existing?.messages ?? [],
      contents: existing?.contents ?? new Map(),
    };
    this.accounts.set(a.accountSid, record);
    return record;
  }

  account(accountSid: string): AccountRecord | undefined {
    return this.accounts.get(accountSid);
  }

  requireAccount(accountSid: string): AccountRecord {
    const a = this.accounts.get(accountSid);
    if (a === undefined) throw new Error(`Twilio emulator: unknown account ${accountSid}; call addAccount first`);
    return a;
  }

  listAccounts(): AccountRecord[] {
    return [...this.accounts.values()];
  }

  /** Basic-auth user and password → the account: `AC…:authToken`, or `SK…:secret` of one of its API keys. */
  authenticate(user: string, password: string): AccountRecord | undefined {
    const direct = this.accounts.get(user);
    if (direct !== undefined) return direct.authToken === password ? direct : undefined;
    for (const a of this.accounts.values()) if (a.apiKeys.get(user) === password) return a;
    return undefined;
  }

  addNumber(n: NumberConfig): NumberRecord {
    const account = this.requireAccount(n.accountSid);
    if (!E164_RE.test(n.number)) throw new Error(`Twilio emulator: number ${n.number} is not E.164 (+ and digits)`);
    const existing = account.numbers.get(n.number);
    const record: NumberRecord = {
      accountSid: n.accountSid,
      number: n.number,
      ...(n.webhookUrl === undefined ? {} : { webhookUrl: n.webhookUrl }),
      ...(n.statusCallbackUrl === undefined ? {} : { statusCallbackUrl: n.statusCallbackUrl }),
      ...(n.sandbox === undefined ? {} : { sandbox: { joinCode: n.sandbox.joinCode } }),
      customers: existing?.customers ?? new Map(),
    };
    account.numbers.set(n.number, record);
    return record;
  }

  number(accountSid: string, number: string): NumberRecord | undefined {
    return this.accounts.get(accountSid)?.numbers.get(number);
  }

  requireNumber(accountSid: string, number: string): NumberRecord {
    const n = this.number(accountSid, number);
    if (n === undefined) throw new Error(`Twilio emulator: ${number} is not a number of account ${accountSid}; call addNumber first`);
    return n;
  }

  /** Finds or creates; a given profile name replaces the stored one. */
  customer(accountSid: string, businessNumber: string, waNumber: string, profileName?: string): CustomerRecord {
    const n = this.requireNumber(accountSid, businessNumber);
    if (!E164_RE.test(waNumber)) throw new Error(`Twilio emulator: customer number ${waNumber} is not E.164 (+ and digits)`);
    let c = n.customers.get(waNumber);
    if (c === undefined) {
      c = {
        accountSid,
        businessNumber,
        waNumber,
        profileName: profileName ?? `Customer ${waNumber.slice(-4)}`,
        joinedSandbox: false,
        inbox: [],
        conversation: [],
        listeners: new Set(),
      };
      n.customers.set(waNumber, c);
    } else if (profileName !== undefined) {
      c.profileName = profileName;
    }
    return c;
  }

  addContent(accountSid: string, c: ContentInput): ContentRecord {
    const account = this.requireAccount(accountSid);
    const record: ContentRecord = {
      sid: newSid('HX'),
      accountSid,
      friendlyName: c.friendlyName,
      language: c.language,
      body: c.body,
      variables: { ...(c.variables ?? {}) },
      approval: c.approval ?? 'approved',
      category: c.category ?? 'UTILITY',
      dateCreated: this.now(),
    };
    account.contents.set(record.sid, record);
    return record;
  }

  content(accountSid: string, sid: string): ContentRecord | undefined {
    return this.accounts.get(accountSid)?.contents.get(sid);
  }

  addMessage(m: MessageRecord): MessageRecord {
    this.requireAccount(m.accountSid).messages.push(m);
    this.messagesBySid.set(m.sid, m);
    return m;
  }

  /** Only the owning account sees a message. */
  message(accountSid: string, sid: string): MessageRecord | undefined {
    const m = this.messagesBySid.get(sid);
    return m?.accountSid === accountSid ? m : undefined;
  }

  /** Moves a message on and notes when. */
  setStatus(m: MessageRecord, status: MessageStatus, error?: { code: number; message: string }): void {
    const now = this.now();
    m.status = status;
    m.statusHistory.push(status);
    m.dateUpdated = now;
    if (status === 'sent') m.dateSent = now;
    if (error !== undefined) {
      m.errorCode = error.code;
      m.errorMessage = error.message;
    }
  }
}
