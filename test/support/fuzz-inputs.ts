/**
 * fast-check generators of hostile webhook input for every channel: arbitrary bytes, arbitrary
 * JSON, bodies shaped like the provider's but with arbitrary values, and valid fixtures (vendored
 * in protocols/ and built by the emulators' payload builders) mutated at arbitrary places.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { messagePayload, receiptsPayload, suggestionPayload, userStatusPayload } from '../../emulators/google-business-messages/payloads.js';
import { followEvent, messageEvent, postbackEvent, unfollowEvent, unsendEvent } from '../../emulators/line/events.js';
import { inboundParams, statusCallbackParams } from '../../emulators/twilio/inbound.js';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const NOW = 1_760_000_000_000;

export type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

// ── values that tend to break things ────────────────────────────────────────────────────────
const nastyString = fc.oneof(
  { weight: 4, arbitrary: fc.string({ maxLength: 40 }) },
  { weight: 2, arbitrary: fc.string({ unit: 'binary', maxLength: 40 }) },
  {
    weight: 2,
    arbitrary: fc.constantFrom(
      '',
      ' ',
      '\u0000',
      'a\u0000b',
      '\ud800',
      '\udfff\ud800',
      '𝕏🙂',
      '__proto__',
      'constructor',
      'toString',
      'hasOwnProperty',
      'null',
      'undefined',
      'NaN',
      '-1',
      '1e309',
      'https://',
      'http://[::1',
      'https://storage.googleapis.com/business-messages-x/a?X-Goog-Algorithm=1&X-Goog-Signature=2',
      'conversations//messages/',
      'conversations/c/messages/m',
      'whatsapp:',
      'whatsapp:+',
      '%zz',
      '../../etc/passwd',
      'x'.repeat(5000),
    ),
  },
);
const nastyNumber = fc.oneof(
  fc.integer(),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.constantFrom(0, -0, -1, 1e20, -1e20, 8.64e15, 8.64e15 + 1, Number.MAX_SAFE_INTEGER, 2 ** 53 + 2, 1e308),
);
export const jsonValue: fc.Arbitrary<Json> = fc.letrec<{ v: Json }>((tie) => ({
  v: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.constant(null),
    fc.boolean(),
    nastyNumber,
    nastyString,
    fc.array(tie('v'), { maxLength: 4 }),
    fc.dictionary(nastyString, tie('v'), { maxKeys: 4 }),
  ),
})).v;

// ── mutation of a valid fixture ─────────────────────────────────────────────────────────────
type Op = { at: number; kind: 'replace' | 'delete' | 'insert' | 'wrap' | 'retype'; key: string; value: Json };
const opArb: fc.Arbitrary<Op> = fc.record({
  at: fc.nat(),
  kind: fc.constantFrom('replace', 'delete', 'insert', 'wrap', 'retype'),
  key: fc.oneof(nastyString, fc.constantFrom('type', 'message', 'source', 'userId', 'id', 'text', 'events', 'receipts', 'postback', 'data')),
  value: jsonValue,
});

type Path = Array<string | number>;

function pathsOf(v: Json, prefix: Path = [], out: Path[] = []): Path[] {
  out.push(prefix);
  if (Array.isArray(v)) v.forEach((x, i) => pathsOf(x, [...prefix, i], out));
  else if (v && typeof v === 'object') for (const [k, x] of Object.entries(v)) pathsOf(x, [...prefix, k], out);
  return out;
}

function getAt(v: Json, p: Path): Json {
  let cur: Json = v;
  for (const k of p) cur = (cur as Record<string | number, Json>)[k] as Json;
  return cur;
}

function retype(v: Json): Json {
  if (typeof v === 'string') return v.length > 0 && Number.isFinite(Number(v)) ? Number(v) : [v];
  if (typeof v === 'number') return String(v);
  if (typeof v === 'boolean') return v ? 'true' : 0;
  if (v === null) return 'null';
  if (Array.isArray(v)) return Object.fromEntries(v.map((x, i) => [String(i), x]));
  return Object.values(v);
}

/** Applies each operation at one of the value's paths (chosen by `at`); the input is not modified. */
export function mutate(base: Json, ops: Op[]): Json {
  let root = structuredClone(base);
  for (const op of ops) {
    const paths = pathsOf(root);
    const path = paths[op.at % paths.length]!;
    const target = getAt(root, path);
    let next: Json = target;
    switch (op.kind) {
      case 'replace':
        next = op.value;
        break;
      case 'wrap':
        next = op.at % 2 === 0 ? [target] : { [op.key]: target };
        break;
      case 'retype':
        next = retype(target);
        break;
      case 'insert':
        if (Array.isArray(target)) next = [...target, op.value];
        else if (target && typeof target === 'object') next = { ...target, [op.key]: op.value };
        else next = op.value;
        break;
      case 'delete': {
        if (path.length === 0) {
          next = null;
          break;
        }
        const parent = getAt(root, path.slice(0, -1)) as Record<string | number, Json> | Json[];
        const last = path[path.length - 1]!;
        if (Array.isArray(parent)) parent.splice(Number(last), 1);
        else delete parent[last];
        continue;
      }
    }
    if (path.length === 0) root = next;
    else (getAt(root, path.slice(0, -1)) as Record<string | number, Json>)[path[path.length - 1]!] = next;
  }
  return root;
}

