/** The Content API answers in the shapes twilio_content_v1.yaml describes; templates render as WhatsApp shows them. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseContentVariables, renderTemplate } from './content.js';
import { startTwilioEmulator, type TwilioEmulator } from './index.js';
import { loadTwilioSpec } from './spec.js';
import { createSpecValidator } from './spec-validator.js';
import { ACCOUNT, basic, OTHER_ACCOUNT } from './test-hub.js';

const spec = createSpecValidator(loadTwilioSpec('twilio_content_v1.yaml'), 'twilio-content-v1-responses', {
  roots: ['ListContent.response', 'FetchContent.response', 'ListContentAndApprovals.response', 'FetchApprovalFetch.response'],
  coerce: false,
});
let emu: TwilioEmulator;
const sids: string[] = [];

beforeAll(async () => {
  emu = await startTwilioEmulator();
  emu.addAccount(ACCOUNT);
  emu.addAccount(OTHER_ACCOUNT);
  sids.push(emu.addContent(ACCOUNT.accountSid, { friendlyName: 'Order Shipped', language: 'en', body: 'Hi {{1}}, order {{2}} shipped.', variables: { 1: 'there' } }).sid);
  sids.push(emu.addContent(ACCOUNT.accountSid, { friendlyName: 'draft', language: 'ja', body: 'こんにちは {{1}}', approval: 'unsubmitted' }).sid);
  sids.push(emu.addContent(ACCOUNT.accountSid, { friendlyName: 'promo', language: 'en', body: 'Sale!', approval: 'rejected', category: 'MARKETING' }).sid);
  emu.addContent(OTHER_ACCOUNT.accountSid, { friendlyName: 'not yours', language: 'en', body: 'x' });
});
afterAll(() => emu.close());

const get = async (path: string, auth = basic(ACCOUNT.accountSid, ACCOUNT.authToken)) => {
  const res = await fetch(path.startsWith('http') ? path : `${emu.baseUrl}${path}`, { headers: { authorization: auth } });
  return { status: res.status, json: (await res.json()) as Record<string, unknown> & { contents: Array<Record<string, unknown>>; meta: Record<string, unknown> } };
};

describe('Content API', () => {
  it('lists the account\'s contents with meta URLs on the emulator, paging by PageSize', async () => {
    const first = await get('/v1/Content?PageSize=2');
    expect(first.status).toBe(200);
    expect(spec.validate('ListContent.response', first.json)).toEqual([]);
    expect(first.json.contents.map((c) => c['sid'])).toEqual(sids.slice(0, 2));
    expect(first.json.meta).toMatchObject({ page: 0, page_size: 2, key: 'contents', previous_page_url: null, first_page_url: `${emu.baseUrl}/v1/Content?PageSize=2&Page=0` });
    expect(first.json.contents[0]).toEqual({
      sid: sids[0],
      account_sid: ACCOUNT.accountSid,
      friendly_name: 'Order Shipped',
      language: 'en',
      variables: { 1: 'there' },
      types: { 'twilio/text': { body: 'Hi {{1}}, order {{2}} shipped.' } },
      url: `${emu.baseUrl}/v1/Content/${sids[0]}`,
      date_created: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/),
      date_updated: expect.stringMatching(/Z$/),
      links: {
        approval_create: `${emu.baseUrl}/v1/Content/${sids[0]}/ApprovalRequests/whatsapp`,
        approval_fetch: `${emu.baseUrl}/v1/Content/${sids[0]}/ApprovalRequests`,
      },
    });
    const second = await get(String(first.json.meta['next_page_url']));
    expect(second.json.contents.map((c) => c['sid'])).toEqual(sids.slice(2));
    expect(second.json.meta['next_page_url']).toBeNull();
  });

  it('fetches one content, and 404s another account\'s', async () => {
    const one = await get(`/v1/Content/${sids[0]}`);
    expect(spec.validate('FetchContent.response', one.json)).toEqual([]);
    expect(one.json['sid']).toBe(sids[0]);
    const theirs = await get(`/v1/Content/${sids[0]}`, basic(OTHER_ACCOUNT.accountSid, OTHER_ACCOUNT.authToken));
    expect(theirs).toMatchObject({ status: 404, json: { code: 20404, status: 404 } });
  });

  it('shows WhatsApp approval in ContentAndApprovals and ApprovalRequests', async () => {
    const list = await get('/v1/ContentAndApprovals');
    expect(spec.validate('ListContentAndApprovals.response', list.json)).toEqual([]);
    expect(list.json.contents.map((c) => c['approval_requests'])).toEqual([
      { name: 'order_shipped', category: 'UTILITY', content_type: 'twilio/text', status: 'approved', rejection_reason: '', allow_category_change: true },
      { name: '', category: '', content_type: '', status: 'unsubmitted', rejection_reason: '', allow_category_change: true },
      expect.objectContaining({ name: 'promo', category: 'MARKETING', status: 'rejected', rejection_reason: expect.any(String) }),
    ]);
    const approval = await get(`/v1/Content/${sids[2]}/ApprovalRequests`);
    expect(spec.validate('FetchApprovalFetch.response', approval.json)).toEqual([]);
    expect(approval.json).toMatchObject({ sid: sids[2], account_sid: ACCOUNT.accountSid, whatsapp: { type: 'whatsapp', status: 'rejected' } });
  });

  it('needs Basic auth', async () => {
    expect((await get('/v1/Content', '')).json).toMatchObject({ code: 20003, status: 401 });
  });
});

describe('template rendering', () => {
  it.each([
    ['Hi {{1}}', {}, { 1: 'Ann' }, 'Hi Ann'],
    ['Hi {{1}}, {{2}}', { 2: 'welcome' }, { 1: 'Ann' }, 'Hi Ann, welcome'],
    ['Hi {{ name }}', {}, { name: 'Bo' }, 'Hi Bo'],
    ['Hi {{1}} {{3}}', {}, { 1: 'Cy' }, 'Hi Cy {{3}}'],
  ])('renders %j', (body, defaults, given, out) => {
    expect(renderTemplate(body, defaults, given)).toBe(out);
  });

  it('reads ContentVariables as a JSON object of strings', () => {
    expect(parseContentVariables('{"1":"a","2":3,"3":true}')).toEqual({ 1: 'a', 2: '3', 3: 'true' });
    for (const bad of ['', 'x', '[]', 'null', '"s"', '{"1":null}', '{"1":[1]}']) expect(parseContentVariables(bad)).toBeUndefined();
  });
});
