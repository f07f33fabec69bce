/** api-data.line.me: what customers sent, and whether a video or audio is ready to fetch. */
import type { FastifyInstance } from 'fastify';
import { channelOf, notFound, type EmulatorContext } from './context.js';

type MessageParams = { Params: { messageId: string } };

export function registerContentRoutes(app: FastifyInstance, ctx: EmulatorContext): void {
  const { media } = ctx;

  app.get<MessageParams>('/v2/bot/message/:messageId/content', async (req, reply) => {
    const m = media.get(channelOf(req).channelId, req.params.messageId);
    if (m === undefined) return reply.code(404).send(notFound);
    // Still "transcoding": LINE answers 202 with no body until the content is ready.
    if (!media.look(m)) return reply.code(202).send();
    return reply.type(m.contentType).header('content-length', m.bytes.length).send(m.bytes);
  });

  app.get<MessageParams>('/v2/bot/message/:messageId/content/preview', async (req, reply) => {
    const m = media.get(channelOf(req).channelId, req.params.messageId);
    const preview = m === undefined ? undefined : media.preview(m);
    if (preview === undefined) return reply.code(404).send(notFound);
    return reply.type(preview.contentType).send(preview.bytes);
  });

  app.get<MessageParams>('/v2/bot/message/:messageId/content/transcoding', async (req, reply) => {
    const m = media.get(channelOf(req).channelId, req.params.messageId);
    if (m === undefined) return reply.code(404).send(notFound);
    return { status: media.look(m) ? 'succeeded' : 'processing' };
  });
}
