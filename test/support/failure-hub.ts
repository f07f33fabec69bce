/**
 * The failure tests' hub: like startTestHub (a real hub on a real socket with the three provider
 * emulators, an admin signed in), plus the hub options those tests turn: the provider timeout,
 * the retry backoff, a wrapped fetch, workers on or off, and where the SQLite file lives. The
 * answer is a TestHub, so the channel set-up helpers of ./hub.ts work on it unchanged.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startGbmEmulator } from '../../emulators/google-business-messages/index.js';
import { startLineEmulator } from '../../emulators/line/index.js';
import { startTwilioEmulator } from '../../emulators/twilio/index.js';
import { loadConfig, type Config } from '../../src/config.js';
import { createHub, type HubOptions } from '../../src/hub.js';
import { createLogger, type Logger } from '../../src/lib/logger.js';
import { ApiClient } from './api-client.js';
import { ADMIN, freePort, type TestHub } from './hub.js';
import { createTestDatabase, type StoreKind, type TestDatabase } from './stores.js';

export interface FailureHubOptions {
  /** Hub options beyond config and logger (providerTimeoutMs, retryBackoffMs, fetch, workers). */
  hub?: Omit<HubOptions, 'config' | 'logger'>;
  /** Config fields to override (bodyLimit…). */
  config?: Partial<Config>;
  logger?: Logger;
  line?: Parameters<typeof startLineEmulator>[0];
  twilio?: Parameters<typeof startTwilioEmulator>[0];
  gbm?: Parameters<typeof startGbmEmulator>[0];
  /**
   * SQLite only: keep the file in RAM (/dev/shm when there is one). Commits still fsync; on tmpfs
   * that costs nothing, which lets the fuzz tests push thousands of commits through in seconds.
   */
  sqliteInMemoryFs?: boolean;
  /** An existing database to use instead of a fresh one (the test drops it). */
  db?: TestDatabase;
}

function ramSqliteDatabase(): TestDatabase {
  let base = tmpdir();
  try {
    base = mkdtempSync(join('/dev/shm', 'sb-failure-'));
  } catch {
    base = mkdtempSync(join(tmpdir(), 'sb-failure-'));
  }
  return {
    url: `sqlite:${join(base, 'test.db')}`,
    dataDir: base,
    drop: async () => rmSync(base, { recursive: true, force: true }),
  };
}

export async function startFailureHub(kind: StoreKind, o: FailureHubOptions = {}): Promise<TestHub> {
  const db = o.db ?? (kind === 'sqlite' && o.sqliteInMemoryFs ? ramSqliteDatabase() : await createTestDatabase(kind));
  const line = await startLineEmulator({ webhookRetryDelayMs: 20, ...o.line });
  const twilio = await startTwilioEmulator({ webhookRetryDelayMs: 20, ...o.twilio });
  const gbm = await startGbmEmulator({ webhookRetryDelayMs: 20, ...o.gbm });
  const port = await freePort();
  const config = loadConfig(
    { SWITCHBOARD_LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent' },
    {
      host: '127.0.0.1',
      port,
      dataDir: db.dataDir,
      databaseUrl: db.url,
      providers: {
        ...loadConfig({}, { dataDir: db.dataDir }).providers,
        lineApi: line.baseUrl,
        lineDataApi: line.baseUrl,
        twilioApi: twilio.baseUrl,
        twilioContentApi: twilio.baseUrl,
        gbmApi: gbm.baseUrl,
        googleTokenUrl: gbm.tokenUrl,
      },
      ...o.config,
    },
  );
  const hub = await createHub({ providerTimeoutMs: 3000, ...o.hub, config, logger: o.logger ?? createLogger(config.logLevel) });
  const url = await hub.listen();
  await hub.auth.createUser({ ...ADMIN, role: 'admin' });
  const admin = new ApiClient(url);
  await admin.login(ADMIN.email, ADMIN.password);
  return {
    hub,
    url,
    db,
    line,
    twilio,
    gbm,
    admin,
    async close() {
      await bounded('hub', () => hub.close());
      await bounded('LINE emulator', () => line.close());
      await bounded('Twilio emulator', () => twilio.close());
      await bounded('Business Messages emulator', () => gbm.close());
      await bounded('database', () => db.drop());
    },
  };
}

async function bounded(name: string, fn: () => Promise<void>, limitMs = 10_000): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([
    fn(),
    new Promise<void>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`closing the ${name} took over ${limitMs} ms`)), limitMs);
    }),
  ]).finally(() => clearTimeout(timer));
}

/** A small seeded PRNG (mulberry32), so a failing run can be replayed from its printed seed. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A seed from the environment (SWITCHBOARD_TEST_SEED) or a fresh one; printed by the callers. */
export function testSeed(): number {
  const fromEnv = Number(process.env.SWITCHBOARD_TEST_SEED);
  return Number.isInteger(fromEnv) && fromEnv > 0 ? fromEnv : Math.floor(Math.random() * 2 ** 31) + 1;
}
