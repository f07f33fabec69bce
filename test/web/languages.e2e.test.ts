/**
 * The language switch in Chromium: the header's switch turns the whole UI Italian, Dutch and
 * Korean and back to English, remembers the choice across reloads, sets <html lang>, and dates
 * follow the language (Intl). The sign-in page has the switch too.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { launchBrowser, openPage, screenshot, signIn, startWebTestHub, until, type PageWatch } from '../support/browser.js';
import { ADMIN, setUpLineChannel, type TestHub } from '../support/hub.js';

const sections = (page: Page) => page.getByRole('navigation').first();

describe('languages in Chromium', () => {
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

  it('switches the UI to Italian, Dutch and Korean and back, and remembers the choice', async () => {
    const ch = await setUpLineChannel(t);
    await t.line.customer(ch.creds.channelId, undefined, { displayName: 'Min-jun Park' }).sendText('배송은 언제 오나요?');
    const conv = await until(async () => (await t.admin.get(`/api/queues/${ch.queueId}/items`))[0], 'the conversation in the queue');

    const ctx = await browser.newContext({ viewport: { width: 1440, height: 900 }, locale: 'en-US' });
    const w = await openPage(ctx);
    watches.push(w);
    const page = w.page;

    // The sign-in page has the switch: Italian there, then back to English to sign in.
    await page.goto(`${t.url}/workspace`);
    await page.getByLabel('Interface language').selectOption('it');
    await page.getByRole('heading', { name: 'Accedi a Switchboard' }).waitFor();
    expect(await page.getAttribute('html', 'lang')).toBe('it');
    await page.getByLabel('Lingua dell’interfaccia').selectOption('en');
    await page.getByRole('heading', { name: 'Sign in to Switchboard' }).waitFor();
    await signIn(page, t.url, ADMIN.email, ADMIN.password, `/admin/workstreams/${ch.workstream.id}`);
    await page.getByRole('heading', { name: ch.workstream.name, level: 1 }).waitFor();
    const switcher = page.getByTestId('language-switch');

    // Italian.
    await switcher.selectOption('it');
    await sections(page).getByRole('link', { name: 'Area di lavoro' }).waitFor();
    await sections(page).getByRole('link', { name: 'Supervisione' }).waitFor();
    await page.getByRole('button', { name: 'Esci' }).waitFor();
    await page.getByRole('heading', { name: 'Regole di classificazione' }).waitFor();
    await page.getByRole('button', { name: 'Salva impostazioni e regole' }).waitFor();
    await page.getByRole('region', { name: 'Verifica delle regole' }).waitFor();
    expect(await page.getAttribute('html', 'lang')).toBe('it');
    await screenshot(page, '50-language-italian');
    // Dates in Italian (Intl): the workstreams table.
    await page.getByRole('navigation', { name: 'Centro di amministrazione' }).getByRole('link', { name: 'Flussi di lavoro' }).click();
    const itDate = (await page.getByRole('row', { name: new RegExp(ch.workstream.name) }).getByRole('cell').nth(3).textContent()) ?? '';
    expect(itDate).toMatch(/^\d{1,2} (gen|feb|mar|apr|mag|giu|lug|ago|set|ott|nov|dic) \d{4}, \d{2}:\d{2}$/);

    // Dutch, and it survives a reload.
    await switcher.selectOption('nl');
    await sections(page).getByRole('link', { name: 'Werkplek' }).waitFor();
    await page.getByRole('heading', { name: 'Werkstromen', level: 1 }).waitFor();
    await page.reload();
    await sections(page).getByRole('link', { name: 'Beheercentrum' }).waitFor();
    await page.getByRole('button', { name: 'Afmelden' }).waitFor();
    expect(await page.getAttribute('html', 'lang')).toBe('nl');
    await sections(page).getByRole('link', { name: 'Supervisie' }).click();
    await page.getByRole('heading', { name: 'Lopende gesprekken' }).waitFor();
    await page.getByTestId('live-conversation').getByText('In wachtrij').waitFor();
    await screenshot(page, '51-language-dutch');

    // Korean: the conversation, its state and the reply box.
    await switcher.selectOption('ko');
    await page.getByRole('heading', { name: '진행 중인 대화' }).waitFor();
    await page.goto(`${t.url}/workspace/c/${conv.id}`);
    await page.getByRole('heading', { name: 'Min-jun Park', level: 1 }).waitFor();
    await sections(page).getByRole('link', { name: '작업 공간' }).waitFor();
    await page.getByRole('button', { name: '로그아웃' }).waitFor();
    await page.getByText('이 대화는 대기열에서 기다리고 있습니다. 응답하려면 가져오세요.').waitFor();
    await page.getByRole('log', { name: '메시지' }).getByText('배송은 언제 오나요?').waitFor();
    expect(await page.getAttribute('html', 'lang')).toBe('ko');
    await screenshot(page, '52-language-korean');

    // Back to English.
    await switcher.selectOption('en');
    await sections(page).getByRole('link', { name: 'Workspace' }).waitFor();
    await page.getByRole('button', { name: 'Sign out' }).waitFor();
    await page.getByText('This conversation is waiting in a queue. Pick it to answer.').waitFor();
    expect(await page.getAttribute('html', 'lang')).toBe('en');
    await page.reload();
    await page.getByRole('button', { name: 'Sign out' }).waitFor();

    for (const x of watches) expect(x.errors.filter((e) => !/401 \(Unauthorized\)/.test(e))).toEqual([]);
    await ctx.close();
  }, 120_000);
});