export const mutations = fc.array(opArb, { minLength: 1, maxLength: 5 });

// ── LINE ────────────────────────────────────────────────────────────────────────────────────
const vendoredLine = JSON.parse(readFileSync(join(ROOT, 'protocols', 'line', 'line-bot-sdk-python.tests.v3.webhook.json'), 'utf8')) as {
  destination: string;
  events: Json[];
};
const LINE_USER = 'U' + 'a'.repeat(32);
export const lineFixtureEvents: Json[] = [
  ...vendoredLine.events,
  messageEvent(LINE_USER, NOW, 'r'.repeat(32), { id: '100001', type: 'text', text: 'hello', quoteToken: 'q' }) as Json,
  messageEvent(LINE_USER, NOW, 'r'.repeat(32), { id: '100002', type: 'image', contentProvider: { type: 'line' } }) as Json,
  messageEvent(LINE_USER, NOW, 'r'.repeat(32), { id: '100003', type: 'location', latitude: 35.6, longitude: 139.7, title: 't' }) as Json,
  messageEvent(LINE_USER, NOW, 'r'.repeat(32), { id: '100004', type: 'sticker', packageId: '1', stickerId: '2', stickerResourceType: 'STATIC' }) as Json,
  messageEvent(LINE_USER, NOW, 'r'.repeat(32), { id: '100005', type: 'file', fileName: 'a.pdf', fileSize: 3 }) as Json,
  followEvent(LINE_USER, NOW, 'r'.repeat(32), true) as Json,
  unfollowEvent(LINE_USER, NOW) as Json,
  postbackEvent(LINE_USER, NOW, 'r'.repeat(32), 'action=buy') as Json,
  unsendEvent(LINE_USER, NOW, '100001') as Json,
];
const lineFixtureBodies: Json[] = [
  vendoredLine as unknown as Json,
  ...lineFixtureEvents.map((e) => ({ destination: 'U' + 'b'.repeat(32), events: [e] })),
  { destination: 'U' + 'b'.repeat(32), events: [] },
];

