/** twilioSignature matches the published vectors and twilio-node's own validator. */
import { readFileSync } from 'node:fs';
import twilio from 'twilio';
import { describe, expect, it } from 'vitest';
import { twilioSpecPath } from './spec.js';
import { formBody, twilioSignature } from './webhook-sender.js';

interface Vector {
  authToken: string;
  url: string;
  params: Record<string, string>;
  signature: string;
  body?: string;
  bodySHA256?: string;
}
const vectors = (JSON.parse(readFileSync(twilioSpecPath('test-vectors.json'), 'utf8')) as { vectors: Vector[] }).vectors;

describe('twilioSignature', () => {
  it('has vectors to check', () => {
    expect(vectors.length).toBeGreaterThanOrEqual(3);
  });

  for (const v of vectors) {
    it(`signs ${v.url} as ${v.signature}`, () => {
      expect(twilioSignature(v.authToken, v.url, v.params)).toBe(v.signature);
      expect(twilio.validateRequest(v.authToken, v.signature, v.url, v.params)).toBe(true);
    });
  }

  it('sorts names by code unit and covers repeated values the way twilio-node does', () => {
    const url = 'https://hub.example/webhooks/twilio?x=1';
    const params = { b: '2', a: '1', MediaUrl: ['https://m/2', 'https://m/1'], Body: 'héllo & bye' };
    const sig = twilioSignature('secret', url, params);
    expect(twilio.getExpectedTwilioSignature('secret', url, params)).toBe(sig);
    expect(twilio.validateRequest('secret', sig, url, params)).toBe(true);
    expect(twilio.validateRequest('secret', sig, url, { ...params, b: '3' })).toBe(false);
  });

  it('encodes forms with repeated names', () => {
    expect(formBody({ To: 'whatsapp:+1555', MediaUrl: ['a', 'b'] })).toBe('To=whatsapp%3A%2B1555&MediaUrl=a&MediaUrl=b');
  });
});
