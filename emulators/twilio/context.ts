/** What every route shares: the emulator's state and per-request bookkeeping. */
import type { FastifyRequest } from 'fastify';
import { requestMeta } from '../shared/http.js';
import type { DeliveryFailures, FaultList, RateLimiter } from './faults.js';
import { loadTwilioSpec } from './spec.js';
import { createSpecValidator, type SpecErrorDetail, type SpecValidator } from './spec-validator.js';
import type { AccountRecord, EmulatorState } from './state.js';
import type { EmulatedWhatsAppCustomer, FaultSpec, RecordedRequest, StatusCallbackReport } from './types.js';
import type { SenderOptions } from './webhook-sender.js';

export interface LifecycleOptions {
  delays: { sent: number; delivered: number; read: number };
  mediaFetchTimeoutMs: number;
}

export interface EmulatorContext {
  state: EmulatorState;
  faults: FaultList;
  limiter: RateLimiter;
  failures: DeliveryFailures;
  /** CreateMessage.request and ListMessage.query, coercing form strings. */
  forms: SpecValidator;
  sender: SenderOptions;
  lifecycle: LifecycleOptions;
  recorded: RecordedRequest[];
  /** See TwilioEmulatorOptions.onStatusCallback. */
  onStatusCallback?: (report: StatusCallbackReport) => void;
  /** Known once the server listens; media and content URLs are built on it. */
  baseUrl: string;
  /** Lifecycles and webhooks still running; close() waits for them after aborting. */
  pending: Set<Promise<unknown>>;
  /** The same customer object for the same account, business number and WhatsApp number. */
  customer(accountSid: string, businessNumber: string, waNumber: string, profileName?: string): EmulatedWhatsAppCustomer;
}

export interface RequestMeta {
  account?: AccountRecord;
  validationErrors?: SpecErrorDetail[];
  /** An `afterCreate` fault to answer once the route has done its work. */
  lateFault?: FaultSpec;
}

export const meta: (req: FastifyRequest) => RequestMeta = requestMeta<RequestMeta>(() => ({}));

/** The authenticated account; the auth hook guarantees one on API routes. */
export function accountOf(req: FastifyRequest): AccountRecord {
  const a = meta(req).account;
  if (a === undefined) throw new Error('Twilio emulator: API route reached without an authenticated account');
  return a;
}

/** Runs `work` in the background and keeps track of it until it settles. */
export function track(ctx: EmulatorContext, work: Promise<unknown>): void {
  const p = work.catch(() => undefined).finally(() => ctx.pending.delete(p));
  ctx.pending.add(p);
}

let formValidator: SpecValidator | undefined;
/** Compiled once per process from protocols/twilio/twilio_api_v2010.yaml. */
export function getFormValidator(): SpecValidator {
  formValidator ??= createSpecValidator(loadTwilioSpec('twilio_api_v2010.yaml'), 'twilio-api-v2010-forms', {
    roots: ['CreateMessage.request', 'ListMessage.query'],
    coerce: true,
  });
  return formValidator;
}

/** Query-string values as a record; a repeated name becomes an array. */
export function queryOf(req: FastifyRequest): Record<string, string | string[]> {
  const q = req.url.indexOf('?');
  const out: Record<string, string | string[]> = {};
  if (q === -1) return out;
  for (const [k, v] of new URLSearchParams(req.url.slice(q + 1))) {
    const seen = out[k];
    out[k] = seen === undefined ? v : Array.isArray(seen) ? [...seen, v] : [seen, v];
  }
  return out;
}

export function first(v: string | string[] | undefined): string | undefined {
  return Array.isArray(v) ? v[0] : v;
}

export function all(v: string | string[] | undefined): string[] {
  return v === undefined ? [] : Array.isArray(v) ? v : [v];
}

