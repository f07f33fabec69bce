/** The service-account JWT bearer flow at /token, and the access-token check on every API call. */
import { createPrivateKey } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGbmEmulator, type GbmEmulator, type ServiceAccountJson } from './index.js';
import { AGENT, callApi, exchange, signJwt, strangerKey } from './test-hub.js';

let clock = Date.UTC(2024, 2, 1, 12, 0, 0);
const nowSec = (): number => Math.floor(clock / 1000);
let emu: GbmEmulator;
let sa: ServiceAccountJson;

beforeAll(async () => {
  emu = await startGbmEmulator({ now: () => clock, tokenTtlSec: 600, receiptDelaysMs: false });
  sa = emu.addAgent(AGENT).serviceAccount;
});
afterAll(() => emu.close());

const textMessage = (messageId: string) => ({ messageId, representative: { representativeType: 'BOT' }, text: 'hi' });

describe('service account', () => {
  it('is a key file like the one Google Cloud hands out, one per partner', () => {
    expect(sa).toMatchObject({ type: 'service_account', token_uri: emu.tokenUrl, universe_domain: 'googleapis.com' });
    expect(emu.tokenUrl).toBe(`${emu.baseUrl}/token`);
    expect(sa.client_email).toMatch(/^[a-z0-9-]+@[a-z0-9-]{6,30}\.iam\.gserviceaccount\.com$/);
    expect(sa.client_email.endsWith(`@${sa.project_id}.iam.gserviceaccount.com`)).toBe(true);
    expect(sa.private_key_id).toMatch(/^[0-9a-f]{40}$/);
    expect(sa.client_id).toMatch(/^\d{21}$/);
    expect(createPrivateKey(sa.private_key).asymmetricKeyType).toBe('rsa');
    const sibling = emu.addAgent({ ...AGENT, agentId: 'agent-second' }).serviceAccount;
    expect(sibling).toEqual(sa);
    const other = emu.addAgent({ ...AGENT, agentId: 'agent-other', partnerId: 'partner-other' }).serviceAccount;
    expect(other.client_email).not.toBe(sa.client_email);
  });
});

describe('POST /token', () => {
  it('trades a JWT signed with the key file for a Bearer token that the API accepts', async () => {
    const r = await exchange(emu.tokenUrl, signJwt(sa, {}, { nowSec: nowSec() }));
    expect(r.status).toBe(200);
    expect(r.json).toEqual({ access_token: expect.stringMatching(/^ya29\.c\./), expires_in: 600, token_type: 'Bearer' });
    const c = emu.customer(AGENT.agentId);
    const sent = await callApi(emu.baseUrl, 'POST', `/v1/conversations/${c.conversationId}/messages`, String(r.json['access_token']), textMessage('m-1'));
    expect(sent.status).toBe(200);
    expect(emu.requests().at(-1)).toMatchObject({ path: `/v1/conversations/${c.conversationId}/messages`, status: 200, partnerId: AGENT.partnerId });
    const tokenCall = emu.requests().find((x) => x.path === '/token');
    expect(tokenCall?.body).toEqual({ grant_type: 'urn:ietf:params:oauth:grant-type:jwt-bearer', assertion: '<redacted>' });
  });

  it('accepts the same grant as JSON', async () => {
    const res = await fetch(emu.tokenUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ grant_type: 'urn:ietf:params:oauth:grant-type:jwt-bearer', assertion: signJwt(sa, {}, { nowSec: nowSec() }) }),
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toContain('no-store');
  });

  it.each([
    ['signed with another key', () => signJwt(sa, {}, { key: strangerKey(), nowSec: nowSec() }), 400, { error: 'invalid_grant', error_description: 'Invalid JWT Signature.' }],
    ['naming another key id', () => signJwt({ ...sa, private_key_id: 'f'.repeat(40) }, {}, { nowSec: nowSec() }), 400, { error: 'invalid_grant', error_description: 'Invalid JWT Signature.' }],
    ['expired', () => signJwt(sa, { iat: nowSec() - 7200, exp: nowSec() - 3600 }), 400, { error: 'invalid_grant', error_description: expect.stringMatching(/^Invalid JWT: Token must be a short-lived token \(60 minutes\)/) }],
    ['living longer than an hour', () => signJwt(sa, { iat: nowSec(), exp: nowSec() + 3601 }), 400, { error: 'invalid_grant', error_description: expect.stringContaining('short-lived') }],
    ['issued in the future', () => signJwt(sa, { iat: nowSec() + 1800, exp: nowSec() + 3600 }), 400, { error: 'invalid_grant', error_description: expect.stringContaining('iat and exp') }],
    ['for another audience', () => signJwt(sa, { aud: 'https://oauth2.googleapis.com/token' }, { nowSec: nowSec() }), 400, { error: 'invalid_grant', error_description: 'Invalid JWT: Failed audience check.' }],
    ['from an unknown account', () => signJwt(sa, { iss: 'nobody@x.iam.gserviceaccount.com' }, { nowSec: nowSec() }), 400, { error: 'invalid_grant', error_description: 'Invalid grant: account not found' }],
    ['without a scope', () => signJwt(sa, { scope: '' }, { nowSec: nowSec() }), 400, { error: 'invalid_scope', error_description: 'Invalid OAuth scope or ID token audience provided.' }],
    ['impersonating a user', () => signJwt(sa, { sub: 'someone@example.com' }, { nowSec: nowSec() }), 401, { error: 'unauthorized_client', error_description: expect.any(String) }],
    ['that is not a JWT', () => 'not-a-jwt', 400, { error: 'invalid_grant', error_description: expect.stringContaining('Invalid JWT') }],
  ])('refuses a JWT %s like Google', async (_name, jwt, status, body) => {
    const r = await exchange(emu.tokenUrl, jwt());
    expect(r.status).toBe(status);
    expect(r.json).toEqual(body);
  });

  it('refuses other grant types and a missing assertion', async () => {
    expect(await exchange(emu.tokenUrl, 'x', 'client_credentials')).toEqual({
      status: 400,
      json: { error: 'unsupported_grant_type', error_description: 'Invalid grant_type: client_credentials' },
    });
    expect(await exchange(emu.tokenUrl, '')).toEqual({ status: 400, json: { error: 'invalid_request', error_description: 'Missing required parameter: assertion' } });
  });
});

