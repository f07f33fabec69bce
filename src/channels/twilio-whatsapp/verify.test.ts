import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { RawWebhook } from '../adapter.js';
import { formParams, signedData, twilioSignature, urlVariants, verifyTwilioWebhook } from './verify.js';

interface Vector {
  authToken: string;
  url: string;
  params: Record<string, string>;
  body?: string;
  bodySHA256?: string;
  signature: string;
}
const { vectors } = JSON.parse(readFileSync(new URL('../../../protocols/twilio/test-vectors.json', import.meta.url), 'utf8')) as {
  vectors: Vector[];
};

function hook(url: string, body: string | Buffer, signature?: string, headers: Record<string, string> = {}): RawWebhook {
  return {
    url,
    headers: { ...headers, ...(signature === undefined ? {} : { 'x-twilio-signature': signature }) },
    body: Buffer.isBuffer(body) ? body : Buffer.from(body, 'utf8'),
  };
}

function form(params: Record<string, string> | Array<[string, string]>): string {
  return new URLSearchParams(params).toString();
}

/** Signs like Twilio: URL + sorted names, each followed by its value. */
function sign(token: string, url: string, params: Record<string, string>): string {
  return twilioSignature(token, url, signedData(formParams(form(params))));
}

const TOKEN = '0123456789abcdef0123456789abcdef';
const PARAMS = { MessageSid: 'SM123', AccountSid: 'AC123', From: 'whatsapp:+15551234567', To: 'whatsapp:+14155238886', Body: 'Hi & bye = ok?' };

describe('verifyTwilioWebhook: the test vectors', () => {
  it.each(vectors.map((v, i) => [i, v] as const))('accepts vector %i', (_i, v) => {
    const body = v.body ?? form(v.params);
    const result = verifyTwilioWebhook(hook(v.url, body, v.signature), { authToken: v.authToken });
    expect(result).toEqual({ ok: true });
  });

  it.each(vectors.map((v, i) => [i, v] as const))('computes the signature of vector %i', (_i, v) => {
    expect(twilioSignature(v.authToken, v.url, signedData(Object.entries(v.params).map(([k, x]) => [k, [x]])))).toBe(v.signature);
  });

  it.each(vectors.map((v, i) => [i, v] as const))('refuses vector %i with another auth token', (_i, v) => {
    const body = v.body ?? form(v.params);
    expect(verifyTwilioWebhook(hook(v.url, body, v.signature), { authToken: '54321' })).toMatchObject({ ok: false, status: 403 });
  });

  const json = vectors.find((v) => v.body !== undefined)!;
  it('JSON body: the body hash in the URL must match the body', () => {
    expect(createHash('sha256').update(json.body!).digest('hex')).toBe(json.bodySHA256);
    const tampered = json.body!.replace('true', 'false');
    const result = verifyTwilioWebhook(hook(json.url, tampered, json.signature), { authToken: json.authToken });
    expect(result).toMatchObject({ ok: false, status: 403, reason: expect.stringMatching(/bodySHA256/) });
  });

  it('JSON body: a changed bodySHA256 breaks the URL signature', () => {
    const other = json.body!.replace('value', 'other');
    const sha = createHash('sha256').update(other).digest('hex');
    const url = json.url.replace(json.bodySHA256!, sha);
    expect(verifyTwilioWebhook(hook(url, other, json.signature), { authToken: json.authToken })).toMatchObject({ ok: false, status: 403 });
  });
});

describe('verifyTwilioWebhook: URL variants twilio-node accepts', () => {
  const rows: Array<[name: string, advertised: string, signedAs: string]> = [
    ['advertised without port, signed with :443', 'https://hub.example.com/webhooks/twilio-whatsapp/acc_1', 'https://hub.example.com:443/webhooks/twilio-whatsapp/acc_1'],
    ['advertised with :443, signed without port', 'https://hub.example.com:443/webhooks/twilio-whatsapp/acc_1', 'https://hub.example.com/webhooks/twilio-whatsapp/acc_1'],
    ['http advertised without port, signed with :80', 'http://hub.example.com/webhooks/twilio-whatsapp/acc_1', 'http://hub.example.com:80/webhooks/twilio-whatsapp/acc_1'],
    ['http advertised with :80, signed without port', 'http://hub.example.com:80/webhooks/twilio-whatsapp/acc_1', 'http://hub.example.com/webhooks/twilio-whatsapp/acc_1'],
    [
      'with a query, advertised without port, signed with :443',
      'https://hub.example.com/webhooks/twilio-whatsapp/acc_1/status?m=msg_1',
      'https://hub.example.com:443/webhooks/twilio-whatsapp/acc_1/status?m=msg_1',
    ],
    ['exactly as advertised', 'https://hub.example.com/webhooks/twilio-whatsapp/acc_1', 'https://hub.example.com/webhooks/twilio-whatsapp/acc_1'],
    ['a non-default port, exactly', 'https://hub.example.com:8443/hook', 'https://hub.example.com:8443/hook'],
  ];
  it.each(rows)('%s', (_name, advertised, signedAs) => {
    const result = verifyTwilioWebhook(hook(advertised, form(PARAMS), sign(TOKEN, signedAs, PARAMS)), { authToken: TOKEN });
    expect(result).toEqual({ ok: true });
  });

  it('lists the variants', () => {
    expect(urlVariants('https://hub.example.com/a?b=1')).toEqual(
      expect.arrayContaining(['https://hub.example.com/a?b=1', 'https://hub.example.com:443/a?b=1']),
    );
    expect(urlVariants('https://hub.example.com:443/a')).toEqual(expect.arrayContaining(['https://hub.example.com:443/a', 'https://hub.example.com/a']));
  });

  it('refuses a signature over another host, path, scheme or query', () => {
    for (const signedAs of [
      'https://evil.example.com/webhooks/twilio-whatsapp/acc_1',
      'https://hub.example.com/webhooks/twilio-whatsapp/acc_2',
      'http://hub.example.com/webhooks/twilio-whatsapp/acc_1',
      'https://hub.example.com/webhooks/twilio-whatsapp/acc_1?m=other',
      'https://hub.example.com:444/webhooks/twilio-whatsapp/acc_1',
    ]) {
      const result = verifyTwilioWebhook(
        hook('https://hub.example.com/webhooks/twilio-whatsapp/acc_1', form(PARAMS), sign(TOKEN, signedAs, PARAMS)),
        { authToken: TOKEN },
      );
      expect(result, signedAs).toMatchObject({ ok: false, status: 403 });
    }
  });
});