/** An event with LINE's keys and arbitrary values: reaches deep into the per-type parsing. */
const lineShapedEvent: fc.Arbitrary<Json> = fc.record(
  {
    type: fc.oneof(fc.constantFrom('message', 'follow', 'unfollow', 'postback', 'unsend', 'join', 'beacon', 'memberJoined'), jsonValue),
    webhookEventId: fc.oneof(nastyString, jsonValue),
    timestamp: fc.oneof(nastyNumber, jsonValue),
    replyToken: fc.oneof(nastyString, jsonValue),
    mode: fc.constantFrom('active', 'standby'),
    source: fc.oneof(
      fc.record(
        {
          type: fc.oneof(fc.constantFrom('user', 'group', 'room'), nastyString),
          userId: fc.oneof(nastyString, jsonValue),
          groupId: nastyString,
          roomId: nastyString,
        },
        { requiredKeys: [] },
      ),
      jsonValue,
    ),
    message: fc.oneof(
      fc.record(
        {
          id: fc.oneof(nastyString, jsonValue),
          type: fc.oneof(fc.constantFrom('text', 'image', 'video', 'audio', 'file', 'location', 'sticker', 'textV2'), nastyString),
          text: fc.oneof(nastyString, jsonValue),
          quotedMessageId: jsonValue,
          contentProvider: fc.oneof(fc.record({ type: fc.constantFrom('line', 'external'), originalContentUrl: nastyString }, { requiredKeys: [] }), jsonValue),
          fileName: jsonValue,
          fileSize: fc.oneof(nastyNumber, jsonValue),
          duration: fc.oneof(nastyNumber, jsonValue),
          latitude: fc.oneof(nastyNumber, jsonValue),
          longitude: fc.oneof(nastyNumber, jsonValue),
          packageId: jsonValue,
          stickerId: jsonValue,
          keywords: fc.oneof(fc.array(nastyString, { maxLength: 3 }), jsonValue),
        },
        { requiredKeys: [] },
      ),
      jsonValue,
    ),
    postback: fc.oneof(fc.record({ data: fc.oneof(nastyString, jsonValue) }, { requiredKeys: [] }), jsonValue),
    unsend: fc.oneof(fc.record({ messageId: fc.oneof(nastyString, jsonValue) }, { requiredKeys: [] }), jsonValue),
  },
  { requiredKeys: [] },
) as fc.Arbitrary<Json>;

export type BodyCase = { category: string; body: Buffer };
const bytes = (category: string) => fc.uint8Array({ maxLength: 600 }).map((b): BodyCase => ({ category, body: Buffer.from(b) }));
const jsonText = (category: string, arb: fc.Arbitrary<Json>) => arb.map((v): BodyCase => ({ category, body: Buffer.from(JSON.stringify(v) ?? 'null') }));

export const lineBody: fc.Arbitrary<BodyCase> = fc.oneof(
  bytes('bytes'),
  fc.string({ maxLength: 200 }).map((s): BodyCase => ({ category: 'text', body: Buffer.from(s) })),
  jsonText('json', jsonValue),
  jsonText('json-envelope', fc.record({ destination: jsonValue, events: fc.oneof(fc.array(jsonValue, { maxLength: 4 }), jsonValue) }, { requiredKeys: ['events'] }) as fc.Arbitrary<Json>),
  jsonText('line-shaped', fc.array(lineShapedEvent, { minLength: 1, maxLength: 3 }).map((events) => ({ destination: 'U' + 'b'.repeat(32), events }))),
  jsonText('mutated-fixture', fc.tuple(fc.constantFrom(...lineFixtureBodies), mutations).map(([b, ops]) => mutate(b, ops))),
);

// ── Twilio (form-encoded) ───────────────────────────────────────────────────────────────────
export const TWILIO_ACCOUNT = 'AC' + '1'.repeat(32);
const twilioInputs = (accountSid: string) => {
  const base = { accountSid, businessNumber: '+14155238886', waNumber: '+393331234567', profileName: 'Giulia', body: 'ciao', media: [] };
  return [
    inboundParams({ ...base, sid: 'SM' + '2'.repeat(32), kind: { type: 'text' } }),
    inboundParams({ ...base, sid: 'MM' + '3'.repeat(32), body: 'label', kind: { type: 'media' }, media: [{ url: 'https://api.twilio.com/2010-04-01/Accounts/x/Messages/MM/Media/ME1', contentType: 'image/png' }] }),
    inboundParams({ ...base, sid: 'SM' + '4'.repeat(32), body: '', kind: { type: 'location', latitude: 45.4, longitude: 9.2, address: 'Milano', label: 'Duomo' } }),
    inboundParams({ ...base, sid: 'SM' + '5'.repeat(32), kind: { type: 'button', payload: 'YES', text: 'Yes' }, repliedToSid: 'SM' + '6'.repeat(32) }),
    statusCallbackParams({ accountSid, sid: 'SM' + '7'.repeat(32), status: 'delivered', from: 'whatsapp:+14155238886', to: 'whatsapp:+393331234567' }),
    statusCallbackParams({ accountSid, sid: 'SM' + '8'.repeat(32), status: 'failed', from: 'whatsapp:+14155238886', to: 'whatsapp:+393331234567', error: { code: 63016, message: 'outside' } }),
  ];
};
const TWILIO_NAMES = ['MessageSid', 'SmsMessageSid', 'AccountSid', 'From', 'To', 'Body', 'NumMedia', 'MediaUrl0', 'MediaContentType0', 'MediaUrl9', 'MediaUrl10', 'Latitude', 'Longitude', 'Address', 'Label', 'ButtonText', 'ButtonPayload', 'ListId', 'ListTitle', 'MessageStatus', 'SmsStatus', 'ErrorCode', 'ErrorMessage', 'ProfileName', 'OriginalRepliedMessageSid', 'MessageType'];

