/** The emulator's public shapes. Other code (hub tests, the CLI demo) depends on these names. */
import type { Logger } from 'pino';
import type { FaultSpecBase } from '../shared/faults.js';
import type { SpecErrorDetail } from './spec-validator.js';

export interface LineEmulatorOptions {
  /** Default 127.0.0.1. */
  host?: string;
  /** Default 0 (a random free port). */
  port?: number;
  /** Injectable clock in ms; default Date.now. */
  now?: () => number;
  /** Default 60_000: a reply token older than this, or used once, is invalid. */
  replyTokenTtlMs?: number;
  /** Per channel, default 2000; beyond it 429 like LINE. */
  rateLimitPerSecond?: number;
  /** Default false (silent). */
  logger?: Logger | false;
  /** Webhook attempts per event including the first; default 3. */
  webhookAttempts?: number;
  /** Wait before the first redelivery, doubled for each further one; default 100 ms. */
  webhookRetryDelayMs?: number;
  /** Give up on one webhook attempt after this long (status 0); default 10_000 ms. */
  webhookTimeoutMs?: number;
}

export interface ChannelConfig {
  channelId: string;
  channelSecret: string;
  channelAccessToken: string;
  webhookUrl?: string;
  /** The webhook `destination`; default a generated 'U' + 32 hex. */
  botUserId?: string;
}

export interface CustomerProfileInput {
  displayName?: string;
  language?: string;
  pictureUrl?: string;
}

export interface RecordedRequest {
  at: number;
  method: string;
  /** Path without the query string. */
  path: string;
  channelId?: string;
  /** Lower-case names; authorization redacted. */
  headers: Record<string, string>;
  body: unknown;
  status: number;
  validationErrors?: SpecErrorDetail[];
  /** The x-line-request-id this call was answered with. */
  requestId: string;
}

/**
 * An injected fault (method?, path, status, body?, times?, retryAfterSec?, delayMs?); its default
 * body is a LINE-shaped `{ message }` for the status.
 */
export type FaultSpec = FaultSpecBase;

export type LineMessage = Record<string, unknown>;

export interface ReceivedMessage {
  at: number;
  via: 'reply' | 'push' | 'multicast';
  /** The LINE message object as the bot sent it. */
  message: LineMessage;
  /** x-line-request-id of the API call that sent it. */
  requestId: string;
  /** The id LINE answered in sentMessages. */
  messageId: string;
}

export interface WebhookDelivery {
  /** Status of the last attempt; 0 when the connection failed, or no webhook URL is set. */
  status: number;
  responseBody: string;
  /** The event as sent on the last attempt. */
  event: Record<string, unknown>;
  /** 0 when no webhook URL is set. */
  attempts: number;
  messageId?: string;
  replyToken?: string;
  /** Why the last attempt failed at the network level. */
  error?: string;
}

export interface EmulatedCustomer {
  userId: string;
  sendText(text: string, opts?: { quoteToken?: string }): Promise<WebhookDelivery>;
  sendImage(bytes: Buffer, contentType?: string): Promise<WebhookDelivery>;
  sendVideo(bytes: Buffer, durationMs?: number): Promise<WebhookDelivery>;
  sendAudio(bytes: Buffer, durationMs?: number): Promise<WebhookDelivery>;
  sendFile(bytes: Buffer, fileName: string): Promise<WebhookDelivery>;
  sendLocation(l: { title?: string; address?: string; latitude: number; longitude: number }): Promise<WebhookDelivery>;
  sendSticker(packageId: string, stickerId: string): Promise<WebhookDelivery>;
  follow(): Promise<WebhookDelivery>;
  unfollow(): Promise<WebhookDelivery>;
  postback(data: string): Promise<WebhookDelivery>;
  unsend(messageId: string): Promise<WebhookDelivery>;
  /** What the bot sent this user (reply, push or multicast), in order. */
  inbox(): ReceivedMessage[];
  /** Resolves when inbox().length >= count; rejects after timeoutMs (default 5000). */
  waitForInbox(count: number, timeoutMs?: number): Promise<ReceivedMessage[]>;
}

export interface LineEmulator {
  /** Serves both api.line.me and api-data.line.me paths at its root. */
  baseUrl: string;
  addChannel(c: ChannelConfig): void;
  setWebhookUrl(channelId: string, url: string): void;
  customer(channelId: string, userId?: string, profile?: CustomerProfileInput): EmulatedCustomer;
  requests(): RecordedRequest[];
  injectFault(f: FaultSpec): void;
  clearFaults(): void;
  close(): Promise<void>;
}
