/**
 * REST routes are declared once, as data: method, path, who may call it, zod schemas. The same
 * declaration registers the Fastify route (validation + role check) and feeds the OpenAPI document,
 * so the document can never drift from what the server enforces.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { AppError } from '../errors.js';

export type Role = 'admin' | 'supervisor' | 'agent';
export const ROLES: ReadonlyArray<Role> = ['admin', 'supervisor', 'agent'];

export interface AuthUser {
  id: string;
  email: string;
  displayName: string;
  role: Role;
  canViewSecrets: boolean;
  /** How the caller proved who they are; cookie sessions need a CSRF header on writes. */
  via: 'session' | 'token';
}

export interface RouteContext<P, Q, B> {
  params: P;
  query: Q;
  body: B;
  /** Present on every route whose `auth` is a role list. */
  user: AuthUser;
  req: FastifyRequest;
  reply: FastifyReply;
}

export interface RouteSpec<P = unknown, Q = unknown, B = unknown> {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  /** Fastify syntax: /api/accounts/:id */
  path: string;
  summary: string;
  tag: string;
  /** 'public': no authentication; otherwise the roles allowed. */
  auth: 'public' | ReadonlyArray<Role>;
  params?: z.ZodType<P>;
  query?: z.ZodType<Q>;
  body?: z.ZodType<B>;
  /** Documented response schema (not enforced). */
  response?: z.ZodType;
  successStatus?: number;
  /** Raw body routes (uploads) document their content type here instead of `body`. */
  rawBody?: { contentTypes: string[] };
  handler(ctx: RouteContext<P, Q, B>): Promise<unknown>;
}

/** Identifies the caller from a session cookie or bearer token, and checks CSRF on cookie writes. */
export interface Authenticator {
  authenticate(req: FastifyRequest): Promise<AuthUser | undefined>;
}

// Each route's types are erased here: the registry only needs the shape.
export type AnyRoute = RouteSpec<any, any, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

export function defineRoute<P = unknown, Q = unknown, B = unknown>(spec: RouteSpec<P, Q, B>): RouteSpec<P, Q, B> {
  return spec;
}

function parseWith<T>(schema: z.ZodType<T> | undefined, value: unknown, where: string): T {
  if (!schema) return value as T;
  const r = schema.safeParse(value);
  if (!r.success) {
    const msg = r.error.issues.map((i) => `${[where, ...i.path].join('.')}: ${i.message}`).join('; ');
    throw new AppError('bad_request', msg, r.error.issues);
  }
  return r.data;
}

export function registerRoutes(app: FastifyInstance, routes: ReadonlyArray<AnyRoute>, auth: Authenticator): void {
  for (const spec of routes) {
    app.route({
      method: spec.method,
      url: spec.path,
      handler: async (req, reply) => {
        let user: AuthUser | undefined;
        if (spec.auth !== 'public') {
          user = await auth.authenticate(req);
          if (!user) throw new AppError('unauthenticated', 'Sign in or send an API token');
          if (!spec.auth.includes(user.role)) {
            throw new AppError('forbidden', `This needs the role ${spec.auth.join(' or ')}; you are ${user.role}`);
          }
        }
        const ctx = {
          params: parseWith(spec.params, req.params, 'params'),
          query: parseWith(spec.query, req.query, 'query'),
          body: spec.rawBody ? req.body : parseWith(spec.body, req.body ?? {}, 'body'),
          user: user as AuthUser,
          req,
          reply,
        };
        const result = await spec.handler(ctx);
        if (reply.sent) return reply;
        if (spec.successStatus) reply.code(spec.successStatus);
        if (result === undefined) return reply.code(spec.successStatus ?? 204).send();
        return result;
      },
    });
  }
}

function toJsonSchema(schema: z.ZodType, io: 'input' | 'output'): unknown {
  return z.toJSONSchema(schema, { io, unrepresentable: 'any', target: 'openapi-3.0' });
}

/** OpenAPI 3.1 document built from the same route declarations the server runs. */
export function openApiDocument(routes: ReadonlyArray<AnyRoute>, info: { version: string; serverUrl: string }) {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const r of routes) {
    const path = r.path.replace(/:([A-Za-z0-9_]+)/g, '{$1}');
    const params = [...r.path.matchAll(/:([A-Za-z0-9_]+)/g)].map((m) => ({
      name: m[1],
      in: 'path',
      required: true,
      schema: { type: 'string' },
    }));
    const query =
      r.query && r.query instanceof z.ZodObject
        ? Object.entries((r.query as z.ZodObject).shape).map(([name, s]) => ({
            name,
            in: 'query',
            required: !(s as z.ZodType).safeParse(undefined).success,
            schema: toJsonSchema(s as z.ZodType, 'input'),
          }))
        : [];
    const op: Record<string, unknown> = {
      summary: r.summary,
      tags: [r.tag],
      operationId: `${r.method.toLowerCase()}${path.replace(/[{}]/g, '').replace(/[^A-Za-z0-9]+(.)?/g, (_, c: string | undefined) => (c ? c.toUpperCase() : ''))}`,
      'x-roles': r.auth === 'public' ? [] : [...r.auth],
      security: r.auth === 'public' ? [] : [{ session: [] }, { token: [] }],
      parameters: [...params, ...query],
      responses: {
        [String(r.successStatus ?? 200)]: {
          description: 'Success',
          ...(r.response ? { content: { 'application/json': { schema: toJsonSchema(r.response, 'output') } } } : {}),
        },
        '4XX': { description: 'Error', content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } } },
      },
    };
    if (r.body) {
      op.requestBody = { required: true, content: { 'application/json': { schema: toJsonSchema(r.body, 'input') } } };
    } else if (r.rawBody) {
      op.requestBody = {
        required: true,
        content: Object.fromEntries(r.rawBody.contentTypes.map((t) => [t, { schema: { type: 'string', format: 'binary' } }])),
      };
    }
    (paths[path] ??= {})[r.method.toLowerCase()] = op;
  }
  return {
    openapi: '3.1.0',
    info: { title: 'Switchboard API', version: info.version },
    servers: [{ url: info.serverUrl }],
    paths,
    components: {
      securitySchemes: {
        session: { type: 'apiKey', in: 'cookie', name: 'sb_session' },
        token: { type: 'http', scheme: 'bearer' },
      },
      schemas: {
        Error: {
          type: 'object',
          properties: {
            error: {
              type: 'object',
              properties: { code: { type: 'string' }, message: { type: 'string' } },
              required: ['code', 'message'],
            },
          },
        },
      },
    },
  };
}
