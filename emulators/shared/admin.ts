/**
 * Helpers for the /_emulator/* admin API every emulator serves: body parsing with a uniform 400,
 * the fault body schema, and the GET / POST / DELETE /_emulator/faults routes. What each emulator
 * answers on success stays its own (options below), so every admin API is unchanged.
 */
import type { FastifyInstance, FastifyReply } from 'fastify';
import { z } from 'zod';
import type { FaultSpecBase } from './faults.js';

/** The body, parsed; or undefined after answering 400 `{message: 'invalid request', details}`. */
export function parseBody<T>(schema: z.ZodType<T>, body: unknown, reply: FastifyReply): T | undefined {
  const r = schema.safeParse(body ?? {});
  if (r.success) return r.data;
  void reply.code(400).send({
    message: 'invalid request',
    details: r.error.issues.map((i) => ({ message: i.message, property: i.path.join('.') })),
  });
  return undefined;
}

/** POST /_emulator/faults: `path` or `pathRegex`, then the FaultSpec fields. Extend it for more. */
export const faultBodySchema = z.object({
  method: z.string().optional(),
  path: z.string().startsWith('/').optional(),
  pathRegex: z.string().optional(),
  status: z.number().int().min(100).max(599),
  body: z.unknown().optional(),
  times: z.number().int().positive().optional(),
  retryAfterSec: z.number().int().nonnegative().optional(),
  delayMs: z.number().int().nonnegative().optional(),
});

type FaultBody = z.infer<typeof faultBodySchema>;

/** A fault as POSTed: `path` / `pathRegex` become one matcher. */
export type FaultFromBody<B extends FaultBody> = Omit<B, 'path' | 'pathRegex'> & { path: string | RegExp };

/** The matcher of a fault body: the RegExp of `pathRegex`, else `path`; or a message saying what is wrong. */
export function faultMatcher(body: FaultBody, missingMessage: string): { matcher: string | RegExp } | { error: string } {
  if (body.pathRegex !== undefined) {
    try {
      return { matcher: new RegExp(body.pathRegex) };
    } catch {
      return { error: 'pathRegex is not a valid regular expression' };
    }
  }
  return body.path === undefined ? { error: missingMessage } : { matcher: body.path };
}

export interface FaultRoutesOptions<B extends FaultBody> {
  faults: { list(): FaultSpecBase[]; add(f: FaultFromBody<B>): void; clear(): void };
  /** Default faultBodySchema; an extension of it for emulator-specific fields. */
  schema: z.ZodType<B>;
  /** The 400 message when neither path nor pathRegex is given. */
  missingPathMessage: string;
  /** The body of a successful POST (201) or DELETE (200). */
  okBody: Record<string, unknown>;
}

/** GET (list, paths as strings), POST (add; 201), DELETE (clear) /_emulator/faults. */
export function registerFaultRoutes<B extends FaultBody>(app: FastifyInstance, opts: FaultRoutesOptions<B>): void {
  const { faults } = opts;
  app.get('/_emulator/faults', async () => faults.list().map((f) => ({ ...f, path: String(f.path) })));

  app.post('/_emulator/faults', async (req, reply) => {
    const body = parseBody(opts.schema, req.body, reply);
    if (body === undefined) return reply;
    const m = faultMatcher(body, opts.missingPathMessage);
    if ('error' in m) return reply.code(400).send({ message: m.error });
    const { pathRegex: _pathRegex, path: _path, ...rest } = body;
    faults.add({ ...rest, path: m.matcher });
    return reply.code(201).send({ ...opts.okBody });
  });

  app.delete('/_emulator/faults', async () => {
    faults.clear();
    return { ...opts.okBody };
  });
}
