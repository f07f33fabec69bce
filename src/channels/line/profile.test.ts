/** profile.ts against the LINE emulator. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLineEmulator } from '../../../emulators/line/index.js';
import type { LineEmulator } from '../../../emulators/line/types.js';
import type { ChannelClient } from '../adapter.js';
import { lineAdapter, type LineCredentials } from './index.js';

const creds: LineCredentials = {
  channelId: '2000000003',
  channelSecret: 'aaaaaaaaaaaaaaaabbbbbbbbbbbbbbbb',
  channelAccessToken: 'profile-test-token',
};

let emulator: LineEmulator;
let client: ChannelClient;

beforeAll(async () => {
  emulator = await startLineEmulator({});
  emulator.addChannel(creds);
  client = lineAdapter.createClient(creds, { baseUrls: { lineApi: emulator.baseUrl, lineDataApi: emulator.baseUrl } });
});

afterAll(async () => {
  await emulator?.close();
});

const fetchProfile = (userId: string) => {
  const fn = client.fetchProfile;
  if (!fn) throw new Error('LINE client has no fetchProfile');
  return fn(userId);
};

describe('LINE profile (emulator)', () => {
  it('returns the profile of a known user', async () => {
    const customer = emulator.customer(creds.channelId, undefined, {
      displayName: 'Aiko Tanaka',
      language: 'ja',
      pictureUrl: 'https://profile.line-scdn.net/aiko',
    });
    await customer.follow();
    expect(await fetchProfile(customer.userId)).toEqual({
      displayName: 'Aiko Tanaka',
      language: 'ja',
      pictureUrl: 'https://profile.line-scdn.net/aiko',
    });
  });

  it('returns undefined for an unknown user (404)', async () => {
    expect(await fetchProfile('U00000000000000000000000000000000')).toBeUndefined();
  });

  it('throws, saying why, when the token is refused', async () => {
    const customer = emulator.customer(creds.channelId);
    const bad = lineAdapter.createClient({ ...creds, channelAccessToken: 'wrong' }, { baseUrls: { lineApi: emulator.baseUrl } });
    await expect(bad.fetchProfile?.(customer.userId)).rejects.toThrow(/HTTP 401/);
  });

  it('throws on a server error', async () => {
    const customer = emulator.customer(creds.channelId);
    emulator.injectFault({ path: `/v2/bot/profile/${customer.userId}`, status: 503 });
    await expect(fetchProfile(customer.userId)).rejects.toThrow(/HTTP 503/);
  });
});
