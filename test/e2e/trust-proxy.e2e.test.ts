/** X-Forwarded-For is not believed unless configured, so it cannot dodge the per-address login limit. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { startTestHub, type TestHub } from '../support/hub.js';

describe('client address behind proxies', () => {
  let t: TestHub;
  beforeAll(async () => {
    t = await startTestHub('sqlite');
  });
  afterAll(async () => {
    await t?.close();
  });

  it('ignores X-Forwarded-For by default: rotating it does not escape the per-address limit', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 32; i++) {
      const res = await fetch(`${t.url}/api/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-forwarded-for': `203.0.113.${i}` },
        body: JSON.stringify({ email: `nobody${i}@example.test`, password: 'wrong-password-1' }),
      });
      statuses.push(res.status);
    }
    expect(statuses.slice(0, 30).every((s) => s === 401)).toBe(true);
    expect(statuses.slice(30)).toEqual([429, 429]);
  });

  it('SWITCHBOARD_TRUST_PROXY accepts true, false, a hop count or addresses, and refuses anything else', () => {
    expect(loadConfig({ SWITCHBOARD_TRUST_PROXY: 'true' }, { dataDir: t.db.dataDir }).trustProxy).toBe(true);
    expect(loadConfig({}, { dataDir: t.db.dataDir }).trustProxy).toBe(false);
    expect(loadConfig({ SWITCHBOARD_TRUST_PROXY: '2' }, { dataDir: t.db.dataDir }).trustProxy).toBe(2);
    expect(loadConfig({ SWITCHBOARD_TRUST_PROXY: '10.0.0.0/8,127.0.0.1' }, { dataDir: t.db.dataDir }).trustProxy).toBe('10.0.0.0/8,127.0.0.1');
    expect(() => loadConfig({ SWITCHBOARD_TRUST_PROXY: 'everyone' }, { dataDir: t.db.dataDir })).toThrow(/SWITCHBOARD_TRUST_PROXY/);
  });
});
