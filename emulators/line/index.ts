/** LINE Messaging API emulator: a local LINE platform for the hub, the official SDK, and people. */
import { listen } from '../shared/http.js';
import { getMessagingValidator, type EmulatorContext } from './context.js';
import { createCustomer } from './customer.js';
import { FaultList, RateLimiter } from './faults.js';
import { MediaStore } from './media.js';
import { buildApp } from './server.js';
import { EmulatorState } from './state.js';
import type { EmulatedCustomer, LineEmulator, LineEmulatorOptions } from './types.js';

export type {
  ChannelConfig,
  CustomerProfileInput,
  EmulatedCustomer,
  FaultSpec,
  LineEmulator,
  LineEmulatorOptions,
  LineMessage,
  ReceivedMessage,
  RecordedRequest,
  WebhookDelivery,
} from './types.js';
export type { SpecErrorDetail } from './spec-validator.js';
export { lineSignature, WEBHOOK_USER_AGENT } from './webhook-sender.js';

export async function startLineEmulator(opts: LineEmulatorOptions = {}): Promise<LineEmulator> {
  const now = opts.now ?? Date.now;
  const state = new EmulatorState(now, opts.replyTokenTtlMs ?? 60_000);
  const customers = new Map<string, EmulatedCustomer>();
  const ctx: EmulatorContext = {
    state,
    media: new MediaStore(),
    faults: new FaultList(),
    limiter: new RateLimiter(opts.rateLimitPerSecond ?? 2000, now),
    validator: getMessagingValidator(),
    sender: {
      attempts: opts.webhookAttempts ?? 3,
      retryDelayMs: opts.webhookRetryDelayMs ?? 100,
      timeoutMs: opts.webhookTimeoutMs ?? 10_000,
      log: { warn: () => undefined },
    },
    recorded: [],
    customer(channelId, userId, profile) {
      const record = state.customer(channelId, userId, profile);
      const key = `${channelId}\u0000${record.userId}`;
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
  const baseUrl = await listen(app, opts.host, opts.port);

  return {
    baseUrl,
    addChannel(c) {
      state.addChannel(c);
    },
    setWebhookUrl(channelId, url) {
      state.requireChannel(channelId).webhookUrl = url;
    },
    customer: (channelId, userId, profile) => ctx.customer(channelId, userId, profile),
    requests: () => [...ctx.recorded],
    injectFault(f) {
      ctx.faults.add(f);
    },
    clearFaults() {
      ctx.faults.clear();
    },
    // Like the other emulators: drop open connections too, or close() waits for them (a client
    // that gave up on a delayed fault can leave one behind for the whole keep-alive timeout).
    async close() {
      const closed = app.close();
      app.server.closeAllConnections();
      await closed;
    },
  };
}
