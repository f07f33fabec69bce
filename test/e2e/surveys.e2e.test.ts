/**
 * Post-conversation surveys end to end through the public API, the survey page and the LINE
 * emulator, on SQLite and PostgreSQL: link surveys answered on the page, inline surveys answered
 * in the chat (without opening a new conversation), anonymous responses, and the report.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ShiftableClock, queuedConversation, received, setUpLine, textsOf, type LineSetup } from '../support/customer-messages.js';
import { ADMIN, startTestHub, type TestHub } from '../support/hub.js';
import { STORE_KINDS } from '../support/stores.js';

const INLINE_QUESTION = 'How did we do? Reply with a number from 1 to 5.';

describe.each(STORE_KINDS)('post-conversation surveys on %s', (kind) => {
  let t: TestHub;
  const clock = new ShiftableClock();
  beforeAll(async () => {
    t = await startTestHub(kind, { clock, automatedMessageDefaults: true });
  });
  afterAll(async () => {
    await t?.close();
  });

  /** A customer writes, the agent picks, ends and closes: returns the closed conversation. */
  async function serveAndClose(s: LineSetup, customer: { sendText(text: string): Promise<unknown> }, text: string): Promise<any> {
    await customer.sendText(text);
    const conv = await queuedConversation(t, s.queueId, text);
    await s.agent.post(`/api/conversations/${conv.id}/pick`);
    await s.agent.post(`/api/conversations/${conv.id}/end`);
    await s.agent.post(`/api/conversations/${conv.id}/close`);
    return conv;
  }

  const form = (fields: Record<string, string>) => ({
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(fields).toString(),
  });

  it('link survey: answered once through the page, and shown in the report', async () => {
    const s = await setUpLine(t, { settings: { survey: { enabled: true, mode: 'link', anonymous: false } } });
    const customer = t.line.customer(s.channelId, undefined, { displayName: 'Lena' });
    const conv = await serveAndClose(s, customer, 'link survey please');
    const text = await received(customer, /\/survey\//);
    expect(text).toMatch(/^How did we do\? Tell us here: http:\/\/127\.0\.0\.1:\d+\/survey\/[A-Za-z0-9_-]{43}$/);
    const url = text.split(' ').at(-1)!;
    expect(url.startsWith(t.url)).toBe(true);

    const page = await fetch(url);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toMatch(/^text\/html/);
    expect(page.headers.get('content-security-policy')).toMatch(/default-src 'none'/);
    expect(page.headers.get('referrer-policy')).toBe('no-referrer');
    const html = await page.text();
    expect(html.match(/type="radio" name="rating"/g)).toHaveLength(5);
    expect(html).not.toMatch(/<script/i);

    const missing = await fetch(url, form({ comment: 'no rating' }));
    expect(missing.status).toBe(400);
    const answered = await fetch(url, form({ rating: '4', comment: '  Quick <b>and</b> kind  ' }));
    expect(answered.status).toBe(200);
    expect(await answered.text()).toContain('Thank you for your feedback!');
    const twice = await fetch(url, form({ rating: '1' }));
    expect(twice.status).toBe(409);
    expect((await fetch(url)).status).toBe(200); // "already answered"
    expect((await fetch(`${t.url}/survey/${'x'.repeat(43)}`)).status).toBe(404);

    const report = await t.admin.get(`/api/surveys/report?channelInstanceId=${s.instanceId}`);
    expect(report).toMatchObject({ sent: 1, answered: 1, responseRate: 1, average: 4, distribution: { '1': 0, '2': 0, '3': 0, '4': 1, '5': 0 } });
    expect(report.byAgent).toEqual([expect.objectContaining({ agentId: s.agentId, agentName: s.agentName, answered: 1, average: 4 })]);
    const list = await t.admin.get(`/api/surveys?channelInstanceId=${s.instanceId}`);
    expect(list).toEqual([
      expect.objectContaining({ conversationId: conv.id, agentId: s.agentId, state: 'answered', mode: 'link', rating: 4, comment: 'Quick <b>and</b> kind', anonymous: false }),
    ]);
    const byAgent = await t.admin.get(`/api/surveys/report?agentId=${s.agentId}&from=${new Date(clock.now() - 60_000).toISOString()}`);
    expect(byAgent).toMatchObject({ sent: 1, answered: 1 });
    expect((await s.agent.raw('GET', '/api/surveys/report')).status).toBe(403);
    expect((await t.admin.raw('GET', '/api/surveys/report?from=yesterday')).status).toBe(400);
  });

  it('a survey link expires after 7 days', async () => {
    const s = await setUpLine(t, { settings: { survey: { enabled: true, mode: 'link' } } });
    const customer = t.line.customer(s.channelId);
    await serveAndClose(s, customer, 'expire me');
    const url = (await received(customer, /\/survey\//)).split(' ').at(-1)!;
    clock.advance(7 * 86_400_000 + 60_000);
    await t.admin.login(ADMIN.email, ADMIN.password); // sessions last 12 hours
    expect((await fetch(url)).status).toBe(410);
    expect((await fetch(url, form({ rating: '5' }))).status).toBe(410);
  });

  it('inline survey: "4" answers it without opening a conversation, and appears in the report', async () => {
    const s = await setUpLine(t, { settings: { survey: { enabled: true, mode: 'inline' } } });
    const customer = t.line.customer(s.channelId, undefined, { displayName: 'Ines' });
    const conv = await serveAndClose(s, customer, 'inline survey please');
    await received(customer, INLINE_QUESTION);
    // Session ended is stored before the survey (delivery runs jobs concurrently, so the inbox order may differ).
    const stored = (await t.admin.get(`/api/conversations/${conv.id}/messages`)).map((m: any) => m.content.text);
    expect(stored.indexOf('This conversation has ended. Thank you for contacting us!')).toBeLessThan(stored.indexOf(INLINE_QUESTION));

    await customer.sendText('4');
    await received(customer, 'Thank you for your feedback!');
    const transcript = await t.admin.get(`/api/conversations/${conv.id}/messages`);
    // The answer joins the closed conversation's transcript (other system notes may follow it).
    const answer = transcript.findIndex((m: any) => m.direction === 'in' && m.content.text === '4');
    expect(transcript[answer]).toMatchObject({ senderType: 'customer', content: { kind: 'text', text: '4' } });
    expect(transcript.findIndex((m: any) => m.content.text === 'Thank you for your feedback!')).toBeGreaterThan(answer);
    const live = await t.admin.get('/api/conversations?state=open,active,waiting');
    expect(live.filter((c: any) => c.identityId === conv.identityId)).toEqual([]);
    expect((await t.admin.get(`/api/conversations/${conv.id}`)).conversation.state).toBe('closed');

    const report = await t.admin.get(`/api/surveys/report?channelInstanceId=${s.instanceId}`);
    expect(report).toMatchObject({ sent: 1, answered: 1, average: 4, distribution: { '4': 1 } });
    expect(report.byAgent[0]).toMatchObject({ agentId: s.agentId, answered: 1 });

    // Answered once: the next number is an ordinary message that opens a conversation.
    await customer.sendText('5');
    await queuedConversation(t, s.queueId, '5');
    expect((await t.admin.get(`/api/surveys/report?channelInstanceId=${s.instanceId}`)).average).toBe(4);
  });

  it('inline survey: a number more than 24 hours later is an ordinary message', async () => {
    const s = await setUpLine(t, { settings: { survey: { enabled: true, mode: 'inline' } } });
    const customer = t.line.customer(s.channelId);
    await serveAndClose(s, customer, 'late answer');
    await received(customer, INLINE_QUESTION);
    clock.advance(25 * 3_600_000);
    await t.admin.login(ADMIN.email, ADMIN.password); // sessions last 12 hours
    await customer.sendText('3');
    await queuedConversation(t, s.queueId, '3');
    expect(await t.admin.get(`/api/surveys/report?channelInstanceId=${s.instanceId}`)).toMatchObject({ sent: 1, answered: 0 });
  });

  it('anonymous responses keep no agent, contact or conversation', async () => {
    const s = await setUpLine(t, { language: 'it-IT', settings: { survey: { enabled: true, mode: 'inline', anonymous: true } } });
    const customer = t.line.customer(s.channelId);
    const conv = await serveAndClose(s, customer, 'anonimo');
    await received(customer, 'Come ci siamo comportati? Rispondi con un numero da 1 a 5.');
    await customer.sendText('2');
    await received(customer, 'Grazie per il tuo feedback!');
    const list = await t.admin.get(`/api/surveys?channelInstanceId=${s.instanceId}`);
    expect(list).toEqual([expect.objectContaining({ anonymous: true, rating: 2, state: 'answered', conversationId: null, agentId: null, agentName: null, contactId: null })]);
    const report = await t.admin.get(`/api/surveys/report?channelInstanceId=${s.instanceId}`);
    expect(report).toMatchObject({ answered: 1, average: 2, byAgent: [] });
    expect((await t.admin.get(`/api/surveys/report?agentId=${s.agentId}`)).sent).toBe(0);
    // Not in the stored row either.
    const rows = await t.hub.store.db.selectFrom('survey_responses').selectAll().where('channel_instance_id', '=', s.instanceId).execute();
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ agent_id: null, contact_id: null });
    expect(rows[0]!.conversation_id).not.toBe(conv.id);
    expect(rows[0]!.conversation_id).toMatch(/^anon:/);
  });

  it('no survey when the instance has none, nor for an overflow closure without an agent', async () => {
    const off = await setUpLine(t);
    const c1 = t.line.customer(off.channelId);
    await serveAndClose(off, c1, 'no survey here');
    await received(c1, 'This conversation has ended. Thank you for contacting us!');

    const s = await setUpLine(t, { mode: 'push', settings: { survey: { enabled: true, mode: 'inline' } } });
    await t.admin.call('PUT', `/api/queues/${s.queueId}/routing`, { operatingHours: { timeZone: 'UTC', week: {} }, outOfHours: { action: 'end' } });
    const c2 = t.line.customer(s.channelId);
    await c2.sendText('closed queue');
    await received(c2, 'This conversation has ended. Thank you for contacting us!');
    await t.hub.automatedMessages.settle();
    await new Promise((r) => setTimeout(r, 300));
    expect(textsOf(c1)).not.toContain(INLINE_QUESTION);
    expect(textsOf(c2)).not.toContain(INLINE_QUESTION);
    expect(await t.admin.get(`/api/surveys?channelInstanceId=${s.instanceId}`)).toEqual([]);
  });
});
