/** The emulator's public shapes. Other code (hub tests, the CLI demo) depends on these names. */
import type { Logger } from 'pino';
import type { FaultSpecBase } from '../shared/faults.js';
import type { SpecErrorDetail } from './spec-validator.js';

export interface TwilioEmulatorOptions {
  /** Default 127.0.0.1. */
  host?: string;
  /** Default 0 (a random free port). */
  port?: number;
  /** Injectable clock in ms; default Date.now. Timestamps, the 24-hour window, rate-limit windows. */
  now?: () => number;
  /** Default false (silent). */
  logger?: Logger | false;
  /** Real-time delays after the create call, in ms; default 20 / 40 / 60. */
  statusDelaysMs?: { sent?: number; delivered?: number; read?: number };
  /** Attempts per webhook or status callback, first one included; default 3. */
  webhookAttempts?: number;
  /** Wait before the first retry, doubled for each further one; default 100 ms. */
  webhookRetryDelayMs?: number;
  /** Give up on one webhook attempt after this long (status 0); default 10_000 ms. Twilio waits 15 s. */
  webhookTimeoutMs?: number;
  /** API calls per account per second (fixed 1 s windows on `now`), default 100; beyond: 429 code 20429. */
  rateLimitPerSecond?: number;
  /** Give up fetching one outbound MediaUrl after this long (then error 63019); default 10_000 ms. */
  mediaFetchTimeoutMs?: number;
  /**
   * Observer (a control feature for benchmarks, not a Twilio behaviour): called once per status
   * callback of a created message, after its last attempt, with how it went.
   */
  onStatusCallback?: (report: StatusCallbackReport) => void;
}

/** One status callback the emulator sent for a created message (see `onStatusCallback`). */
export interface StatusCallbackReport {
  sid: string;
  accountSid: string;
  /** The Body of the create call (rendered text of a template, '' for media only). */
  body: string;
  status: OutboundStatus;
  /** HTTP status of the last attempt (0: no answer). */
  httpStatus: number;
  attempts: number;
  /** Wall clock (Date.now()) when the last attempt ended. */
  at: number;
}

export interface AccountConfig {
  accountSid: string;
  authToken: string;
  /** API keys (`SK…` + secret) that may authenticate for this account, like `twilio(keySid, secret, { accountSid })`. */
  apiKeys?: Array<{ sid: string; secret: string }>;
}

export interface NumberConfig {
  accountSid: string;
  /** E.164, e.g. +14155238886; the WhatsApp address is `whatsapp:` + this. */
  number: string;
  /** Where customers' messages are POSTed ("A message comes in"). */
  webhookUrl?: string;
  /** Status callbacks for messages sent without a StatusCallback parameter. */
  statusCallbackUrl?: string;
  /** A WhatsApp Sandbox number: only customers who sent `join <joinCode>` receive its messages. */
  sandbox?: { joinCode: string };
}

export type ContentApproval = 'approved' | 'pending' | 'rejected' | 'unsubmitted';

export interface ContentInput {
  friendlyName: string;
  language: string;
  /** The twilio/text body, with placeholders such as {{1}}. */
  body: string;
  /** Default values of the placeholders. */
  variables?: Record<string, string>;
  /** WhatsApp approval status; default 'approved'. */
  approval?: ContentApproval;
  /** WhatsApp template category shown in approval requests; default 'UTILITY'. */
  category?: string;
}

export interface RecordedRequest {
  at: number;
  method: string;
  /** Path without the query string. */
  path: string;
  /** The authenticated account. */
  accountSid?: string;
  /** Lower-case names; authorization redacted. */
  headers: Record<string, string>;
  /** Parsed form (a repeated name becomes an array), JSON, or the query of a GET. */
  body: unknown;
  status: number;
  validationErrors?: SpecErrorDetail[];
}

/** An injected fault; its default body is a Twilio-shaped `{code, message, more_info, status}` for the status. */
export interface FaultSpec extends FaultSpecBase {
  /**
   * Handle the call normally (a message is created and sent), then answer this fault instead:
   * "accepted, but the answer was lost". A 2xx status without a body keeps the real answer and
   * only delays it (with delayMs): "accepted, answer slow".
   */
  afterCreate?: boolean;
}

