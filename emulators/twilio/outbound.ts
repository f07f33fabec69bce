/**
 * A message the business sends, after Twilio accepted it (message-rules.ts): in the background it
 * fetches each MediaUrl, applies the Sandbox and 24-hour-window rules and injected failures, and
 * moves queued → sent → delivered → read with a signed status callback for each.
 */
import { track, type EmulatorContext } from './context.js';
import { renderTemplate } from './content.js';
import { deliveryErrorMessage } from './errors.js';
import { newSid } from './ids.js';
import { statusCallbackParams } from './inbound.js';
import type { CreateRequest } from './message-rules.js';
import { SESSION_WINDOW_MS, type CustomerRecord, type EmulatorState, type MessageRecord } from './state.js';
import type { CreatedMessage, OutboundStatus } from './types.js';
import { deliverForm, sleep } from './webhook-sender.js';

/** Records the message as queued, starts its life in the background, and returns it. */
export function createOutbound(ctx: EmulatorContext, req: CreateRequest): MessageRecord {
  const { state } = ctx;
  const now = state.now();
  const renderedText = req.content === undefined ? undefined : renderTemplate(req.content.body, req.content.variables, req.contentVariables);
  const m = state.addMessage({
    sid: newSid(req.mediaUrls.length > 0 ? 'MM' : 'SM'),
    accountSid: req.from.accountSid,
    direction: 'outbound-api',
    from: `whatsapp:${req.from.number}`,
    to: `whatsapp:${req.to}`,
    body: renderedText ?? req.body ?? '',
    media: [],
    status: 'queued',
    statusHistory: ['queued'],
    dateCreated: now,
    dateUpdated: now,
    mediaUrls: req.mediaUrls,
    ...(req.content === undefined ? {} : { contentSid: req.content.sid }),
    ...(req.contentVariables === undefined ? {} : { contentVariables: req.contentVariables }),
    ...(renderedText === undefined ? {} : { renderedText }),
    ...(req.statusCallback === undefined ? {} : { statusCallback: req.statusCallback }),
    ...(req.messagingServiceSid === undefined ? {} : { messagingServiceSid: req.messagingServiceSid }),
  });
  const customer = state.customer(req.from.accountSid, req.from.number, req.to);
  customer.conversation.push({ at: now, from: 'business', sid: m.sid, via: 'api' });
  for (const notify of customer.listeners) notify();
  track(ctx, runLifecycle(ctx, m, req, customer));
  return m;
}

interface Failure {
  code: number;
  status: 'failed' | 'undelivered';
}

/** Why WhatsApp would not take this message now, if it would not. */
function ruleFailure(m: MessageRecord, req: CreateRequest, customer: CustomerRecord): Failure | undefined {
  if (req.from.sandbox !== undefined && !customer.joinedSandbox) return { code: 63015, status: 'failed' };
  const template = req.content?.approval === 'approved';
  const inWindow = customer.lastInboundAt !== undefined && m.dateCreated - customer.lastInboundAt <= SESSION_WINDOW_MS;
  if (!template && !inWindow) return { code: 63016, status: 'failed' };
  return undefined;
}

async function fetchMedia(ctx: EmulatorContext, m: MessageRecord): Promise<boolean> {
  for (const url of m.mediaUrls) {
    try {
      const res = await fetch(url, { signal: AbortSignal.any([ctx.sender.signal, AbortSignal.timeout(ctx.lifecycle.mediaFetchTimeoutMs)]) });
      const bytes = Buffer.from(await res.arrayBuffer());
      if (!res.ok) return false;
      m.media.push({
        sid: newSid('ME'),
        contentType: (res.headers.get('content-type') ?? 'application/octet-stream').split(';')[0]?.trim() ?? 'application/octet-stream',
        bytes,
        dateCreated: ctx.state.now(),
        sourceUrl: url,
      });
    } catch {
      return false;
    }
  }
  return true;
}

