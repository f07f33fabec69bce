/** Twilio Programmable Messaging (WhatsApp) emulator: a local Twilio for the hub, the official SDK, and people. */
import { setMaxListeners } from 'node:events';
import { listen } from '../shared/http.js';
import { WebhookClient } from '../shared/webhook-client.js';
import { getFormValidator, type EmulatorContext } from './context.js';
import { createCustomer } from './customer.js';
import { DeliveryFailures, FaultList, RateLimiter } from './faults.js';
import { createdMessages } from './outbound.js';
import { buildApp } from './server.js';
import { EmulatorState } from './state.js';
import type { EmulatedWhatsAppCustomer, TwilioEmulator, TwilioEmulatorOptions } from './types.js';

export type {
  AccountConfig,
  ContentApproval,
  ContentInput,
  CreatedMessage,
  DeliveryFailureSpec,
  EmulatedWhatsAppCustomer,
  FaultSpec,
  NumberConfig,
  OutboundStatus,
  ReceivedWhatsApp,
  RecordedRequest,
  StatusCallbackReport,
  TwilioEmulator,
  TwilioEmulatorOptions,
  WebhookDelivery,
} from './types.js';
export type { SpecErrorDetail } from './spec-validator.js';
export { twilioSignature, WEBHOOK_USER_AGENT } from './webhook-sender.js';

export async function startTwilioEmulator(opts: TwilioEmulatorOptions = {}): Promise<TwilioEmulator> {
  const now = opts.now ?? Date.now;
  const state = new EmulatorState(now);
  const customers = new Map<string, EmulatedWhatsAppCustomer>();
  const abort = new AbortController();
  // Every media fetch in flight listens on it (many at a time under load): not a leak.
  setMaxListeners(0, abort.signal);
  const client = new WebhookClient({ signal: abort.signal });
  const ctx: EmulatorContext = {
    state,
    faults: new FaultList(),
    limiter: new RateLimiter(opts.rateLimitPerSecond ?? 100, now),
    failures: new DeliveryFailures(),
    forms: getFormValidator(),
    sender: {
      attempts: opts.webhookAttempts ?? 3,
      retryDelayMs: opts.webhookRetryDelayMs ?? 100,
      timeoutMs: opts.webhookTimeoutMs ?? 10_000,
      log: { warn: () => undefined },
      signal: abort.signal,
      client,
    },
    lifecycle: {
      delays: { sent: opts.statusDelaysMs?.sent ?? 20, delivered: opts.statusDelaysMs?.delivered ?? 40, read: opts.statusDelaysMs?.read ?? 60 },
      mediaFetchTimeoutMs: opts.mediaFetchTimeoutMs ?? 10_000,
    },
    recorded: [],
    ...(opts.onStatusCallback === undefined ? {} : { onStatusCallback: opts.onStatusCallback }),
    baseUrl: '',
    pending: new Set(),
    customer(accountSid, businessNumber, waNumber, profileName) {
      const record = state.customer(accountSid, businessNumber, waNumber, profileName);
      const key = `${accountSid}\u0000${businessNumber}\u0000${waNumber}`;
      let c = customers.get(key);
      if (c === undefined) {
        c = createCustomer(ctx, record);
        customers.set(key, c);
      }
      return c;
    },
  };
  const app = buildApp(ctx, opts.logger ?? false);
  ctx.sender.log = app.log;
  ctx.baseUrl = await listen(app, opts.host, opts.port);

  return {
    baseUrl: ctx.baseUrl,
    addAccount(a) {
      state.addAccount(a);
    },
    addNumber(n) {
      state.addNumber(n);
    },
    setWebhookUrl(accountSid, number, url) {
      state.requireNumber(accountSid, number).webhookUrl = url;
    },
    customer: (accountSid, businessNumber, waNumber, profileName) => ctx.customer(accountSid, businessNumber, waNumber, profileName),
    addContent: (accountSid, c) => ({ sid: state.addContent(accountSid, c).sid }),
    requests: () => [...ctx.recorded],
    injectFault(f) {
      ctx.faults.add(f);
    },
    clearFaults() {
      ctx.faults.clear();
    },
    failNextDeliveries(f) {
      ctx.failures.add(f);
    },
    messagesCreated: () => createdMessages(state),
    async close() {
      abort.abort();
      const closing = app.close();
      app.server.closeAllConnections();
      await closing;
      await Promise.all([...ctx.pending]);
      client.close();
    },
  };
}