describe('access tokens on the API', () => {
  const unauthenticated = (reason: string) => ({
    error: {
      code: 401,
      message: expect.stringMatching(/^Request (is missing required|had invalid) authentication credential/),
      status: 'UNAUTHENTICATED',
      details: [expect.objectContaining({ '@type': 'type.googleapis.com/google.rpc.ErrorInfo', reason })],
    },
  });

  it('answers 401 UNAUTHENTICATED without a token, with an unknown one, and once it expired', async () => {
    const c = emu.customer(AGENT.agentId);
    const path = `/v1/conversations/${c.conversationId}/messages`;
    const none = await callApi(emu.baseUrl, 'POST', path, undefined, textMessage('a'));
    expect(none.status).toBe(401);
    expect(none.json).toEqual(unauthenticated('CREDENTIALS_MISSING'));
    expect(none.headers.get('www-authenticate')).toContain('Bearer realm="https://accounts.google.com/"');
    expect((await callApi(emu.baseUrl, 'POST', path, 'ya29.forged', textMessage('a'))).json).toEqual(unauthenticated('ACCESS_TOKEN_TYPE_UNSUPPORTED'));

    const token = String((await exchange(emu.tokenUrl, signJwt(sa, {}, { nowSec: nowSec() }))).json['access_token']);
    expect((await callApi(emu.baseUrl, 'POST', path, token, textMessage('b'))).status).toBe(200);
    clock += 600_000; // tokenTtlSec
    const expired = await callApi(emu.baseUrl, 'POST', path, token, textMessage('c'));
    expect(expired.status).toBe(401);
    expect(expired.json).toEqual(unauthenticated('ACCESS_TOKEN_EXPIRED'));
    expect(c.inbox().map((m) => m.messageId)).toEqual(['b']);
  });

  it('accepts the access_token query parameter and redacts it in requests()', async () => {
    const c = emu.customer(AGENT.agentId);
    const token = String((await exchange(emu.tokenUrl, signJwt(sa, {}, { nowSec: nowSec() }))).json['access_token']);
    const r = await callApi(emu.baseUrl, 'POST', `/v1/conversations/${c.conversationId}/messages?access_token=${token}`, undefined, textMessage('q'));
    expect(r.status).toBe(200);
    expect(emu.requests().at(-1)?.query).toEqual({ access_token: '<redacted>' });
  });

  it('answers 403 for a token without the businessmessages scope, and for another partner\'s conversation', async () => {
    const c = emu.customer(AGENT.agentId);
    const path = `/v1/conversations/${c.conversationId}/messages`;
    const narrow = await exchange(emu.tokenUrl, signJwt(sa, { scope: 'https://www.googleapis.com/auth/userinfo.email' }, { nowSec: nowSec() }));
    expect(narrow.status).toBe(200);
    const r = await callApi(emu.baseUrl, 'POST', path, String(narrow.json['access_token']), textMessage('s'));
    expect(r.status).toBe(403);
    expect(r.json).toMatchObject({ error: { code: 403, status: 'PERMISSION_DENIED', message: 'Request had insufficient authentication scopes.' } });

    const otherSa = emu.addAgent({ ...AGENT, agentId: 'agent-foreign', partnerId: 'partner-foreign' }).serviceAccount;
    const foreign = String((await exchange(emu.tokenUrl, signJwt(otherSa, {}, { nowSec: nowSec() }))).json['access_token']);
    const denied = await callApi(emu.baseUrl, 'POST', path, foreign, textMessage('f'));
    expect(denied.status).toBe(403);
    expect(denied.json).toEqual({ error: { code: 403, message: 'The caller does not have permission', status: 'PERMISSION_DENIED' } });
    expect(c.inbox()).toEqual([]);
  });
});