type Pairs = Array<[string, string]>;
type PairOp = { at: number; kind: 'delete' | 'replace' | 'duplicate' | 'add'; name: string; value: string };
const pairOp: fc.Arbitrary<PairOp> = fc.record({
  at: fc.nat(),
  kind: fc.constantFrom('delete', 'replace', 'duplicate', 'add'),
  name: fc.oneof(fc.constantFrom(...TWILIO_NAMES), nastyString),
  value: fc.oneof(nastyString, nastyNumber.map(String), fc.constantFrom('0', '-1', '11', '1e3', 'NaN', ' ', 'whatsapp:+1', 'received', 'sent', 'read', 'undelivered')),
});

function mutatePairs(base: Pairs, ops: PairOp[]): Pairs {
  const out: Pairs = base.map(([k, v]) => [k, v]);
  for (const op of ops) {
    const i = out.length === 0 ? 0 : op.at % out.length;
    if (op.kind === 'add' || out.length === 0) out.push([op.name, op.value]);
    else if (op.kind === 'delete') out.splice(i, 1);
    else if (op.kind === 'replace') out[i] = [out[i]![0], op.value];
    else out.push([out[i]![0], op.value]);
  }
  return out;
}

export type TwilioCase = BodyCase & { pairs?: Pairs; contentType?: string; statusPath: boolean; messageRef?: string };
const formCase = (category: string, pairs: fc.Arbitrary<Pairs>) =>
  fc.record({ pairs, statusPath: fc.boolean(), messageRef: fc.option(nastyString, { nil: undefined }) }).map(
    ({ pairs: p, statusPath, messageRef }): TwilioCase => ({
      category,
      pairs: p,
      body: Buffer.from(new URLSearchParams(p).toString()),
      contentType: 'application/x-www-form-urlencoded',
      statusPath,
      ...(messageRef === undefined ? {} : { messageRef }),
    }),
  );

export function twilioBody(accountSid = TWILIO_ACCOUNT): fc.Arbitrary<TwilioCase> {
  const fixtures = twilioInputs(accountSid).map((p) => Object.entries(p) as Pairs);
  return fc.oneof(
    fc.record({ b: fc.uint8Array({ maxLength: 600 }), ct: fc.option(fc.constantFrom('application/x-www-form-urlencoded', 'application/json', 'text/plain', 'multipart/form-data; boundary=x', ''), { nil: undefined }), statusPath: fc.boolean() }).map(
      ({ b, ct, statusPath }): TwilioCase => ({ category: 'bytes', body: Buffer.from(b), ...(ct === undefined ? {} : { contentType: ct }), statusPath }),
    ),
    jsonText('json', jsonValue).map((c): TwilioCase => ({ ...c, contentType: 'application/json', statusPath: false })),
    formCase('form-arbitrary', fc.array(fc.tuple(fc.oneof(fc.constantFrom(...TWILIO_NAMES), nastyString), nastyString), { maxLength: 12 })),
    formCase('twilio-shaped', fc.array(fc.tuple(fc.constantFrom(...TWILIO_NAMES), fc.oneof(nastyString, nastyNumber.map(String))), { minLength: 1, maxLength: 16 }).map((p) => [['AccountSid', accountSid], ['MessageSid', 'SM' + '9'.repeat(32)], ...p] as Pairs)),
    formCase('mutated-fixture', fc.tuple(fc.constantFrom(...fixtures), fc.array(pairOp, { minLength: 1, maxLength: 6 })).map(([b, ops]) => mutatePairs(b, ops))),
  );
}

