import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CONFIG_VARIABLES, ConfigError, loadConfig } from './config.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'sb-config-'));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

/** The env with a data dir of our own, so no test writes ./data in the repository. */
const env = (vars: Record<string, string> = {}) => ({ SWITCHBOARD_DATA_DIR: dir, ...vars });

function configError(fn: () => unknown): ConfigError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(ConfigError);
    return e as ConfigError;
  }
  throw new Error('expected a ConfigError, nothing was thrown');
}

describe('loadConfig defaults', () => {
  it('listens on 127.0.0.1:8080 with the embedded store in the data dir and the public provider hosts', () => {
    const c = loadConfig(env());
    expect(c.host).toBe('127.0.0.1');
    expect(c.port).toBe(8080);
    expect(c.dataDir).toBe(resolve(dir));
    expect(c.databaseUrl).toBe(`sqlite:${join(resolve(dir), 'switchboard.db')}`);
    expect(c.publicUrl).toBe('http://127.0.0.1:8080');
    expect(c.logLevel).toBe('info');
    expect(c.bodyLimit).toBe(25 * 1024 * 1024);
    expect(c.secretKey).toHaveLength(32);
    expect(c.providers).toEqual({
      lineApi: 'https://api.line.me',
      lineDataApi: 'https://api-data.line.me',
      twilioApi: 'https://api.twilio.com',
      twilioContentApi: 'https://content.twilio.com',
      gbmApi: 'https://businessmessages.googleapis.com',
      googleTokenUrl: 'https://oauth2.googleapis.com/token',
    });
  });

  it('defaults the data dir to ./data relative to the working directory', () => {
    const cwd = process.cwd();
    process.chdir(dir);
    try {
      const c = loadConfig({});
      expect(c.dataDir).toBe(join(resolve(dir), 'data'));
      expect(existsSync(join(dir, 'data', 'secret.key'))).toBe(true);
    } finally {
      process.chdir(cwd);
    }
  });

  it('a data-dir fallback applies only where SWITCHBOARD_DATA_DIR is silent; an override always wins', () => {
    const fallback = join(dir, 'demo');
    expect(loadConfig({}, {}, { dataDir: fallback }).dataDir).toBe(resolve(fallback));
    expect(loadConfig(env(), {}, { dataDir: fallback }).dataDir).toBe(resolve(dir));
    expect(loadConfig(env(), { dataDir: join(dir, 'o') }, { dataDir: fallback }).dataDir).toBe(join(resolve(dir), 'o'));
  });

  it('treats an empty variable as unset', () => {
    const c = loadConfig(env({ PORT: '', SWITCHBOARD_LOG_LEVEL: '' }));
    expect(c.port).toBe(8080);
    expect(c.logLevel).toBe('info');
  });

  it('shows a wildcard listen host as 127.0.0.1 in the default public URL and drops a trailing slash', () => {
    expect(loadConfig(env({ HOST: '0.0.0.0', PORT: '9000' })).publicUrl).toBe('http://127.0.0.1:9000');
    expect(loadConfig(env({ SWITCHBOARD_PUBLIC_URL: 'https://hub.example.com/' })).publicUrl).toBe('https://hub.example.com');
  });

  it('puts an IPv6 listen host in brackets, so the default public URL is a valid URL', () => {
    const c = loadConfig(env({ HOST: '::1', PORT: '9000' }));
    expect(c.publicUrl).toBe('http://[::1]:9000');
    expect(new URL(c.publicUrl).port).toBe('9000');
    expect(loadConfig(env({ HOST: '::', PORT: '9000' })).publicUrl).toBe('http://127.0.0.1:9000');
  });

  it('lists every variable it reads', () => {
    expect(CONFIG_VARIABLES).toEqual(
      expect.arrayContaining(['HOST', 'PORT', 'DATABASE_URL', 'SWITCHBOARD_PUBLIC_URL', 'SWITCHBOARD_SECRET_KEY', 'SWITCHBOARD_BODY_LIMIT']),
    );
  });
});

