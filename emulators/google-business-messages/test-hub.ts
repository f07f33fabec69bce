/**
 * Test support: a node:http server standing in for the hub's Business Messages webhook (it answers
 * the verification handshake like a hub would), and a JWT signer standing in for the hub's token client.
 */
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { generateKeyPairSync, sign } from 'node:crypto';
import { GBM_SCOPE, JWT_BEARER_GRANT } from './oauth.js';
import type { ServiceAccountJson } from './types.js';

export interface ReceivedWebhook {
  headers: IncomingHttpHeaders;
  raw: Buffer;
  json: Record<string, unknown>;
}
export interface TestHub {
  url: string;
  received: ReceivedWebhook[];
  /** Verification handshakes, apart from the webhooks. */
  handshakes: ReceivedWebhook[];
  /** Statuses for the next webhooks (not handshakes), in order; afterwards 200. */
  respondWith(statuses: number[]): void;
  /** How the verification handshake is answered: echo the secret (default), or a fixed status and body. */
  handshake(mode: 'echo' | { status: number; body: string }): void;
  close(): Promise<void>;
}

export async function startTestHub(): Promise<TestHub> {
  const received: ReceivedWebhook[] = [];
  const handshakes: ReceivedWebhook[] = [];
  let statuses: number[] = [];
  let handshake: 'echo' | { status: number; body: string } = 'echo';
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const raw = Buffer.concat(chunks);
      const json = JSON.parse(raw.toString('utf8')) as Record<string, unknown>;
      if (typeof json['secret'] === 'string' && json['agent'] === undefined) {
        handshakes.push({ headers: req.headers, raw, json });
        const answer = handshake === 'echo' ? { status: 200, body: json['secret'] } : handshake;
        res.writeHead(answer.status, { 'content-type': 'text/plain' }).end(answer.body);
        return;
      }
      received.push({ headers: req.headers, raw, json });
      res.statusCode = statuses.shift() ?? 200;
      res.end(res.statusCode === 200 ? 'OK' : 'nope');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/webhooks/gbm`,
    received,
    handshakes,
    respondWith(s) {
      statuses = [...s];
    },
    handshake(mode) {
      handshake = mode;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

export const AGENT = {
  agentId: 'agent-7f3a',
  brandId: 'brand-19c2',
  partnerId: 'partner-42',
  clientToken: 'SJENCPGJESMGUFPY',
} as const;

/** An RS256 JWT as a service-account token client signs it; `claims` override the defaults. */
export function signJwt(sa: ServiceAccountJson, claims: Record<string, unknown> = {}, opts: { key?: string; nowSec?: number } = {}): string {
  const iat = Math.floor(opts.nowSec ?? Date.now() / 1000);
  const header = { alg: 'RS256', typ: 'JWT', kid: sa.private_key_id };
  const body = { iss: sa.client_email, scope: GBM_SCOPE, aud: sa.token_uri, iat, exp: iat + 3600, ...claims };
  const input = `${Buffer.from(JSON.stringify(header)).toString('base64url')}.${Buffer.from(JSON.stringify(body)).toString('base64url')}`;
  return `${input}.${sign('sha256', Buffer.from(input), opts.key ?? sa.private_key).toString('base64url')}`;
}

/** A private key no service account has. */
export function strangerKey(): string {
  return generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
}

/** POSTs the assertion to the token endpoint as a form, like the hub. */
export async function exchange(tokenUrl: string, assertion: string, grantType: string = JWT_BEARER_GRANT): Promise<{ status: number; json: Record<string, unknown> }> {
  const res = await fetch(tokenUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ grant_type: grantType, assertion }).toString(),
  });
  return { status: res.status, json: (await res.json()) as Record<string, unknown> };
}

/** An access token for the service account, or throws. */
export async function accessToken(sa: ServiceAccountJson, nowSec?: number): Promise<string> {
  const r = await exchange(sa.token_uri, signJwt(sa, {}, nowSec === undefined ? {} : { nowSec }));
  if (r.status !== 200 || typeof r.json['access_token'] !== 'string') throw new Error(`token exchange failed: ${JSON.stringify(r.json)}`);
  return r.json['access_token'];
}

/** A JSON API call with a bearer token. */
export async function callApi(
  baseUrl: string,
  method: string,
  path: string,
  token: string | undefined,
  body?: unknown,
): Promise<{ status: number; headers: Headers; json: Record<string, unknown> }> {
  const res = await fetch(`${baseUrl}${path}`, {
    method,
    headers: { 'content-type': 'application/json', ...(token === undefined ? {} : { authorization: `Bearer ${token}` }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return { status: res.status, headers: res.headers, json: (await res.json()) as Record<string, unknown> };
}
