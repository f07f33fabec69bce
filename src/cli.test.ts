/**
 * The compiled CLI as a user runs it: `node bin/switchboard.js …` in a child process, each with
 * its own data directory and only the environment the test gives it.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../test/support/hub.js';
import { loadConfig } from './config.js';
import { DEMO_USERS } from './demo.js';
import { createHub } from './hub.js';
import { createLogger } from './lib/logger.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const BIN = join(ROOT, 'bin', 'switchboard.js');
const run = promisify(execFile);

interface Result {
  code: number;
  stdout: string;
  stderr: string;
}

/** Only what the CLI needs from the parent, so no SWITCHBOARD_* or DATABASE_URL leaks in. */
function envWith(vars: Record<string, string>): NodeJS.ProcessEnv {
  return { PATH: process.env.PATH, HOME: process.env.HOME, SWITCHBOARD_LOG_LEVEL: 'warn', ...vars };
}

async function cli(args: string[], vars: Record<string, string> = {}): Promise<Result> {
  try {
    const { stdout, stderr } = await run(process.execPath, [BIN, ...args], { cwd: ROOT, env: envWith(vars), timeout: 60_000 });
    return { code: 0, stdout, stderr };
  } catch (e) {
    const err = e as { code?: number; stdout?: string; stderr?: string };
    if (typeof err.code !== 'number') throw e;
    return { code: err.code, stdout: err.stdout ?? '', stderr: err.stderr ?? '' };
  }
}

const dirs: string[] = [];
function dataDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'sb-cli-'));
  dirs.push(d);
  return d;
}

beforeAll(async () => {
  try {
    await run('npm', ['run', 'build'], { cwd: ROOT, env: process.env, timeout: 170_000 });
  } catch (e) {
    const err = e as { stdout?: string; stderr?: string };
    throw new Error(`npm run build failed; the CLI cannot be tested:\n${err.stdout ?? ''}${err.stderr ?? ''}`);
  }
}, 180_000);

afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

describe('switchboard CLI', () => {
  it('--help lists the commands', async () => {
    const r = await cli(['--help']);
    expect(r.code).toBe(0);
    for (const command of ['start', 'demo', 'migrate', 'user', 'emulators']) {
      expect(r.stdout).toMatch(new RegExp(`^\\s+${command}\\b`, 'm'));
    }
  });

  it('migrate on a fresh data dir applies the schema, then finds it up to date', async () => {
    const dir = dataDir();
    const first = await cli(['migrate'], { SWITCHBOARD_DATA_DIR: dir });
    expect(first).toMatchObject({ code: 0 });
    expect(first.stdout).toMatch(/^Applied: 001_initial(, \w+)*$/m);
    expect(statSync(join(dir, 'switchboard.db')).isFile()).toBe(true);
    expect(statSync(join(dir, 'secret.key')).mode & 0o777).toBe(0o600);
    const second = await cli(['migrate'], { SWITCHBOARD_DATA_DIR: dir });
    expect(second.code).toBe(0);
    expect(second.stdout).toMatch(/up to date/);
  });

  it('user add prints a generated password that signs in on a hub over that data dir', async () => {
    const dir = dataDir();
    const r = await cli(['user', 'add', '--email', 'ann@example.test', '--name', 'Ann Agent', '--role', 'agent'], { SWITCHBOARD_DATA_DIR: dir });
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^Added agent ann@example\.test \(usr_\w+\)$/m);
    const password = /^Password: (\S+)$/m.exec(r.stdout)?.[1];
    expect(password).toBeDefined();
    expect(password!.length).toBeGreaterThanOrEqual(10);

    const again = await cli(['user', 'add', '--email', 'ann@example.test', '--name', 'Ann'], { SWITCHBOARD_DATA_DIR: dir });
    expect(again.code).toBe(1);
    expect(again.stderr).not.toBe('');

    const hub = await createHub({ config: loadConfig({}, { dataDir: dir }), logger: createLogger('silent'), workers: false });
    try {
      const login = (password: string) =>
        hub.app.inject({ method: 'POST', url: '/api/auth/login', payload: { email: 'ann@example.test', password } });
      const ok = await login(password!);
      expect(ok.statusCode).toBe(200);
      expect(ok.json().user).toMatchObject({ email: 'ann@example.test', displayName: 'Ann Agent', role: 'agent', canViewSecrets: false });
      expect((await login(password! + 'x')).statusCode).toBe(401);
    } finally {
      await hub.close();
    }
  });

  it('user add refuses an unknown role', async () => {
    const r = await cli(['user', 'add', '--email', 'x@example.test', '--name', 'X', '--role', 'root'], { SWITCHBOARD_DATA_DIR: dataDir() });
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/root/);
  });

  it.each([
    [['migrate'], { PORT: 'abc' }, 'PORT'],
    [['start'], { PORT: 'abc' }, 'PORT'],
    [['migrate'], { DATABASE_URL: 'mysql://root@localhost/sb' }, 'DATABASE_URL'],
    [['start'], { SWITCHBOARD_PUBLIC_URL: 'ftp://x' }, 'SWITCHBOARD_PUBLIC_URL'],
  ])('%j with %j exits 2 naming %s', async (args, vars, name) => {
    const r = await cli(args, { SWITCHBOARD_DATA_DIR: dataDir(), ...vars });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`${name}=`);
  });
});