// ── Business Messages ───────────────────────────────────────────────────────────────────────
const gbmDir = join(ROOT, 'protocols', 'gbm', 'bm-test-framework-payloads');
const gbmVendored: Json[] = readdirSync(gbmDir)
  .filter((f) => f.endsWith('.json'))
  .map((f) => JSON.parse(readFileSync(join(gbmDir, f), 'utf8')) as Json);
const gbmSrc = { brandId: 'brand', agentId: 'agent', customAgentId: 'custom', conversationId: 'conv-1' };
const gbmCtx = { entryPoint: 'PLACESHEET', placeId: 'place', displayName: 'Mia', userDeviceLocale: 'en-US', resolvedLocale: 'en' };
export const gbmFixtures: Json[] = [
  ...gbmVendored,
  messagePayload(gbmSrc, gbmCtx, 'req-1', 'msg-1', 'hello', NOW) as Json,
  messagePayload(gbmSrc, gbmCtx, 'req-2', 'msg-2', 'https://storage.googleapis.com/business-messages-x/img?X-Goog-Algorithm=a&X-Goog-Signature=b', NOW) as Json,
  suggestionPayload(gbmSrc, gbmCtx, 'req-3', { messageId: 'msg-3', postbackData: 'yes', text: 'Yes', suggestionType: 'REPLY' }, NOW) as Json,
  userStatusPayload(gbmSrc, 'req-4', { isTyping: true }, NOW) as Json,
  userStatusPayload(gbmSrc, 'req-5', { requestedLiveAgent: true }, NOW) as Json,
  receiptsPayload(gbmSrc, 'READ', ['msg-1', 'msg-2'], NOW) as Json,
  { clientToken: 'token', secret: 'secret' },
];
const gbmShaped: fc.Arbitrary<Json> = fc.record(
  {
    conversationId: fc.oneof(nastyString, jsonValue),
    requestId: fc.oneof(nastyString, jsonValue),
    sendTime: fc.oneof(nastyString, fc.constantFrom('2024-01-01T00:00:00Z', 'SEND_TIME', '275760-09-13T00:00:00.001Z')),
    context: jsonValue,
    message: fc.oneof(fc.record({ messageId: jsonValue, name: nastyString, text: nastyString, createTime: nastyString, image: jsonValue }, { requiredKeys: [] }), jsonValue),
    suggestionResponse: fc.oneof(fc.record({ postbackData: nastyString, text: jsonValue, message: nastyString }, { requiredKeys: [] }), jsonValue),
    userStatus: fc.oneof(fc.record({ isTyping: jsonValue, requestedLiveAgent: jsonValue, createTime: nastyString }, { requiredKeys: [] }), jsonValue),
    receipts: fc.oneof(fc.record({ receipts: fc.oneof(fc.array(fc.record({ message: nastyString, receiptType: fc.oneof(fc.constantFrom('READ', 'DELIVERED'), nastyString) }, { requiredKeys: [] }), { maxLength: 3 }), jsonValue) }, { requiredKeys: [] }), jsonValue),
  },
  { requiredKeys: [] },
) as fc.Arbitrary<Json>;

export const gbmBody: fc.Arbitrary<BodyCase> = fc.oneof(
  bytes('bytes'),
  jsonText('json', jsonValue),
  jsonText('gbm-shaped', gbmShaped),
  jsonText('mutated-fixture', fc.tuple(fc.constantFrom(...gbmFixtures), mutations).map(([b, ops]) => mutate(b, ops))),
);

/** Web chat has no provider webhooks: anything at all. */
export const anyBody: fc.Arbitrary<BodyCase> = fc.oneof(bytes('bytes'), jsonText('json', jsonValue), jsonText('line-shaped', lineShapedEvent));