describe('DATABASE_URL', () => {
  it('accepts sqlite:, postgres:// and postgresql:// as given', () => {
    expect(loadConfig(env({ DATABASE_URL: 'sqlite:/tmp/x.db' })).databaseUrl).toBe('sqlite:/tmp/x.db');
    expect(loadConfig(env({ DATABASE_URL: 'postgres://u:p@db:5432/sb' })).databaseUrl).toBe('postgres://u:p@db:5432/sb');
    expect(loadConfig(env({ DATABASE_URL: 'postgresql://db/sb' })).databaseUrl).toBe('postgresql://db/sb');
  });

  it('an override wins over the variable', () => {
    expect(loadConfig(env({ DATABASE_URL: 'sqlite:/tmp/a.db' }), { databaseUrl: 'sqlite:/tmp/b.db' }).databaseUrl).toBe('sqlite:/tmp/b.db');
  });
});

describe('a wrong value stops start-up with the variable named', () => {
  it.each([
    ['PORT', 'abc'],
    ['PORT', '70000'],
    ['SWITCHBOARD_PUBLIC_URL', 'ftp://x'],
    ['SWITCHBOARD_PUBLIC_URL', 'not a url'],
    ['DATABASE_URL', 'mysql://root@localhost/sb'],
    ['SWITCHBOARD_SECRET_KEY', 'short'],
    ['SWITCHBOARD_LOG_LEVEL', 'loud'],
    ['SWITCHBOARD_BODY_LIMIT', '10'],
    ['SWITCHBOARD_LINE_API_URL', 'file:///etc/passwd'],
  ])('%s=%s', (name, value) => {
    const e = configError(() => loadConfig(env({ [name]: value })));
    expect(e.message).toContain(`${name}=`);
    expect(e.message).toContain(JSON.stringify(value));
  });

  it('names every wrong variable at once', () => {
    const e = configError(() => loadConfig(env({ PORT: 'abc', DATABASE_URL: 'mysql://x' })));
    expect(e.message).toMatch(/PORT=/);
    expect(e.message).toMatch(/DATABASE_URL=/);
    expect(e.message).not.toMatch(/HOST=/);
  });
});

describe('the secret key', () => {
  it('is created in the data dir with mode 0600 and reused by the next load', () => {
    const first = loadConfig(env());
    const file = join(dir, 'secret.key');
    expect(existsSync(file)).toBe(true);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(readFileSync(file, 'utf8').trim()).toBe(first.secretKey.toString('hex'));
    const second = loadConfig(env());
    expect(second.secretKey.equals(first.secretKey)).toBe(true);
  });

  it('differs between two data dirs', () => {
    const other = mkdtempSync(join(tmpdir(), 'sb-config-'));
    try {
      const a = loadConfig(env());
      const b = loadConfig({ SWITCHBOARD_DATA_DIR: other });
      expect(a.secretKey.equals(b.secretKey)).toBe(false);
    } finally {
      rmSync(other, { recursive: true, force: true });
    }
  });

  it('comes from SWITCHBOARD_SECRET_KEY as hex or base64, and then no key file is written', () => {
    const key = randomBytes(32);
    expect(loadConfig(env({ SWITCHBOARD_SECRET_KEY: key.toString('hex') })).secretKey.equals(key)).toBe(true);
    expect(loadConfig(env({ SWITCHBOARD_SECRET_KEY: key.toString('base64') })).secretKey.equals(key)).toBe(true);
    expect(existsSync(join(dir, 'secret.key'))).toBe(false);
  });

  it('refuses a key file that does not hold 32 bytes, naming the file', () => {
    writeFileSync(join(dir, 'secret.key'), 'abcd\n', { mode: 0o600 });
    const e = configError(() => loadConfig(env()));
    expect(e.message).toContain(join(resolve(dir), 'secret.key'));
  });
});

describe('provider URLs', () => {
  it('variables replace the public hosts one by one', () => {
    const c = loadConfig(env({ SWITCHBOARD_LINE_API_URL: 'http://127.0.0.1:4010', SWITCHBOARD_TWILIO_API_URL: 'http://twilio.test' }));
    expect(c.providers.lineApi).toBe('http://127.0.0.1:4010');
    expect(c.providers.twilioApi).toBe('http://twilio.test');
    expect(c.providers.lineDataApi).toBe('https://api-data.line.me');
  });

  it('overrides win over variables', () => {
    const base = loadConfig(env()).providers;
    const c = loadConfig(env({ SWITCHBOARD_LINE_API_URL: 'http://127.0.0.1:4010' }), {
      providers: { ...base, lineApi: 'http://127.0.0.1:5000', lineDataApi: 'http://127.0.0.1:5000' },
    });
    expect(c.providers.lineApi).toBe('http://127.0.0.1:5000');
    expect(c.providers.lineDataApi).toBe('http://127.0.0.1:5000');
  });
});
