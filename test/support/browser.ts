/**
 * Browser tests: Debian's Chromium driven by playwright-core, against a real hub (with the LINE
 * emulator) that serves the built web app. Chromium is required, never skipped: without it the
 * suite fails with the command that installs it.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { deflateSync } from 'node:zlib';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { webDistDir } from '../../src/http/web-app.js';
import type { Clock } from '../../src/lib/clock.js';
import { startTestHub, type TestHub } from './hub.js';
import type { StoreKind } from './stores.js';

export const CHROMIUM_PATH = process.env.SWITCHBOARD_TEST_CHROMIUM ?? '/usr/bin/chromium';
export const SCREENSHOT_DIR = join(dirname(webDistDir()), '..', 'test-results', 'screenshots');

const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-quic',
  '--no-first-run',
  '--disable-component-update',
  '--disable-sync',
];

export async function launchBrowser(): Promise<Browser> {
  if (!existsSync(CHROMIUM_PATH)) {
    throw new Error(`Chromium is required for the browser tests and is not at ${CHROMIUM_PATH}: run apt-get install -y chromium (or set SWITCHBOARD_TEST_CHROMIUM)`);
  }
  return chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
}

/** `npm test` builds the web app first; a lone `vitest run` builds it here when it is missing. */
export function ensureWebBuild(): string {
  const dist = webDistDir();
  if (!existsSync(join(dist, 'index.html'))) {
    execFileSync('npm', ['run', 'build:web'], { cwd: join(dist, '..', '..'), stdio: 'inherit' });
  }
  return dist;
}

/** startTestHub, with the web app built first (the hub serves it at /). */
export async function startWebTestHub(kind: StoreKind = 'sqlite', opts: { clock?: Clock } = {}): Promise<TestHub> {
  ensureWebBuild();
  return startTestHub(kind, opts);
}

export interface PageWatch {
  page: Page;
  /** Console errors and uncaught exceptions (CSP violations show up here too). */
  errors: string[];
}

export async function openPage(context: BrowserContext): Promise<PageWatch> {
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(m.text());
  });
  page.on('pageerror', (e) => errors.push(String(e)));
  return { page, errors };
}

export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  const path = join(SCREENSHOT_DIR, `${name}.png`);
  await page.screenshot({ path, fullPage: false });
  return path;
}

// ── a small real PNG, so the inline image is visible in screenshots ──────────────────────────
const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

function crc32(buf: Buffer): number {
  let c = 0xffffffff;
  for (const b of buf) c = CRC_TABLE[(c ^ b) & 0xff]! ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function chunk(type: string, data: Buffer): Buffer {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([len, body, crc]);
}

/** An RGB PNG of the given size, each pixel from `color(x, y)`. */
export function makePng(width: number, height: number, color: (x: number, y: number) => [number, number, number]): Buffer {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 2; // RGB
  const raw = Buffer.alloc((width * 3 + 1) * height);
  for (let y = 0; y < height; y++) {
    const row = y * (width * 3 + 1);
    raw[row] = 0;
    for (let x = 0; x < width; x++) {
      const [r, g, b] = color(x, y);
      raw[row + 1 + x * 3] = r;
      raw[row + 2 + x * 3] = g;
      raw[row + 3 + x * 3] = b;
    }
  }
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(raw)),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

/** Signs in through the sign-in page (in English) and waits for the app's header. */
export async function signIn(page: Page, baseUrl: string, email: string, password: string, path = '/workspace'): Promise<void> {
  await page.goto(`${baseUrl}${path}`);
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('banner').waitFor();
}

/** Polls `fn` until it returns something truthy (for checks the page cannot wait on by itself: the CSP forbids eval). */
export async function until<T>(fn: () => Promise<T | undefined | false | null>, what: string, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
