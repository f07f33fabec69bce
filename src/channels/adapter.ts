/**
 * The one interface every channel implements. Shared code (ingest, delivery, HTTP) talks to a
 * channel only through this file's types; what differs between providers is data
 * (`capabilities`) or lives in the channel's own folder.
 */
import type { z } from 'zod';
import type { MessageContent } from '../domain/message.js';

export type ChannelKind = 'line' | 'twilio-whatsapp' | 'gbm' | 'webchat';

/** A webhook exactly as it arrived, before anything trusted it. */
export interface RawWebhook {
  /** The public URL the provider called: configured public base URL + path + query. */
  url: string;
  /** Lower-cased header names. */
  headers: Readonly<Record<string, string | undefined>>;
  body: Buffer;
}

export type VerifyResult = { ok: true } | { ok: false; status: 401 | 403; reason: string };

/** Who wrote, as the provider names them. */
export interface ProviderUser {
  /** Stable provider id (LINE userId, WhatsApp number, GBM conversation id...). */
  id: string;
  displayName?: string;
  language?: string;
}

interface EventBase {
  /** Provider's event id, used to store a redelivered event once. */
  eventId: string;
  at: Date;
  /** The provider's own JSON for this event, kept verbatim. */
  raw: unknown;
  /** The business address the customer wrote to (a WhatsApp number), when one account serves several. */
  address?: string;
  /**
   * What the provider tells about the conversation's origin (Business Messages entry point,
   * place id, resolved locale…); kept on the conversation for routing rules.
   */
  context?: Record<string, unknown>;
}

/** Normalized inbound events. Everything a provider sends maps onto one of these. */
export type InboundEvent =
  | (EventBase & {
      type: 'message';
      user: ProviderUser;
      providerMessageId: string;
      content: MessageContent;
      /** A short-lived token that lets the first answer be sent free (LINE). */
      replyToken?: string;
      /** Provider id of the message this one quotes or answers. */
      replyToProviderMessageId?: string;
    })
  | (EventBase & { type: 'follow' | 'unfollow'; user: ProviderUser; replyToken?: string })
  | (EventBase & { type: 'postback'; user: ProviderUser; data: string; label?: string; replyToken?: string })
  | (EventBase & { type: 'unsend'; user: ProviderUser; providerMessageId: string })
  | (EventBase & {
      type: 'status';
      providerMessageId: string;
      /** Our own message id, when the provider echoes it back (e.g. in the status-callback URL). */
      messageRef?: string;
      status: DeliveryStatus;
      errorCode?: string;
      errorMessage?: string;
    })
  | (EventBase & { type: 'typing'; user: ProviderUser; isTyping: boolean })
  /** The customer asks for a human (Business Messages requestedLiveAgent): a bot hands over. */
  | (EventBase & { type: 'escalate'; user: ProviderUser })
  | (EventBase & { type: 'unknown'; eventType: string; user?: ProviderUser });

export type DeliveryStatus = 'queued' | 'sent' | 'delivered' | 'read' | 'failed';

export class WebhookParseError extends Error {
  override readonly name = 'WebhookParseError';
}

/** What the hub hands a channel to send. Media is referenced by a public, signed, expiring URL. */
export interface OutboundMessage {
  /** Stable across retries of the same message; providers that support it dedupe on it. */
  idempotencyKey: string;
  recipient: string;
  content: MessageContent;
  /** Resolves a stored blob to a URL the provider can fetch. */
  mediaUrl?: (blobId: string, variant?: "preview") => string;
  /** A reply token still worth trying, if the channel has one. */
  replyToken?: string;
  /**
   * 1 for the first try. On later tries a channel without idempotency keys must first check
   * whether an earlier, unanswered try went through (never send twice).
   */
  attempt?: number;
  /** Where the provider should post status callbacks for this message, when it supports them. */
  statusCallbackUrl?: string;
  /** The business address to send from (the WhatsApp number of the channel instance), if any. */
  address?: string;
  /** Who speaks (Business Messages shows it): an agent by display name, or a bot. */
  representative?: Representative;
  /** Quick replies offered with the message, where the channel has them. */
  suggestions?: ReadonlyArray<{ text: string; postbackData: string }>;
  /**
   * Provider ids of OTHER messages already sent in this conversation: a channel that reconciles
   * an unanswered earlier try by looking for an identical message must not mistake one of these.
   */
  knownProviderMessageIds?: ReadonlyArray<string>;
}

export interface Representative {
  type: 'human' | 'bot';
  displayName?: string;
  avatarUrl?: string;
}

/** Conversation events some providers show the customer (typing, an agent joined or left). */
export interface ConversationSignal {
  type: 'typing_started' | 'typing_stopped' | 'representative_joined' | 'representative_left';
  representative: Representative;
}

/** A provider's request to prove we own the webhook (Business Messages' clientToken/secret POST). */
export type HandshakeResult = { handled: false } | { handled: true; ok: boolean; ack: WebhookAck };