describe('long-running commands', () => {
  let child: ChildProcess | undefined;
  afterEach(() => {
    if (child && child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    child = undefined;
  });

  /** Starts a command and resolves once its output contains `ready`. */
  async function startProcess(
    args: string[],
    vars: Record<string, string>,
    ready: string,
  ): Promise<{ out: () => string; exited: Promise<number | null> }> {
    const c = spawn(process.execPath, [BIN, ...args], { cwd: ROOT, env: envWith(vars) });
    child = c;
    let out = '';
    let err = '';
    c.stdout.on('data', (d: Buffer) => (out += String(d)));
    c.stderr.on('data', (d: Buffer) => (err += String(d)));
    const exited = new Promise<number | null>((resolve) => c.once('exit', (code) => resolve(code)));
    await new Promise<void>((resolve, reject) => {
      c.stdout.on('data', () => {
        if (out.includes(ready)) resolve();
      });
      void exited.then((code) => reject(new Error(`${args.join(' ')} exited with ${code}\n${out}\n${err}`)));
    });
    return { out: () => out, exited };
  }

  it('demo starts the hub with the LINE emulator, answers /healthz, and exits 0 on SIGTERM; a rerun reuses its data', async () => {
    const dir = dataDir();
    const port = await freePort();
    const vars = { SWITCHBOARD_DATA_DIR: dir, PORT: String(port) };
    // SIGTERM as soon as the banner is read: the handler must already be installed.
    const demo = await startProcess(['demo'], vars, 'Press Ctrl+C to stop.');
    const banner = demo.out();
    const hubUrl = /^\s+Hub:\s+(http:\/\/\S+)/m.exec(banner)?.[1];
    const lineUrl = /^\s+LINE emulator:\s+(http:\/\/\S+)/m.exec(banner)?.[1];
    for (const name of ['Twilio \\(WhatsApp\\) emul\\.', 'Business Messages emul\\.']) {
      expect(new RegExp(`^\\s+${name}:\\s+http://127\\.0\\.0\\.1:\\d+`, 'm').test(banner)).toBe(true);
    }
    const accountId = /messaging account (acc_\w+)/.exec(banner)?.[1];
    expect(hubUrl).toBe(`http://127.0.0.1:${port}`);
    expect(lineUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(accountId).toBeDefined();

    const health = await fetch(`${hubUrl}/healthz`);
    expect(health.status).toBe(200);
    expect(await health.json()).toMatchObject({ status: 'ok', store: 'sqlite' });
    expect((await fetch(lineUrl!)).status).toBe(200);
    const login = await fetch(`${hubUrl}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: DEMO_USERS.agent.email, password: DEMO_USERS.agent.password }),
    });
    expect(login.status).toBe(200);

    child!.kill('SIGTERM');
    expect(await demo.exited).toBe(0);

    const again = await startProcess(['demo'], vars, 'Press Ctrl+C to stop.');
    expect(/messaging account (acc_\w+)/.exec(again.out())?.[1]).toBe(accountId);
    child!.kill('SIGTERM');
    expect(await again.exited).toBe(0);
  });

  it('start serves the hub and exits 0 on SIGTERM', async () => {
    const port = await freePort();
    const hub = await startProcess(['start'], { SWITCHBOARD_DATA_DIR: dataDir(), PORT: String(port), SWITCHBOARD_LOG_LEVEL: 'info' }, 'switchboard started');
    expect((await fetch(`http://127.0.0.1:${port}/healthz`)).status).toBe(200);
    child!.kill('SIGTERM');
    expect(await hub.exited).toBe(0);
  });

  it('emulators prints every emulator URL and exits 0 on SIGTERM', async () => {
    const [line, twilio, gbm] = [await freePort(), await freePort(), await freePort()];
    const em = await startProcess(
      ['emulators', '--line-port', String(line), '--twilio-port', String(twilio), '--gbm-port', String(gbm)],
      {},
      'Business Messages emulator:',
    );
    for (const port of [line, twilio, gbm]) {
      expect(em.out()).toContain(`http://127.0.0.1:${port}`);
      expect((await fetch(`http://127.0.0.1:${port}/`)).status).toBe(200);
    }
    child!.kill('SIGTERM');
    expect(await em.exited).toBe(0);
  });
});
