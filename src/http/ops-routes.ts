/** /healthz, /metrics, the OpenAPI document, and the signed media URLs providers fetch. */
import type { FastifyInstance } from 'fastify';
import type { Registry } from 'prom-client';
import type { BlobStore } from '../services/blob-store.js';
import type { Store } from '../store/db.js';
import { VIDEO_PREVIEW_PNG } from './video-preview.js';

export interface OpsDeps {
  store: Store;
  registry: Registry;
  blobs: BlobStore;
  openApi: () => unknown;
  version: string;
}

export async function opsRoutes(app: FastifyInstance, d: OpsDeps): Promise<void> {
  app.get('/healthz', async (_req, reply) => {
    try {
      await d.store.ping();
      return { status: 'ok', store: d.store.dialect, version: d.version };
    } catch {
      return reply.code(503).send({ status: 'unavailable', store: d.store.dialect, version: d.version });
    }
  });

  app.get('/metrics', async (_req, reply) => {
    void reply.type(d.registry.contentType);
    return d.registry.metrics();
  });

  app.get('/api/openapi.json', async () => d.openApi());

  // Providers fetch agents' media here: no session, a signature that expires instead.
  app.get<{ Params: { id: string }; Querystring: { exp?: string; sig?: string; variant?: string } }>(
    '/media/:id',
    async (req, reply) => {
      const { exp = '', sig = '', variant = '' } = req.query;
      if (!d.blobs.verifySignedUrl(req.params.id, variant, exp, sig)) {
        return reply.code(403).send({ error: { code: 'forbidden', message: 'The media link is invalid or expired' } });
      }
      const blob = await d.blobs.get(req.params.id);
      if (!blob) return reply.code(404).send({ error: { code: 'not_found', message: 'No such media' } });
      void reply.header('cache-control', 'private, max-age=300').header('x-content-type-options', 'nosniff');
      if (variant === 'preview' && !blob.contentType.startsWith('image/')) {
        return reply.type('image/png').send(VIDEO_PREVIEW_PNG);
      }
      void reply.type(blob.contentType).header('content-length', blob.size);
      return reply.send(d.blobs.stream(blob.id));
    },
  );
}
