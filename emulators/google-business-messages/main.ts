/**
 * Run the emulator on its own (after `tsc`): `node dist/emulators/google-business-messages/main.js
 * --port 8083 --agent agentId,brandId,partnerId,clientToken[,webhookUrl]`, then open the printed URL.
 * Each agent's service-account key file is printed (and served at /_emulator/agents/{agentId}/service-account).
 * A webhook URL given here is set without the verification handshake.
 */
import { parseArgs } from 'node:util';
import { pino } from 'pino';
import { startGbmEmulator } from './index.js';

const { values } = parseArgs({
  options: {
    host: { type: 'string', default: '127.0.0.1' },
    port: { type: 'string', default: '8083' },
    agent: { type: 'string', multiple: true, default: [] },
    quiet: { type: 'boolean', default: false },
  },
});

const emulator = await startGbmEmulator({
  host: values.host,
  port: Number(values.port),
  logger: values.quiet ? false : pino({ level: 'info' }),
});
for (const spec of values.agent) {
  const [agentId, brandId, partnerId, clientToken, webhookUrl] = spec.split(',');
  if (agentId === undefined || brandId === undefined || partnerId === undefined || clientToken === undefined) {
    throw new Error(`--agent wants agentId,brandId,partnerId,clientToken[,webhookUrl]; got ${spec}`);
  }
  const { serviceAccount } = emulator.addAgent({ agentId, brandId, partnerId, clientToken, ...(webhookUrl === undefined ? {} : { webhookUrl }) });
  process.stdout.write(`agent ${agentId}: service account ${serviceAccount.client_email} (${emulator.baseUrl}/_emulator/agents/${agentId}/service-account)\n`);
}
process.stdout.write(`Business Messages emulator at ${emulator.baseUrl} (open it in a browser to play a customer)\n`);
const stop = (): void => void emulator.close().then(() => process.exit(0));
process.once('SIGINT', stop);
process.once('SIGTERM', stop);
