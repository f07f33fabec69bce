/** The shared admin helpers: body parsing, fault matchers and the /_emulator/faults routes. */
import Fastify from 'fastify';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { faultBodySchema, faultMatcher, parseBody, registerFaultRoutes } from './admin.js';
import { FaultList, type FaultSpecBase } from './faults.js';

describe('faultMatcher', () => {
  it('prefers pathRegex, else path, else says what is missing', () => {
    expect(faultMatcher({ status: 500, path: '/a', pathRegex: '^/b' }, 'missing')).toEqual({ matcher: /^\/b/ });
    expect(faultMatcher({ status: 500, path: '/a' }, 'missing')).toEqual({ matcher: '/a' });
    expect(faultMatcher({ status: 500 }, 'missing')).toEqual({ error: 'missing' });
    expect(faultMatcher({ status: 500, pathRegex: '(' }, 'missing')).toEqual({ error: 'pathRegex is not a valid regular expression' });
  });
});

describe('parseBody', () => {
  const app = Fastify();
  app.post('/p', async (req, reply) => {
    const body = parseBody(z.object({ n: z.number() }), req.body, reply);
    return body === undefined ? reply : { got: body.n };
  });

  it('answers the parsed body, or 400 with every issue and its property', async () => {
    expect((await app.inject({ method: 'POST', url: '/p', payload: { n: 1 } })).json()).toEqual({ got: 1 });
    const res = await app.inject({ method: 'POST', url: '/p', payload: { n: 'x' } });
    expect(res.statusCode).toBe(400);
    const body = res.json<{ message: string; details: { property: string }[] }>();
    expect(body.message).toBe('invalid request');
    expect(body.details.map((d) => d.property)).toEqual(['n']);
  });
});

describe('registerFaultRoutes', () => {
  interface Late extends FaultSpecBase {
    late?: boolean;
  }
  const faults = new FaultList<Late>('T');
  const app = Fastify();
  registerFaultRoutes(app, {
    faults,
    schema: faultBodySchema.extend({ late: z.boolean().optional() }),
    missingPathMessage: 'give a path',
    okBody: { ok: true },
  });

  it('adds (with emulator fields), lists with string paths, and clears', async () => {
    const add = await app.inject({ method: 'POST', url: '/_emulator/faults', payload: { pathRegex: '^/v1/', status: 503, times: 2, late: true } });
    expect(add.statusCode).toBe(201);
    expect(add.json()).toEqual({ ok: true });
    await app.inject({ method: 'POST', url: '/_emulator/faults', payload: { path: '/a', method: 'GET', status: 429, retryAfterSec: 3 } });
    expect((await app.inject({ method: 'GET', url: '/_emulator/faults' })).json()).toEqual([
      { path: '/^\\/v1\\//', status: 503, times: 2, late: true },
      { path: '/a', method: 'GET', status: 429, retryAfterSec: 3, times: 1 },
    ]);
    expect(faults.take('POST', '/v1/x', (f) => f.late === true)?.status).toBe(503);
    const del = await app.inject({ method: 'DELETE', url: '/_emulator/faults' });
    expect(del.json()).toEqual({ ok: true });
    expect(faults.list()).toEqual([]);
  });

  it('refuses a fault without a path, with a bad RegExp, or with a bad status', async () => {
    const post = (payload: object) => app.inject({ method: 'POST', url: '/_emulator/faults', payload });
    expect((await post({ status: 500 })).json()).toEqual({ message: 'give a path' });
    expect((await post({ pathRegex: '(', status: 500 })).json()).toEqual({ message: 'pathRegex is not a valid regular expression' });
    const bad = await post({ path: '/a', status: 99 });
    expect(bad.statusCode).toBe(400);
    expect(bad.json<{ message: string }>().message).toBe('invalid request');
    expect((await post({ path: 'no-slash', status: 500 })).statusCode).toBe(400);
    expect(faults.list()).toEqual([]);
  });
});
