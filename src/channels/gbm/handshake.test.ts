import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { RawWebhook } from '../adapter.js';
import { gbmAdapter } from './index.js';
import { gbmHandshake, verificationRequestOf } from './handshake.js';

const creds = { clientToken: 'SJENCPGJESMGUFPY' };

function hook(body: string | Buffer): RawWebhook {
  return { url: 'https://hub.example.com/webhooks/gbm/acc_1', headers: {}, body: Buffer.isBuffer(body) ? body : Buffer.from(body) };
}

describe('gbmHandshake', () => {
  it("answers Google's verification request with the secret as plain text", () => {
    const result = gbmHandshake(hook('{"clientToken":"SJENCPGJESMGUFPY","secret":"0123456789"}'), creds);
    expect(result).toEqual({ handled: true, ok: true, ack: { status: 200, contentType: 'text/plain', body: '0123456789' } });
  });

  it('is exposed on the adapter', () => {
    expect(gbmAdapter.handshake).toBe(gbmHandshake);
  });

  it.each([
    ['another token', 'NOTTHETOKEN00000'],
    ['a token of another length', 'SJENCPGJESMGUFPY0'],
    ['a prefix of the token', 'SJENC'],
    ['an empty token', ''],
    ['the token with different case', 'sjencpgjesmgufpy'],
  ])('refuses %s with 403 and never echoes the secret', (_name, token) => {
    const result = gbmHandshake(hook(JSON.stringify({ clientToken: token, secret: 'do-not-echo' })), creds);
    expect(result).toEqual({ handled: true, ok: false, ack: { status: 403 } });
  });

  it('refuses when the account has no client token', () => {
    const result = gbmHandshake(hook('{"clientToken":"","secret":"x"}'), { clientToken: '' });
    expect(result).toMatchObject({ handled: true, ok: false });
  });

  it('ignores extra keys that are not event keys', () => {
    const body = JSON.stringify({ clientToken: creds.clientToken, secret: 'abc', partnerId: 'p1' });
    expect(gbmHandshake(hook(body), creds)).toMatchObject({ handled: true, ok: true, ack: { body: 'abc' } });
  });

  it.each([
    ['a text message', '{"clientToken":"SJENCPGJESMGUFPY","secret":"s","message":{"text":"hi"},"conversationId":"c"}'],
    ['a receipt', '{"clientToken":"SJENCPGJESMGUFPY","secret":"s","receipts":{"receipts":[]}}'],
    ['a body without secret', '{"clientToken":"SJENCPGJESMGUFPY"}'],
    ['a body without clientToken', '{"secret":"s"}'],
    ['a non-string secret', '{"clientToken":"SJENCPGJESMGUFPY","secret":123}'],
    ['an empty secret', '{"clientToken":"SJENCPGJESMGUFPY","secret":""}'],
    ['an oversized secret', JSON.stringify({ clientToken: 'SJENCPGJESMGUFPY', secret: 'x'.repeat(2000) })],
    ['a JSON array', '[{"clientToken":"SJENCPGJESMGUFPY","secret":"s"}]'],
    ['not JSON', 'clientToken=SJENCPGJESMGUFPY&secret=s'],
    ['an empty body', ''],
  ])('does not handle %s', (_name, body) => {
    expect(gbmHandshake(hook(body), creds)).toEqual({ handled: false });
  });

  it('does not handle any of the example webhook payloads', () => {
    const dir = new URL('../../../protocols/gbm/bm-test-framework-payloads/', import.meta.url);
    const files = readdirSync(dir).filter((f) => f.endsWith('.json'));
    expect(files.length).toBeGreaterThanOrEqual(8);
    for (const f of files) {
      expect(verificationRequestOf(readFileSync(new URL(f, dir)))).toBeUndefined();
      expect(gbmHandshake(hook(readFileSync(new URL(f, dir))), creds)).toEqual({ handled: false });
    }
  });
});
