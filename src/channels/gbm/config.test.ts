import { generateKeyPairSync } from 'node:crypto';
import { z } from 'zod';
import { describe, expect, it } from 'vitest';
import { gbmAdapter } from './index.js';
import { gbmCredentialsSchema, gbmSettingsSchema, serviceAccountSchema } from './config.js';

const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
const PEM = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
/** A line of the key's body missing: the PEM armour is intact, the key is not. */
const damaged = PEM.split('\n').filter((_, i) => i !== 3).join('\n');
const ecPem = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();

/** The shape of a key file as Google Cloud downloads it. */
const keyFile = {
  type: 'service_account',
  project_id: 'switchboard-test',
  private_key_id: '0123456789abcdef0123456789abcdef01234567',
  private_key: PEM,
  client_email: 'bm-agent@switchboard-test.iam.gserviceaccount.com',
  client_id: '112233445566778899',
  auth_uri: 'https://accounts.google.com/o/oauth2/auth',
  token_uri: 'https://oauth2.googleapis.com/token',
  auth_provider_x509_cert_url: 'https://www.googleapis.com/oauth2/v1/certs',
  client_x509_cert_url: 'https://www.googleapis.com/robot/v1/metadata/x509/bm-agent%40switchboard-test.iam.gserviceaccount.com',
  universe_domain: 'googleapis.com',
};

const good = {
  partnerId: '8c1e7b2a-5f4d-4c3b-9a2e-1d0f9e8c7b6a',
  clientToken: 'SJENCPGJESMGUFPY',
  serviceAccount: keyFile,
  brandId: 'af0ef816-cef8-479e-b4b6-650d5e8b90b1',
  agentId: '31a8d3e0-490f-4ecc-887b-42df4dd1952e',
};

