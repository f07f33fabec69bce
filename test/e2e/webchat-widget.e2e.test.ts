/**
 * The web chat widget in a real browser (Debian's Chromium through playwright-core): a business
 * site on its own origin embeds the script tag; the customer opens the launcher, fills the
 * pre-chat form and writes; the agent answers through the API; the reply shows with the agent's
 * name; markup in messages stays text; a reload keeps the history. Screenshots go to
 * test-results/screenshots/webchat-*.png.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { signCustomerToken } from '../../src/channels/webchat/index.js';
import { eventually } from '../support/api-client.js';
import { launchBrowser, makePng, openPage, screenshot, type PageWatch } from '../support/browser.js';
import { setUpWebChatChannel, startTestHub, type TestHub } from '../support/hub.js';

const XSS = '<img src=x onerror=alert(1)>';
const PHOTO = makePng(160, 100, (x, y) => [20 + x, 120 + (y >> 1), 200 - (x >> 1)]);

/** The business's site: hostile CSS that the Shadow DOM must shrug off, and the script tag. */
function sitePage(hubUrl: string, accountId: string): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>Acme Outdoor</title>
<style nonce="site-style">
  * { font-family: "Comic Sans MS", cursive !important; color: #7c2d12 !important; }
  button { background: hotpink !important; border: 5px dashed lime !important; }
  div, textarea, input { font-size: 30px !important; }
  body { margin: 0; background: #f5f5f4; }
  header { background: #1c1917; padding: 24px 40px; }
  header h1 { margin: 0; color: #fafaf9 !important; }
  main { padding: 24px 40px; max-width: 640px; }
</style></head>
<body>
  <header><h1>Acme Outdoor</h1></header>
  <main><h2>Tents, packs and boots</h2><p>Free returns within 30 days. Questions? Chat with us.</p></main>
  <script src="${hubUrl}/webchat/widget.js" data-account="${accountId}" async></script>
</body></html>`;
}

describe('web chat widget in Chromium', () => {
  let t: TestHub;
  let browser: Browser;
  let context: BrowserContext;
  let site: Server;
  let siteUrl: string;
  let html = '';
  const watches: PageWatch[] = [];

  beforeAll(async () => {
    site = createServer((req, res) => {
      if (req.url === '/' || req.url?.startsWith('/?')) {
        // ?csp: a strict Content-Security-Policy that allows the hub's script and connections and nothing inline.
        const hub = new URL(t.url);
        const csp = req.url.includes('csp')
          ? { 'content-security-policy': `default-src 'self'; script-src ${hub.origin}; connect-src ${hub.origin} ws://${hub.host}; img-src 'self' blob:; style-src 'self' 'nonce-site-style'` }
          : {};
        res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', ...csp }).end(html);
      } else {
        res.writeHead(204).end();
      }
    });
    await new Promise<void>((resolve) => site.listen(0, '127.0.0.1', resolve));
    siteUrl = `http://127.0.0.1:${(site.address() as AddressInfo).port}`;
    [t, browser] = await Promise.all([startTestHub('sqlite'), launchBrowser()]);
    context = await browser.newContext({ viewport: { width: 1100, height: 760 } });
  }, 120_000);

  afterAll(async () => {
    await context?.close();
    await browser?.close();
    await t?.close();
    site?.closeAllConnections();
    await new Promise((resolve) => site?.close(resolve));
  });

  const shadowCount = (page: Page, selector: string) =>
    page.evaluate(`document.querySelector('switchboard-chat').shadowRoot.querySelectorAll(${JSON.stringify(selector)}).length`) as Promise<number>;

  it('launcher, pre-chat form, a conversation with an agent, text-only rendering, and history after a reload', async () => {
    const ch = await setUpWebChatChannel(t, {
      origins: [siteUrl],
      attachments: true,
      settings: {
        title: 'Acme Support',
        accentColor: '#0f766e',
        preChatFields: [
          { name: 'name', label: 'Your name', type: 'text', required: true },
          { name: 'email', label: 'E-mail', type: 'email', required: true },
        ],
      },
    });
    html = sitePage(t.url, ch.accountId);
    const w = await openPage(context);
    watches.push(w);
    const { page } = w;
    const dialogs: string[] = [];
    page.on('dialog', (d) => {
      dialogs.push(d.message());
      void d.dismiss();
    });

    await page.goto(siteUrl);
    const launcher = page.locator('switchboard-chat button.launcher');
    await launcher.waitFor({ state: 'visible' });
    expect(await launcher.getAttribute('aria-label')).toBe('Open chat');
    expect(await launcher.getAttribute('aria-expanded')).toBe('false');
    await screenshot(page, 'webchat-1-launcher');

    await launcher.click();
    const panel = page.locator('switchboard-chat [role=dialog]');
    await panel.waitFor({ state: 'visible' });
    expect(await panel.getAttribute('aria-labelledby')).toBe('sb-title');
    await expect.poll(() => page.locator('switchboard-chat h2').textContent()).toBe('Acme Support');
    // The pre-chat form comes first, its first field focused.
    const name = page.getByLabel('Your name');
    await name.waitFor({ state: 'visible' });
    await expect.poll(() => page.evaluate("document.querySelector('switchboard-chat').shadowRoot.activeElement?.name")).toBe('name');
    await page.getByRole('button', { name: 'Start chat' }).click();
    await expect.poll(() => page.locator('switchboard-chat .prechat .error').textContent()).toMatch(/Your name, E-mail/);
    await name.fill('Ada Lovelace');
    await page.getByLabel('E-mail').fill('ada@example.com');
    await screenshot(page, 'webchat-2-prechat');
    await page.getByRole('button', { name: 'Start chat' }).click();

    const input = page.getByLabel('Type your message');
    await input.waitFor({ state: 'visible' });
    await expect.poll(() => page.evaluate("document.querySelector('switchboard-chat').shadowRoot.activeElement?.tagName")).toBe('TEXTAREA');
    expect(await page.locator('switchboard-chat button.attach').isVisible()).toBe(true);
    await input.fill('Hello! Do you ship tents to Norway?');
    await input.press('Enter');
    const mine = page.locator('switchboard-chat .row.me');
    await expect.poll(() => mine.count()).toBe(1);
    await expect.poll(() => mine.first().locator('.meta').textContent()).toMatch(/Sent/);
    expect(await input.inputValue()).toBe('');

    // The agent finds it with the pre-chat answers, picks it and answers.
    const conv = await eventually(async () => (await ch.agent.get(`/api/queues/${ch.queueId}/items`))[0]);
    expect(conv.context.preChat).toEqual({ name: 'Ada Lovelace', email: 'ada@example.com' });
    await ch.agent.post(`/api/conversations/${conv.id}/pick`);
    await expect.poll(() => page.locator('switchboard-chat .sub').textContent()).toBe(`You are chatting with ${ch.agentName}`);
    const rt = await ch.agent.realtime();
    rt.ws.send(JSON.stringify({ type: 'typing', conversationId: conv.id, isTyping: true }));
    await expect.poll(() => page.locator('switchboard-chat .typing').textContent()).toBe(`${ch.agentName} is typing…`);
    await screenshot(page, 'webchat-3-typing');
    const reply = await ch.agent.post(`/api/conversations/${conv.id}/messages`, { kind: 'text', text: 'Yes, we ship to Norway in 3–5 days: https://acme.example/shipping.' });
    const theirs = page.locator('switchboard-chat .row.them[data-from=agent]');
    await expect.poll(() => theirs.count()).toBe(1);
    expect(await theirs.first().locator('.name').textContent()).toBe(ch.agentName);
    expect(await theirs.first().locator('.bubble').textContent()).toBe('Yes, we ship to Norway in 3–5 days: https://acme.example/shipping.');
    // Addresses become links (built as elements, the sentence's full stop left out).
    expect(await theirs.first().locator('.bubble a').getAttribute('href')).toBe('https://acme.example/shipping');
    expect(await theirs.first().locator('.bubble a').getAttribute('rel')).toBe('noopener noreferrer nofollow');
    expect(await page.locator('switchboard-chat .typing').textContent()).toBe('');
    // The open widget acknowledged it: the agent sees it read; the customer's message shows as seen.
    await eventually(async () => (await ch.agent.get(`/api/conversations/${conv.id}/messages`)).find((m: any) => m.id === reply.id)?.status === 'read');
    await rt.waitFor((e) => e.type === 'message.updated' && e.message.id === reply.id && e.message.status === 'read');
    await expect.poll(() => mine.first().locator('.meta').textContent()).toMatch(/Seen/);

    // Markup in messages, both ways, is text.
    await input.fill(XSS);
    await input.press('Enter');
    await ch.agent.post(`/api/conversations/${conv.id}/messages`, { kind: 'text', text: `${XSS} <b>bold?</b>` });
    await expect.poll(() => theirs.count()).toBe(2);
    await expect.poll(() => mine.count()).toBe(2);
    expect(await mine.nth(1).locator('.bubble').textContent()).toBe(XSS);
    expect(await theirs.nth(1).locator('.bubble').textContent()).toBe(`${XSS} <b>bold?</b>`);
    expect(await shadowCount(page, '.bubble a')).toBe(1); // only the real link above
    expect(await shadowCount(page, 'img')).toBe(0);
    expect(await shadowCount(page, 'b')).toBe(0);
    expect(await page.evaluate('document.querySelectorAll("img").length')).toBe(0);
    const stored = await ch.agent.get(`/api/conversations/${conv.id}/messages`);
    expect(stored.some((m: any) => m.direction === 'in' && m.content.text === XSS)).toBe(true);
    await screenshot(page, 'webchat-4-conversation');

    // An attachment through the paperclip: the agent gets the image, the widget shows it.
    await page.locator('switchboard-chat input[type=file]').setInputFiles({ name: 'tent.png', mimeType: 'image/png', buffer: PHOTO });
    await expect.poll(() => shadowCount(page, 'img.media')).toBe(1);
    await expect
      .poll(() => page.evaluate("(() => { const i = document.querySelector('switchboard-chat').shadowRoot.querySelector('img.media'); return !!i && i.complete && i.naturalWidth; })()"))
      .toBe(160);
    const withImage = await ch.agent.get(`/api/conversations/${conv.id}/messages`);
    expect(withImage.at(-1).content).toMatchObject({ kind: 'image', media: { contentType: 'image/png', fileName: 'tent.png' } });

    // Esc closes the panel and gives focus back to the launcher.
    await page.keyboard.press('Escape');
    await panel.waitFor({ state: 'hidden' });
    expect(await page.evaluate("document.querySelector('switchboard-chat').shadowRoot.activeElement?.className")).toBe('launcher');
    expect(await launcher.getAttribute('aria-expanded')).toBe('false');

    // A message while closed shows an unread badge.
    await ch.agent.post(`/api/conversations/${conv.id}/messages`, { kind: 'text', text: 'Anything else I can help with?' });
    await expect.poll(() => page.locator('switchboard-chat .badge').textContent()).toBe('1');
    expect(await launcher.getAttribute('aria-label')).toBe('Open chat (1 unread)');
    await screenshot(page, 'webchat-5-unread');

    // Reload: same visitor (localStorage), the whole history is back.
    await page.reload();
    await launcher.waitFor({ state: 'visible' });
    await launcher.click();
    await expect.poll(() => page.locator('switchboard-chat .row[data-from=customer], switchboard-chat .row[data-from=agent]').count()).toBe(6);
    expect(await page.locator('switchboard-chat .prechat').isVisible()).toBe(false);
    expect(await theirs.first().locator('.name').textContent()).toBe(ch.agentName);
    expect(await mine.nth(1).locator('.bubble').textContent()).toBe(XSS);
    await expect.poll(() => shadowCount(page, 'img.media')).toBe(1);
    await screenshot(page, 'webchat-6-after-reload');

    expect(dialogs).toEqual([]);
    expect(w.errors).toEqual([]);
    rt.close();
  });

  it('reconnects and catches up after the socket drops; identify() makes a signed-in customer who finds the chat on another device', async () => {
    const ch = await setUpWebChatChannel(t, { origins: [siteUrl], settings: { title: 'Acme Support' } });
    html = sitePage(t.url, ch.accountId);
    const w = await openPage(context);
    const { page } = w;
    // Keep a handle on the widget's sockets so the test can cut one.
    await page.addInitScript({
      content:
        'window.__sockets = []; const Native = window.WebSocket; window.WebSocket = class extends Native { constructor(...a) { super(...a); window.__sockets.push(this); } };',
    });
    await page.goto(siteUrl);
    const launcher = page.locator('switchboard-chat button.launcher');
    await launcher.click();
    const input = page.getByLabel('Type your message');
    await input.fill('Hi there');
    await input.press('Enter');
    const conv = await eventually(async () => (await ch.agent.get(`/api/queues/${ch.queueId}/items`))[0]);
    await ch.agent.post(`/api/conversations/${conv.id}/pick`);
    await expect.poll(() => page.evaluate('window.__sockets.length')).toBe(1);
    await expect.poll(() => page.locator('switchboard-chat .sub').textContent()).toBe(`You are chatting with ${ch.agentName}`);

    // The connection drops; the agent answers before the widget is back; the widget catches up.
    await page.evaluate('window.__sockets[0].close()');
    await ch.agent.post(`/api/conversations/${conv.id}/messages`, { kind: 'text', text: 'Sent while you were away' });
    await expect.poll(() => page.locator('switchboard-chat .notice').textContent()).toBe('Connection lost. Reconnecting…');
    await expect.poll(() => page.locator('switchboard-chat .row.them[data-from=agent] .bubble').allTextContents(), { timeout: 10_000 }).toEqual(['Sent while you were away']);
    expect(await page.evaluate('window.__sockets.length')).toBe(2);
    expect(await page.locator('switchboard-chat .notice').isVisible()).toBe(false);

    // A signed-in customer: the site hands the widget a token signed with the identity secret.
    const exp = Math.floor(Date.now() / 1000) + 600;
    const token = signCustomerToken({ sub: 'shopper-7', name: 'Grace Hopper', email: 'grace@example.com', exp }, ch.identitySecret!);
    await page.evaluate(`window.SwitchboardChat.identify(${JSON.stringify(token)})`);
    await expect.poll(() => page.locator('switchboard-chat .row').count()).toBe(0);
    await input.fill('Signed in now: order 88 please');
    await input.press('Enter');
    const signedIn = await eventually(async () =>
      (await ch.agent.get(`/api/queues/${ch.queueId}/items`)).find((c: any) => c.id !== conv.id),
    );
    const view = await ch.agent.get(`/api/conversations/${signedIn.id}`);
    expect(view.identity).toMatchObject({ providerUserId: 'c:shopper-7', displayName: 'Grace Hopper' });

    // Another device (a fresh browser profile) with the same customer sees the same conversation.
    const other = await browser.newContext({ viewport: { width: 1100, height: 760 } });
    try {
      const w2 = await openPage(other);
      await w2.page.addInitScript({ content: `window.SwitchboardChat = [['identify', ${JSON.stringify(token)}]];` });
      await w2.page.goto(siteUrl);
      await w2.page.locator('switchboard-chat button.launcher').click();
      await expect.poll(() => w2.page.locator('switchboard-chat .row.me .bubble').allTextContents()).toEqual(['Signed in now: order 88 please']);
      await ch.agent.post(`/api/conversations/${signedIn.id}/pick`);
      await ch.agent.post(`/api/conversations/${signedIn.id}/messages`, { kind: 'text', text: 'Hi Grace, order 88 ships today.' });
      // Both devices get the answer live.
      await expect.poll(() => w2.page.locator('switchboard-chat .row.them[data-from=agent] .bubble').allTextContents()).toEqual(['Hi Grace, order 88 ships today.']);
      await expect.poll(() => page.locator('switchboard-chat .row.them[data-from=agent] .bubble').allTextContents()).toEqual(['Hi Grace, order 88 ships today.']);
      await screenshot(w2.page, 'webchat-8-second-device');
      expect(w2.errors).toEqual([]);
    } finally {
      await other.close();
    }
    expect(w.errors).toEqual([]);
  });

  it('keeps working on a phone-sized screen, under a strict Content-Security-Policy', async () => {
    const ch = await setUpWebChatChannel(t, { origins: [siteUrl], settings: { title: 'Acme on the go' } });
    html = sitePage(t.url, ch.accountId);
    const phone = await browser.newContext({ viewport: { width: 390, height: 740 }, isMobile: true, hasTouch: true });
    try {
      const w = await openPage(phone);
      const { page } = w;
      await page.goto(`${siteUrl}/?csp`);
      const launcher = page.locator('switchboard-chat button.launcher');
      await launcher.waitFor({ state: 'visible' });
      await launcher.click();
      const input = page.getByLabel('Type your message');
      // Styled (constructed stylesheet, not blocked by style-src): the accent colour is on the header.
      expect(await page.evaluate("getComputedStyle(document.querySelector('switchboard-chat').shadowRoot.querySelector('.head')).backgroundColor")).toBe('rgb(37, 99, 235)');
      await input.fill('Is the Trailblazer 2 in stock?');
      await input.press('Enter');
      await expect.poll(() => page.locator('switchboard-chat .row.me').count()).toBe(1);
      const conv = await eventually(async () => (await ch.agent.get(`/api/queues/${ch.queueId}/items`))[0]);
      await ch.agent.post(`/api/conversations/${conv.id}/pick`);
      await ch.agent.post(`/api/conversations/${conv.id}/messages`, { kind: 'text', text: 'It is! Shall I reserve one?' });
      await expect.poll(() => page.locator('switchboard-chat .row.them[data-from=agent]').count()).toBe(1);
      const box = await page.locator('switchboard-chat .panel').boundingBox();
      expect(box?.width).toBe(390);
      await screenshot(page, 'webchat-7-phone');
      expect(w.errors).toEqual([]);
    } finally {
      await phone.close();
    }
  });
});
