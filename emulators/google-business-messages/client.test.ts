/**
 * Google's official Node.js client (`businessmessages`, generated from the discovery document, on
 * googleapis-common) works against the emulator. google-auth-library's own JWT client cannot be
 * pointed at another token endpoint (gtoken hard-codes https://oauth2.googleapis.com/token as URL
 * and audience), so the token comes from the emulator's /token the way the hub gets it: an RS256
 * JWT signed with the key file, traded for an access token, handed to an OAuth2Client.
 */
import businessmessages from 'businessmessages';
import { GaxiosError, OAuth2Client } from 'googleapis-common';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGbmEmulator, type GbmEmulator } from './index.js';
import { accessToken, AGENT, startTestHub, type TestHub } from './test-hub.js';

let emu: GbmEmulator;
let hub: TestHub;
let bm: InstanceType<typeof businessmessages.businessmessages_v1.Businessmessages>;

beforeAll(async () => {
  emu = await startGbmEmulator({ receiptDelaysMs: { delivered: 5, read: 10 } });
  hub = await startTestHub();
  const { serviceAccount } = emu.addAgent({ ...AGENT, webhookUrl: hub.url });
  const auth = new OAuth2Client();
  auth.setCredentials({ access_token: await accessToken(serviceAccount), token_type: 'Bearer', expiry_date: Date.now() + 3_000_000 });
  bm = new businessmessages.businessmessages_v1.Businessmessages({ rootUrl: `${emu.baseUrl}/`, auth });
});
afterAll(async () => {
  await emu.close();
  await hub.close();
});

describe('official businessmessages client against the emulator', () => {
  it('sends a message with suggestions and gets the resource back', async () => {
    const alice = emu.customer(AGENT.agentId, { displayName: 'Alice' });
    const res = await bm.conversations.messages.create({
      parent: `conversations/${alice.conversationId}`,
      requestBody: {
        messageId: 'c0ffee00-0000-4000-8000-000000000001',
        representative: { representativeType: 'BOT', displayName: 'Helper' },
        text: 'Hello, World!',
        suggestions: [{ reply: { text: 'Hi', postbackData: 'hi' } }],
      },
    });
    expect(res.status).toBe(200);
    expect(res.data).toMatchObject({
      name: `conversations/${alice.conversationId}/messages/c0ffee00-0000-4000-8000-000000000001`,
      text: 'Hello, World!',
    });
    const [m] = await alice.waitForInbox(1);
    expect(m).toMatchObject({ text: 'Hello, World!', representative: { displayName: 'Helper' }, suggestions: [{ reply: { postbackData: 'hi' } }] });
    const rec = emu.requests().at(-1);
    expect(rec).toMatchObject({ method: 'POST', path: `/v1/conversations/${alice.conversationId}/messages`, status: 200, partnerId: AGENT.partnerId });
    expect(rec?.headers['x-goog-api-client']).toMatch(/^gdcl\//);
    expect(rec?.headers['authorization']).toBe('Bearer <redacted>');
  });

  it('surfaces ALREADY_EXISTS and INVALID_ARGUMENT as GaxiosErrors with Google\'s body', async () => {
    const bob = emu.customer(AGENT.agentId);
    const body = { messageId: 'dup-1', representative: { representativeType: 'HUMAN' }, text: 'once' };
    await bm.conversations.messages.create({ parent: `conversations/${bob.conversationId}`, requestBody: body });
    const dup = await bm.conversations.messages.create({ parent: `conversations/${bob.conversationId}`, requestBody: body }).catch((e: unknown) => e);
    expect(dup).toBeInstanceOf(GaxiosError);
    expect((dup as GaxiosError).status).toBe(409);
    expect((dup as GaxiosError).response?.data).toEqual({ error: { code: 409, message: 'Requested entity already exists', status: 'ALREADY_EXISTS' } });

    const bad = await bm.conversations.messages.create({ parent: `conversations/${bob.conversationId}`, requestBody: { messageId: 'no-rep', text: 'x' } }).catch((e: unknown) => e);
    expect((bad as GaxiosError).status).toBe(400);
    expect((bad as GaxiosError).response?.data).toMatchObject({ error: { status: 'INVALID_ARGUMENT' } });
    expect(bob.inbox()).toHaveLength(1);
  });

  it('sends an event, marks a customer message read, creates a survey, and passes forceFallback', async () => {
    const carol = emu.customer(AGENT.agentId);
    const joined = await bm.conversations.events.create({
      parent: `conversations/${carol.conversationId}`,
      eventId: 'ev-join-1',
      requestBody: { eventType: 'REPRESENTATIVE_JOINED', representative: { representativeType: 'HUMAN', displayName: 'Sam' } },
    });
    expect(joined.data).toEqual({
      name: `conversations/${carol.conversationId}/events/ev-join-1`,
      eventType: 'REPRESENTATIVE_JOINED',
      representative: { representativeType: 'HUMAN', displayName: 'Sam' },
    });
    expect(carol.events()).toEqual([expect.objectContaining({ eventId: 'ev-join-1', eventType: 'REPRESENTATIVE_JOINED' })]);

    const d = await carol.sendText('thanks!');
    const receipt = await bm.conversations.messages.updateReceipt({
      name: `conversations/${carol.conversationId}/messages/${d.messageId ?? ''}/receipt`,
      requestBody: { receiptType: 'READ' },
    });
    expect(receipt.data).toEqual({ name: `conversations/${carol.conversationId}/messages/${d.messageId ?? ''}/receipt`, receiptType: 'READ' });
    expect(carol.sent()[0]?.readByBusinessAt).toBeTypeOf('number');

    const survey = await bm.conversations.surveys.create({ parent: `conversations/${carol.conversationId}`, surveyId: 'sv-1', requestBody: {} });
    expect(survey.data).toEqual({ name: `conversations/${carol.conversationId}/surveys/sv-1` });

    await bm.conversations.messages.create({
      parent: `conversations/${carol.conversationId}`,
      forceFallback: true,
      requestBody: { messageId: 'ff-1', representative: { representativeType: 'BOT' }, text: 'rich', fallback: 'plain' },
    });
    expect(carol.inbox().at(-1)).toMatchObject({ messageId: 'ff-1', forceFallback: true, fallback: 'plain' });
    expect(emu.requests().at(-1)?.query).toEqual({ forceFallback: 'true' });
  });

  it('is refused with 401 UNAUTHENTICATED without a valid token', async () => {
    const anon = new businessmessages.businessmessages_v1.Businessmessages({ rootUrl: `${emu.baseUrl}/` });
    const err = await anon.conversations.messages
      .create({ parent: `conversations/${emu.customer(AGENT.agentId).conversationId}`, requestBody: { messageId: 'x', representative: { representativeType: 'BOT' }, text: 'x' } })
      .catch((e: unknown) => e);
    expect((err as GaxiosError).status).toBe(401);
    expect((err as GaxiosError).response?.data).toMatchObject({ error: { code: 401, status: 'UNAUTHENTICATED' } });
  });
});
