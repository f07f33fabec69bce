/**
 * The supervisor view in Chromium: queues with waiting items and the longest wait, agents with
 * presence, effective presence and load against capacity, live conversations with Monitor
 * (read-only), Assign (pick an agent) and Force-close (with a confirmation).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { ApiClient } from '../support/api-client.js';
import { launchBrowser, openPage, screenshot, signIn, startWebTestHub, until, type PageWatch } from '../support/browser.js';
import { setUpLineChannel, type TestHub } from '../support/hub.js';

describe('supervisor view in Chromium', () => {
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

  it('monitors, assigns and force-closes conversations', async () => {
    const ch = await setUpLineChannel(t);
    await t.admin.call('PUT', `/api/users/${ch.agentId}/routing`, { capacity: { mode: 'units', total: 2 }, skills: {} });
    await ch.agent.call('PUT', '/api/me/presence', { presence: 'available' });
    // A supervisor (not an admin) does the supervising.
    await t.admin.post('/api/users', { email: 'sam@example.test', displayName: 'Sam Supervisor', password: 'super-password-1', role: 'supervisor' });

    // Two customers write: Hana's conversation is picked by the agent, Oskar's waits in the queue.
    const hana = t.line.customer(ch.creds.channelId, undefined, { displayName: 'Hana Kim' });
    await hana.sendText('Can I change my delivery address?');
    const first = await until(async () => (await ch.agent.get(`/api/queues/${ch.queueId}/items`))[0], 'Hana in the queue');
    await ch.agent.post(`/api/conversations/${first.id}/pick`);
    const oskar = t.line.customer(ch.creds.channelId, undefined, { displayName: 'Oskar Berg' });
    await oskar.sendText('Is the shop open on Sunday?');
    const waiting = await until(async () => (await ch.agent.get(`/api/queues/${ch.queueId}/items`))[0], 'Oskar in the queue');

    const ctx = await browser.newContext({ viewport: { width: 1440, height: 900 }, locale: 'en-US' });
    const w = await openPage(ctx);
    watches.push(w);
    const page = w.page;
    await signIn(page, t.url, 'sam@example.test', 'super-password-1', '/supervisor');
    await page.getByRole('heading', { name: 'Supervisor', level: 1 }).waitFor();

    // Queues: one waiting, with its longest wait; agents: presence and load.
    const queueRow = page.getByTestId('queue-stats').getByRole('row', { name: /^Care \d+ fallback queue 1 / });
    await queueRow.waitFor();
    expect(await queueRow.getByRole('cell').nth(1).textContent()).toMatch(/\d+\s*sec|\d+\s*min/);
    const agentRow = page.getByTestId('agents').getByRole('row', { name: new RegExp(`^Agent \\d+ `) });
    await agentRow.getByText('1 of 2 units').waitFor();
    await agentRow.getByText('Available').first().waitFor();

    const rows = page.getByTestId('live-conversation');
    await rows.filter({ hasText: 'Hana Kim' }).waitFor();
    await rows.filter({ hasText: 'Oskar Berg' }).waitFor();
    await screenshot(page, '40-supervisor-overview');

    // Monitor Hana's conversation: read-only, no reply box, no actions.
    await page.getByRole('link', { name: 'Monitor the conversation with Hana Kim' }).click();
    await page.getByRole('heading', { name: 'Hana Kim', level: 1 }).waitFor();
    await page.getByText('You are monitoring this conversation.', { exact: false }).waitFor();
    await page.getByRole('log', { name: 'Messages' }).getByText('Can I change my delivery address?').waitFor();
    expect(await page.getByRole('textbox', { name: 'Reply' }).count()).toBe(0);
    expect(await page.getByRole('group', { name: 'Conversation actions' }).count()).toBe(0);
    await until(async () => (await t.admin.get(`/api/conversations/${first.id}/participants`)).some((p: any) => p.role === 'monitor'), 'the monitor participant');
    // Live: the customer writes again and it shows up.
    await hana.sendText('It is 12 Rose Street now');
    await page.getByRole('log', { name: 'Messages' }).getByText('It is 12 Rose Street now').waitFor();
    await screenshot(page, '41-supervisor-monitor');
    await page.getByRole('link', { name: 'Back to the supervisor overview' }).click();

    // Assign Oskar's waiting conversation to the agent.
    await page.getByRole('button', { name: 'Assign the conversation with Oskar Berg' }).click();
    const assign = page.getByRole('dialog', { name: 'Assign the conversation' });
    await assign.getByLabel('Agent').selectOption({ label: await optionLabel(assign, 'Agent \\d+') });
    await screenshot(page, '42-supervisor-assign');
    await assign.getByRole('button', { name: 'Assign' }).click();
    await page.getByText(/The conversation with Oskar Berg was assigned to Agent \d+\./).waitFor();
    await until(async () => (await t.admin.get(`/api/conversations/${waiting.id}`)).conversation.agentId === ch.agentId, 'Oskar assigned');
    await page.getByTestId('agents').getByText('2 of 2 units').waitFor();
    await page.getByTestId('agents').getByText('Busy').first().waitFor();

    // Force-close Hana's conversation: asks first, Cancel keeps it, Force-close closes it.
    await page.getByRole('button', { name: 'Force-close the conversation with Hana Kim' }).click();
    const confirm = page.getByRole('dialog', { name: 'Close the conversation with Hana Kim now?' });
    await confirm.getByText('It closes at once, without wrap-up.', { exact: false }).waitFor();
    await confirm.getByRole('button', { name: 'Cancel' }).click();
    await confirm.waitFor({ state: 'hidden' });
    expect((await t.admin.get(`/api/conversations/${first.id}`)).conversation.state).toBe('active');
    await page.getByRole('button', { name: 'Force-close the conversation with Hana Kim' }).click();
    await screenshot(page, '43-supervisor-force-close');
    await confirm.getByRole('button', { name: 'Force-close' }).click();
    await page.getByText('The conversation with Hana Kim was closed.').waitFor();
    await rows.filter({ hasText: 'Hana Kim' }).waitFor({ state: 'detached' });
    expect((await t.admin.get(`/api/conversations/${first.id}`)).conversation.state).toBe('closed');

    // The agent's workspace no longer lists it.
    const agentApi = ch.agent as ApiClient;
    expect((await agentApi.get('/api/conversations?mine=true')).filter((c: any) => c.state !== 'closed').map((c: any) => c.id)).toEqual([waiting.id]);

    // Survey results: a tab of the supervisor section (no surveys yet in this hub).
    await page.getByRole('navigation', { name: 'Supervisor' }).getByRole('link', { name: 'Survey results' }).click();
    await page.getByRole('heading', { name: 'Survey results', level: 1 }).waitFor();
    await page.getByRole('region', { name: 'Summary' }).getByText('Response rate').waitFor();
    await page.getByText('No comments in this period.').waitFor();
    await screenshot(page, '44-supervisor-surveys');

    for (const x of watches) expect(x.errors.filter((e) => !/401 \(Unauthorized\)/.test(e))).toEqual([]);
    await ctx.close();
  }, 120_000);
});

/** The full text of the first option of a select in `scope` whose text starts with the pattern. */
async function optionLabel(scope: import('playwright-core').Locator, startsWith: string): Promise<string> {
  await scope.locator('option', { hasText: new RegExp(`^${startsWith}`) }).first().waitFor({ state: 'attached' });
  const texts = await scope.locator('option').allTextContents();
  const found = texts.find((x) => new RegExp(`^${startsWith}`).test(x));
  if (!found) throw new Error(`no option starting with ${startsWith} in ${JSON.stringify(texts)}`);
  return found;
}
