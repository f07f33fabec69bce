/** Users, the bot itself, and its webhook settings (including the console's "Verify" button). */
import type { FastifyInstance } from 'fastify';
import { channelOf, checkBody, notFound, type EmulatorContext } from './context.js';
import { callbackBody } from './events.js';
import { LINE_ERRORS } from './errors.js';
import { checkWebhookEndpointRules } from './line-rules.js';
import { postSigned } from './webhook-sender.js';

/** LINE's `reason` words for a webhook test. */
function testReason(status: number, error: string | undefined): string {
  if (status >= 200 && status < 300) return 'OK';
  if (status > 0) return 'ERROR_STATUS_CODE';
  if (error !== undefined && /timeout|aborted/i.test(error)) return 'REQUEST_TIMEOUT';
  return 'COULD_NOT_CONNECT';
}

export function registerBotRoutes(app: FastifyInstance, ctx: EmulatorContext): void {
  app.get<{ Params: { userId: string } }>('/v2/bot/profile/:userId', async (req, reply) => {
    const c = ctx.state.findCustomer(channelOf(req).channelId, req.params.userId);
    if (c === undefined) return reply.code(404).send(notFound);
    const { displayName, pictureUrl, language, statusMessage } = c.profile;
    return {
      userId: c.userId,
      displayName,
      ...(pictureUrl === undefined ? {} : { pictureUrl }),
      ...(language === undefined ? {} : { language }),
      ...(statusMessage === undefined ? {} : { statusMessage }),
    };
  });

  app.get('/v2/bot/info', async (req) => {
    const ch = channelOf(req);
    return {
      userId: ch.botUserId,
      basicId: `@${ch.channelId.slice(-3)}emu`,
      displayName: `Emulated LINE bot ${ch.channelId}`,
      chatMode: 'bot',
      markAsReadMode: 'auto',
    };
  });

  app.get('/v2/bot/channel/webhook/endpoint', async (req) => {
    const ch = channelOf(req);
    return { endpoint: ch.webhookUrl ?? '', active: ch.webhookUrl !== undefined && ch.webhookUrl !== '' };
  });

  app.put('/v2/bot/channel/webhook/endpoint', async (req, reply) => {
    if (!checkBody(ctx, req, reply, 'SetWebhookEndpointRequest', checkWebhookEndpointRules)) return reply;
    const endpoint = (req.body as { endpoint: string }).endpoint;
    channelOf(req).webhookUrl = endpoint === '' ? undefined : endpoint;
    return {};
  });

  app.post('/v2/bot/channel/webhook/test', async (req, reply) => {
    if (!checkBody(ctx, req, reply, 'TestWebhookEndpointRequest', checkWebhookEndpointRules)) return reply;
    const ch = channelOf(req);
    const given = (req.body as { endpoint?: string } | undefined)?.endpoint;
    const url = given !== undefined && given !== '' ? given : ch.webhookUrl;
    if (url === undefined || url === '') return reply.code(400).send({ message: LINE_ERRORS.webhookNotSet });
    const timestamp = new Date(ctx.state.now()).toISOString();
    const r = await postSigned(url, ch.channelSecret, callbackBody(ch.botUserId, []), ctx.sender.timeoutMs);
    return {
      success: r.status >= 200 && r.status < 300,
      timestamp,
      statusCode: r.status,
      reason: testReason(r.status, r.error),
      detail: r.error ?? String(r.status),
    };
  });
}
