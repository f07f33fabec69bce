/** GET /business-messages-us/…: the signed URLs customers' images reach the business at (GCS-like). */
import type { FastifyInstance } from 'fastify';
import type { EmulatorContext } from './context.js';
import { MEDIA_BUCKET } from './media.js';

export function registerMediaRoutes(app: FastifyInstance, ctx: EmulatorContext): void {
  app.get(`/${MEDIA_BUCKET}/*`, async (req, reply) => {
    const q = req.url.indexOf('?');
    const path = q === -1 ? req.url : req.url.slice(0, q);
    const r = ctx.customerMedia.get(path, q === -1 ? '' : req.url.slice(q + 1));
    if (!r.ok) return reply.code(r.status).type('application/xml; charset=UTF-8').send(r.xml);
    return reply.type(r.media.contentType).header('content-length', r.media.bytes.length).send(r.media.bytes);
  });
}
