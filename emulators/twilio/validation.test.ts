/** The create call is checked against the spec's CreateMessage schema and Twilio's own rules. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTwilioEmulator, type TwilioEmulator } from './index.js';
import { loadTwilioSpec } from './spec.js';
import { createSpecValidator } from './spec-validator.js';
import { ACCOUNT, basic, BUSINESS, OTHER_ACCOUNT } from './test-hub.js';

const responses = createSpecValidator(loadTwilioSpec('twilio_api_v2010.yaml'), 'twilio-v2010-responses', {
  roots: ['api.v2010.account.message', 'ListMessage.response', 'FetchMedia.response'],
  coerce: false,
  uriReference: true,
});
let emu: TwilioEmulator;
const TO = 'whatsapp:+15551230002';

beforeAll(async () => {
  emu = await startTwilioEmulator({ statusDelaysMs: { sent: 1, delivered: 2, read: 3 } });
  emu.addAccount(ACCOUNT);
  emu.addAccount(OTHER_ACCOUNT);
  emu.addNumber({ accountSid: ACCOUNT.accountSid, number: BUSINESS });
});
afterAll(() => emu.close());

async function create(form: Array<[string, string]> | string, auth = basic(ACCOUNT.accountSid, ACCOUNT.authToken), accountSid: string = ACCOUNT.accountSid) {
  const res = await fetch(`${emu.baseUrl}/2010-04-01/Accounts/${accountSid}/Messages.json`, {
    method: 'POST',
    headers: { authorization: auth, 'content-type': 'application/x-www-form-urlencoded' },
    body: typeof form === 'string' ? form : new URLSearchParams(form).toString(),
  });
  return { status: res.status, headers: res.headers, json: (await res.json()) as Record<string, unknown> };
}

const FROM: [string, string] = ['From', `whatsapp:${BUSINESS}`];

describe('POST /2010-04-01/Accounts/{sid}/Messages.json', () => {
  it('answers 201 with a Message resource that follows the spec', async () => {
    const r = await create([['To', TO], FROM, ['Body', 'Hello 👋']]);
    expect(r.status).toBe(201);
    expect(responses.validate('api.v2010.account.message', r.json)).toEqual([]);
    expect(r.json).toMatchObject({
      account_sid: ACCOUNT.accountSid,
      api_version: '2010-04-01',
      body: 'Hello 👋',
      direction: 'outbound-api',
      error_code: null,
      error_message: null,
      from: `whatsapp:${BUSINESS}`,
      to: TO,
      num_media: '0',
      num_segments: '1',
      status: 'queued',
      date_sent: null,
    });
    const sid = String(r.json['sid']);
    expect(sid).toMatch(/^SM[0-9a-f]{32}$/);
    expect(r.json['uri']).toBe(`/2010-04-01/Accounts/${ACCOUNT.accountSid}/Messages/${sid}.json`);
    expect(r.json['date_created']).toMatch(/^\w{3}, \d{2} \w{3} \d{4} \d{2}:\d{2}:\d{2} \+0000$/);
    expect(r.json['subresource_uris']).toMatchObject({ media: `/2010-04-01/Accounts/${ACCOUNT.accountSid}/Messages/${sid}/Media.json` });
  });

  it('answers 401 Twilio-shaped to bad or missing credentials', async () => {
    const expected = { code: 20003, message: 'Authenticate', more_info: 'https://www.twilio.com/docs/errors/20003', status: 401 };
    const wrong = await create([['To', TO], FROM, ['Body', 'x']], basic(ACCOUNT.accountSid, 'nope'));
    expect(wrong).toMatchObject({ status: 401, json: expected });
    expect(wrong.headers.get('www-authenticate')).toBe('Basic realm="Twilio API"');
    expect(await create([['To', TO], FROM, ['Body', 'x']], '')).toMatchObject({ status: 401, json: expected });
    expect(await create([['To', TO], FROM, ['Body', 'x']], basic(`AC${'9'.repeat(32)}`, 'x'))).toMatchObject({ status: 401 });
  });

  it('refuses another account\'s path with 403 code 20003', async () => {
    const r = await create([['To', TO], FROM, ['Body', 'x']], basic(OTHER_ACCOUNT.accountSid, OTHER_ACCOUNT.authToken), ACCOUNT.accountSid);
    expect(r).toMatchObject({ status: 403, json: { code: 20003, status: 403 } });
  });

  const cases: Array<[string, Array<[string, string]>, number]> = [
    ['no To', [FROM, ['Body', 'x']], 21604],
    ['no From nor MessagingServiceSid', [['To', TO], ['Body', 'x']], 21603],
    ['no Body, MediaUrl nor ContentSid', [['To', TO], FROM], 21619],
    ['a From that is not the account\'s', [['To', TO], ['From', 'whatsapp:+15550000000'], ['Body', 'x']], 21606],
    ['a plain SMS From', [['To', TO], ['From', BUSINESS], ['Body', 'x']], 21606],
    ['a malformed From', [['To', TO], ['From', 'whatsapp:bob'], ['Body', 'x']], 21212],
    ['a plain number To from a WhatsApp sender', [['To', '+15551230002'], FROM, ['Body', 'x']], 21910],
    ['a malformed To', [['To', 'whatsapp:555'], FROM, ['Body', 'x']], 21211],
    ['a Body over 1600 characters', [['To', TO], FROM, ['Body', 'x'.repeat(1601)]], 21617],
    ['a MediaUrl that is not http(s)', [['To', TO], FROM, ['MediaUrl', 'ftp://files.example/a.png']], 21620],
    ['eleven MediaUrls', [['To', TO], FROM, ...Array.from({ length: 11 }, (_, i): [string, string] => ['MediaUrl', `https://m.example/${i}.png`])], 21623],
    ['a StatusCallback that is not a URL', [['To', TO], FROM, ['Body', 'x'], ['StatusCallback', 'not a url']], 21609],
    ['a malformed ContentSid', [['To', TO], FROM, ['ContentSid', 'HX123']], 21655],
    ['an unknown ContentSid', [['To', TO], FROM, ['ContentSid', `HX${'a'.repeat(32)}`]], 21655],
    ['a MessagingServiceSid (services are not modelled)', [['To', TO], ['MessagingServiceSid', `MG${'a'.repeat(32)}`], ['Body', 'x']], 21701],
    ['a non-integer ValidityPeriod', [['To', TO], FROM, ['Body', 'x'], ['ValidityPeriod', 'soon']], 20001],
    ['a ContentRetention outside the enum', [['To', TO], FROM, ['Body', 'x'], ['ContentRetention', 'forever']], 20001],
    ['a non-boolean ProvideFeedback', [['To', TO], FROM, ['Body', 'x'], ['ProvideFeedback', 'maybe']], 20001],
  ];
  for (const [what, form, code] of cases) {
    it(`answers 400 code ${code} for ${what}`, async () => {
      const before = emu.messagesCreated().length;
      const r = await create(form);
      expect(r.status).toBe(400);
      expect(r.json).toEqual({ code, message: expect.any(String), more_info: `https://www.twilio.com/docs/errors/${code}`, status: 400 });
      expect(emu.messagesCreated()).toHaveLength(before);
      const recorded = emu.requests().at(-1);
      expect(recorded?.status).toBe(400);
      expect(recorded?.validationErrors?.length).toBeGreaterThan(0);
    });
  }

  it('names the parameter in schema errors and records the details', async () => {
    const r = await create([['To', TO], FROM, ['Body', 'x'], ['ValidityPeriod', 'soon']]);
    expect(String(r.json['message'])).toContain('ValidityPeriod');
    expect(emu.requests().at(-1)?.validationErrors).toEqual([expect.objectContaining({ parameter: 'ValidityPeriod', keyword: 'type' })]);
  });

  it('coerces form strings like Twilio: integers, booleans, a single MediaUrl', async () => {
    const r = await create([['To', TO], FROM, ['Body', 'x'], ['ValidityPeriod', '600'], ['ProvideFeedback', 'true']]);
    expect(r.status).toBe(201);
  });

  it('refuses ContentVariables that are not a JSON object of strings', async () => {
    const { sid } = emu.addContent(ACCOUNT.accountSid, { friendlyName: 'x', language: 'en', body: 'Hi {{1}}' });
    for (const bad of ['not json', '[1,2]', '{"1":{"nested":true}}']) {
      const r = await create([['To', TO], FROM, ['ContentSid', sid], ['ContentVariables', bad]]);
      expect(r).toMatchObject({ status: 400, json: { code: 21656 } });
    }
    expect((await create([['To', TO], FROM, ['ContentSid', sid], ['ContentVariables', '{"1":42}']])).status).toBe(201);
  });

  it('answers Twilio-shaped 404 for unknown messages and paths', async () => {
    const auth = { authorization: basic(ACCOUNT.accountSid, ACCOUNT.authToken) };
    const one = await fetch(`${emu.baseUrl}/2010-04-01/Accounts/${ACCOUNT.accountSid}/Messages/SM${'0'.repeat(32)}.json`, { headers: auth });
    expect(one.status).toBe(404);
    expect(await one.json()).toMatchObject({ code: 20404, status: 404 });
    const other = await fetch(`${emu.baseUrl}/2010-04-01/Accounts/${ACCOUNT.accountSid}/Calls.json`, { headers: auth });
    expect(other.status).toBe(404);
  });
});

describe('GET /2010-04-01/Accounts/{sid}/Messages.json', () => {
  it('filters by To and DateSent and pages with next_page_uri, in the spec\'s list shape', async () => {
    const to = 'whatsapp:+15551239999';
    for (const body of ['one', 'two', 'three']) expect((await create([['To', to], FROM, ['Body', body]])).status).toBe(201);
    const auth = { authorization: basic(ACCOUNT.accountSid, ACCOUNT.authToken) };
    const base = `/2010-04-01/Accounts/${ACCOUNT.accountSid}/Messages.json`;
    const res = await fetch(`${emu.baseUrl}${base}?To=${encodeURIComponent(to)}&PageSize=2`, { headers: auth });
    const page = (await res.json()) as Record<string, unknown> & { messages: Array<{ body: string }>; next_page_uri: string };
    expect(responses.validate('ListMessage.response', page)).toEqual([]);
    expect(page).toMatchObject({ page: 0, page_size: 2, start: 0, end: 1, previous_page_uri: null });
    expect(page.messages.map((m) => m.body)).toEqual(['three', 'two']);
    expect(page['first_page_uri']).toBe(`${base}?To=${encodeURIComponent(to)}&PageSize=2&Page=0`);
    const next = (await (await fetch(`${emu.baseUrl}${page.next_page_uri}`, { headers: auth })).json()) as typeof page;
    expect(next.messages.map((m) => m.body)).toEqual(['one']);
    expect(next).toMatchObject({ page: 1, next_page_uri: null });

    const today = new Date().toISOString().slice(0, 10);
    const list = async (q: string): Promise<number> =>
      ((await (await fetch(`${emu.baseUrl}${base}?To=${encodeURIComponent(to)}&${q}`, { headers: auth })).json()) as typeof page).messages.length;
    expect(await list(`DateSent=${today}`)).toBe(3);
    expect(await list(`${encodeURIComponent('DateSent>')}=${today}`)).toBe(3);
    expect(await list(`${encodeURIComponent('DateSent<')}=2001-01-01`)).toBe(0);
    const bad = await fetch(`${emu.baseUrl}${base}?PageSize=5000`, { headers: auth });
    expect(bad.status).toBe(400);
    expect(await bad.json()).toMatchObject({ code: 20001 });
  });
});
