/** The shared Fastify plumbing, through inject(). */
import { describe, expect, it } from 'vitest';
import { createFastify, listen, parseJsonStrictly, pathOf, redactedHeaders, requestMeta, serveCustomerPage } from './http.js';

describe('pathOf', () => {
  it('drops the query string', () => {
    expect(pathOf('/v2/a?x=1&y=2')).toBe('/v2/a');
    expect(pathOf('/v2/a')).toBe('/v2/a');
    expect(pathOf('/?')).toBe('/');
  });
});

describe('the app', () => {
  const app = createFastify(false, { bodyLimit: 1024 });
  parseJsonStrictly(app, 'bad JSON');
  app.setErrorHandler((err: { statusCode?: number; message: string }, _req, reply) => reply.code(err.statusCode ?? 500).send({ message: err.message }));
  app.post('/echo', async (req) => ({ body: req.body ?? null, headers: redactedHeaders(req, 'Basic <redacted>') }));
  serveCustomerPage(app, '<p>page</p>', "default-src 'self'");

  it('parses JSON, takes an empty body as none, and refuses malformed JSON with the message given', async () => {
    const ok = await app.inject({ method: 'POST', url: '/echo', payload: '{"a":1}', headers: { 'content-type': 'application/json' } });
    expect(ok.json<{ body: unknown }>().body).toEqual({ a: 1 });
    const empty = await app.inject({ method: 'POST', url: '/echo', payload: ' ', headers: { 'content-type': 'application/json' } });
    expect(empty.json<{ body: unknown }>().body).toBeNull();
    const bad = await app.inject({ method: 'POST', url: '/echo', payload: '{', headers: { 'content-type': 'application/json' } });
    expect(bad.statusCode).toBe(400);
    expect(bad.json()).toEqual({ message: 'bad JSON' });
  });

  it('records headers with the authorization redacted', async () => {
    const res = await app.inject({ method: 'POST', url: '/echo', headers: { authorization: 'Basic c2VjcmV0', 'x-a': 'b' } });
    const headers = res.json<{ headers: Record<string, string> }>().headers;
    expect(headers['authorization']).toBe('Basic <redacted>');
    expect(headers['x-a']).toBe('b');
  });

  it('applies the body limit', async () => {
    const res = await app.inject({ method: 'POST', url: '/echo', payload: JSON.stringify({ a: 'x'.repeat(2000) }), headers: { 'content-type': 'application/json' } });
    expect(res.statusCode).toBe(413);
  });

  it('serves the customer page at / and /_emulator/ui with its CSP', async () => {
    for (const url of ['/', '/_emulator/ui']) {
      const res = await app.inject({ method: 'GET', url });
      expect(res.statusCode).toBe(200);
      expect(res.headers['content-type']).toBe('text/html; charset=utf-8');
      expect(res.headers['content-security-policy']).toBe("default-src 'self'");
      expect(res.body).toBe('<p>page</p>');
    }
  });
});

describe('requestMeta', () => {
  it('makes one state per request, with its initial value, on first use', async () => {
    const meta = requestMeta<{ n: number }>(() => ({ n: 0 }));
    const app = createFastify(false, { bodyLimit: 1024 });
    app.addHook('onRequest', async (req) => {
      meta(req).n += 1;
    });
    app.get('/n', async (req) => ({ n: (meta(req).n += 1) }));
    expect((await app.inject({ method: 'GET', url: '/n' })).json()).toEqual({ n: 2 });
    expect((await app.inject({ method: 'GET', url: '/n' })).json()).toEqual({ n: 2 });
  });
});

describe('listen', () => {
  it('listens on 127.0.0.1 and a random port by default, and answers the base URL', async () => {
    const app = createFastify(false, { bodyLimit: 1024 });
    app.get('/ping', async () => ({ pong: true }));
    try {
      const baseUrl = await listen(app);
      expect(baseUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      expect(await (await fetch(`${baseUrl}/ping`)).json()).toEqual({ pong: true });
    } finally {
      await app.close();
    }
  });
});
