/** The emulator's public shapes. Other code (hub tests, the CLI demo) depends on these names. */
import type { Logger } from 'pino';
import type { FaultSpecBase } from '../shared/faults.js';

export interface GbmEmulatorOptions {
  /** Default 127.0.0.1. */
  host?: string;
  /** Default 0 (a random free port). */
  port?: number;
  /** Injectable clock in ms; default Date.now. JWT times, token expiry, signed media URLs and timestamps follow it. */
  now?: () => number;
  /** Default false (silent). */
  logger?: Logger | false;
  /** Lifetime of an access token from /token; default 3600 s. */
  tokenTtlSec?: number;
  /** Webhook attempts per payload including the first; default 3. */
  webhookAttempts?: number;
  /** Wait before the first redelivery, doubled for each further one; default 100 ms. */
  webhookRetryDelayMs?: number;
  /** Give up on one webhook attempt after this long (status 0); default 10_000 ms. */
  webhookTimeoutMs?: number;
  /**
   * When the customer's device sends DELIVERED and READ receipts for a business message, in ms
   * after the API call; default 20 and 40. `false` (for one, or for both) turns them off.
   */
  receiptDelaysMs?: { delivered?: number | false; read?: number | false } | false;
  /** x-goog-expires of the signed URL a customer's image is served at; default 604800 (7 days), like Google. */
  mediaUrlTtlSec?: number;
}

/** The JSON key file a partner downloads for its service account. */
export interface ServiceAccountJson {
  type: 'service_account';
  project_id: string;
  private_key_id: string;
  private_key: string;
  client_email: string;
  client_id: string;
  auth_uri: string;
  token_uri: string;
  auth_provider_x509_cert_url: string;
  client_x509_cert_url: string;
  universe_domain: string;
}

export interface GbmAgentConfig {
  agentId: string;
  brandId: string;
  partnerId: string;
  /** Signs every webhook (X-Goog-Signature) and is echoed in the verification handshake. */
  clientToken: string;
  /** Set without the verification handshake; use setWebhook() to run it. */
  webhookUrl?: string;
  /** The webhook's `customAgentId`; default the agentId. */
  customAgentId?: string;
  /** The agent's default locale, used for `context.resolvedLocale`; default 'en'. */
  defaultLocale?: string;
}

export interface CustomerOptions {
  displayName?: string;
  /** userDeviceLocale; default 'en-US'. */
  locale?: string;
  /** context.entryPoint; default 'PLACESHEET'. */
  entryPoint?: string;
  /** context.placeId; default a generated place id when the entry point is PLACESHEET or MAPS, else none. */
  placeId?: string;
  /** Re-attach to (or create) this conversation instead of starting a new one. */
  conversationId?: string;
}

/** A Google API error field violation (google.rpc.BadRequest). */
export interface FieldViolation {
  field: string;
  description: string;
}

export interface RecordedRequest {
  at: number;
  method: string;
  /** Path without the query string. */
  path: string;
  query: Record<string, string>;
  /** The partner whose access token authorized the call. */
  partnerId?: string;
  /** Lower-case names; authorization redacted. */
  headers: Record<string, string>;
  /** The JSON body; for /token the form with the assertion redacted. */
  body: unknown;
  status: number;
  validationErrors?: FieldViolation[];
}

/**
 * An injected fault (method?, path, status, body?, times?, retryAfterSec?, delayMs?), matching
 * /v1/* and /token; its default body is Google's error for the status (429 → RESOURCE_EXHAUSTED, …).
 */
export type FaultSpec = FaultSpecBase;

export interface WebhookDelivery {
  /** Status of the last attempt; 0 when the connection failed, or no webhook URL is set. */
  status: number;
  responseBody: string;
  /** The payload as sent (the same bytes on every attempt). */
  payload: Record<string, unknown>;
  /** 0 when no webhook URL is set. */
  attempts: number;
  /** The payload's requestId (receipts carry none, like Google's). */
  requestId?: string;
  /** The customer message this webhook carried. */
  messageId?: string;
  /** Why the last attempt failed at the network level. */
  error?: string;
}

export interface GbmRepresentative {
  representativeType: 'BOT' | 'HUMAN' | 'REPRESENTATIVE_TYPE_UNSPECIFIED';
  displayName?: string;
  avatarImage?: string;
}

