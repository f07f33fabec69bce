/**
 * Wires one hub process: store, services, workers and the HTTP app. Nothing here has logic of
 * its own; it only decides which piece gets which dependency.
 */
import cookie from '@fastify/cookie';
import websocket from '@fastify/websocket';
import { createServer } from 'node:http';
import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import { adapterFor, channelKinds } from './channels/registry.js';
import type { Config } from './config.js';
import { AppError } from './errors.js';
import { accountRoutes } from './http/api/accounts-routes.js';
import { automatedMessageRoutes } from './http/api/automated-message-routes.js';
import { surveyRoutes } from './http/api/survey-routes.js';
import { surveyPageRoutes } from './http/survey-page.js';
import { AutomatedMessagesService } from './services/automated-messages.js';
import { SurveyService } from './services/surveys.js';
import { AutomatedMessagesRepo } from './store/automated-messages-repo.js';
import { authRoutes } from './http/api/auth-routes.js';
import { botRoutes } from './http/api/bot-routes.js';
import { contactRoutes } from './http/api/contact-routes.js';
import { conversationRoutes } from './http/api/conversation-routes.js';
import { distributionRoutes } from './http/api/distribution-routes.js';
import { routingConfigRoutes } from './http/api/routing-config-routes.js';
import { templateRoutes } from './http/api/template-routes.js';
import { quickReplyRoutes } from './http/api/quick-reply-routes.js';
import { usersRoutes } from './http/api/users-routes.js';
import { HttpAuthenticator } from './http/auth.js';
import { errorHandler } from './http/errors.js';
import { opsRoutes } from './http/ops-routes.js';
import { realtimeRoutes } from './http/realtime.js';
import { openApiDocument, registerRoutes, type AnyRoute } from './http/route.js';
import { webAppRoutes, webDistDir } from './http/web-app.js';
import { webhookFastPath } from './http/webhooks/fast-path.js';
import { webhookReceiver, webhookRoutes } from './http/webhooks/webhook-routes.js';
import { webchatRoutes } from './http/webchat/routes.js';
import { systemClock, type Clock } from './lib/clock.js';
import { newIdempotencyKey } from './lib/ids.js';
import { createLogger, type Logger } from './lib/logger.js';
import { Sealer } from './lib/sealed.js';
import { TtlCache } from './lib/ttl-cache.js';
import { VERSION } from './version.js';
import { AccountsService } from './services/accounts-service.js';
import { AuthService } from './services/auth-service.js';
import { BlobStore } from './services/blob-store.js';
import { BotRunner } from './services/bot-runner.js';
import { BotsService } from './services/bots-service.js';
import { BotsRepo } from './store/bots-repo.js';
import { channelJobHandlers } from './services/channel-jobs.js';
import { ContactsService } from './services/contacts-service.js';
import { ConversationsService } from './services/conversations-service.js';
import { LocalEventBus, type EventBus } from './services/event-bus.js';
import { PostgresEventBus } from './store/pg-event-bus.js';
import { IngestService, type RouteTarget } from './services/ingest.js';
import { JobRunner } from './services/job-runner.js';
import { createMetrics, type Metrics } from './services/metrics.js';
import { DistributionService } from './services/distribution.js';
import { Lifecycle } from './services/lifecycle.js';
import { RoutingActions } from './services/routing-actions.js';
import { readWorkstreamRouting } from './services/routing-settings.js';
import { RoutingConfigService } from './services/routing-config-service.js';
import { TemplatesService } from './services/templates-service.js';
import { TemplatesRepo } from './store/templates-repo.js';
import { AccountsRepo } from './store/accounts-repo.js';
import { BlobsRepo } from './store/blobs-repo.js';
import { ContactsRepo } from './store/contacts-repo.js';
import { ConversationsRepo } from './store/conversations-repo.js';
import { migrate, openStore, type Store } from './store/db.js';
import { JobsRepo } from './store/jobs-repo.js';
import { RoutingConfigRepo } from './store/routing-config-repo.js';
import { UsersRepo } from './store/users-repo.js';

