import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Fastify, { type FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WEB_APP_CSP, webAppRoutes, webDistDir } from './web-app.js';

async function appFor(distDir: string): Promise<FastifyInstance> {
  const app = Fastify();
  app.setNotFoundHandler((req, reply) => {
    void reply.code(404).send({ error: { code: 'not_found', message: `No route ${req.method} ${req.url}` } });
  });
  app.get('/api/me', async () => ({ ok: true }));
  await app.register(async (scope) => webAppRoutes(scope, { distDir }));
  return app;
}

describe('webAppRoutes', () => {
  let dir: string;
  let app: FastifyInstance;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'sb-web-'));
    mkdirSync(join(dir, 'assets'));
    writeFileSync(join(dir, 'index.html'), '<!doctype html><script type="module" src="/assets/app-1a2b.js"></script>');
    writeFileSync(join(dir, 'assets', 'app-1a2b.js'), 'console.log(1)');
    writeFileSync(join(dir, 'favicon.svg'), '<svg xmlns="http://www.w3.org/2000/svg"/>');
    writeFileSync(join(dir, '.secret'), 'no');
    app = await appFor(dir);
  });
  afterAll(async () => {
    await app.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('answers index.html, never cached, with the CSP, for / and every client route', async () => {
    for (const url of ['/', '/workspace', '/workspace/c/cnv_1', '/admin/accounts/acc_1?created=1']) {
      const r = await app.inject({ method: 'GET', url });
      expect(r.statusCode, url).toBe(200);
      expect(r.headers['content-type']).toMatch(/text\/html/);
      expect(r.headers['cache-control']).toBe('no-cache');
      expect(r.headers['content-security-policy']).toBe(WEB_APP_CSP);
      expect(r.body).toContain('/assets/app-1a2b.js');
    }
    expect(WEB_APP_CSP).toContain("script-src 'self'");
    expect(WEB_APP_CSP).not.toContain('unsafe');
  });

  it('serves hashed assets for a year, other files for an hour, and 404s a missing file instead of the app', async () => {
    const js = await app.inject({ method: 'GET', url: '/assets/app-1a2b.js' });
    expect(js.statusCode).toBe(200);
    expect(js.headers['content-type']).toMatch(/javascript/);
    expect(js.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    const icon = await app.inject({ method: 'GET', url: '/favicon.svg' });
    expect(icon.headers['cache-control']).toBe('public, max-age=3600');
    expect((await app.inject({ method: 'GET', url: '/assets/gone-9z.js' })).statusCode).toBe(404);
    expect((await app.inject({ method: 'GET', url: '/.secret' })).statusCode).not.toBe(200);
    expect((await app.inject({ method: 'GET', url: '/assets/..%2f..%2fetc%2fpasswd' })).statusCode).not.toBe(200);
  });

  it('leaves server paths to the server: their unknown GETs stay JSON 404s', async () => {
    expect((await app.inject({ method: 'GET', url: '/api/me' })).json()).toEqual({ ok: true });
    for (const url of ['/api/nope', '/webhooks/line/x', '/media/abc', '/metrics/x']) {
      const r = await app.inject({ method: 'GET', url });
      expect(r.statusCode, url).toBe(404);
      expect(r.json().error.code).toBe('not_found');
    }
  });

  it('without a build, / says how to make one', async () => {
    const empty = mkdtempSync(join(tmpdir(), 'sb-web-empty-'));
    const bare = await appFor(join(empty, 'dist'));
    const r = await bare.inject({ method: 'GET', url: '/' });
    expect(r.statusCode).toBe(200);
    expect(r.body).toContain('npm run build:web');
    expect(r.headers['content-security-policy']).toBe(WEB_APP_CSP);
    await bare.close();
    rmSync(empty, { recursive: true, force: true });
  });

  it('finds web/dist beside package.json', () => {
    expect(webDistDir()).toMatch(/[/\\]web[/\\]dist$/);
  });
});
