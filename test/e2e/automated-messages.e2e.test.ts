/**
 * Automated messages end to end through the public API, the LINE and Twilio emulators, on SQLite
 * and PostgreSQL: the customer's emulator inbox shows what the hub sent.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BUILT_IN_MESSAGES } from '../../src/domain/automated-message-defaults.js';
import { ApiClient, eventually } from '../support/api-client.js';
import { ShiftableClock, queuedConversation, received, setUpLine, textsOf } from '../support/customer-messages.js';
import { ADMIN, setUpTwilioChannel, startTestHub, type TestHub } from '../support/hub.js';
import { STORE_KINDS } from '../support/stores.js';

const HOUR = 3_600_000;
const EN = BUILT_IN_MESSAGES.en!;

describe.each(STORE_KINDS)('automated messages on %s', (kind) => {
  let t: TestHub;
  const clock = new ShiftableClock();
  beforeAll(async () => {
    t = await startTestHub(kind, { clock, automatedMessageDefaults: true });
  });
  afterAll(async () => {
    await t?.close();
  });

  it('admins configure messages; the defaults are listed and flagged; supervisors read, agents cannot', async () => {
    const s = await setUpLine(t);
    const all = await t.admin.get('/api/automated-messages');
    expect(all.filter((m: any) => m.builtIn).map((m: any) => m.language)).toEqual(expect.arrayContaining(['en', 'it', 'nl', 'ko']));
    expect(all.filter((m: any) => m.builtIn)).toHaveLength(40);
    const refused = await t.admin.raw('PUT', '/api/automated-messages', { trigger: 'greeting', channel: 'fax', language: 'en', text: 'x' });
    expect(refused.status).toBe(400);
    const wrongInstance = await t.admin.raw('PUT', '/api/automated-messages', { trigger: 'greeting', channel: 'gbm', language: 'en', channelInstanceId: s.instanceId, text: 'x' });
    expect(wrongInstance.status).toBe(400);
    const put = await t.admin.raw('PUT', '/api/automated-messages', { trigger: 'greeting', channel: 'line', language: 'en-us', channelInstanceId: s.instanceId, text: 'Hi' });
    expect(put.status).toBe(201);
    const created = (await put.json()) as any;
    expect(created).toMatchObject({ language: 'en-US', enabled: true, builtIn: false });
    const again = await t.admin.call('PUT', '/api/automated-messages', { trigger: 'greeting', channel: 'line', language: 'en-US', channelInstanceId: s.instanceId, text: 'Hello' });
    expect(again).toMatchObject({ id: created.id, text: 'Hello' });
    expect(await s.agent.raw('GET', '/api/automated-messages').then((r) => r.status)).toBe(403);
    await t.admin.post('/api/users', { email: `am-sup-${kind}@example.test`, displayName: 'Sue', password: 'supervisor-pw-1', role: 'supervisor' });
    const sup = new ApiClient(t.url);
    await sup.login(`am-sup-${kind}@example.test`, 'supervisor-pw-1');
    expect((await sup.get(`/api/automated-messages?channelInstanceId=${s.instanceId}`)).map((m: any) => m.id)).toEqual([created.id]);
    expect((await sup.raw('PUT', '/api/automated-messages', { trigger: 'greeting', channel: 'line', language: 'en', text: 'x' })).status).toBe(403);
    await t.admin.call('DELETE', `/api/automated-messages/${created.id}`);
    expect((await t.admin.raw('DELETE', `/api/automated-messages/${created.id}`)).status).toBe(404);
  });

  it('greets with {$customerName$}; an instance message beats the channel-wide one', async () => {
    const a = await setUpLine(t);
    const b = await setUpLine(t);
    const wide = await t.admin.call('PUT', '/api/automated-messages', { trigger: 'greeting', channel: 'line', language: 'en', text: 'Welcome {$customerName$}, we are on it.' });
    const mine = await t.admin.call('PUT', '/api/automated-messages', {
      trigger: 'greeting',
      channel: 'line',
      language: 'en-US',
      channelInstanceId: b.instanceId,
      text: 'Instance B says hello to {$customerName$}{Nope}!',
    });
    try {
      const kenji = t.line.customer(a.channelId, undefined, { displayName: 'Kenji' });
      await kenji.sendText('hello A');
      expect(await received(kenji, /^Welcome/)).toBe('Welcome Kenji, we are on it.');
      const mia = t.line.customer(b.channelId, undefined, { displayName: 'Mia' });
      await mia.sendText('hello B');
      expect(await received(mia, /^Instance B/)).toBe('Instance B says hello to Mia!');
      expect(textsOf(mia).some((x) => x.startsWith('Welcome'))).toBe(false);
      const conv = await queuedConversation(t, b.queueId, 'hello B');
      const msgs = await t.admin.get(`/api/conversations/${conv.id}/messages`);
      expect(msgs.find((m: any) => m.content.text === 'Instance B says hello to Mia!')).toMatchObject({ direction: 'out', senderType: 'system' });
    } finally {
      await t.admin.call('DELETE', `/api/automated-messages/${wide.id}`);
      await t.admin.call('DELETE', `/api/automated-messages/${mine.id}`);
    }
  });

  it('an instance can turn the built-in texts off and keep its own; a disabled message sends nothing', async () => {
    const s = await setUpLine(t, { settings: { automatedMessages: { builtInDefaults: false } } });
    await t.admin.call('PUT', '/api/automated-messages', { trigger: 'agent_assigned', channel: 'line', language: 'en', channelInstanceId: s.instanceId, text: 'You are talking to {AgentName} of {QueueName}.' });
    await t.admin.call('PUT', '/api/automated-messages', { trigger: 'session_ended', channel: 'line', language: 'en', channelInstanceId: s.instanceId, text: 'Bye', enabled: false });
    const cust = t.line.customer(s.channelId);
    await cust.sendText('quiet please');
    const conv = await queuedConversation(t, s.queueId, 'quiet please');
    await s.agent.post(`/api/conversations/${conv.id}/pick`);
    expect(await received(cust, /^You are talking to/)).toMatch(new RegExp(`^You are talking to ${s.agentName} of CM \\d+ fallback queue\\.$`));
    await s.agent.post(`/api/conversations/${conv.id}/end`);
    await s.agent.post(`/api/conversations/${conv.id}/close`);
    await t.hub.automatedMessages.settle();
    await new Promise((r) => setTimeout(r, 300));
    expect(textsOf(cust)).toEqual([expect.stringMatching(/^You are talking to/)]);
  });

  it('an Italian channel instance gets the Italian defaults', async () => {
    const s = await setUpLine(t, { language: 'it-IT' });
    const giulia = t.line.customer(s.channelId, undefined, { displayName: 'Giulia' });
    await giulia.sendText('ciao');
    expect(await received(giulia, /^Ciao/)).toBe('Ciao Giulia, grazie per averci contattato! Un operatore ti risponderà a breve.');
    const conv = await queuedConversation(t, s.queueId, 'ciao');
    await s.agent.post(`/api/conversations/${conv.id}/pick`);
    expect(await received(giulia, /^Ti sta rispondendo/)).toBe(`Ti sta rispondendo ${s.agentName}.`);
  });

  it('tells the place in the queue, then next in line as the items ahead are picked; agent assigned names the agent', async () => {
    const s = await setUpLine(t);
    const [a, b, c] = ['first', 'second', 'third'].map((name) => t.line.customer(s.channelId, undefined, { displayName: name })) as [any, any, any];
    await a.sendText('a: help');
    const convA = await queuedConversation(t, s.queueId, 'a: help');
    await b.sendText('b: help');
    const convB = await queuedConversation(t, s.queueId, 'b: help');
    await c.sendText('c: help');
    await queuedConversation(t, s.queueId, 'c: help');
    await received(b, 'You are number 2 in the queue. Thanks for waiting.');
    await received(c, 'You are number 3 in the queue. Thanks for waiting.');
    await received(a, /^Hi first/);
    expect(textsOf(a).some((x) => /number|next in line/.test(x))).toBe(false); // first in line on arrival: nothing to say

    // A minute later the agent picks A: B is next in line, C moves up to 2.
    clock.advance(61_000);
    await s.agent.post(`/api/conversations/${convA.id}/pick`);
    expect(await received(a, /has joined/)).toBe(`${s.agentName} has joined the conversation.`);
    await received(b, EN.next_in_line);
    await received(c, 'You are number 2 in the queue. Thanks for waiting.');
    // B is picked right after: C becomes next in line at once (not held back by the minute).
    await s.agent.post(`/api/conversations/${convB.id}/pick`);
    await received(c, EN.next_in_line);
    await t.hub.automatedMessages.settle();
    const positions = textsOf(c).filter((x) => /number|next in line/.test(x));
    expect(positions).toEqual(['You are number 3 in the queue. Thanks for waiting.', 'You are number 2 in the queue. Thanks for waiting.', EN.next_in_line]);
    expect(textsOf(b).filter((x) => /number|next in line/.test(x))).toEqual(['You are number 2 in the queue. Thanks for waiting.', EN.next_in_line]);
  });

  it('a greeting that waits for the customer\'s name still comes before "agent joined", and is dropped once the agent has written', async () => {
    const s = await setUpLine(t);
    // LINE will not tell the profile: each greeting waits its full 2 s for the customer's name.
    t.line.injectFault({ path: /^\/v2\/bot\/profile\//, status: 500, times: Infinity });
    try {
      const a = t.line.customer(s.channelId, undefined, { displayName: 'Slow' });
      await a.sendText('a: hello');
      const convA = await queuedConversation(t, s.queueId, 'a: hello');
      await s.agent.post(`/api/conversations/${convA.id}/pick`);
      await received(a, /has joined/);
      const greeting = textsOf(a).findIndex((x) => /thanks for contacting us/.test(x));
      expect(greeting, textsOf(a).join(' | ')).toBeGreaterThanOrEqual(0);
      expect(greeting).toBeLessThan(textsOf(a).findIndex((x) => /has joined/.test(x)));

      // The agent picks and writes while the greeting still waits: "an agent will be with you shortly" would be wrong now.
      const b = t.line.customer(s.channelId, undefined, { displayName: 'Quick' });
      await b.sendText('b: hello');
      const convB = await queuedConversation(t, s.queueId, 'b: hello');
      await s.agent.post(`/api/conversations/${convB.id}/pick`);
      await s.agent.post(`/api/conversations/${convB.id}/messages`, { kind: 'text', text: 'b: on it' });
      await received(b, 'b: on it');
      await received(b, /has joined/);
      await t.hub.automatedMessages.settle();
      expect(textsOf(b).filter((x) => /thanks for contacting us/.test(x))).toEqual([]);
      const transcript = await s.agent.get(`/api/conversations/${convB.id}/messages`);
      expect(transcript.filter((m: any) => /thanks for contacting us/.test(m.content.text ?? ''))).toEqual([]);
    } finally {
      t.line.clearFaults();
    }
  });

  it('agent ended and session ended when the agent ends and closes', async () => {
    const s = await setUpLine(t);
    const cust = t.line.customer(s.channelId);
    await cust.sendText('end me');
    const conv = await queuedConversation(t, s.queueId, 'end me');
    await s.agent.post(`/api/conversations/${conv.id}/pick`);
    await s.agent.post(`/api/conversations/${conv.id}/end`);
    expect(await received(cust, /has ended the conversation/)).toBe(`${s.agentName} has ended the conversation. Thank you for contacting us.`);
    await s.agent.post(`/api/conversations/${conv.id}/close`);
    await received(cust, EN.session_ended);
  });

  it('out of operating hours, and a holiday by name', async () => {
    const closed = await setUpLine(t);
    await t.admin.call('PUT', `/api/queues/${closed.queueId}/routing`, { operatingHours: { timeZone: 'UTC', week: {} } });
    const c1 = t.line.customer(closed.channelId);
    await c1.sendText('anyone there?');
    await received(c1, EN.out_of_hours);

    const holiday = await setUpLine(t, { language: 'nl-NL' });
    const day = (ms: number) => new Date(ms).toISOString().slice(0, 10);
    const allDay = [{ from: '00:00', to: '24:00' }];
    await t.admin.call('PUT', `/api/queues/${holiday.queueId}/routing`, {
      operatingHours: {
        timeZone: 'UTC',
        week: { mon: allDay, tue: allDay, wed: allDay, thu: allDay, fri: allDay, sat: allDay, sun: allDay },
        holidays: [{ from: day(clock.now() - 86_400_000), to: day(clock.now() + 86_400_000), name: 'Koningsdag' }],
      },
    });
    const c2 = t.line.customer(holiday.channelId);
    await c2.sendText('hallo?');
    await received(c2, 'We zijn vandaag gesloten vanwege Koningsdag. We reageren zodra we weer open zijn.');
    expect(textsOf(c2)).not.toContain(BUILT_IN_MESSAGES.nl!.out_of_hours);
  });

  it('transfer accepted when an agent transfers to a queue', async () => {
    const s = await setUpLine(t);
    const other = await t.admin.post('/api/queues', { name: `Other ${kind}` });
    const cust = t.line.customer(s.channelId);
    await cust.sendText('move me');
    const conv = await queuedConversation(t, s.queueId, 'move me');
    await s.agent.post(`/api/conversations/${conv.id}/pick`);
    await s.agent.post(`/api/conversations/${conv.id}/transfer`, { queueId: other.id });
    await received(cust, EN.transfer_accepted);
  });

  it('WhatsApp past 24 hours: a message with a template goes as the template; one without is skipped, with the reason recorded', async () => {
    const ch = await setUpTwilioChannel(t);
    const { sid } = t.twilio.addContent(ch.creds.accountSid, {
      friendlyName: 'chat_closed',
      language: 'en',
      body: 'Thanks {{1}}, your chat with {{2}} has ended.',
      approval: 'approved',
    });
    await t.admin.post(`/api/accounts/${ch.account.id}/templates/import`);
    const template = (await t.admin.get(`/api/accounts/${ch.account.id}/templates`)).find((x: any) => x.name === 'chat_closed');
    await t.admin.call('PUT', '/api/automated-messages', {
      trigger: 'session_ended',
      channel: 'twilio-whatsapp',
      language: 'en-US',
      channelInstanceId: ch.instance.id,
      text: 'Thanks {$customerName$}, your chat with {AgentName} has ended.',
      templateId: template.id,
    });
    const customer = t.twilio.customer(ch.creds.accountSid, ch.number, '+393335550001', 'Marco');
    await customer.sendText('ciao');
    await customer.waitForInbox(1, 10_000); // the greeting, inside the window
    expect(customer.inbox()[0]!.body).toBe('Hi Marco, thanks for contacting us! An agent will be with you shortly.');
    const conv = await queuedConversation(t, ch.queueId, 'ciao');
    await ch.agent.post(`/api/conversations/${conv.id}/pick`);
    await customer.waitForInbox(2, 10_000);

    clock.advance(25 * HOUR);
    await t.admin.login(ADMIN.email, ADMIN.password);
    const agent = new ApiClient(t.url);
    await agent.login(ch.agentEmail, ch.agentPassword);
    await agent.post(`/api/conversations/${conv.id}/end`);
    await agent.post(`/api/conversations/${conv.id}/close`);

    const inbox = await customer.waitForInbox(3, 10_000);
    expect(inbox[2]).toMatchObject({ contentSid: sid, renderedText: `Thanks Marco, your chat with WA Agent ${ch.agentEmail.match(/\d+/)![0]} has ended.` });
    const skipped = await eventually(async () => {
      const msgs = await t.admin.get(`/api/conversations/${conv.id}/messages`);
      return msgs.find((m: any) => m.content.kind === 'event' && m.content.name === 'automated_message_skipped');
    }, 10_000, 'skip recorded');
    expect(skipped.content.detail).toBe('automated message agent_ended: the 24-hour messaging window is closed and no template is set');
    expect(skipped).toMatchObject({ status: 'failed', errorCode: 'skipped' });
    const sent = (await t.admin.get(`/api/conversations/${conv.id}/messages`)).find((m: any) => m.content.kind === 'template');
    expect(sent).toMatchObject({ senderType: 'system', content: { templateId: template.id, variables: { '1': 'Marco', '2': expect.stringMatching(/^WA Agent/) } } });
    await new Promise((r) => setTimeout(r, 200));
    expect(customer.inbox()).toHaveLength(3);
  });
});
