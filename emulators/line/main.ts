/**
 * Run the emulator on its own (after `tsc`): `node dist/emulators/line/main.js --port 8081
 * --channel 1650000001,<secret>,<token>,http://127.0.0.1:3000/webhooks/line`, then open the printed URL.
 */
import { parseArgs } from 'node:util';
import { pino } from 'pino';
import { startLineEmulator } from './index.js';

const { values } = parseArgs({
  options: {
    host: { type: 'string', default: '127.0.0.1' },
    port: { type: 'string', default: '8081' },
    channel: { type: 'string', multiple: true, default: [] },
    quiet: { type: 'boolean', default: false },
  },
});

const emulator = await startLineEmulator({
  host: values.host,
  port: Number(values.port),
  logger: values.quiet ? false : pino({ level: 'info' }),
});
for (const spec of values.channel) {
  const [channelId, channelSecret, channelAccessToken, webhookUrl] = spec.split(',');
  if (channelId === undefined || channelSecret === undefined || channelAccessToken === undefined) {
    throw new Error(`--channel wants id,secret,token[,webhookUrl]; got ${spec}`);
  }
  emulator.addChannel({ channelId, channelSecret, channelAccessToken, ...(webhookUrl === undefined ? {} : { webhookUrl }) });
}
process.stdout.write(`LINE emulator at ${emulator.baseUrl} (open it in a browser to play a customer)\n`);
const stop = (): void => void emulator.close().then(() => process.exit(0));
process.once('SIGINT', stop);
process.once('SIGTERM', stop);
