/**
 * Content API (content.twilio.com/v1) at the emulator's root: list, fetch, create and delete
 * Content, ContentAndApprovals, and WhatsApp approval requests. Only `twilio/text` content is modelled.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { accountOf, first, meta, queryOf, type EmulatorContext } from './context.js';
import { approvalFetchJson, approvalJson, contentAndApprovalsJson, contentJson } from './content.js';
import { errorBody, TWILIO_ERRORS } from './errors.js';
import { paginate, queryString } from './resources.js';
import { loadTwilioSpec } from './spec.js';
import { createSpecValidator, type SpecValidator } from './spec-validator.js';
import type { ContentRecord } from './state.js';

type SidParams = { Params: { sid: string } };

let contentValidator: SpecValidator | undefined;
/** Compiled once per process from protocols/twilio/twilio_content_v1.yaml. */
export function getContentValidator(): SpecValidator {
  contentValidator ??= createSpecValidator(loadTwilioSpec('twilio_content_v1.yaml'), 'twilio-content-v1', {
    roots: ['CreateContent.request', 'CreateApprovalCreate.request', 'ListContent.query'],
    coerce: false,
  });
  return contentValidator;
}

function notFound(reply: FastifyReply, req: FastifyRequest): FastifyReply {
  return reply.code(404).send(errorBody(404, TWILIO_ERRORS.notFound, { path: req.url.split('?')[0] ?? '' }));
}

function invalid(reply: FastifyReply, detail: string): FastifyReply {
  return reply.code(400).send(errorBody(400, TWILIO_ERRORS.invalidParameter, { detail }));
}

export function registerContentRoutes(app: FastifyInstance, ctx: EmulatorContext): void {
  const { state } = ctx;

  /** One page of the account's contents with Twilio's `meta`, URLs on the emulator. */
  function listPage(req: FastifyRequest, reply: FastifyReply, path: string, render: (c: ContentRecord) => Record<string, unknown>): unknown {
    const q = queryOf(req);
    const pageSize = Number(first(q['PageSize']) ?? 50);
    const page = Number(first(q['Page']) ?? 0);
    if (!Number.isInteger(pageSize) || pageSize < 1 || pageSize > 1000) return invalid(reply, 'PageSize must be an integer from 1 to 1000');
    if (!Number.isInteger(page) || page < 0) return invalid(reply, 'Page must be a non-negative integer');
    const pageToken = first(q['PageToken']);
    const all = [...accountOf(req).contents.values()];
    const p = paginate(all, { page, pageSize, ...(pageToken === undefined ? {} : { pageToken }) });
    const url = (n: number, token?: string): string =>
      `${ctx.baseUrl}${path}?${queryString([['PageSize', String(pageSize)], ['Page', String(n)], ...(token === undefined ? [] : [['PageToken', token] as [string, string]])])}`;
    return {
      contents: p.items.map(render),
      meta: {
        page,
        page_size: pageSize,
        first_page_url: url(0),
        previous_page_url: page > 0 ? url(page - 1) : null,
        url: url(page, pageToken),
        next_page_url: p.nextToken === undefined ? null : url(page + 1, p.nextToken),
        key: 'contents',
      },
    };
  }

  app.get('/v1/Content', async (req, reply) => listPage(req, reply, '/v1/Content', (c) => contentJson(c, ctx.baseUrl)));
  app.get('/v1/ContentAndApprovals', async (req, reply) => listPage(req, reply, '/v1/ContentAndApprovals', contentAndApprovalsJson));

  app.post('/v1/Content', async (req, reply) => {
    const errors = getContentValidator().validate('CreateContent.request', req.body ?? {});
    if (errors.length > 0) {
      meta(req).validationErrors = errors;
      return invalid(reply, errors.map((e) => e.message).join('; '));
    }
    const body = req.body as { friendly_name?: string; language: string; variables?: Record<string, string>; types: Record<string, unknown> };
    const text = body.types['twilio/text'] as { body: string } | undefined;
    if (text === undefined) return invalid(reply, 'the emulator only models twilio/text content');
    const c = state.addContent(accountOf(req).accountSid, {
      friendlyName: body.friendly_name ?? '',
      language: body.language,
      body: text.body,
      ...(body.variables === undefined ? {} : { variables: body.variables }),
      approval: 'unsubmitted',
    });
    return reply.code(201).send(contentJson(c, ctx.baseUrl));
  });

  app.get<SidParams>('/v1/Content/:sid', async (req, reply) => {
    const c = state.content(accountOf(req).accountSid, req.params.sid);
    return c === undefined ? notFound(reply, req) : contentJson(c, ctx.baseUrl);
  });

  app.delete<SidParams>('/v1/Content/:sid', async (req, reply) => {
    const contents = accountOf(req).contents;
    return contents.delete(req.params.sid) ? reply.code(204).send() : notFound(reply, req);
  });

  app.get<SidParams>('/v1/Content/:sid/ApprovalRequests', async (req, reply) => {
    const c = state.content(accountOf(req).accountSid, req.params.sid);
    return c === undefined ? notFound(reply, req) : approvalFetchJson(c, ctx.baseUrl);
  });

  /** Submitting for WhatsApp approval: the emulated WhatsApp approves at once. */
  app.post<SidParams>('/v1/Content/:sid/ApprovalRequests/whatsapp', async (req, reply) => {
    const c = state.content(accountOf(req).accountSid, req.params.sid);
    if (c === undefined) return notFound(reply, req);
    const errors = getContentValidator().validate('CreateApprovalCreate.request', req.body ?? {});
    if (errors.length > 0) {
      meta(req).validationErrors = errors;
      return invalid(reply, errors.map((e) => e.message).join('; '));
    }
    const body = req.body as { name: string; category: string };
    c.category = body.category;
    c.approval = 'approved';
    return reply.code(201).send({ ...approvalJson(c), name: body.name });
  });
}
