/**
 * The LINE channel of a bench run: fresh credentials, and a LINE emulator in the runner process
 * playing the LINE platform for the hub's workers (profile fetches of new senders, automated
 * messages), so the hub's outbound calls stay on this machine.
 */
import { randomBytes } from 'node:crypto';
import { startLineEmulator, type LineEmulator } from '../emulators/line/index.js';
import type { LineChannelCreds } from './hub-process.js';

export interface BenchLineChannel {
  line: LineChannelCreds;
  /** The bot's user id: `destination` of the webhook bodies. */
  botUserId: string;
  emulator: LineEmulator;
}

export async function startBenchLineChannel(): Promise<BenchLineChannel> {
  const line: LineChannelCreds = {
    channelId: '2000000001',
    channelSecret: randomBytes(16).toString('hex'),
    channelAccessToken: `bench-${randomBytes(24).toString('base64url')}`,
  };
  const botUserId = `U${randomBytes(16).toString('hex')}`;
  const emulator = await startLineEmulator({ rateLimitPerSecond: 1e9 });
  emulator.addChannel({ ...line, botUserId });
  return { line, botUserId, emulator };
}
