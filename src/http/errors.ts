/**
 * Turns anything thrown in a handler into `{ error: { code, message } }` with the catalogue's
 * status. Never a stack trace to the client; unexpected errors are logged with the request id.
 */
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { AppError, ERROR_CATALOGUE, type ErrorCode } from '../errors.js';

const DB_DOWN_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', '57P01', '57P02', '57P03', '08000', '08001', '08003', '08004', '08006']);

/** The store could not be reached: the client should retry, nothing was stored. */
export function isStoreUnavailable(err: unknown): boolean {
  if (typeof err !== 'object' || err === null) return false;
  const e = err as { code?: unknown; message?: unknown };
  if (typeof e.code === 'string' && DB_DOWN_CODES.has(e.code)) return true;
  const msg = typeof e.message === 'string' ? e.message : '';
  // 55000 is generic, so its message decides: a database that refuses connections (ALLOW_CONNECTIONS false).
  return /Connection terminated|connect ECONNREFUSED|timeout exceeded when trying to connect|Client has encountered a connection error|is not currently accepting connections/i.test(
    msg,
  );
}

function classify(err: unknown): { code: ErrorCode; message: string; details?: unknown } {
  if (err instanceof AppError) return { code: err.code, message: err.message, ...(err.details !== undefined ? { details: err.details } : {}) };
  const fe = err as Partial<FastifyError> & { message?: string };
  switch (fe.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return { code: 'payload_too_large', message: fe.message ?? 'Body too large' };
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return { code: 'unsupported_media_type', message: fe.message ?? 'Unsupported Content-Type' };
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
      return { code: 'bad_request', message: fe.message ?? 'Malformed body' };
  }
  if (fe.statusCode === 400 || err instanceof SyntaxError) {
    return { code: 'bad_request', message: `Malformed body: ${fe.message ?? 'cannot parse'}` };
  }
  if (fe.statusCode === 413) return { code: 'payload_too_large', message: fe.message ?? 'Body too large' };
  if (fe.statusCode === 415) return { code: 'unsupported_media_type', message: fe.message ?? 'Unsupported Content-Type' };
  if (fe.statusCode === 404) return { code: 'not_found', message: fe.message ?? 'Not found' };
  if (isStoreUnavailable(err)) return { code: 'unavailable', message: 'The store is unavailable; nothing was stored. Retry later.' };
  return { code: 'internal', message: 'An unexpected error occurred; it was logged' };
}

export function errorHandler(err: unknown, req: FastifyRequest, reply: FastifyReply): void {
  const { code, message, details } = classify(err);
  const status = ERROR_CATALOGUE[code].status;
  if (status >= 500) req.log.error({ err }, 'request failed');
  else req.log.debug({ code, message }, 'request refused');
  if (code === 'rate_limited' || code === 'unavailable') void reply.header('retry-after', '1');
  void reply.code(status).send({ error: { code, message, ...(details !== undefined ? { details } : {}) } });
}
