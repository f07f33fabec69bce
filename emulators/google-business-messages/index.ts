/**
 * Google's Business Messages emulator: the Business Messages API, Google's OAuth token endpoint and
 * the customer's phone, locally, for the hub, the official `businessmessages` client, and people.
 */
import { listen } from '../shared/http.js';
import { registerAgent, setAgentWebhook } from './agents.js';
import { Timers, type EmulatorContext } from './context.js';
import { createCustomer } from './customer.js';
import { loadDiscovery } from './discovery.js';
import { FaultList } from './faults.js';
import { CustomerMediaStore } from './media.js';
import { TokenStore } from './oauth.js';
import { buildApp } from './server.js';
import { createDiscoveryValidator, type DiscoveryValidator } from './spec-validator.js';
import { EmulatorState } from './state.js';
import type { EmulatedGbmCustomer, GbmEmulator, GbmEmulatorOptions } from './types.js';

export type {
  CustomerOptions,
  EmulatedGbmCustomer,
  FaultSpec,
  FieldViolation,
  GbmAgentConfig,
  GbmEmulator,
  GbmEmulatorOptions,
  GbmRepresentative,
  ReceivedGbm,
  ReceivedGbmEvent,
  ReceivedGbmSurvey,
  ReceivedImage,
  RecordedRequest,
  SentGbm,
  ServiceAccountJson,
  WebhookDelivery,
} from './types.js';
export { gbmSignature, gsonJson, WEBHOOK_USER_AGENT } from './webhook-sender.js';
export { GBM_SCOPE, JWT_BEARER_GRANT } from './oauth.js';

let validator: DiscoveryValidator | undefined;
/** Compiled once per process from protocols/gbm/businessmessages-v1-discovery.json. */
function getValidator(): DiscoveryValidator {
  validator ??= createDiscoveryValidator(loadDiscovery());
  return validator;
}

function receiptDelays(o: GbmEmulatorOptions['receiptDelaysMs']): EmulatorContext['receiptDelays'] {
  if (o === false) return { delivered: false, read: false };
  return { delivered: o?.delivered ?? 20, read: o?.read ?? 40 };
}

export async function startGbmEmulator(opts: GbmEmulatorOptions = {}): Promise<GbmEmulator> {
  const now = opts.now ?? Date.now;
  const closing = new AbortController();
  const customers = new Map<string, EmulatedGbmCustomer>();
  const ctx: EmulatorContext = {
    state: new EmulatorState(now),
    tokens: new TokenStore(now, opts.tokenTtlSec ?? 3600),
    faults: new FaultList(),
    validator: getValidator(),
    sender: {
      attempts: opts.webhookAttempts ?? 3,
      retryDelayMs: opts.webhookRetryDelayMs ?? 100,
      timeoutMs: opts.webhookTimeoutMs ?? 10_000,
      log: { warn: () => undefined },
      signal: closing.signal,
    },
    customerMedia: new CustomerMediaStore(now, opts.mediaUrlTtlSec ?? 604_800),
    recorded: [],
    receiptDelays: receiptDelays(opts.receiptDelaysMs),
    baseUrl: '',
    tokenUrl: '',
    timers: new Timers(),
    customer(agentId, customerOpts) {
      const record = ctx.state.conversation(agentId, customerOpts);
      let c = customers.get(record.conversationId);
      if (c === undefined) {
        c = createCustomer(ctx, record);
        customers.set(record.conversationId, c);
      }
      return c;
    },
  };
  const app = buildApp(ctx, opts.logger ?? false);
  ctx.sender.log = app.log;
  ctx.baseUrl = await listen(app, opts.host, opts.port);
  ctx.tokenUrl = `${ctx.baseUrl}/token`;

  return {
    baseUrl: ctx.baseUrl,
    tokenUrl: ctx.tokenUrl,
    addAgent: (a) => registerAgent(ctx, a),
    setWebhook: (agentId, url) => setAgentWebhook(ctx, agentId, url),
    customer: (agentId, customerOpts) => ctx.customer(agentId, customerOpts),
    requests: () => [...ctx.recorded],
    injectFault(f) {
      ctx.faults.add(f);
    },
    clearFaults() {
      ctx.faults.clear();
    },
    async close() {
      ctx.timers.stop();
      closing.abort();
      const closed = app.close();
      app.server.closeAllConnections();
      await closed;
    },
  };
}
