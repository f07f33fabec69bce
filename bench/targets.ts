/** Starts what a scenario loads: the bare node:http server, or a hub on a fresh store. */
import { forkChild, type Child } from './child.js';
import type { BaselineReady } from './baseline-server.js';
import type { HubReady, HubStart, HubStats, LineChannelCreds } from './hub-process.js';
import type { Target } from './scenario.js';
import { createBenchDatabase, type StoreKind } from './stores.js';

export interface Running {
  target: Target;
  /** Stops the process and drops its store. */
  stop(): Promise<void>;
}

export async function startBaseline(): Promise<Running> {
  const child = await forkChild(new URL('./baseline-server.js', import.meta.url));
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
}

export async function startHub(o: HubTargetOptions): Promise<Running> {
  const db = await createBenchDatabase(o.store, o.pgUrl);
  let child: Child | undefined;
  try {
    child = await forkChild(new URL('./hub-process.js', import.meta.url), o.execArgv);
    const rpc = child.rpc;
    const start: HubStart = { databaseUrl: db.url, dataDir: db.dataDir, lineApiUrl: o.lineApiUrl, line: o.line };
    const ready = await rpc.call<HubReady>('start', start);
    const c = child;
    return {
      target: {
        origin: ready.origin,
        path: ready.webhookPath,
        cpu: () => rpc.cpu(),
        ...(db.pgName ? { pgName: db.pgName } : {}),
        storedMessages: () => rpc.call<HubStats>('stats'),
      },
      async stop() {
        await c.stop();
        await db.drop();
      },
    };
  } catch (e) {
    await child?.stop();
    await db.drop();
    throw e;
  }
}
