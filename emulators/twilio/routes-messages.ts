/** /2010-04-01/Accounts/{AccountSid}/Messages…: create, list, fetch, and the media of a message. */
import type { FastifyInstance, FastifyReply } from 'fastify';
import { accountOf, first, meta, queryOf, type EmulatorContext } from './context.js';
import { errorBody, TWILIO_ERRORS } from './errors.js';
import { checkCreate, type Form } from './message-rules.js';
import { createOutbound } from './outbound.js';
import { API_VERSION, mediaJson, messageJson, paginate, queryString } from './resources.js';
import type { MessageRecord } from './state.js';

type AccountParams = { Params: { accountSid: string } };
type MessageParams = { Params: { accountSid: string; sid: string } };
type MediaParams = { Params: { accountSid: string; sid: string; mediaSid: string } };

const DAY_MS = 24 * 60 * 60 * 1000;
const DATE_ONLY_RE = /^(\d{4})-(\d{2})-(\d{2})$/;
const LIST_FILTERS = ['To', 'From', 'DateSent', 'DateSent<', 'DateSent>'] as const;

/** A DateSent filter value: a day (`YYYY-MM-DD`) or an instant in any form Date.parse reads. */
export function parseDateFilter(v: string): { start: number; end: number; day: boolean } | undefined {
  const d = DATE_ONLY_RE.exec(v);
  if (d !== null) {
    const start = Date.UTC(Number(d[1]), Number(d[2]) - 1, Number(d[3]));
    return Number.isNaN(start) ? undefined : { start, end: start + DAY_MS, day: true };
  }
  const t = Date.parse(v);
  return Number.isNaN(t) ? undefined : { start: t, end: t, day: false };
}

function dayOf(ms: number): number {
  return Math.floor(ms / DAY_MS) * DAY_MS;
}

/** The filter, or a message naming the bad parameter. */
function listFilter(q: Record<string, string | string[]>): ((m: MessageRecord) => boolean) | string {
  const tests: Array<(m: MessageRecord) => boolean> = [];
  const to = first(q['To']);
  const from = first(q['From']);
  if (to !== undefined) tests.push((m) => m.to === to);
  if (from !== undefined) tests.push((m) => m.from === from);
  // A message not sent yet is filtered on its creation time.
  const sentAt = (m: MessageRecord): number => m.dateSent ?? m.dateCreated;
  for (const name of ['DateSent', 'DateSent>', 'DateSent<'] as const) {
    const raw = first(q[name]);
    if (raw === undefined) continue;
    const r = parseDateFilter(raw);
    if (r === undefined) return `${name} must be a date (YYYY-MM-DD) or a date-time`;
    if (name === 'DateSent') tests.push((m) => dayOf(sentAt(m)) === dayOf(r.start));
    else if (name === 'DateSent>') tests.push((m) => sentAt(m) >= r.start);
    else tests.push((m) => (r.day ? sentAt(m) < r.end : sentAt(m) <= r.end)); // on or before
  }
  return (m) => tests.every((t) => t(m));
}

function notFound(reply: FastifyReply, path: string): FastifyReply {
  return reply.code(404).send(errorBody(404, TWILIO_ERRORS.notFound, { path }));
}

function badQuery(reply: FastifyReply, detail: string): FastifyReply {
  return reply.code(400).send(errorBody(400, TWILIO_ERRORS.invalidParameter, { detail }));
}

