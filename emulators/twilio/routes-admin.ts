/** /_emulator/*: the programmatic API over HTTP, for the CLI demo and the browser page. No auth: bind to localhost. */
import type { FastifyInstance, FastifyReply } from 'fastify';
import { z } from 'zod';
import { faultBodySchema, parseBody, registerFaultRoutes } from '../shared/admin.js';
import type { EmulatorContext } from './context.js';
import { E164_RE } from './ids.js';
import { createdMessages } from './outbound.js';
import type { AccountRecord, CustomerRecord, MessageRecord, NumberRecord } from './state.js';
import type { EmulatedWhatsAppCustomer, WebhookDelivery } from './types.js';

const e164 = z.string().regex(E164_RE, 'must be E.164, like +15551234567');
const accountBody = z.object({
  accountSid: z.string().regex(/^AC[0-9a-fA-F]{32}$/),
  authToken: z.string().min(1),
});
const numberBody = z.object({
  accountSid: z.string().min(1),
  number: e164,
  webhookUrl: z.url().optional(),
  statusCallbackUrl: z.url().optional(),
  sandbox: z.object({ joinCode: z.string().min(1) }).optional(),
});
const contentBody = z.object({
  friendlyName: z.string().min(1),
  language: z.string().min(2),
  body: z.string().min(1),
  variables: z.record(z.string(), z.string()).optional(),
  approval: z.enum(['approved', 'pending', 'rejected', 'unsubmitted']).optional(),
});
const customerBody = z.object({ waNumber: e164, profileName: z.string().min(1).max(60).optional() });
const messageBody = z.discriminatedUnion('type', [
  z.object({ type: z.literal('text'), body: z.string().min(1) }),
  z.object({
    type: z.literal('media'),
    items: z.array(z.object({ dataBase64: z.string().min(1), contentType: z.string().min(3) })).min(1).max(10),
    body: z.string().optional(),
  }),
  z.object({
    type: z.literal('location'),
    latitude: z.number().min(-90).max(90),
    longitude: z.number().min(-180).max(180),
    address: z.string().optional(),
    label: z.string().optional(),
  }),
  z.object({ type: z.literal('button'), payload: z.string(), text: z.string().min(1), repliedToSid: z.string().optional() }),
  z.object({ type: z.literal('reply'), sid: z.string().min(1), body: z.string().min(1) }),
  z.object({ type: z.literal('join'), code: z.string().min(1) }),
]);
const faultBody = faultBodySchema.extend({ afterCreate: z.boolean().optional() });
const failureBody = z.object({
  to: z.string().optional(),
  errorCode: z.number().int().positive(),
  times: z.number().int().positive().optional(),
  status: z.enum(['failed', 'undelivered']).optional(),
});

type NumberParams = { Params: { accountSid: string; number: string } };
type CustomerParams = { Params: { accountSid: string; number: string; waNumber: string } };

function numberSummary(n: NumberRecord): Record<string, unknown> {
  return {
    number: n.number,
    webhookUrl: n.webhookUrl ?? null,
    statusCallbackUrl: n.statusCallbackUrl ?? null,
    sandbox: n.sandbox ?? null,
    customers: [...n.customers.values()].map(customerSummary),
  };
}

function customerSummary(c: CustomerRecord): Record<string, unknown> {
  return { waNumber: c.waNumber, profileName: c.profileName, joinedSandbox: c.joinedSandbox, lastInboundAt: c.lastInboundAt ?? null };
}

/** Auth tokens are not shown. */
function accountSummary(a: AccountRecord): Record<string, unknown> {
  return {
    accountSid: a.accountSid,
    numbers: [...a.numbers.values()].map(numberSummary),
    contents: [...a.contents.values()].map((c) => ({ sid: c.sid, friendlyName: c.friendlyName, language: c.language, body: c.body, approval: c.approval })),
  };
}

function sendAs(c: EmulatedWhatsAppCustomer, m: z.infer<typeof messageBody>): Promise<WebhookDelivery> {
  switch (m.type) {
    case 'text':
      return c.sendText(m.body);
    case 'media':
      return c.sendMedia(m.items.map((i) => ({ bytes: Buffer.from(i.dataBase64, 'base64'), contentType: i.contentType })), m.body);
    case 'location':
      return c.sendLocation(m);
    case 'button':
      return c.sendButton(m.payload, m.text, m.repliedToSid);
    case 'reply':
      return c.replyTo(m.sid, m.body);
    case 'join':
      return c.join(m.code);
  }
}

/** One line of the conversation view: the message as it stands now. */
function entryView(m: MessageRecord | undefined, e: CustomerRecord['conversation'][number]): Record<string, unknown> {
  return {
    at: e.at,
    from: e.from,
    sid: e.sid,
    via: e.via ?? null,
    body: m?.body ?? '',
    status: m?.status ?? null,
    errorCode: m?.errorCode ?? null,
    errorMessage: m?.errorMessage ?? null,
    renderedText: m?.renderedText ?? null,
    media: (m?.media ?? []).map((x, index) => ({ index, contentType: x.contentType })),
    mediaUrls: m?.mediaUrls ?? [],
    params: e.params ?? null,
    delivery: e.delivery ?? null,
  };
}

