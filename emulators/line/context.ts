/** What every route shares: the emulator's state and per-request bookkeeping. */
import type { FastifyReply, FastifyRequest } from 'fastify';
import { bodyErrors, LINE_ERRORS } from './errors.js';
import type { FaultList, RateLimiter } from './faults.js';
import type { MediaStore } from './media.js';
import { loadLineSpec } from './spec.js';
import { createSpecValidator, type SpecErrorDetail, type SpecValidator } from './spec-validator.js';
import type { ChannelRecord, CustomerRecord, EmulatorState } from './state.js';
import type { CustomerProfileInput, EmulatedCustomer, RecordedRequest } from './types.js';
import type { SenderOptions } from './webhook-sender.js';

export interface EmulatorContext {
  state: EmulatorState;
  media: MediaStore;
  faults: FaultList;
  limiter: RateLimiter;
  validator: SpecValidator;
  sender: SenderOptions;
  recorded: RecordedRequest[];
  /** The same EmulatedCustomer object for the same channel and user. */
  customer(channelId: string, userId?: string, profile?: CustomerProfileInput): EmulatedCustomer;
}

export interface RequestMeta {
  requestId: string;
  channel?: ChannelRecord;
  validationErrors?: SpecErrorDetail[];
}

const metas = new WeakMap<FastifyRequest, RequestMeta>();

export function setMeta(req: FastifyRequest, meta: RequestMeta): void {
  metas.set(req, meta);
}

export function meta(req: FastifyRequest): RequestMeta {
  let m = metas.get(req);
  if (m === undefined) {
    m = { requestId: '' };
    metas.set(req, m);
  }
  return m;
}

/** The authenticated channel; the auth hook guarantees one on API routes. */
export function channelOf(req: FastifyRequest): ChannelRecord {
  const ch = meta(req).channel;
  if (ch === undefined) throw new Error('LINE emulator: API route reached without an authenticated channel');
  return ch;
}

let messagingValidator: SpecValidator | undefined;
/** Compiled once per process from protocols/line/messaging-api.yml. */
export function getMessagingValidator(): SpecValidator {
  messagingValidator ??= createSpecValidator(loadLineSpec('messaging-api.yml'), 'line-messaging-api');
  return messagingValidator;
}

/**
 * Validates a request body against a spec schema plus extra LINE rules; on failure answers the
 * LINE-shaped 400, records the details, and returns false.
 */
export function checkBody(
  ctx: EmulatorContext,
  req: FastifyRequest,
  reply: FastifyReply,
  schemaName: string,
  ...extraRules: Array<(body: unknown) => SpecErrorDetail[]>
): boolean {
  const details = ctx.validator.validate(schemaName, req.body ?? {});
  for (const rule of extraRules) details.push(...rule(req.body));
  if (details.length === 0) return true;
  meta(req).validationErrors = details;
  void reply.code(400).send(bodyErrors(details));
  return false;
}

/** A customer of the calling channel, or undefined. */
export function knownUser(req: FastifyRequest, ctx: EmulatorContext, userId: unknown): CustomerRecord | undefined {
  return typeof userId === 'string' ? ctx.state.findCustomer(channelOf(req).channelId, userId) : undefined;
}

export const notFound = { message: LINE_ERRORS.notFound } as const;
