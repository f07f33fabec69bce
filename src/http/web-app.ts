/**
 * Serves the built web app (web/dist) at `/`: hashed assets with a year-long immutable cache,
 * index.html (never cached) for every client route, and a Content-Security-Policy that allows
 * no inline script. Server paths (/api, /webhooks, /media, /healthz, /metrics) are never
 * answered with the app: an unknown one stays a JSON 404. Without a build, `/` says how to make one.
 */
import { existsSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance, FastifyReply } from 'fastify';

/** No inline script or style anywhere; images may come from providers' CDNs (profile pictures). */
export const WEB_APP_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data: blob: https:",
  "media-src 'self' blob:",
  "connect-src 'self'",
  "font-src 'self'",
  "object-src 'none'",
  "base-uri 'self'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

const SERVER_PATHS = /^\/(api|webhooks|media|healthz|metrics)(\/|$)/;
const ONE_YEAR_MS = 365 * 24 * 3_600_000;

const MISSING_BUILD_PAGE = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Switchboard</title></head>
<body><h1>Switchboard</h1><p>The web app is not built yet: run <code>npm run build:web</code>, then restart the hub.</p>
<p>The API is served at <a href="/api/openapi.json">/api/openapi.json</a>.</p></body></html>
`;

/**
 * The web app's build folder of this checkout: `<folder with package.json>/web/dist`, found by
 * walking up from this file (it runs from src/http in tests and from dist/src/http when built).
 */
export function webDistDir(from: string = fileURLToPath(import.meta.url)): string {
  let dir = dirname(from);
  for (;;) {
    if (existsSync(join(dir, 'package.json'))) return join(dir, 'web', 'dist');
    const up = dirname(dir);
    if (up === dir) return join(dirname(from), 'web', 'dist');
    dir = up;
  }
}

function securityHeaders(reply: FastifyReply): FastifyReply {
  return reply
    .header('content-security-policy', WEB_APP_CSP)
    .header('x-content-type-options', 'nosniff')
    .header('referrer-policy', 'same-origin')
    .header('x-frame-options', 'DENY');
}

function notFound(reply: FastifyReply, path: string): FastifyReply {
  return reply.code(404).send({ error: { code: 'not_found', message: `No route GET ${path}` } });
}

export async function webAppRoutes(app: FastifyInstance, opts: { distDir: string }): Promise<void> {
  const { distDir } = opts;
  const built = existsSync(join(distDir, 'index.html')) && statSync(distDir).isDirectory();

  if (!built) {
    app.get('/', async (_req, reply) => securityHeaders(reply).type('text/html; charset=utf-8').header('cache-control', 'no-store').send(MISSING_BUILD_PAGE));
    return;
  }

  await app.register(fastifyStatic, { root: distDir, serve: false, dotfiles: 'deny', index: false });

  app.get('/*', async (req, reply) => {
    const path = req.url.split('?')[0] ?? '/';
    if (SERVER_PATHS.test(path)) return notFound(reply, path);
    securityHeaders(reply);
    const file = path.slice(1);
    // A path that names a file is that file or a 404, never the app (a missing script must not get HTML).
    if (file.startsWith('assets/')) return reply.sendFile(file, { maxAge: ONE_YEAR_MS, immutable: true });
    if (/\.[A-Za-z0-9]+$/.test(file) && file !== 'index.html') return reply.sendFile(file, { maxAge: 3_600_000 });
    reply.header('cache-control', 'no-cache');
    return reply.sendFile('index.html', { cacheControl: false });
  });
}