describe('verifyTwilioWebhook: parameters', () => {
  const url = 'https://hub.example.com/webhooks/twilio-whatsapp/acc_1';

  it('repeated names: each value, de-duplicated and sorted (twilio-node, twilio-python)', () => {
    const pairs: Array<[string, string]> = [['MessageSid', 'SM1'], ['Tag', 'b'], ['Tag', 'a'], ['Tag', 'b']];
    const sig = twilioSignature(TOKEN, url, 'MessageSidSM1TagaTagb');
    expect(verifyTwilioWebhook(hook(url, form(pairs), sig), { authToken: TOKEN })).toEqual({ ok: true });
  });

  it('repeated names: each value in arrival order is accepted too', () => {
    const pairs: Array<[string, string]> = [['MessageSid', 'SM1'], ['Tag', 'b'], ['Tag', 'a']];
    const sig = twilioSignature(TOKEN, url, 'MessageSidSM1TagbTaga');
    expect(verifyTwilioWebhook(hook(url, form(pairs), sig), { authToken: TOKEN })).toEqual({ ok: true });
  });

  it('sorts names by code unit (upper case before lower case)', () => {
    expect(signedData(formParams('b=2&B=1&a=3'))).toBe('B1a3b2');
  });

  it('decodes the form before signing (+ and %XX)', () => {
    const body = 'Body=Hi+there%21&MessageSid=SM1';
    const sig = twilioSignature(TOKEN, url, 'BodyHi there!MessageSidSM1');
    expect(verifyTwilioWebhook(hook(url, body, sig), { authToken: TOKEN })).toEqual({ ok: true });
  });

  it('refuses a changed value, an added parameter and a removed one', () => {
    const sig = sign(TOKEN, url, PARAMS);
    for (const body of [
      form({ ...PARAMS, Body: 'Hi & bye = ok!' }),
      form({ ...PARAMS, Extra: '1' }),
      form(Object.fromEntries(Object.entries(PARAMS).filter(([k]) => k !== 'Body'))),
    ]) {
      expect(verifyTwilioWebhook(hook(url, body, sig), { authToken: TOKEN })).toMatchObject({ ok: false, status: 403 });
    }
  });
});

describe('verifyTwilioWebhook: fails closed with 403', () => {
  const url = 'https://hub.example.com/webhooks/twilio-whatsapp/acc_1';
  const body = form(PARAMS);
  const sig = sign(TOKEN, url, PARAMS);

  it('accepts the untouched request (control)', () => {
    expect(verifyTwilioWebhook(hook(url, body, sig), { authToken: TOKEN })).toEqual({ ok: true });
  });

  it('a missing header', () => {
    expect(verifyTwilioWebhook(hook(url, body), { authToken: TOKEN })).toMatchObject({ ok: false, status: 403, reason: expect.stringMatching(/missing/i) });
  });

  it('an empty header', () => {
    expect(verifyTwilioWebhook(hook(url, body, ''), { authToken: TOKEN })).toMatchObject({ ok: false, status: 403 });
  });

  it('a header of another length, or one flipped character', () => {
    const flipped = (sig.startsWith('A') ? 'B' : 'A') + sig.slice(1);
    for (const s of [sig.slice(0, -1), `${sig}=`, 'x', sig.repeat(2), flipped]) {
      expect(verifyTwilioWebhook(hook(url, body, s), { authToken: TOKEN })).toMatchObject({ ok: false, status: 403 });
    }
  });

  it('the right signature under a header name that is not lower-cased', () => {
    const raw: RawWebhook = { url, headers: { 'X-Twilio-Signature': sig }, body: Buffer.from(body) };
    expect(verifyTwilioWebhook(raw, { authToken: TOKEN })).toMatchObject({ ok: false, status: 403 });
  });

  it('no auth token configured', () => {
    expect(verifyTwilioWebhook(hook(url, body, twilioSignature('', url, signedData(formParams(body)))), { authToken: '' })).toMatchObject({
      ok: false,
      status: 403,
    });
  });

  it('a URL that is not a URL', () => {
    expect(verifyTwilioWebhook(hook('not a url', body, sig), { authToken: TOKEN })).toMatchObject({ ok: false, status: 403 });
  });
});