export async function runLifecycle(ctx: EmulatorContext, m: MessageRecord, req: CreateRequest, customer: CustomerRecord): Promise<void> {
  const { state, sender } = ctx;
  const { signal } = sender;
  const started = Date.now();
  const account = state.requireAccount(m.accountSid);
  const callbackUrl = m.statusCallback ?? req.from.statusCallbackUrl;
  const at = (ms: number): Promise<void> => sleep(started + ms - Date.now(), signal);

  const move = async (status: MessageRecord['status'], errorCode?: number): Promise<void> => {
    const error = errorCode === undefined ? undefined : { code: errorCode, message: deliveryErrorMessage(errorCode) };
    if (status !== 'queued') state.setStatus(m, status, error);
    for (const notify of customer.listeners) notify();
    if (callbackUrl === undefined || callbackUrl === '') return;
    const params = statusCallbackParams({ accountSid: m.accountSid, sid: m.sid, status, from: m.from, to: m.to, ...(error === undefined ? {} : { error }) });
    const r = await deliverForm({ url: callbackUrl, authToken: account.authToken }, params, sender, `status callback ${status} for ${m.sid}`);
    ctx.onStatusCallback?.({ sid: m.sid, accountSid: m.accountSid, body: m.body, status: status as OutboundStatus, httpStatus: r.status, attempts: r.attempts, at: Date.now() });
  };

  await move('queued');
  if (signal.aborted) return;
  if (!(await fetchMedia(ctx, m))) {
    if (!signal.aborted) await move('failed', 63019);
    return;
  }
  await at(ctx.lifecycle.delays.sent);
  if (signal.aborted) return;
  let failure = ruleFailure(m, req, customer);
  if (failure === undefined) {
    const injected = ctx.failures.take(req.to);
    if (injected !== undefined) failure = { code: injected.errorCode, status: injected.status };
  }
  if (failure?.status === 'failed') return move('failed', failure.code);
  await move('sent');
  await at(ctx.lifecycle.delays.delivered);
  if (signal.aborted) return;
  if (failure?.status === 'undelivered') return move('undelivered', failure.code);
  customer.inbox.push({
    at: state.now(),
    sid: m.sid,
    ...(req.body === undefined ? {} : { body: req.body }),
    mediaUrls: [...m.mediaUrls],
    media: m.media.map((x) => ({ url: x.sourceUrl ?? '', contentType: x.contentType, bytes: x.bytes })),
    ...(m.contentSid === undefined ? {} : { contentSid: m.contentSid }),
    ...(m.contentVariables === undefined ? {} : { contentVariables: m.contentVariables }),
    ...(m.renderedText === undefined ? {} : { renderedText: m.renderedText }),
    via: 'api',
  });
  await move('delivered');
  await at(ctx.lifecycle.delays.read);
  if (signal.aborted) return;
  await move('read');
}

/** The public view of a message the hub created. */
export function toCreatedMessage(m: MessageRecord): CreatedMessage {
  return {
    sid: m.sid,
    accountSid: m.accountSid,
    from: m.from,
    to: m.to,
    ...(m.contentSid === undefined && m.body !== '' ? { body: m.body } : {}),
    mediaUrls: [...m.mediaUrls],
    ...(m.contentSid === undefined ? {} : { contentSid: m.contentSid }),
    ...(m.contentVariables === undefined ? {} : { contentVariables: m.contentVariables }),
    ...(m.renderedText === undefined ? {} : { renderedText: m.renderedText }),
    ...(m.statusCallback === undefined ? {} : { statusCallback: m.statusCallback }),
    status: m.status as OutboundStatus,
    statusHistory: m.statusHistory as OutboundStatus[],
    ...(m.errorCode === undefined ? {} : { errorCode: m.errorCode }),
    ...(m.errorMessage === undefined ? {} : { errorMessage: m.errorMessage }),
    createdAt: m.dateCreated,
  };
}

/** Every message created through the API, all accounts, oldest first. */
export function createdMessages(state: EmulatorState): CreatedMessage[] {
  return state
    .listAccounts()
    .flatMap((a) => a.messages.filter((m) => m.direction === 'outbound-api'))
    .sort((a, b) => a.dateCreated - b.dateCreated)
    .map(toCreatedMessage);
}