export interface HubOptions {
  config: Config;
  clock?: Clock;
  logger?: Logger;
  /** Start the delivery/profile/media workers (default true). */
  workers?: boolean;
  fetch?: typeof fetch;
  /** Outbound calls to providers give up after this long (default 10 s). */
  providerTimeoutMs?: number;
  /**
   * Wait before retrying a provider call that failed temporarily (5xx, timeout, network), by
   * attempt number (1 = the first try failed). Default `backoffMs` in services/job-runner.ts:
   * 1 s, 2 s, 4 s … capped at 5 minutes, with jitter. A provider's Retry-After still wins when longer.
   */
  retryBackoffMs?: (attempt: number) => number;
  /** Send the built-in automated messages where none is configured (default true; see services/automated-messages.ts). */
  automatedMessageDefaults?: boolean;
}

export interface Hub {
  config: Config;
  app: FastifyInstance;
  store: Store;
  log: Logger;
  metrics: Metrics;
  bus: EventBus;
  auth: AuthService;
  users: UsersRepo;
  accounts: AccountsService;
  routing: RoutingConfigService;
  conversations: ConversationsService;
  contacts: ContactsService;
  templates: TemplatesService;
  jobs: JobRunner;
  lifecycle: Lifecycle;
  distribution: DistributionService;
  routingActions: RoutingActions;
  automatedMessages: AutomatedMessagesService;
  surveys: SurveyService;
  /** Listens on config.host:config.port; resolves to the bound base URL. */
  listen(): Promise<string>;
  close(): Promise<void>;
}