export interface ReceivedImage {
  fileUrl: string;
  thumbnailUrl?: string;
  altText?: string;
  /** As the fileUrl answered when the emulator fetched it. */
  contentType: string;
  size: number;
  /** Serves the fetched bytes: GET {baseUrl}/_emulator/media/{mediaId}. */
  mediaId: string;
}

/** A message the business sent this customer. */
export interface ReceivedGbm {
  at: number;
  messageId: string;
  /** conversations/{conversationId}/messages/{messageId} */
  name: string;
  representative: GbmRepresentative;
  text?: string;
  image?: ReceivedImage;
  richCard?: Record<string, unknown>;
  fallback?: string;
  suggestions?: Array<Record<string, unknown>>;
  containsRichText?: boolean;
  /** Sent with ?forceFallback=true: the device shows `fallback` only. */
  forceFallback?: boolean;
  /** Receipts the device sent for it, in order: 'DELIVERED', 'READ'. */
  receiptsSent: string[];
}

export interface ReceivedGbmEvent {
  at: number;
  eventId: string;
  name: string;
  eventType: 'TYPING_STARTED' | 'TYPING_STOPPED' | 'REPRESENTATIVE_JOINED' | 'REPRESENTATIVE_LEFT';
  representative: GbmRepresentative;
}

export interface ReceivedGbmSurvey {
  at: number;
  surveyId: string;
  name: string;
}

/** Something this customer sent to the business. */
export interface SentGbm {
  at: number;
  messageId: string;
  kind: 'text' | 'image' | 'suggestionResponse';
  text: string;
  /** When the business marked it read (PATCH …/messages/{id}/receipt). */
  readByBusinessAt?: number;
}

export interface EmulatedGbmCustomer {
  agentId: string;
  /** A UUID per customer. */
  conversationId: string;
  sendText(text: string): Promise<WebhookDelivery>;
  /** The webhook's `message.text` is a signed, expiring URL at the emulator that serves the bytes. */
  sendImage(bytes: Buffer, contentType?: string): Promise<WebhookDelivery>;
  /** Taps a suggestion; `suggestionType` is ACTION when a received action carried this postbackData, else REPLY. */
  sendSuggestionResponse(postbackData: string, text: string): Promise<WebhookDelivery>;
  typing(isTyping: boolean): Promise<WebhookDelivery>;
  requestLiveAgent(): Promise<WebhookDelivery>;
  /** A READ receipt for a business message this customer received; throws for an unknown one. */
  read(messageId: string): Promise<WebhookDelivery>;
  /** What the business sent, in order. */
  inbox(): ReceivedGbm[];
  /** Events the business sent: typing, representative joined / left. */
  events(): ReceivedGbmEvent[];
  /** Surveys the business sent. */
  surveys(): ReceivedGbmSurvey[];
  /** What this customer sent, with the business's read receipts. */
  sent(): SentGbm[];
  /** Resolves when inbox().length >= count; rejects after timeoutMs (default 5000). */
  waitForInbox(count: number, timeoutMs?: number): Promise<ReceivedGbm[]>;
}

export interface GbmEmulator {
  /** Serves the Business Messages API (/v1/...) and the OAuth token endpoint (/token) at its root. */
  baseUrl: string;
  /** `${baseUrl}/token`, also the service account's token_uri and the JWT audience. */
  tokenUrl: string;
  /**
   * Registers an agent. Its partner's service account (one per partnerId: an RSA key pair made on
   * the partner's first agent) comes back as the JSON key file a partner would download.
   */
  addAgent(a: GbmAgentConfig): { serviceAccount: ServiceAccountJson };
  /**
   * Runs Google's verification handshake: POSTs {"clientToken", "secret"} to `url` and expects 200
   * with exactly the secret as the body. Only a verified URL replaces the agent's webhook.
   */
  setWebhook(agentId: string, url: string): Promise<{ verified: boolean; status: number; body: string }>;
  customer(agentId: string, opts?: CustomerOptions): EmulatedGbmCustomer;
  requests(): RecordedRequest[];
  injectFault(f: FaultSpec): void;
  clearFaults(): void;
  /** Stops pending receipts and webhook retries, drops open connections, closes the server. */
  close(): Promise<void>;
}