export type OutboundStatus = 'queued' | 'sent' | 'delivered' | 'read' | 'failed' | 'undelivered';

export interface DeliveryFailureSpec {
  /** `whatsapp:+…` or `+…`; default any recipient. */
  to?: string;
  errorCode: number;
  /** Default 1. */
  times?: number;
  /** 'failed' (never sent, the default) or 'undelivered' (sent, then not delivered). */
  status?: 'failed' | 'undelivered';
}

/** A message the hub created through the API. */
export interface CreatedMessage {
  sid: string;
  accountSid: string;
  /** `whatsapp:+…` */
  from: string;
  to: string;
  body?: string;
  mediaUrls: string[];
  contentSid?: string;
  contentVariables?: Record<string, string>;
  /** The template rendered with its variables (ContentSid messages). */
  renderedText?: string;
  statusCallback?: string;
  /** Current status; final once the lifecycle ends. */
  status: OutboundStatus;
  /** Every status the message went through, in order. */
  statusHistory: OutboundStatus[];
  errorCode?: number;
  errorMessage?: string;
  createdAt: number;
}

/** What the business sent a customer and WhatsApp delivered. */
export interface ReceivedWhatsApp {
  at: number;
  sid: string;
  body?: string;
  /** The MediaUrl values the business gave. */
  mediaUrls: string[];
  /** What the emulator fetched from each MediaUrl. */
  media: Array<{ url: string; contentType: string; bytes: Buffer }>;
  contentSid?: string;
  contentVariables?: Record<string, string>;
  renderedText?: string;
  /** 'api' for messages created through the API, 'sandbox' for the Sandbox's automatic replies. */
  via: 'api' | 'sandbox';
}

export interface WebhookDelivery {
  /** Status of the last attempt; 0 when the connection failed or no webhook URL is set. */
  status: number;
  responseBody: string;
  /** The form parameters as POSTed. */
  params: Record<string, string>;
  messageSid: string;
  /** 0 when no webhook URL is set. */
  attempts: number;
  /** Why the last attempt failed at the network level, or that no webhook URL is set. */
  error?: string;
}

export interface EmulatedWhatsAppCustomer {
  /** E.164, e.g. +15551234567. */
  waNumber: string;
  sendText(body: string): Promise<WebhookDelivery>;
  sendMedia(items: Array<{ bytes: Buffer; contentType: string }>, body?: string): Promise<WebhookDelivery>;
  sendLocation(l: { latitude: number; longitude: number; address?: string; label?: string }): Promise<WebhookDelivery>;
  /** A quick-reply button press; `repliedToSid` is the template message the button belongs to. */
  sendButton(payload: string, text: string, repliedToSid?: string): Promise<WebhookDelivery>;
  /** A reply quoting one of the business's messages (OriginalRepliedMessageSid). */
  replyTo(sid: string, body: string): Promise<WebhookDelivery>;
  /** Sends `join <code>` to a Sandbox number. */
  join(code: string): Promise<WebhookDelivery>;
  /** What the business sent this customer and was delivered, in order. */
  inbox(): ReceivedWhatsApp[];
  /** Resolves when inbox().length >= count; rejects after timeoutMs (default 5000). */
  waitForInbox(count: number, timeoutMs?: number): Promise<ReceivedWhatsApp[]>;
}

export interface TwilioEmulator {
  /** Serves both api.twilio.com and content.twilio.com paths at its root. */
  baseUrl: string;
  addAccount(a: AccountConfig): void;
  addNumber(n: NumberConfig): void;
  setWebhookUrl(accountSid: string, number: string, url: string): void;
  customer(accountSid: string, businessNumber: string, waNumber: string, profileName?: string): EmulatedWhatsAppCustomer;
  addContent(accountSid: string, c: ContentInput): { sid: string };
  requests(): RecordedRequest[];
  injectFault(f: FaultSpec): void;
  clearFaults(): void;
  failNextDeliveries(f: DeliveryFailureSpec): void;
  messagesCreated(): CreatedMessage[];
  /** Stops callbacks in flight and drops open connections (even ones hanging on a delayed fault). */
  close(): Promise<void>;
}