describe('Business Messages credentials', () => {
  it('accepts the key file as an object and keeps all of it', () => {
    const parsed = gbmCredentialsSchema.parse(good);
    expect(parsed).toEqual(good);
    expect(parsed.serviceAccount).toEqual(keyFile); // client_id, auth_uri, … are kept
  });

  it('accepts the key file as the JSON text the admin uploaded', () => {
    const parsed = gbmCredentialsSchema.parse({ ...good, serviceAccount: JSON.stringify(keyFile, null, 2) });
    expect(parsed.serviceAccount).toEqual(keyFile);
  });

  it('accepts its own output again (an update re-validates the stored credentials)', () => {
    const once = gbmCredentialsSchema.parse(good);
    expect(gbmCredentialsSchema.parse(JSON.parse(JSON.stringify(once)))).toEqual(once);
  });

  it('trims pasted whitespace and reduces pasted resource names to their id', () => {
    const parsed = gbmCredentialsSchema.parse({
      ...good,
      clientToken: ` ${good.clientToken}\n`,
      brandId: `brands/${good.brandId}`,
      agentId: ` brands/${good.brandId}/agents/${good.agentId} `,
      partnerId: `partners/${good.partnerId}`,
    });
    expect(parsed).toMatchObject({ clientToken: good.clientToken, brandId: good.brandId, agentId: good.agentId, partnerId: good.partnerId });
  });

  it.each([
    ['a missing partner id', { ...good, partnerId: undefined }, 'partnerId'],
    ['a partner id with spaces', { ...good, partnerId: 'my partner' }, 'partnerId'],
    ['an empty client token', { ...good, clientToken: '   ' }, 'clientToken'],
    ['a missing brand id', { ...good, brandId: '' }, 'brandId'],
    ['an agent id with a slash', { ...good, agentId: 'a/b' }, 'agentId'],
    ['a missing service account', { ...good, serviceAccount: undefined }, 'serviceAccount'],
    ['a key file that is not JSON', { ...good, serviceAccount: '{"private_key": "-----BEGIN' }, 'serviceAccount'],
    ['a key file that is a JSON array', { ...good, serviceAccount: '[1,2]' }, 'serviceAccount'],
    ['a key file without private_key', { ...good, serviceAccount: { ...keyFile, private_key: undefined } }, 'serviceAccount.private_key'],
    ['a private key that is not PEM', { ...good, serviceAccount: { ...keyFile, private_key: 'MIIEvQIBADANBg' } }, 'serviceAccount.private_key'],
    ['a damaged PEM key', { ...good, serviceAccount: { ...keyFile, private_key: damaged } }, 'serviceAccount.private_key'],
    ['a public key', { ...good, serviceAccount: { ...keyFile, private_key: privateKey.export({ type: 'pkcs1', format: 'pem' }).toString().replace(/PRIVATE/g, 'PUBLIC') } }, 'serviceAccount.private_key'],
    ['an EC key (RS256 needs RSA)', { ...good, serviceAccount: { ...keyFile, private_key: ecPem } }, 'serviceAccount.private_key'],
    ['a client_email that is no e-mail', { ...good, serviceAccount: { ...keyFile, client_email: 'bm-agent' } }, 'serviceAccount.client_email'],
    ['a token_uri that is no URL', { ...good, serviceAccount: { ...keyFile, token_uri: 'oauth2.googleapis.com/token' } }, 'serviceAccount.token_uri'],
    ['a token_uri that is not http(s)', { ...good, serviceAccount: { ...keyFile, token_uri: 'file:///etc/passwd' } }, 'serviceAccount.token_uri'],
  ])('refuses %s', (_name, input, field) => {
    const result = gbmCredentialsSchema.safeParse(input);
    expect(result.success).toBe(false);
    expect(result.error?.issues.map((i) => i.path.join('.'))).toContain(field);
  });

  it('accepts a PKCS#1 ("BEGIN RSA PRIVATE KEY") key too', () => {
    const pkcs1 = privateKey.export({ type: 'pkcs1', format: 'pem' }).toString();
    expect(serviceAccountSchema.safeParse({ ...keyFile, private_key: pkcs1 }).success).toBe(true);
  });

  it('never quotes a secret in its messages', () => {
    const secretBits = ['SJENCPGJESMGUFPY', PEM.split('\n')[1]!, 'MIIEvQIBADANBg', 'private_key": "-----BEGIN'];
    const inputs: unknown[] = [
      { ...good, clientToken: 'x'.repeat(600) },
      { ...good, serviceAccount: '{"private_key": "-----BEGIN' },
      { ...good, serviceAccount: `not json ${PEM}` },
      { ...good, serviceAccount: { ...keyFile, private_key: 'MIIEvQIBADANBg' } },
      { ...good, serviceAccount: { ...keyFile, client_email: 'SJENCPGJESMGUFPY' } },
      { ...good, serviceAccount: { ...keyFile, private_key: damaged } },
    ];
    for (const input of inputs) {
      const result = gbmCredentialsSchema.safeParse(input);
      expect(result.success).toBe(false);
      const text = JSON.stringify(result.error?.issues);
      for (const bit of secretBits) expect(text).not.toContain(bit);
      expect(text).not.toContain('x'.repeat(50));
    }
  });

  it('marks the client token and the service account as secured', () => {
    expect([...gbmAdapter.securedFields].sort()).toEqual(['clientToken', 'serviceAccount']);
  });

  it('describes its fields as JSON Schema for the admin form', () => {
    const schema = z.toJSONSchema(gbmCredentialsSchema, { io: 'input', unrepresentable: 'any' }) as {
      properties: Record<string, unknown>;
      required: string[];
    };
    expect(Object.keys(schema.properties).sort()).toEqual(['agentId', 'brandId', 'clientToken', 'partnerId', 'serviceAccount']);
    expect([...schema.required].sort()).toEqual(['agentId', 'brandId', 'clientToken', 'partnerId', 'serviceAccount']);
    expect(schema.properties['serviceAccount']).toMatchObject({ title: 'Service account key (JSON)', contentMediaType: 'application/json' });
    expect(schema.properties['partnerId']).toMatchObject({ type: 'string', title: 'Partner ID' });
  });
});

describe('Business Messages settings and capabilities', () => {
  it('has no settings', () => {
    expect(gbmSettingsSchema.parse({})).toEqual({});
  });

  it('describes the channel as data', () => {
    expect(gbmAdapter.kind).toBe('gbm');
    expect(gbmAdapter.displayName).toBe("Google's Business Messages");
    expect(gbmAdapter.capabilities).toEqual({
      templates: false,
      maxTextLength: 3072,
      inboundContent: ['text', 'image', 'postback'],
      outboundContent: ['text', 'image'],
      outboundMediaTypes: { image: ['image/jpeg', 'image/png'] },
      signals: true,
    });
    expect(gbmAdapter.capabilities.messagingWindowHours).toBeUndefined();
    expect(typeof gbmAdapter.handshake).toBe('function');
    expect(Object.isFrozen(gbmAdapter)).toBe(true);
  });
});
