/** templates.ts against the Twilio emulator's Content API, and the mapping of Content resources. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTwilioEmulator, type TwilioEmulator } from '../../../emulators/twilio/index.js';
import type { ChannelClient, ProviderTemplate } from '../adapter.js';
import { twilioWhatsAppAdapter, type TwilioCredentials } from './index.js';
import { toProviderTemplate } from './templates.js';

const creds: TwilioCredentials = {
  accountSid: 'AC33333333333333333333333333333333',
  authToken: '33333333333333333333333333333333',
};
const other: TwilioCredentials = {
  accountSid: 'AC44444444444444444444444444444444',
  authToken: '44444444444444444444444444444444',
};

let emulator: TwilioEmulator;

function clientFor(c: TwilioCredentials): ChannelClient {
  return twilioWhatsAppAdapter.createClient(c, { baseUrls: { twilioApi: emulator.baseUrl, twilioContentApi: emulator.baseUrl } });
}
function list(c: ChannelClient): Promise<ProviderTemplate[]> {
  if (!c.listTemplates) throw new Error('Twilio client has no listTemplates');
  return c.listTemplates();
}

beforeAll(async () => {
  emulator = await startTwilioEmulator({ rateLimitPerSecond: 10_000 });
  emulator.addAccount(creds);
  emulator.addAccount(other);
});

afterAll(async () => {
  await emulator?.close();
});

describe('Twilio listTemplates (emulator)', () => {
  it('returns the account’s contents with their approval status', async () => {
    const approved = emulator.addContent(creds.accountSid, {
      friendlyName: 'order_update',
      language: 'en',
      body: 'Hi {{1}}, your order {{2}} has shipped',
      variables: { '1': 'Ana', '2': '#1' },
      approval: 'approved',
    });
    const pending = emulator.addContent(creds.accountSid, { friendlyName: 'promo', language: 'es', body: '¡Hola {{1}}!', approval: 'pending' });
    const rejected = emulator.addContent(creds.accountSid, { friendlyName: 'bad', language: 'en', body: 'nope', approval: 'rejected' });
    const draft = emulator.addContent(creds.accountSid, { friendlyName: 'draft', language: 'fr', body: 'Bonjour', approval: 'unsubmitted' });
    emulator.addContent(other.accountSid, { friendlyName: 'not_ours', language: 'en', body: 'other account' });

    const templates = await list(clientFor(creds));
    expect(templates).toEqual([
      {
        providerTemplateId: approved.sid,
        name: 'order_update',
        language: 'en',
        text: 'Hi {{1}}, your order {{2}} has shipped',
        status: 'approved',
        variables: { '1': 'Ana', '2': '#1' },
      },
      expect.objectContaining({ providerTemplateId: pending.sid, name: 'promo', language: 'es', text: '¡Hola {{1}}!', status: 'pending' }),
      expect.objectContaining({ providerTemplateId: rejected.sid, status: 'rejected' }),
      expect.objectContaining({ providerTemplateId: draft.sid, name: 'draft', language: 'fr', text: 'Bonjour', status: 'unsubmitted' }),
    ]);
    const call = emulator.requests().find((r) => r.path === '/v1/ContentAndApprovals');
    expect(call).toMatchObject({ method: 'GET', status: 200, body: { PageSize: '100' } });
  });

  it('follows next_page_url until the last page', async () => {
    const many: TwilioCredentials = { accountSid: 'AC55555555555555555555555555555555', authToken: '55555555555555555555555555555555' };
    emulator.addAccount(many);
    const sids = Array.from({ length: 205 }, (_, i) => emulator.addContent(many.accountSid, { friendlyName: `t${i}`, language: 'en', body: `Body ${i}`, approval: 'approved' }).sid);
    const before = emulator.requests().length;
    const templates = await list(clientFor(many));
    expect(templates.map((t) => t.providerTemplateId)).toEqual(sids);
    const pages = emulator.requests().slice(before).filter((r) => r.path === '/v1/ContentAndApprovals');
    expect(pages).toHaveLength(3);
  });

  it('an account without templates: an empty list', async () => {
    const empty: TwilioCredentials = { accountSid: 'AC66666666666666666666666666666666', authToken: '66666666666666666666666666666666' };
    emulator.addAccount(empty);
    expect(await list(clientFor(empty))).toEqual([]);
  });

  it('bad credentials: a clear error', async () => {
    await expect(list(clientFor({ ...creds, authToken: '00000000000000000000000000000000' }))).rejects.toThrow(/HTTP 401 .*Twilio error 20003/);
  });

  it('a server error: a clear error', async () => {
    emulator.injectFault({ method: 'GET', path: '/v1/ContentAndApprovals', status: 503 });
    await expect(list(clientFor(creds))).rejects.toThrow(/could not be listed: HTTP 503/);
  });
});

describe('toProviderTemplate', () => {
  it('the spec example: twilio/text wins over other types', () => {
    expect(
      toProviderTemplate({
        sid: 'HXaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa',
        friendly_name: 'Some content',
        language: 'en',
        variables: { name: 'foo' },
        types: {
          'twilio/location': { longitude: 104.9903, latitude: 39.7392, label: 'Foo Bar Co' },
          'twilio/text': { body: 'Foo Bar Co is located at 39.7392, 104.9903' },
        },
        approval_requests: { name: '', category: '', content_type: '', status: 'unsubmitted', rejection_reason: '', allow_category_change: true },
      }),
    ).toEqual({
      providerTemplateId: 'HXaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa',
      name: 'Some content',
      language: 'en',
      text: 'Foo Bar Co is located at 39.7392, 104.9903',
      status: 'unsubmitted',
      variables: { name: 'foo' },
    });
  });

  it('the spec example: a media template takes its body; status lower-cased', () => {
    expect(
      toProviderTemplate({
        sid: 'HX5fcd48a417c1cb59da349ad6d5da4607',
        friendly_name: 'Media Test',
        language: 'en',
        variables: { '1': 'name', '2': 'typedocument' },
        types: { 'twilio/media': { body: '{{1}}, Congratulations {{2}}!', media: ['https://example.com/template'] } },
        approval_requests: { category: 'TRANSACTIONAL', status: 'APPROVED', name: 'Media Test', content_type: 'twilio/media' },
      }),
    ).toMatchObject({ text: '{{1}}, Congratulations {{2}}!', status: 'approved' });
  });

  it.each([
    ['no approval_requests', undefined, 'unsubmitted'],
    ['null approval_requests', null, 'unsubmitted'],
    ['nested under whatsapp', { whatsapp: { status: 'paused' } }, 'paused'],
    ['a list', [{ status: 'Rejected' }], 'rejected'],
  ])('approval: %s → %s', (_name, approval, status) => {
    expect(toProviderTemplate({ sid: 'HX1', types: {}, approval_requests: approval })).toMatchObject({ status, text: '', name: 'HX1', language: '' });
  });

  it('non-string variables become text; an item without sid is skipped', () => {
    expect(toProviderTemplate({ sid: 'HX2', variables: { '1': 5 } })?.variables).toEqual({ '1': '5' });
    expect(toProviderTemplate({ friendly_name: 'no sid' })).toBeUndefined();
  });
});
