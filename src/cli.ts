/** switchboard start | demo | migrate | user add | emulators */
import { randomBytes } from 'node:crypto';
import { Command, Option } from 'commander';
import { ConfigError, loadConfig, type Config } from './config.js';
import { DEMO_USERS, startDemo, startEmulators } from './demo.js';
import { createHub } from './hub.js';
import { AuthService } from './services/auth-service.js';
import { migrate, openStore } from './store/db.js';
import { UsersRepo } from './store/users-repo.js';
import { systemClock } from './lib/clock.js';
import { VERSION } from './version.js';

function config(fallbacks: { dataDir?: string } = {}): Config {
  try {
    return loadConfig(undefined, {}, fallbacks);
  } catch (e) {
    if (e instanceof ConfigError) {
      console.error(e.message);
      process.exit(2);
    }
    throw e;
  }
}

function onShutdown(close: () => Promise<void>): void {
  let closing = false;
  const stop = (signal: string) => {
    if (closing) process.exit(1);
    closing = true;
    console.error(`\n${signal}: shutting down…`);
    close().then(
      () => process.exit(0),
      (e: unknown) => {
        console.error(e);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
}

const program = new Command()
  .name('switchboard')
  .description('Self-hosted omnichannel customer-service hub. Configuration comes from environment variables (see README).')
  .version(VERSION);

program
  .command('start')
  .description('Start the hub (HOST, PORT, DATABASE_URL, SWITCHBOARD_* variables)')
  .action(async () => {
    const hub = await createHub({ config: config() });
    const url = await hub.listen();
    // Signal handlers before announcing readiness: a supervisor may signal as soon as it reads the line.
    onShutdown(() => hub.close());
    hub.log.info({ url, publicUrl: hub.config.publicUrl, store: hub.store.dialect }, 'switchboard started');
  });

program
  .command('demo')
  .description('Start the hub on the embedded store with the provider emulators and demo data')
  .option('--data-dir <dir>', 'where the demo keeps its data (default: SWITCHBOARD_DATA_DIR, else ./data/demo)')
  .action(async (opts: { dataDir?: string }) => {
    const base = opts.dataDir ? { ...config(), ...loadConfig(undefined, { dataDir: opts.dataDir }) } : config({ dataDir: './data/demo' });
    const demo = await startDemo(base);
    const url = demo.hub.config.publicUrl;
    const lines = [
      '',
      'Switchboard demo is running.',
      `  Hub:                      ${demo.hubUrl}  (open it in a browser; store ${demo.hub.store.dialect} in ${base.dataDir})`,
      `  API document:             ${url}/api/openapi.json`,
      `  LINE emulator:            ${demo.emulators.line.baseUrl}  — open it to play a LINE customer (channel ${demo.lineChannelId}, messaging account ${demo.lineAccountId})`,
      `  Twilio (WhatsApp) emul.:  ${demo.emulators.twilio.baseUrl}  — play a WhatsApp customer writing to ${demo.whatsapp.number}`,
      `  Business Messages emul.:  ${demo.emulators.gbm.baseUrl}  — play a Business Messages customer (agent ${demo.gbmAgentId})`,
      `  Admin:                    ${DEMO_USERS.admin.email} / ${DEMO_USERS.admin.password}`,
      `  Agent:                    ${DEMO_USERS.agent.email} / ${DEMO_USERS.agent.password}`,
      '',
      'Write as a customer in an emulator page, then answer as the agent in the hub.',
      '',
      'Press Ctrl+C to stop.',
    ];
    // The handler is in place before the "running" line: a supervisor may signal right after it.
    onShutdown(() => demo.close());
    console.log(lines.join('\n'));
  });

program
  .command('migrate')
  .description('Create or upgrade the database schema and exit')
  .action(async () => {
    const c = config();
    const store = openStore(c.databaseUrl);
    try {
      const applied = await migrate(store);
      console.log(applied.length ? `Applied: ${applied.join(', ')}` : 'The schema is up to date.');
    } finally {
      await store.close();
    }
  });

const user = program.command('user').description('Manage users');
user
  .command('add')
  .description('Add a user; prints a generated password when none is given')
  .requiredOption('--email <email>', 'sign-in email')
  .requiredOption('--name <name>', 'display name')
  .addOption(new Option('--role <role>', 'role').choices(['admin', 'supervisor', 'agent']).default('agent'))
  .option('--password <password>', 'at least 10 characters (default: generated)')
  .option('--can-view-secrets', 'may read secured fields of messaging accounts', false)
  .action(async (o: { email: string; name: string; role: 'admin' | 'supervisor' | 'agent'; password?: string; canViewSecrets: boolean }) => {
    const c = config();
    const store = openStore(c.databaseUrl);
    try {
      await migrate(store);
      const auth = new AuthService({ users: new UsersRepo(store.db), clock: systemClock });
      const password = o.password ?? randomBytes(12).toString('base64url');
      const u = await auth.createUser({ email: o.email, displayName: o.name, password, role: o.role, canViewSecrets: o.canViewSecrets });
      console.log(`Added ${u.role} ${u.email} (${u.id})${o.password ? '' : `\nPassword: ${password}`}`);
    } catch (e) {
      console.error(e instanceof Error ? e.message : String(e));
      process.exitCode = 1;
    } finally {
      await store.close();
    }
  });

program
  .command('emulators')
  .description('Start the provider emulators alone and print their base URLs')
  .option('--host <host>', 'listen host', '127.0.0.1')
  .option('--line-port <port>', 'LINE emulator port', '4010')
  .option('--twilio-port <port>', 'Twilio emulator port', '4011')
  .option('--gbm-port <port>', 'Business Messages emulator port', '4012')
  .action(async (o: { host: string; linePort: string; twilioPort: string; gbmPort: string }) => {
    const emulators = await startEmulators(o.host, { line: Number(o.linePort), twilio: Number(o.twilioPort), gbm: Number(o.gbmPort) });
    onShutdown(() => emulators.close());
    console.log(
      [
        `LINE emulator:              ${emulators.line.baseUrl}  (SWITCHBOARD_LINE_API_URL and SWITCHBOARD_LINE_DATA_API_URL)`,
        `Twilio emulator:            ${emulators.twilio.baseUrl}  (SWITCHBOARD_TWILIO_API_URL and SWITCHBOARD_TWILIO_CONTENT_API_URL)`,
        `Business Messages emulator: ${emulators.gbm.baseUrl}  (SWITCHBOARD_GBM_API_URL; SWITCHBOARD_GOOGLE_TOKEN_URL=${emulators.gbm.tokenUrl})`,
      ].join('\n'),
    );
  });

program.parseAsync(process.argv).catch((e: unknown) => {
  console.error(e instanceof Error ? e.message : e);
  process.exit(1);
});
