/**
 * Starts what a scenario loads: the bare node:http server (or its WebSocket variant), or a hub on
 * a fresh store (or on a store another hub process already uses).
 */
import { forkChild, type Child } from './child.js';
import type { BaselineReady } from './baseline-server.js';
import type { HubReady, HubStart, HubStats, LineChannelCreds } from './hub-process.js';
import type { RpcClient } from './ipc.js';
import type { Target } from './scenario.js';
import { createBenchDatabase, type BenchDatabase, type StoreKind } from './stores.js';

export interface Running {
  target: Target;
  /** Stops the process and drops its store. */
  stop(): Promise<void>;
}

/**
 * The bare server: `baseline-server.js`, or with `withWebSocket` `baseline-ws-server.js`, which also
 * pushes an event per webhook to a WebSocket client (the floor of the webhook → agent loop).
 */
export async function startBaseline(o: { withWebSocket?: boolean } = {}): Promise<Running> {
  const entry = o.withWebSocket ? './baseline-ws-server.js' : './baseline-server.js';
  const child = await forkChild(new URL(entry, import.meta.url));
  try {
    const ready = await child.rpc.call<BaselineReady>('start');
    return { target: { origin: ready.origin, path: '/webhooks/line/bench', cpu: () => child.rpc.cpu() }, stop: () => child.stop() };
  } catch (e) {
    await child.stop();
    throw e;
  }
}

export interface HubTargetOptions {
  store: StoreKind;
  pgUrl: string;
  lineApiUrl: string;
  line: LineChannelCreds;
  /** Extra node flags for the hub process (e.g. --cpu-prof). */
  execArgv?: string[];
  /**
   * Run on this store, which another hub process already seeded and which the caller drops (a
   * second hub process on one PostgreSQL database), instead of on a fresh one.
   */
  join?: BenchDatabase;
  /** Where the hub's workers reach "Twilio" (the outbound bench's emulator). */
  twilioApiUrl?: string;
}

/** A running hub process: what a scenario needs, plus its store and the hub's other requests (hub-process.ts). */
export interface HubRunning extends Running {
  db: BenchDatabase;
  rpc: RpcClient;
  ready: HubReady;
}

export async function startHub(o: HubTargetOptions): Promise<HubRunning> {
  const db = o.join ?? (await createBenchDatabase(o.store, o.pgUrl));
  const dropDb = async () => {
    if (!o.join) await db.drop();
  };
  let child: Child | undefined;
  try {
    child = await forkChild(new URL('./hub-process.js', import.meta.url), o.execArgv);
    const rpc = child.rpc;
    const start: HubStart = { databaseUrl: db.url, dataDir: db.dataDir, lineApiUrl: o.lineApiUrl, line: o.line, ...(o.join ? { join: true } : {}), ...(o.twilioApiUrl ? { twilioApiUrl: o.twilioApiUrl } : {}) };
    const ready = await rpc.call<HubReady>('start', start);
    const c = child;
    return {
      db,
      rpc,
      ready,
      target: {
        origin: ready.origin,
        path: ready.webhookPath,
        cpu: () => rpc.cpu(),
        ...(db.pgName ? { pgName: db.pgName } : {}),
        storedMessages: () => rpc.call<HubStats>('stats'),
      },
      async stop() {
        await c.stop();
        await dropDb();
      },
    };
  } catch (e) {
    await child?.stop();
    await dropDb();
    throw e;
  }
}
