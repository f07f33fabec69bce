/** Request bodies are checked against the discovery document and Business Messages' own rules. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadDiscovery } from './discovery.js';
import { startGbmEmulator, type EmulatedGbmCustomer, type GbmEmulator } from './index.js';
import { createDiscoveryValidator } from './spec-validator.js';
import { accessToken, AGENT, callApi } from './test-hub.js';

let emu: GbmEmulator;
let token: string;
let alice: EmulatedGbmCustomer;

beforeAll(async () => {
  emu = await startGbmEmulator({ receiptDelaysMs: false });
  token = await accessToken(emu.addAgent(AGENT).serviceAccount);
  alice = emu.customer(AGENT.agentId, { displayName: 'Alice' });
});
afterAll(() => emu.close());

let seq = 0;
const mid = (): string => `msg-${(seq += 1)}`;
const bot = { representativeType: 'BOT' } as const;
const post = (body: unknown, query = '') => callApi(emu.baseUrl, 'POST', `/v1/conversations/${alice.conversationId}/messages${query}`, token, body);
const violations = (json: Record<string, unknown>): Array<{ field: string; description: string }> => {
  const details = (json['error'] as { details?: Array<{ fieldViolations?: Array<{ field: string; description: string }> }> }).details ?? [];
  return details.flatMap((d) => d.fieldViolations ?? []);
};

describe('conversations.messages.create', () => {
  it('answers the message resource with its name and puts it in the inbox', async () => {
    const messageId = mid();
    const r = await post({ messageId, representative: { representativeType: 'HUMAN', displayName: 'Sam' }, text: 'Hello Alice', fallback: 'Hello' });
    expect(r.status).toBe(200);
    expect(r.json).toEqual({
      name: `conversations/${alice.conversationId}/messages/${messageId}`,
      messageId,
      representative: { representativeType: 'HUMAN', displayName: 'Sam' },
      text: 'Hello Alice',
      fallback: 'Hello',
    });
    expect(alice.inbox().at(-1)).toMatchObject({ messageId, text: 'Hello Alice', representative: { displayName: 'Sam' }, receiptsSent: [] });
  });

  it('refuses a message without a representative: 400 INVALID_ARGUMENT naming the field', async () => {
    const before = alice.inbox().length;
    const r = await post({ messageId: mid(), text: 'who am I?' });
    expect(r.status).toBe(400);
    expect(r.json).toEqual({
      error: {
        code: 400,
        status: 'INVALID_ARGUMENT',
        message: expect.stringContaining('message.representative is missing'),
        details: [{ '@type': 'type.googleapis.com/google.rpc.BadRequest', fieldViolations: [expect.objectContaining({ field: 'message.representative' })] }],
      },
    });
    expect(alice.inbox()).toHaveLength(before);
    expect(emu.requests().at(-1)?.validationErrors).toEqual([expect.objectContaining({ field: 'message.representative' })]);
  });

  it.each([
    ['no messageId', { representative: bot, text: 'x' }, 'message.message_id', /Required field message\.message_id is missing/],
    ['an unknown field', { messageId: 'u1', representative: bot, text: 'x', colour: 'red' }, 'message', /Unknown name "colour" at 'message': Cannot find field\./],
    ['a bad enum', { messageId: 'u2', representative: { representativeType: 'ROBOT' }, text: 'x' }, 'message.representative.representative_type', /Invalid value at 'message\.representative\.representative_type' \(.*RepresentativeType\), "ROBOT"/],
    ['a number for text', { messageId: 'u3', representative: bot, text: 5 }, 'message.text', /Invalid value at 'message\.text' \(TYPE_STRING\), 5/],
    ['text over 3,072 characters', { messageId: 'u4', representative: bot, text: 'x'.repeat(3073) }, 'message.text', /at most 3072 characters, got 3073/],
    ['no content', { messageId: 'u5', representative: bot, fallback: 'only fallback' }, 'message', /must contain content: one of text, image, rich_card/],
    ['two kinds of content', { messageId: 'u6', representative: bot, text: 'x', image: { contentInfo: { fileUrl: 'https://example.com/a.png' } } }, 'message', /only one of text, image, rich_card/],
    ['14 suggestions', { messageId: 'u7', representative: bot, text: 'x', suggestions: Array.from({ length: 14 }, (_, i) => ({ reply: { text: `r${i}`, postbackData: `p${i}` } })) }, 'message.suggestions', /at most 13, got 14/],
    ['a suggestion text over 25 characters', { messageId: 'u8', representative: bot, text: 'x', suggestions: [{ reply: { text: 'y'.repeat(26), postbackData: 'p' } }] }, 'message.suggestions[0].reply.text', /at most 25 characters/],
    ['a suggestion of two kinds', { messageId: 'u9', representative: bot, text: 'x', suggestions: [{ reply: { text: 'a', postbackData: 'p' }, liveAgentRequest: {} }] }, 'message.suggestions[0]', /only one of reply, action, live_agent_request, authentication_request/],
    ['a dial action without a number', { messageId: 'u10', representative: bot, text: 'x', suggestions: [{ action: { text: 'Call', postbackData: 'call', dialAction: {} } }] }, 'message.suggestions[0].action.dial_action.phone_number', /Required field/],
    ['an image over plain http', { messageId: 'u11', representative: bot, image: { contentInfo: { fileUrl: 'http://example.com/a.png' } } }, 'message.image.content_info.file_url', /must be a publicly reachable https URL/],
    ['an image without a fileUrl', { messageId: 'u12', representative: bot, image: { contentInfo: { altText: 'a' } } }, 'message.image.content_info.file_url', /Required field/],
    ['a carousel of one card', { messageId: 'u13', representative: bot, richCard: { carouselCard: { cardWidth: 'MEDIUM', cardContents: [{ title: 'a' }] } } }, 'message.rich_card.carousel_card.card_contents', /at least 2, got 1/],
    ['an unspecified representative type', { messageId: 'u14', representative: { representativeType: 'REPRESENTATIVE_TYPE_UNSPECIFIED' }, text: 'x' }, 'message.representative.representative_type', /must be BOT or HUMAN/],
  ])('refuses %s', async (_name, body, field, description) => {
    const r = await post(body);
    expect(r.status).toBe(400);
    expect((r.json['error'] as { status: string }).status).toBe('INVALID_ARGUMENT');
    const v = violations(r.json);
    expect(v.map((x) => x.field)).toContain(field);
    expect(v.find((x) => x.field === field)?.description).toMatch(description);
  });

  it('accepts exactly 3,072 characters, 13 suggestions, snake_case names and nulls like the proto JSON parser', async () => {
    expect((await post({ messageId: mid(), representative: bot, text: 'x'.repeat(3072) })).status).toBe(200);
    const thirteen = Array.from({ length: 13 }, (_, i) => ({ reply: { text: `r${i}`, postbackData: `p${i}` } }));
    expect((await post({ messageId: mid(), representative: bot, text: 'pick', suggestions: thirteen })).status).toBe(200);
    const id = mid();
    const snake = await post({ message_id: id, representative: { representative_type: 'BOT' }, text: 'snake', image: null });
    expect(snake.status).toBe(200);
    expect(snake.json).toMatchObject({ messageId: id, representative: { representativeType: 'BOT' } });
  });

  it('answers 409 ALREADY_EXISTS for a repeated messageId and delivers nothing twice', async () => {
    const messageId = mid();
    expect((await post({ messageId, representative: bot, text: 'once' })).status).toBe(200);
    const again = await post({ messageId, representative: bot, text: 'twice' });
    expect(again.status).toBe(409);
    expect(again.json).toEqual({ error: { code: 409, message: 'Requested entity already exists', status: 'ALREADY_EXISTS' } });
    expect(alice.inbox().filter((m) => m.messageId === messageId)).toHaveLength(1);
    // Another conversation may use the same id.
    const bob = emu.customer(AGENT.agentId);
    expect((await callApi(emu.baseUrl, 'POST', `/v1/conversations/${bob.conversationId}/messages`, token, { messageId, representative: bot, text: 'hi Bob' })).status).toBe(200);
  });

  it('answers 404 NOT_FOUND for an unknown conversation', async () => {
    const r = await callApi(emu.baseUrl, 'POST', '/v1/conversations/3f1c7e4e-0000-4000-8000-000000000000/messages', token, { messageId: mid(), representative: bot, text: 'x' });
    expect(r.status).toBe(404);
    expect(r.json).toEqual({ error: { code: 404, message: 'Requested entity was not found.', status: 'NOT_FOUND' } });
  });

  it('honours forceFallback, and refuses unknown query parameters and malformed JSON', async () => {
    expect(violations((await post({ messageId: mid(), representative: bot, text: 'x' }, '?forceFallback=true')).json)).toEqual([
      { field: 'message.fallback', description: 'message.fallback is required when force_fallback is true.' },
    ]);
    const ok = await post({ messageId: mid(), representative: bot, text: 'rich', fallback: 'plain' }, '?forceFallback=true');
    expect(ok.status).toBe(200);
    expect(alice.inbox().at(-1)).toMatchObject({ forceFallback: true, fallback: 'plain' });
    const unknown = await post({ messageId: mid(), representative: bot, text: 'x' }, '?messageId=1');
    expect(violations(unknown.json)[0]?.description).toMatch(/Unknown name "messageId": Cannot bind query parameter/);
    const res = await fetch(`${emu.baseUrl}/v1/conversations/${alice.conversationId}/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: '{"messageId": ',
    });
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ error: { code: 400, status: 'INVALID_ARGUMENT', message: expect.stringContaining('Invalid JSON payload received') } });
  });
});

describe('conversations.events.create', () => {
  const event = (body: unknown, eventId?: string) =>
    callApi(emu.baseUrl, 'POST', `/v1/conversations/${alice.conversationId}/events${eventId === undefined ? '' : `?eventId=${eventId}`}`, token, body);

  it('records typing and representative events, and refuses a repeated eventId', async () => {
    const r = await event({ eventType: 'REPRESENTATIVE_JOINED', representative: { representativeType: 'HUMAN', displayName: 'Sam' } }, 'ev-1');
    expect(r.status).toBe(200);
    expect(r.json).toEqual({
      name: `conversations/${alice.conversationId}/events/ev-1`,
      eventType: 'REPRESENTATIVE_JOINED',
      representative: { representativeType: 'HUMAN', displayName: 'Sam' },
    });
    expect((await event({ eventType: 'TYPING_STARTED', representative: bot }, 'ev-2')).status).toBe(200);
    expect(alice.events().map((e) => [e.eventId, e.eventType])).toEqual([
      ['ev-1', 'REPRESENTATIVE_JOINED'],
      ['ev-2', 'TYPING_STARTED'],
    ]);
    const again = await event({ eventType: 'TYPING_STOPPED', representative: bot }, 'ev-2');
    expect(again.status).toBe(409);
    expect((again.json['error'] as { status: string }).status).toBe('ALREADY_EXISTS');
    expect(alice.events()).toHaveLength(2);
  });

  it('refuses an event without a type or a representative, or of an unknown type', async () => {
    expect(violations((await event({ representative: bot }, 'ev-x')).json)[0]?.field).toBe('event.event_type');
    expect(violations((await event({ eventType: 'TYPING_STARTED' }, 'ev-y')).json)[0]?.field).toBe('event.representative');
    expect(violations((await event({ eventType: 'WAVING', representative: bot }, 'ev-z')).json)[0]?.description).toMatch(/Invalid value at 'event\.event_type'/);
  });
});

describe('conversations.messages.updateReceipt and conversations.surveys.create', () => {
  it('marks a customer message read by the business', async () => {
    const d = await alice.sendText('are you open today?');
    const path = `/v1/conversations/${alice.conversationId}/messages/${d.messageId ?? ''}/receipt`;
    const r = await callApi(emu.baseUrl, 'PATCH', path, token, { receiptType: 'READ' });
    expect(r.status).toBe(200);
    expect(r.json).toEqual({ name: `conversations/${alice.conversationId}/messages/${d.messageId ?? ''}/receipt`, receiptType: 'READ' });
    expect(alice.sent().find((s) => s.messageId === d.messageId)?.readByBusinessAt).toBeTypeOf('number');
    expect((await callApi(emu.baseUrl, 'PATCH', path, token, { receiptType: 'DELIVERED' })).status).toBe(400);
    expect((await callApi(emu.baseUrl, 'PATCH', `/v1/conversations/${alice.conversationId}/messages/nope/receipt`, token, { receiptType: 'READ' })).status).toBe(404);
  });

  it('sends the first survey in 24 hours and ignores a repeated surveyId', async () => {
    const path = `/v1/conversations/${alice.conversationId}/surveys`;
    const r = await callApi(emu.baseUrl, 'POST', `${path}?surveyId=s-1`, token, {});
    expect(r.json).toEqual({ name: `conversations/${alice.conversationId}/surveys/s-1` });
    expect((await callApi(emu.baseUrl, 'POST', `${path}?surveyId=s-1`, token, {})).status).toBe(200);
    expect((await callApi(emu.baseUrl, 'POST', `${path}?surveyId=s-2`, token, {})).status).toBe(200);
    expect(alice.surveys().map((s) => s.surveyId)).toEqual(['s-1']);
  });
});

describe('constraints read from the discovery document', () => {
  it('derives the documented limits and required fields', () => {
    const { constraints } = createDiscoveryValidator(loadDiscovery());
    const table = constraints.map((c) => `${c.schema}.${c.property} ${c.keyword} ${String(c.value)}`);
    expect(table).toEqual(
      expect.arrayContaining([
        'BusinessMessagesMessage.messageId required true',
        'BusinessMessagesMessage.text maxLength 3072',
        'BusinessMessagesMessage.fallback maxLength 3072',
        'BusinessMessagesMessage.suggestions maxItems 13',
        'BusinessMessagesSuggestedReply.text maxLength 25',
        'BusinessMessagesSuggestedReply.postbackData maxLength 2048',
        'BusinessMessagesSuggestedAction.text maxLength 25',
        'BusinessMessagesCarouselCard.cardContents minItems 2',
        'BusinessMessagesCarouselCard.cardContents maxItems 10',
        'BusinessMessagesCardContent.title maxLength 200',
        'BusinessMessagesCardContent.description maxLength 2000',
        'BusinessMessagesCardContent.suggestions maxItems 4',
        'BusinessMessagesRepresentative.representativeType required true',
        'BusinessMessagesDialAction.phoneNumber required true',
      ]),
    );
  });
});
