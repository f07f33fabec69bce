/**
 * The admin centre's routing screens in Chromium: an admin builds a classification rule and a
 * route-to-queue rule in the rules editor, the rule tester shows which rules fire and the chosen
 * queue, and a real LINE message then lands in that queue. Queue settings (assignment method,
 * operating hours, holidays, overflow) and an agent's capacity and skills are saved from their
 * pages and read back through the API.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { launchBrowser, openPage, screenshot, signIn, startWebTestHub, until, type PageWatch } from '../support/browser.js';
import { ADMIN, type TestHub } from '../support/hub.js';

const CREDS = { channelId: '2000000201', channelSecret: 'b2'.repeat(16), channelAccessToken: 'rules-browser-token' };

describe('routing rules in the admin centre', () => {
  let t: TestHub;
  let browser: Browser;
  const watches: PageWatch[] = [];

  beforeAll(async () => {
    [t, browser] = await Promise.all([startWebTestHub('sqlite'), launchBrowser()]);
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  it('builds a route-to-queue rule, tests it, and a real message lands in the chosen queue', async () => {
    const account = await t.admin.post('/api/accounts', { kind: 'line', name: 'Rules LINE', credentials: CREDS, settings: {} });
    const ws = await t.admin.post('/api/workstreams', { name: 'Sales', mode: 'pick' });
    const refunds = await t.admin.post('/api/queues', { name: 'Refunds', priority: 2 });
    await t.admin.post('/api/channel-instances', { accountId: account.id, workstreamId: ws.id, name: 'LINE sales', language: 'en-US', settings: {} });
    t.line.addChannel({ ...CREDS, webhookUrl: account.callbackUrl });
    const u = await t.admin.post('/api/users', { email: 'rita@example.test', displayName: 'Rita Rules', password: 'agent-password-1', role: 'agent' });
    const ritaId = (u.user ?? u).id as string;

    const ctx = await browser.newContext({ viewport: { width: 1440, height: 1000 }, locale: 'en-US' });
    const w = await openPage(ctx);
    watches.push(w);
    const page = w.page;
    await signIn(page, t.url, ADMIN.email, ADMIN.password, '/admin/workstreams');
    await page.getByRole('link', { name: 'Sales', exact: true }).click();
    await page.getByRole('heading', { name: 'Sales', level: 1 }).waitFor();
    await page.getByText('fixed after creation').waitFor();

    // A classification rule set: Italian speakers need the "italian" skill at level 5.
    await page.getByRole('button', { name: 'Add a rule set' }).click();
    const set = page.getByTestId('rule-set');
    await set.getByLabel('Rule set name').fill('Language');
    await set.getByRole('button', { name: 'Add a rule to Language' }).click();
    const cls = set.getByTestId('classification-rule');
    await cls.getByLabel('Rule name').fill('Italian');
    await cls.getByLabel('Field of condition 1').fill('locale');
    await cls.getByLabel('Operator of condition 1').selectOption('startsWith');
    await cls.getByLabel('Value of condition 1').fill('it');
    await cls.getByRole('button', { name: 'Add a skill' }).click();
    await cls.getByLabel('Skill', { exact: true }).fill('italian');
    await cls.getByLabel('Level').selectOption('5');

    // The route-to-queue rule: refunds go to the Refunds queue.
    await page.getByRole('button', { name: 'Add a route-to-queue rule' }).click();
    const rule = page.getByTestId('route-rule');
    await rule.getByLabel('Rule name').fill('Refund requests');
    await rule.getByLabel('Field of condition 1').fill('firstMessage');
    await rule.getByLabel('Operator of condition 1').selectOption('contains');
    await rule.getByLabel('Value of condition 1').fill('refund');
    // A second condition in an "any" group: the word "money back" counts too.
    await rule.getByRole('button', { name: 'Add a condition', exact: true }).click();
    await rule.getByLabel('Field of condition 2').fill('firstMessage');
    await rule.getByLabel('Operator of condition 2').selectOption('contains');
    await rule.getByLabel('Value of condition 2').fill('money back');
    await rule.getByLabel('Match', { exact: true }).selectOption('any');
    await rule.getByLabel('Queue', { exact: true }).selectOption({ label: 'Refunds' });
    await rule.getByText('(firstMessage contains “refund” or firstMessage contains “money back”)').waitFor();
    await page.getByRole('button', { name: 'Save settings and rules' }).click();
    await page.getByText('Saved.').waitFor();

    const saved = await t.admin.get(`/api/workstreams/${ws.id}/routing`);
    expect(saved.routeToQueue.rules[0]).toMatchObject({
      name: 'Refund requests',
      queueId: refunds.id,
      condition: { any: [{ field: 'firstMessage', op: 'contains', value: 'refund' }, { field: 'firstMessage', op: 'contains', value: 'money back' }] },
    });
    expect(saved.classification[0].rules[0]).toMatchObject({ name: 'Italian', condition: { field: 'locale', op: 'startsWith', value: 'it' }, outputs: { skills: [{ name: 'italian', level: 5 }] } });

    // The rule tester: an Italian customer asking for a refund.
    const tester = page.getByRole('region', { name: 'Rule tester' });
    await tester.getByLabel('First message').fill('Vorrei un refund per favore');
    await tester.getByLabel('Locale').fill('it-IT');
    await tester.getByRole('button', { name: 'Test the rules' }).click();
    await tester.getByTestId('tester-queue').getByText('Refunds').waitFor();
    await tester.getByText('Chosen by the rule “Refund requests”.').waitFor();
    await tester.getByText('rule “Italian” fired').waitFor();
    await tester.getByText('italian (5)').waitFor();
    const explanation = (await tester.locator('pre.explanation').textContent()) ?? '';
    expect(explanation).toMatch(/Refund requests/);
    expect(explanation).toMatch(/“Refunds”/);
    await tester.scrollIntoViewIfNeeded();
    await screenshot(page, '30-admin-rule-tester');
    // Anything else goes to the fallback queue.
    await tester.getByLabel('First message').fill('Where is my order?');
    await tester.getByRole('button', { name: 'Test the rules' }).click();
    await tester.getByTestId('tester-queue').getByText('Sales fallback queue').waitFor();
    await tester.getByText('No route-to-queue rule matched: the fallback queue.').waitFor();

    await page.getByRole('heading', { name: 'Route to queue' }).scrollIntoViewIfNeeded();
    await screenshot(page, '31-admin-routing-rules');

    // A real message: it lands in Refunds.
    await t.line.customer(CREDS.channelId, undefined, { displayName: 'Giulia Bianchi', language: 'it' }).sendText('I would like a refund for order 88');
    const item = await until(async () => (await t.admin.get(`/api/queues/${refunds.id}/items`))[0], 'the conversation in Refunds');
    expect(item.context.routing).toMatchObject({ queueId: refunds.id });
    expect(await t.admin.get(`/api/queues/${ws.fallbackQueueId}/items`)).toEqual([]);
    // The supervisor view counts it in Refunds.
    await page.getByRole('navigation', { name: 'Sections' }).getByRole('link', { name: 'Supervisor' }).click();
    await page.getByTestId('queue-stats').getByRole('row', { name: /Refunds 1/ }).waitFor();

    // ── queue settings: method, operating hours with a holiday, overflow ────────────────────
    await page.getByRole('navigation', { name: 'Sections' }).getByRole('link', { name: 'Admin centre' }).click();
    await page.getByRole('navigation', { name: 'Admin centre' }).getByRole('link', { name: 'Queues' }).click();
    await page.getByRole('link', { name: 'Routing settings of Refunds' }).click();
    await page.getByRole('heading', { name: 'Routing of Refunds' }).waitFor();
    await page.getByRole('radio', { name: /Round robin/ }).check();
    await page.getByRole('switch', { name: 'Only during operating hours' }).check();
    await page.getByLabel('Time zone').selectOption('Europe/Rome');
    await page.getByLabel('Saturday, range 1: from').waitFor({ state: 'detached' });
    await page.getByRole('button', { name: 'Add hours on Saturday' }).click();
    await page.getByLabel('Saturday, range 1: from').fill('10:00');
    await page.getByLabel('Saturday, range 1: until').fill('13:00');
    await page.getByRole('button', { name: 'Add a holiday' }).click();
    await page.getByLabel('Name', { exact: true }).fill('Ferragosto');
    await page.getByLabel('Date', { exact: true }).fill('2026-08-15');
    await page.getByLabel('Outside operating hours').selectOption('transfer');
    await page.getByLabel('Target queue').first().selectOption({ label: 'Sales fallback queue' });
    await page.getByRole('switch', { name: 'Act when a conversation waits too long' }).check();
    await page.getByLabel('Longest wait', { exact: true }).fill('15');
    await page.getByLabel('Unit for Longest wait').selectOption({ label: 'minutes' });
    await screenshot(page, '32-admin-queue-routing');
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    await page.getByText('Saved.').waitFor();
    const qr = await t.admin.get(`/api/queues/${refunds.id}/routing`);
    expect(qr).toMatchObject({
      assignmentMethod: 'round_robin',
      operatingHours: { timeZone: 'Europe/Rome', week: { sat: [{ from: '10:00', to: '13:00' }], mon: [{ from: '09:00', to: '17:00' }] }, holidays: [{ name: 'Ferragosto', date: '2026-08-15' }] },
      outOfHours: { action: 'transfer', queueId: ws.fallbackQueueId },
      overflow: { afterQueue: { maxWaitSec: 900, then: { action: 'end' } } },
    });

    // ── an agent's capacity and skills ──────────────────────────────────────────────────────
    await page.getByRole('navigation', { name: 'Admin centre' }).getByRole('link', { name: 'Users' }).click();
    await page.getByRole('link', { name: 'Capacity and skills of Rita Rules' }).click();
    await page.getByRole('heading', { name: 'Rita Rules' }).waitFor();
    await page.getByLabel('Total units').fill('3');
    await page.getByRole('button', { name: 'Add a skill' }).click();
    await page.getByLabel('Skill', { exact: true }).fill('italian');
    await page.getByLabel('Level').selectOption('7');
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    await page.getByText('Saved.').waitFor();
    await screenshot(page, '33-admin-user-routing');
    expect(await t.admin.get(`/api/users/${ritaId}/routing`)).toEqual({ capacity: { mode: 'units', total: 3 }, skills: { italian: 7 } });

    // A server refusal is shown with its message: a split that does not sum to 100 is caught first.
    await page.goto(`${t.url}/admin/workstreams/${ws.id}`);
    const r2 = page.getByTestId('route-rule');
    await r2.getByRole('radio', { name: 'Split by percentage' }).check();
    await r2.getByLabel('Percent 1').fill('70');
    await r2.getByRole('alert').getByText('Total: 120% (must be 100%)').waitFor();
    await page.getByRole('button', { name: 'Save settings and rules' }).click();
    await page.locator('.save-bar').getByRole('alert').getByText(/percents must sum to 100/).waitFor();

    // ── automated messages: customise the greeting for LINE in English ──────────────────────
    await page.getByRole('navigation', { name: 'Admin centre' }).getByRole('link', { name: 'Automated messages' }).click();
    await page.getByRole('heading', { name: 'Automated messages', level: 1 }).waitFor();
    await page.getByRole('button', { name: 'Customize “Greeting” (en)' }).click();
    await page.getByLabel('Channel', { exact: true }).selectOption('line');
    await page.getByLabel('Text', { exact: true }).fill('Ciao {AgentName}! Thanks for writing to Sales.');
    await page.getByRole('button', { name: 'Save message' }).click();
    await page.getByText('Saved: Greeting.').waitFor();
    await page.getByTestId('automated-messages').getByText('Ciao {AgentName}! Thanks for writing to Sales.').waitFor();
    expect((await t.admin.get('/api/automated-messages?trigger=greeting&channel=line')).find((m: any) => !m.builtIn)).toMatchObject({
      channel: 'line',
      language: 'en',
      text: 'Ciao {AgentName}! Thanks for writing to Sales.',
      enabled: true,
    });
    await screenshot(page, '34-admin-automated-messages');

    // ── bots: an FAQ bot, then chosen for the workstream ────────────────────────────────────
    await page.getByRole('navigation', { name: 'Admin centre' }).getByRole('link', { name: 'Bots' }).click();
    await page.getByRole('heading', { name: 'Bots', level: 1 }).waitFor();
    await page.getByText('No bots yet.').waitFor();
    await page.getByLabel('Name', { exact: true }).fill('Opening hours FAQ');
    await page.getByLabel('Keywords 1').fill('hours, open');
    await page.getByLabel('Answer 1').fill('We are open 9–17, Monday to Friday.');
    await page.getByRole('button', { name: 'Create bot' }).click();
    await page.getByText('Bot Opening hours FAQ created.').waitFor();
    await page.getByRole('cell', { name: 'Opening hours FAQ', exact: true }).waitFor();
    await screenshot(page, '35-admin-bots');
    await page.goto(`${t.url}/admin/workstreams/${ws.id}`);
    await page.getByLabel('Bot', { exact: true }).selectOption({ label: 'Opening hours FAQ' });
    await page.getByRole('button', { name: 'Save settings and rules' }).click();
    await page.getByText('Saved.').waitFor();
    const bots = await t.admin.get('/api/bots');
    expect((await t.admin.get(`/api/workstreams/${ws.id}/routing`)).botId).toBe(bots.bots[0].id);

    for (const x of watches) expect(x.errors.filter((e) => !/401 \(Unauthorized\)|400 \(Bad Request\)/.test(e))).toEqual([]);
    await ctx.close();
  }, 120_000);
});
