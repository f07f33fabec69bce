/**
 * Run the emulator on its own (after `tsc`): `node dist/emulators/twilio/main.js --port 8082
 * --account AC…,<authToken> --number AC…,+14155238886,http://127.0.0.1:3000/webhooks/twilio[,<sandbox join code>]`,
 * then open the printed URL.
 */
import { parseArgs } from 'node:util';
import { pino } from 'pino';
import { startTwilioEmulator } from './index.js';

const { values } = parseArgs({
  options: {
    host: { type: 'string', default: '127.0.0.1' },
    port: { type: 'string', default: '8082' },
    account: { type: 'string', multiple: true, default: [] },
    number: { type: 'string', multiple: true, default: [] },
    quiet: { type: 'boolean', default: false },
  },
});

const emulator = await startTwilioEmulator({
  host: values.host,
  port: Number(values.port),
  logger: values.quiet ? false : pino({ level: 'info' }),
});
for (const spec of values.account) {
  const [accountSid, authToken] = spec.split(',');
  if (accountSid === undefined || authToken === undefined) throw new Error(`--account wants sid,authToken; got ${spec}`);
  emulator.addAccount({ accountSid, authToken });
}
for (const spec of values.number) {
  const [accountSid, number, webhookUrl, joinCode] = spec.split(',');
  if (accountSid === undefined || number === undefined) throw new Error(`--number wants accountSid,+E164[,webhookUrl[,sandboxJoinCode]]; got ${spec}`);
  emulator.addNumber({
    accountSid,
    number,
    ...(webhookUrl === undefined || webhookUrl === '' ? {} : { webhookUrl }),
    ...(joinCode === undefined || joinCode === '' ? {} : { sandbox: { joinCode } }),
  });
}
process.stdout.write(`Twilio emulator at ${emulator.baseUrl} (open it in a browser to play a WhatsApp customer)\n`);
const stop = (): void => void emulator.close().then(() => process.exit(0));
process.once('SIGINT', stop);
process.once('SIGTERM', stop);
