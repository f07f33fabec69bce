/**
 * The one place that reads process.env. Everything else receives a validated Config.
 * A wrong value stops start-up with a message naming the variable.
 */
import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { z } from 'zod';

export interface ProviderUrls {
  lineApi: string;
  lineDataApi: string;
  twilioApi: string;
  twilioContentApi: string;
  gbmApi: string;
  googleTokenUrl: string;
}

export interface Config {
  host: string;
  port: number;
  dataDir: string;
  /** `sqlite:<file>` or `postgres://…` */
  databaseUrl: string;
  /** Base URL providers and browsers reach the hub at; callback URLs and signature checks use it. */
  publicUrl: string;
  /** 32-byte key for AES-256-GCM encryption of secured fields and for signing media URLs. */
  secretKey: Buffer;
  providers: ProviderUrls;
  logLevel: string;
  /** Largest request body accepted, in bytes. */
  bodyLimit: number;
  /**
   * Which proxies' X-Forwarded-For to believe (client address for login rate limits and logs):
   * false (default: the socket's peer), true (any), a hop count, or addresses/CIDRs.
   */
  trustProxy: boolean | number | string;
}

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

type Env = Readonly<Record<string, string | undefined>>;

const url = z.string().url().refine((u) => /^https?:\/\//.test(u), 'must be an http(s) URL');

/** Each entry: variable name → schema. Order is the README's order. */
const VARIABLES = {
  HOST: z.string().min(1).default('127.0.0.1'),
  PORT: z.coerce.number().int().min(0).max(65535).default(8080),
  SWITCHBOARD_DATA_DIR: z.string().min(1).default('./data'),
  DATABASE_URL: z
    .string()
    .refine((v) => /^(postgres(ql)?:\/\/|sqlite:)/.test(v), 'must start with postgres://, postgresql:// or sqlite:')
    .optional(),
  SWITCHBOARD_PUBLIC_URL: url.optional(),
  SWITCHBOARD_SECRET_KEY: z
    .string()
    .refine((v) => decodeKey(v) !== undefined, 'must be 32 bytes as 64 hex characters or base64')
    .optional(),
  SWITCHBOARD_LINE_API_URL: url.default('https://api.line.me'),
  SWITCHBOARD_LINE_DATA_API_URL: url.default('https://api-data.line.me'),
  SWITCHBOARD_TWILIO_API_URL: url.default('https://api.twilio.com'),
  SWITCHBOARD_TWILIO_CONTENT_API_URL: url.default('https://content.twilio.com'),
  SWITCHBOARD_GBM_API_URL: url.default('https://businessmessages.googleapis.com'),
  SWITCHBOARD_GOOGLE_TOKEN_URL: url.default('https://oauth2.googleapis.com/token'),
  SWITCHBOARD_LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  SWITCHBOARD_BODY_LIMIT: z.coerce.number().int().min(1024).default(26_214_400),
  SWITCHBOARD_TRUST_PROXY: z
    .string()
    .regex(/^(true|false|\d{1,2}|[0-9a-fA-F:.,/ ]+)$/, 'must be true, false, a hop count, or comma-separated addresses/CIDRs')
    .default('false'),
} as const;

export const CONFIG_VARIABLES = Object.keys(VARIABLES);

function decodeKey(v: string): Buffer | undefined {
  const hex = /^[0-9a-fA-F]{64}$/.test(v) ? Buffer.from(v, 'hex') : undefined;
  if (hex) return hex;
  const b64 = Buffer.from(v, 'base64');
  return b64.length === 32 ? b64 : undefined;
}

function parseVariables(env: Env): { [K in keyof typeof VARIABLES]: z.output<(typeof VARIABLES)[K]> } {
  const out: Record<string, unknown> = {};
  const problems: string[] = [];
  for (const [name, schema] of Object.entries(VARIABLES)) {
    const raw = env[name];
    const r = (schema as z.ZodType).safeParse(raw === '' ? undefined : raw);
    if (r.success) out[name] = r.data;
    else problems.push(`${name}=${JSON.stringify(raw)}: ${r.error.issues.map((i) => i.message).join('; ')}`);
  }
  if (problems.length > 0) throw new ConfigError(`Invalid configuration:\n  ${problems.join('\n  ')}`);
  return out as ReturnType<typeof parseVariables>;
}

function parseTrustProxy(v: string): boolean | number | string {
  if (v === 'true') return true;
  if (v === 'false') return false;
  return /^\d+$/.test(v) ? Number(v) : v;
}

/** Reads or creates the key file `<dataDir>/secret.key` (mode 0600). */
function loadOrCreateKey(dataDir: string): Buffer {
  const file = join(dataDir, 'secret.key');
  if (existsSync(file)) {
    const key = decodeKey(readFileSync(file, 'utf8').trim());
    if (!key) throw new ConfigError(`${file} does not hold a 32-byte key (64 hex characters)`);
    return key;
  }
  const key = randomBytes(32);
  writeFileSync(file, key.toString('hex') + '\n', { mode: 0o600, flag: 'wx' });
  chmodSync(file, 0o600);
  return key;
}

/**
 * `overrides` win over the environment; `fallbacks` apply only where the environment is silent
 * (the demo keeps its data in ./data/demo unless SWITCHBOARD_DATA_DIR says otherwise).
 */
export function loadConfig(env: Env = process.env, overrides: Partial<Config> = {}, fallbacks: { dataDir?: string } = {}): Config {
  const v = parseVariables(env);
  const dataDir = resolve(overrides.dataDir ?? (env.SWITCHBOARD_DATA_DIR ? v.SWITCHBOARD_DATA_DIR : (fallbacks.dataDir ?? v.SWITCHBOARD_DATA_DIR)));
  mkdirSync(dataDir, { recursive: true });
  const host = overrides.host ?? v.HOST;
  const port = overrides.port ?? v.PORT;
  // An IPv6 literal goes in brackets in a URL (http://[::1]:8080).
  const shownHost = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host.includes(':') ? `[${host}]` : host;
  const secretKey =
    overrides.secretKey ?? (v.SWITCHBOARD_SECRET_KEY ? decodeKey(v.SWITCHBOARD_SECRET_KEY)! : loadOrCreateKey(dataDir));
  return {
    host,
    port,
    dataDir,
    databaseUrl: overrides.databaseUrl ?? v.DATABASE_URL ?? `sqlite:${join(dataDir, 'switchboard.db')}`,
    publicUrl: (overrides.publicUrl ?? v.SWITCHBOARD_PUBLIC_URL ?? `http://${shownHost}:${port}`).replace(/\/+$/, ''),
    secretKey,
    providers: {
      lineApi: v.SWITCHBOARD_LINE_API_URL,
      lineDataApi: v.SWITCHBOARD_LINE_DATA_API_URL,
      twilioApi: v.SWITCHBOARD_TWILIO_API_URL,
      twilioContentApi: v.SWITCHBOARD_TWILIO_CONTENT_API_URL,
      gbmApi: v.SWITCHBOARD_GBM_API_URL,
      googleTokenUrl: v.SWITCHBOARD_GOOGLE_TOKEN_URL,
      ...overrides.providers,
    },
    logLevel: overrides.logLevel ?? v.SWITCHBOARD_LOG_LEVEL,
    bodyLimit: overrides.bodyLimit ?? v.SWITCHBOARD_BODY_LIMIT,
    trustProxy: overrides.trustProxy ?? parseTrustProxy(v.SWITCHBOARD_TRUST_PROXY),
  };
}