/** A template as the provider knows it (Twilio Content API), for import and approval sync. */
export interface ProviderTemplate {
  providerTemplateId: string;
  name: string;
  language: string;
  /** The approved text with {{1}}-style placeholders. */
  text: string;
  /** Provider approval state, lower-case: approved, pending, rejected, unsubmitted, paused, disabled… */
  status: string;
  /** Sample or default values for the placeholders. */
  variables?: Record<string, string>;
}

/** Provider errors map onto these codes; each decides what the delivery worker does next. */
export type SendErrorCode =
  | 'temporary' // 5xx, timeouts, network errors: retry with backoff
  | 'rate_limited' // 429: retry after the provider's delay
  | 'auth' // credentials refused: fail, an admin must act
  | 'invalid_recipient' // the user blocked us, unknown user: fail
  | 'outside_window' // messaging window closed: fail, offer templates
  | 'invalid_request' // the provider refused the body: fail
  | 'duplicate' // the provider already accepted this idempotency key: treat as sent
  | 'unknown';

export interface SendError {
  code: SendErrorCode;
  message: string;
  /** The provider's own error code or HTTP status, kept for the agent and the logs. */
  providerCode?: string;
  retryAfterMs?: number;
}

export type SendResult =
  | { ok: true; providerMessageId?: string; usedReplyToken?: boolean }
  | { ok: false; error: SendError; /** true when the reply token was consumed or refused */ replyTokenSpent?: boolean };

export interface Profile {
  displayName?: string;
  pictureUrl?: string;
  language?: string;
}

export interface DownloadedMedia {
  body: Buffer;
  contentType: string;
  fileName?: string;
}

/** What a channel can do, as data, so shared code never asks which channel it is. */
export interface ChannelCapabilities {
  /** Hours after the customer's last message during which free-form messages may be sent. */
  messagingWindowHours?: number;
  templates: boolean;
  maxTextLength: number;
  inboundContent: ReadonlyArray<MessageContent['kind']>;
  outboundContent: ReadonlyArray<MessageContent['kind']>;
  /** MIME types the provider accepts for outbound media, per content kind. */
  outboundMediaTypes: Partial<Record<'image' | 'video' | 'audio' | 'file', ReadonlyArray<string>>>;
  /** The provider shows typing and agent joined/left signals (ChannelClient.sendSignal). */
  signals?: boolean;
  /** The provider tells a user's name and picture on request (ChannelClient.fetchProfile). */
  profiles?: boolean;
}

/** Per-account client: built from one account's credentials, immutable, never shared. */
export interface ChannelClient {
  send(message: OutboundMessage, signal?: AbortSignal): Promise<SendResult>;
  fetchProfile?(userId: string, signal?: AbortSignal): Promise<Profile | undefined>;
  downloadMedia?(providerRef: string, signal?: AbortSignal): Promise<DownloadedMedia>;
  /** Templates the provider holds for this account (channels with `capabilities.templates`). */
  listTemplates?(signal?: AbortSignal): Promise<ProviderTemplate[]>;
  /** Typing and join/leave signals, where the provider shows them; same error model as send. */
  sendSignal?(recipient: string, signal: ConversationSignal, idempotencyKey: string, abort?: AbortSignal): Promise<SendResult>;
}

export interface ClientDeps {
  /** Provider API base URLs from the config (real service or emulator). */
  baseUrls: Readonly<Record<string, string>>;
  /** The hub's clock (epoch ms), for time-based checks such as messaging windows. */
  now?: () => number;
  fetch?: typeof fetch;
  timeoutMs?: number;
}

/** What the hub answers a provider once its webhook is committed (Twilio wants TwiML, LINE 200). */
export interface WebhookAck {
  status: number;
  contentType?: string;
  body?: string;
}

export interface ChannelAdapter<Credentials = unknown, Settings = unknown> {
  readonly kind: ChannelKind;
  readonly displayName: string;
  readonly capabilities: ChannelCapabilities;
  /** Credentials as the admin enters them; `securedFields` are encrypted at rest and masked. */
  readonly credentialsSchema: z.ZodType<Credentials>;
  readonly securedFields: ReadonlyArray<keyof Credentials & string>;
  /** Non-secret account settings (phone numbers, ids shown in the UI). */
  readonly settingsSchema: z.ZodType<Settings>;
  /** Fails closed: anything but a proven signature is refused. */
  verify(webhook: RawWebhook, credentials: Credentials): VerifyResult;
  /** Throws WebhookParseError for a body that is not the provider's format. */
  parse(webhook: RawWebhook): InboundEvent[];
  createClient(credentials: Credentials, deps: ClientDeps): ChannelClient;
  /** Default: 200 with an empty body. */
  readonly webhookAck?: WebhookAck;
  /**
   * Further webhook URLs the provider needs, as suffixes of the account's callback URL
   * (e.g. `{ statusCallbackUrl: '/status' }`); shown on the account so an admin can paste them.
   */
  readonly extraCallbacks?: Readonly<Record<string, string>>;
  /** Suffix of the callback URL the hub puts in each outbound message for status callbacks. */
  readonly statusCallbackPath?: string;
  /**
   * Answers an ownership check before signature verification; an ok handshake marks the
   * account's webhook verified. Channels without one omit it.
   */
  handshake?(webhook: RawWebhook, credentials: Credentials): HandshakeResult;
}
