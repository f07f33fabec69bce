/** What every route shares: the emulator's state and per-request bookkeeping. */
import type { FastifyReply, FastifyRequest } from 'fastify';
import { requestMeta } from '../shared/http.js';
import { invalidArgument } from './errors.js';
import type { FaultList } from './faults.js';
import type { CustomerMediaStore } from './media.js';
import type { IssuedToken, TokenStore } from './oauth.js';
import type { DiscoveryValidator } from './spec-validator.js';
import type { EmulatorState } from './state.js';
import type { CustomerOptions, EmulatedGbmCustomer, FieldViolation, RecordedRequest } from './types.js';
import type { SenderOptions } from './webhook-sender.js';

/** Timers that die with the emulator (receipts scheduled for later); none start after stop(). */
export class Timers {
  private readonly pending = new Set<NodeJS.Timeout>();
  private stopped = false;

  after(ms: number, fn: () => void): void {
    if (this.stopped) return;
    const t = setTimeout(() => {
      this.pending.delete(t);
      fn();
    }, ms);
    this.pending.add(t);
  }

  stop(): void {
    this.stopped = true;
    for (const t of this.pending) clearTimeout(t);
    this.pending.clear();
  }
}

export interface EmulatorContext {
  state: EmulatorState;
  tokens: TokenStore;
  faults: FaultList;
  validator: DiscoveryValidator;
  sender: SenderOptions;
  customerMedia: CustomerMediaStore;
  recorded: RecordedRequest[];
  /** ms after the API call; false: never. */
  receiptDelays: { delivered: number | false; read: number | false };
  /** Known once the server listens. */
  baseUrl: string;
  tokenUrl: string;
  timers: Timers;
  /** The same EmulatedGbmCustomer object for the same conversation. */
  customer(agentId: string, opts?: CustomerOptions): EmulatedGbmCustomer;
}

export interface RequestMeta {
  /** The token's holder, when the Authorization header (or access_token) named a live token. */
  token?: IssuedToken;
  /** Why the token was refused, when one was given. */
  tokenProblem?: 'unknown' | 'expired';
  validationErrors?: FieldViolation[];
}

export const meta: (req: FastifyRequest) => RequestMeta = requestMeta<RequestMeta>(() => ({}));

/** The authorized partner; the auth hook guarantees one on API routes. */
export function partnerOf(req: FastifyRequest): string {
  const t = meta(req).token;
  if (t === undefined) throw new Error('GBM emulator: API route reached without an access token');
  return t.partnerId;
}

/**
 * Validates a body against a discovery schema plus Business Messages rules; on failure answers
 * 400 INVALID_ARGUMENT, records the violations and returns undefined. Else the normalized body.
 */
export function checkBody(
  ctx: EmulatorContext,
  req: FastifyRequest,
  reply: FastifyReply,
  schemaName: string,
  root: string,
  ...rules: Array<(body: unknown) => FieldViolation[]>
): Record<string, unknown> | undefined {
  const { value, violations } = ctx.validator.validate(schemaName, req.body ?? {}, root);
  if (violations.length === 0) for (const rule of rules) violations.push(...rule(value));
  if (violations.length === 0) return value as Record<string, unknown>;
  meta(req).validationErrors = violations;
  void reply.code(400).send(invalidArgument(violations));
  return undefined;
}

/** Standard Google API query parameters every method accepts (the discovery document's `parameters`). */
export const STANDARD_PARAMS = new Set(['key', 'quotaUser', '$.xgafv', 'upload_protocol', 'callback', 'alt', 'uploadType', 'access_token', 'prettyPrint', 'fields', 'oauth_token']);

/** Google refuses query parameters the method does not have. */
export function unknownQueryParams(query: unknown, allowed: readonly string[]): FieldViolation[] {
  const q = typeof query === 'object' && query !== null ? Object.keys(query) : [];
  return q
    .filter((k) => !STANDARD_PARAMS.has(k) && !allowed.includes(k))
    .map((k) => ({
      field: k,
      description: `Invalid JSON payload received. Unknown name "${k}": Cannot bind query parameter. Field '${k}' could not be found in request message.`,
    }));
}