export function registerAdminRoutes(app: FastifyInstance, ctx: EmulatorContext): void {
  const { state } = ctx;
  const missing = (reply: FastifyReply, what: string): FastifyReply => reply.code(404).send({ message: `unknown ${what}` });
  const findCustomer = (p: CustomerParams['Params']): CustomerRecord | undefined => state.number(p.accountSid, p.number)?.customers.get(p.waNumber);

  app.get('/_emulator/accounts', async () => state.listAccounts().map(accountSummary));

  app.post('/_emulator/accounts', async (req, reply) => {
    const body = parseBody(accountBody, req.body, reply);
    if (body === undefined) return reply;
    return reply.code(201).send(accountSummary(state.addAccount(body)));
  });

  app.post('/_emulator/numbers', async (req, reply) => {
    const body = parseBody(numberBody, req.body, reply);
    if (body === undefined) return reply;
    if (state.account(body.accountSid) === undefined) return missing(reply, `account ${body.accountSid}`);
    return reply.code(201).send(numberSummary(state.addNumber(body)));
  });

  app.put<NumberParams>('/_emulator/accounts/:accountSid/numbers/:number/webhook', async (req, reply) => {
    const body = parseBody(z.object({ url: z.url() }), req.body, reply);
    if (body === undefined) return reply;
    const n = state.number(req.params.accountSid, req.params.number);
    if (n === undefined) return missing(reply, 'number');
    n.webhookUrl = body.url;
    return numberSummary(n);
  });

  app.post<{ Params: { accountSid: string } }>('/_emulator/accounts/:accountSid/contents', async (req, reply) => {
    const body = parseBody(contentBody, req.body, reply);
    if (body === undefined) return reply;
    if (state.account(req.params.accountSid) === undefined) return missing(reply, 'account');
    return reply.code(201).send({ sid: state.addContent(req.params.accountSid, body).sid });
  });

  app.post<NumberParams>('/_emulator/accounts/:accountSid/numbers/:number/customers', async (req, reply) => {
    const body = parseBody(customerBody, req.body, reply);
    if (body === undefined) return reply;
    if (state.number(req.params.accountSid, req.params.number) === undefined) return missing(reply, 'number');
    ctx.customer(req.params.accountSid, req.params.number, body.waNumber, body.profileName);
    return customerSummary(state.customer(req.params.accountSid, req.params.number, body.waNumber));
  });

  app.post<CustomerParams>('/_emulator/accounts/:accountSid/numbers/:number/customers/:waNumber/messages', async (req, reply) => {
    const body = parseBody(messageBody, req.body, reply);
    if (body === undefined) return reply;
    const p = req.params;
    if (state.number(p.accountSid, p.number) === undefined) return missing(reply, 'number');
    if (!E164_RE.test(p.waNumber)) return reply.code(400).send({ message: 'waNumber must be E.164' });
    return sendAs(ctx.customer(p.accountSid, p.number, p.waNumber), body);
  });

  app.get<CustomerParams>('/_emulator/accounts/:accountSid/numbers/:number/customers/:waNumber/inbox', async (req, reply) => {
    const c = findCustomer(req.params);
    if (c === undefined) return missing(reply, 'customer');
    return c.inbox.map(({ media, ...rest }) => ({ ...rest, media: media.map((x) => ({ url: x.url, contentType: x.contentType, size: x.bytes.length })) }));
  });

  app.get<CustomerParams>('/_emulator/accounts/:accountSid/numbers/:number/customers/:waNumber/conversation', async (req, reply) => {
    const c = findCustomer(req.params);
    if (c === undefined) return missing(reply, 'customer');
    return {
      customer: customerSummary(c),
      entries: c.conversation.map((e) => entryView(state.message(c.accountSid, e.sid), e)),
    };
  });

  /** A message's media without credentials, for the page. */
  app.get<{ Params: { accountSid: string; sid: string; index: string } }>('/_emulator/accounts/:accountSid/messages/:sid/media/:index', async (req, reply) => {
    const media = state.message(req.params.accountSid, req.params.sid)?.media[Number(req.params.index)];
    return media === undefined ? missing(reply, 'media') : reply.type(media.contentType).send(media.bytes);
  });

  app.get('/_emulator/requests', async () => ctx.recorded);
  app.get('/_emulator/messages', async () => createdMessages(state));

  registerFaultRoutes(app, {
    faults: ctx.faults,
    schema: faultBody,
    missingPathMessage: 'give path or pathRegex',
    okBody: { ok: true },
  });

  app.get('/_emulator/delivery-failures', async () => ctx.failures.list());
  app.post('/_emulator/delivery-failures', async (req, reply) => {
    const body = parseBody(failureBody, req.body, reply);
    if (body === undefined) return reply;
    ctx.failures.add(body);
    return reply.code(201).send({ ok: true });
  });
  app.delete('/_emulator/delivery-failures', async () => {
    ctx.failures.clear();
    return { ok: true };
  });
}