export function registerMessageRoutes(app: FastifyInstance, ctx: EmulatorContext): void {
  const base = '/2010-04-01/Accounts/:accountSid/Messages';

  app.post<AccountParams>(`${base}.json`, async (req, reply) => {
    const form: Form = typeof req.body === 'object' && req.body !== null && !Array.isArray(req.body) ? (req.body as Form) : {};
    const schema = ctx.forms.validate('CreateMessage.request', form);
    const check = checkCreate(accountOf(req), form, schema);
    if ('error' in check) {
      meta(req).validationErrors = schema.length > 0 ? schema : [{ parameter: '', message: check.error.message, keyword: `twilio:${check.error.code}` }];
      return reply.code(400).send(check.error);
    }
    return reply.code(201).send(messageJson(createOutbound(ctx, check.ok)));
  });

  app.get<AccountParams>(`${base}.json`, async (req, reply) => {
    const q = queryOf(req);
    const schema = ctx.forms.validate('ListMessage.query', q).filter((d) => !d.parameter.startsWith('DateSent'));
    const firstError = schema[0];
    if (firstError !== undefined) {
      meta(req).validationErrors = schema;
      return badQuery(reply, firstError.message);
    }
    const filter = listFilter(q);
    if (typeof filter === 'string') return badQuery(reply, filter);
    const account = accountOf(req);
    const all = account.messages.filter(filter).reverse(); // newest first, like Twilio
    const pageSize = Number(first(q['PageSize']) ?? 50);
    const page = Number(first(q['Page']) ?? 0);
    const pageToken = first(q['PageToken']);
    const p = paginate(all, { page, pageSize, ...(pageToken === undefined ? {} : { pageToken }) });
    const filters: Array<[string, string]> = [];
    for (const name of LIST_FILTERS) {
      const v = first(q[name]);
      if (v !== undefined) filters.push([name, v]);
    }
    const path = `/${API_VERSION}/Accounts/${account.accountSid}/Messages.json`;
    const uriFor = (n: number, token?: string): string =>
      `${path}?${queryString([...filters, ['PageSize', String(pageSize)], ['Page', String(n)], ...(token === undefined ? [] : [['PageToken', token] as [string, string]])])}`;
    return {
      end: p.items.length === 0 ? 0 : p.start + p.items.length - 1,
      first_page_uri: uriFor(0),
      next_page_uri: p.nextToken === undefined ? null : uriFor(page + 1, p.nextToken),
      page,
      page_size: pageSize,
      previous_page_uri: page > 0 ? uriFor(page - 1) : null,
      messages: p.items.map(messageJson),
      start: p.start,
      uri: uriFor(page, pageToken),
    };
  });

  app.get<MessageParams>(`${base}/:sid`, async (req, reply) => {
    const sid = req.params.sid.replace(/\.json$/, '');
    const m = ctx.state.message(accountOf(req).accountSid, sid);
    return m === undefined || !req.params.sid.endsWith('.json') ? notFound(reply, req.url.split('?')[0] ?? '') : messageJson(m);
  });

  app.get<MessageParams>(`${base}/:sid/Media.json`, async (req, reply) => {
    const account = accountOf(req);
    const m = ctx.state.message(account.accountSid, req.params.sid);
    if (m === undefined) return notFound(reply, req.url.split('?')[0] ?? '');
    const uri = `/${API_VERSION}/Accounts/${account.accountSid}/Messages/${m.sid}/Media.json`;
    return {
      media_list: m.media.map((x) => mediaJson(m, x)),
      end: Math.max(0, m.media.length - 1),
      first_page_uri: `${uri}?PageSize=50&Page=0`,
      next_page_uri: null,
      page: 0,
      page_size: 50,
      previous_page_uri: null,
      start: 0,
      uri: `${uri}?PageSize=50&Page=0`,
    };
  });

  /** `…/Media/ME…` serves the bytes (what a MediaUrlN points at); `…/Media/ME….json` the resource. */
  app.get<MediaParams>(`${base}/:sid/Media/:mediaSid`, async (req, reply) => {
    const m = ctx.state.message(accountOf(req).accountSid, req.params.sid);
    const asJson = req.params.mediaSid.endsWith('.json');
    const mediaSid = req.params.mediaSid.replace(/\.json$/, '');
    const media = m?.media.find((x) => x.sid === mediaSid);
    if (m === undefined || media === undefined) return notFound(reply, req.url.split('?')[0] ?? '');
    return asJson ? mediaJson(m, media) : reply.type(media.contentType).send(media.bytes);
  });
}