export async function createHub(o: HubOptions): Promise<Hub> {
  const { config } = o;
  const clock = o.clock ?? systemClock;
  const log = o.logger ?? createLogger(config.logLevel);
  const store = openStore(config.databaseUrl);
  await migrate(store);
  const metrics = createMetrics();
  const sealer = new Sealer(config.secretKey);

  let bus: EventBus;
  if (store.pgPool) {
    const pgBus = new PostgresEventBus(store.pgPool, log);
    await pgBus.start();
    bus = pgBus;
  } else {
    bus = new LocalEventBus();
  }

  const users = new UsersRepo(store.db);
  const routingRepo = new RoutingConfigRepo(store.db);
  const auth = new AuthService({ users, clock });
  const accounts = new AccountsService({
    repo: new AccountsRepo(store.db),
    sealer,
    adapterFor,
    publicUrl: config.publicUrl,
    clock,
    kinds: channelKinds,
  });
  const routeCache = new TtlCache<RouteTarget | undefined>({ ttlMs: 2000, maxEntries: 10_000, now: () => clock.now() });
  const routing = new RoutingConfigService({
    repo: routingRepo,
    clock,
    accounts: { get: (id) => accounts.resolveForWebhook(id) },
    onMembershipChange: () => engine.poke(),
    onRouteChange: () => routeCache.clear(),
  });
  const blobs = new BlobStore({ dataDir: config.dataDir, repo: new BlobsRepo(store.db), sealer, clock, publicUrl: config.publicUrl });
  const queuesOf = async (userId: string) => (await routingRepo.listQueuesOfUser(userId)).map((q) => q.id);
  const resolveAccount = (id: string) => accounts.resolveForWebhook(id);

  const runner = new JobRunner({
    jobs: new JobsRepo(store.db, store.dialect),
    clock,
    log,
    handlers: channelJobHandlers({
      store,
      clock,
      log,
      bus,
      metrics,
      blobs,
      resolveAccount,
      adapterFor,
      baseUrls: config.providers as unknown as Record<string, string>,
      publicUrl: config.publicUrl,
      displayNameOf: async (id) => (await users.getUser(id))?.displayName,
      ...(o.fetch ? { fetch: o.fetch } : {}),
      ...(o.providerTimeoutMs ? { providerTimeoutMs: o.providerTimeoutMs } : {}),
      ...(o.retryBackoffMs ? { backoffMs: o.retryBackoffMs } : {}),
    }),
  });
  const onJobs = () => runner.poke();

  const lifecycle = new Lifecycle(log);
  const ingest = new IngestService({
    lifecycle,
    store,
    clock,
    log,
    bus,
    metrics,
    onJobs,
    // A bare 1–5 after an inline survey answers it instead of opening a conversation.
    interceptors: [(m) => surveys.intercept(m)],
    fetchesProfiles: (kind) => adapterFor(kind)?.capabilities.profiles === true,
    // Read for every ingest batch: cached like accounts (this process's changes clear it).
    resolveRoute: (accountId, address) =>
      routeCache.get(`${accountId}\u0000${address}`, async () => {
        const instance = await routing.findChannelInstance(accountId, address);
        if (!instance) return undefined;
        const ws = await routingRepo.getWorkstream(instance.workstreamId);
        if (!ws) return undefined;
        return {
          channelInstanceId: instance.id,
          workstreamId: ws.id,
          queueId: ws.fallbackQueueId,
          language: instance.language,
          affinity: readWorkstreamRouting(ws.settings).affinity,
        };
      }),
  });
  const providerClient = (account: { kind: string; credentials: unknown }) => {
    const adapter = adapterFor(account.kind);
    if (!adapter) throw new AppError('bad_request', `No channel adapter for ${account.kind}`);
    return adapter.createClient(account.credentials, {
      baseUrls: config.providers as unknown as Record<string, string>,
      ...(o.fetch ? { fetch: o.fetch } : {}),
      ...(o.providerTimeoutMs ? { timeoutMs: o.providerTimeoutMs } : {}),
    });
  };
  const templates = new TemplatesService({ repo: new TemplatesRepo(store.db), clock, resolveAccount, adapterFor, clientFor: providerClient });
  const conversationsRepo = new ConversationsRepo(store.db);
  const conversations = new ConversationsService({
    lifecycle,
    templates,
    sendTyping: async (c, isTyping, user) => {
      const [account, identity] = await Promise.all([accounts.resolveForWebhook(c.accountId), conversationsRepo.getIdentity(c.identityId)]);
      const client = account && identity ? providerClient(account) : undefined;
      if (!client?.sendSignal || !identity) return;
      const result = await client.sendSignal(
        identity.providerUserId,
        { type: isTyping ? 'typing_started' : 'typing_stopped', representative: { type: 'human', displayName: user.displayName } },
        newIdempotencyKey(),
      );
      if (!result.ok) log.debug({ conversationId: c.id, error: result.error.message }, 'typing signal not delivered');
    },
    store,
    clock,
    bus,
    metrics,
    blobs,
    queuesOf,
    onJobs,
    adapterFor,
    accountKind: async (id) => (await accounts.resolveForWebhook(id))?.kind,
    channelInstance: async (id) => {
      const i = await routingRepo.getChannelInstance(id, { includeDeleted: true });
      return i && { id: i.id, name: i.name, language: i.language, settings: i.settings as Record<string, unknown> };
    },
  });
  const engine = new DistributionService({ store, clock, log, bus, lifecycle });
  const actions = new RoutingActions({ engine, conversations, clock });
  const contacts = new ContactsService({ contacts: new ContactsRepo(store.db), conversations: conversationsRepo, clock, bus });

  // Automated messages and post-conversation surveys: session_ended goes out before the survey.
  const instanceOf = (id: string) => routingRepo.getChannelInstance(id, { includeDeleted: true });
  const agentName = async (id: string) => (await users.getUser(id))?.displayName;
  const accountKind = async (id: string) => (await accounts.resolveForWebhook(id))?.kind;
  const automatedMessages = new AutomatedMessagesService({
    store, clock, log, conversations, accountKind, agentName,
    repo: new AutomatedMessagesRepo(store.db),
    channelInstance: instanceOf,
    template: (id) => templates.get(id).catch(() => undefined),
    channelKinds,
    emit: (e) => lifecycle.emit(e),
    builtInDefaults: o.automatedMessageDefaults ?? true,
  });
  const surveys = new SurveyService({ store, clock, log, conversations, agentName, publicUrl: config.publicUrl, channelInstance: instanceOf, signer: sealer });
  lifecycle.on(async (e) => {
    await automatedMessages.handle(e);
    await surveys.handle(e);
  });
  // Bots: a workstream's bot gets each conversation first (src/services/bot-runner.ts).
  const botsRepo = new BotsRepo(store.db, store.dialect);
  const bots = new BotsService({ repo: botsRepo, sealer, clock, ...(o.fetch ? { http: { fetch: o.fetch } } : {}) });
  const botRunner = new BotRunner({ lifecycle, bots, repo: botsRepo, conversationsRepo, conversations, engine, bus, clock, log });


  const authenticator = new HttpAuthenticator(auth);
  const secureCookies = config.publicUrl.startsWith('https://');
  const routes: AnyRoute[] = [
    ...authRoutes({ auth, secureCookies }),
    ...usersRoutes({ auth, users }),
    ...distributionRoutes({ actions, engine, bus, now: () => clock.now(), botExists: (id) => bots.exists(id) }),
    ...botRoutes({ bots }),
    ...accountRoutes({ accounts }),
    ...routingConfigRoutes({ config: routing }),
    ...conversationRoutes({ conversations, blobs, pick: (user, id) => actions.pick(user, id) }),
    ...contactRoutes({ contacts }),
    ...templateRoutes({ templates }),
    ...automatedMessageRoutes({ automatedMessages }),
    ...surveyRoutes({ surveys }),
    ...quickReplyRoutes({ db: store.db, now: () => clock.now() }),
  ];
  // Built on the first GET /api/openapi.json, not at start: it converts every route's schemas.
  let openApiDoc: ReturnType<typeof openApiDocument> | undefined;
  const openApi = () => (openApiDoc ??= openApiDocument(routes, { version: VERSION, serverUrl: config.publicUrl }));

  const receiveWebhook = webhookReceiver({
    publicUrl: config.publicUrl,
    clock,
    metrics,
    log,
    ingest,
    resolveAccount,
    adapterFor,
    markVerified: (id) => accounts.markWebhookVerified(id),
  });
  const webhookFast = webhookFastPath({ receive: receiveWebhook, bodyLimit: config.bodyLimit, clock, log });
  const app = Fastify({
    // Plain webhooks are answered before Fastify sees them (http/webhooks/fast-path.ts).
    serverFactory: (handler) =>
      createServer((req, res) => {
        if (!webhookFast.handle(req, res)) handler(req, res);
      }),
    loggerInstance: log as FastifyBaseLogger,
    bodyLimit: config.bodyLimit,
    trustProxy: typeof config.trustProxy === 'number' ? hopsTrusted(config.trustProxy) : config.trustProxy,
    logController: new LogController({ disableRequestLogging: true }),
    return503OnClosing: true,
  });
  app.setErrorHandler(errorHandler);
  // A change is answered only once it is on disk (SQLite flushes off the event loop, see
  // store/wal-sync.ts). Webhooks wait for it in the ingest service already.
  app.addHook('onSend', async (req, _reply, payload) => {
    if (req.method !== 'GET' && req.method !== 'HEAD' && req.method !== 'OPTIONS' && !req.url.startsWith('/webhooks/')) await store.durable();
    return payload;
  });
  app.setNotFoundHandler((req, reply) => {
    void reply.code(404).send({ error: { code: 'not_found', message: `No route ${req.method} ${req.url.split('?')[0]}` } });
  });
  await app.register(cookie);
  await app.register(websocket, { options: { maxPayload: 64 * 1024 } });
  // Attachments are uploaded as raw bytes; anything else must be JSON (415 otherwise).
  app.addContentTypeParser(/^(image|video|audio)\/|^application\/(octet-stream|pdf|zip)/, { parseAs: 'buffer' }, (_r, body, done) =>
    done(null, body),
  );
  // Fastify parses text/plain by default; the API takes JSON only, so a text/plain body is a 415 too.
  app.removeContentTypeParser('text/plain');
  await app.register(async (scope) => webhookRoutes(scope, { receive: receiveWebhook, clock }));
  await app.register(async (scope) => realtimeRoutes(scope, {
      bus,
      auth: authenticator,
      publicUrl: config.publicUrl,
      queuesOf,
      onAgentTyping: (user, conversationId, isTyping) => conversations.agentTyping(user, conversationId, isTyping),
      windowHours: async (accountId) => {
        const kind = (await accounts.resolveForWebhook(accountId))?.kind;
        return kind ? adapterFor(kind)?.capabilities.messagingWindowHours : undefined;
      },
    }));
  // Web chat: the customer-facing widget API and script (/webchat/…), see src/http/webchat.
  await app.register(async (scope) => webchatRoutes(scope, {
      ingest,
      store,
      blobs,
      bus,
      clock,
      signer: sealer,
      resolveAccount,
      channelInstance: async (accountId, channelInstanceId) => {
        const i = channelInstanceId
          ? await routingRepo.getChannelInstance(channelInstanceId, { includeDeleted: true })
          : await routing.findChannelInstance(accountId);
        return i && { id: i.id, settings: i.settings as Record<string, unknown> };
      },
      displayNameOf: async (id) => (await users.getUser(id))?.displayName,
      maxUploadBytes: Math.min(config.bodyLimit, 10 * 1024 * 1024),
    }));
  await app.register(async (scope) => surveyPageRoutes(scope, { surveys }));
  await app.register(async (scope) => opsRoutes(scope, { store, registry: metrics.registry, blobs, openApi, version: VERSION }));
  registerRoutes(app, routes, authenticator);
  await app.register(async (scope) => webAppRoutes(scope, { distDir: webDistDir() }));

  if (o.workers !== false) {
    runner.start();
    engine.start();
    botRunner.start();
  }
  const jobs = runner;
  // Housekeeping: expired sessions and finished jobs older than a day.
  const jobsRepo = new JobsRepo(store.db, store.dialect);
  const housekeeping = setInterval(() => {
    auth.purgeExpiredSessions().catch((err: unknown) => log.warn({ err }, 'purging sessions failed'));
    jobsRepo.purgeDone(clock.now() - 86_400_000).catch((err: unknown) => log.warn({ err }, 'purging jobs failed'));
  }, 600_000);
  housekeeping.unref();

  return {
    config,
    app,
    store,
    log,
    metrics,
    bus,
    auth,
    users,
    accounts,
    routing,
    conversations,
    contacts,
    templates,
    jobs,
    lifecycle,
    distribution: engine,
    routingActions: actions,
    automatedMessages,
    surveys,
    async listen() {
      return app.listen({ host: config.host, port: config.port });
    },
    async close() {
      clearInterval(housekeeping);
      webhookFast.close();
      await closeGracefully(app);
      await botRunner.stop();
      await engine.stop();
      await automatedMessages.stop();
      await jobs.stop();
      await bus.close();
      await store.close();
    },
  };
}

/** Trust the nearest `hops` proxies' X-Forwarded-For entries. */
function hopsTrusted(hops: number): (address: string, hop: number) => boolean {
  return (_address, hop) => hop < hops;
}

/**
 * Stops accepting requests and lets those in flight finish. Keep-alive connections that turn
 * idle after close began would otherwise hold the server open for the whole keep-alive timeout,
 * so idle ones are closed as they appear, and whatever is left after `graceMs` is cut.
 */
async function closeGracefully(app: FastifyInstance, graceMs = 5000): Promise<void> {
  const sweep = setInterval(() => app.server.closeIdleConnections(), 50);
  const cut = setTimeout(() => app.server.closeAllConnections(), graceMs);
  try {
    await app.close();
  } finally {
    clearInterval(sweep);
    clearTimeout(cut);
  }
}

export { AppError };
