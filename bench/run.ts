/**
 * The ingest benchmark (part of `npm run bench`): the bare node:http baseline, then signed LINE
 * and Twilio webhooks into a real hub, with two sender mixes, on each store asked for. Prints a
 * progress line per phase and the table, and writes its section of bench/RESULTS.md. Exits 1 if
 * a store check fails (stored ≠ acknowledged).
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { startLineEmulator } from '../emulators/line/index.js';
import { startTwilioEmulator } from '../emulators/twilio/index.js';
import { parseArgs, USAGE, UsageError } from './args.js';
import type { LineChannelCreds } from './hub-process.js';
import type { TwilioSeed, TwilioSeeded } from './outbound-seed.js';
import type { SenderMix } from './line-bodies.js';
import { topFunctions, topPackages } from './profile-top.js';
import { benchLog, reportIdle } from './bench-log.js';
import { ingestSection, machineDescription, resultsTable } from './report.js';
import { RESULTS_FILE, writeSection } from './results-file.js';
import { runScenario, type ScenarioResult, type ScenarioSpec } from './scenario.js';
import { startBaseline, startHub, type Running } from './targets.js';

const MIXES: Array<{ mix: SenderMix; name: string }> = [
  { mix: 'known', name: 'known senders' },
  { mix: 'new', name: 'new sender each' },
];

/** The Twilio account the Twilio scenarios' hub is given (the bodies are signed with its token). */
const TWILIO = { accountSid: `AC${randomBytes(16).toString('hex')}`, authToken: randomBytes(16).toString('hex'), number: '+14155550100' };

async function main(): Promise<number> {
  const parsed = parseArgs(process.argv.slice(2));
  if (parsed === 'help') {
    console.log(USAGE);
    return 0;
  }
  const o = parsed;
  const { progress, lines: log } = benchLog();
  const machine = machineDescription(o.pgUrl);
  progress(`machine: ${machine.join('; ')}`);
  await reportIdle(progress);

  const line: LineChannelCreds = {
    channelId: '2000000001',
    channelSecret: randomBytes(16).toString('hex'),
    channelAccessToken: `bench-${randomBytes(24).toString('base64url')}`,
  };
  const botUserId = `U${randomBytes(16).toString('hex')}`;
  // "LINE" for the hub's workers (profile fetches of new senders): the emulator, in this process.
  const emulator = await startLineEmulator({ rateLimitPerSecond: 1e9 });
  emulator.addChannel({ ...line, botUserId });
  // "Twilio" for the hub's workers (the automated messages new conversations get).
  const twilio = await startTwilioEmulator({ rateLimitPerSecond: 1e9 });
  twilio.addAccount({ accountSid: TWILIO.accountSid, authToken: TWILIO.authToken });

  const common = {
    durationS: o.durationS,
    warmupS: o.warmupS,
    connections: o.connections,
    knownSenders: o.knownSenders,
    bodies: { channelSecret: line.channelSecret, destination: botUserId },
  };
  const results: ScenarioResult[] = [];
  /** `spec` may be a function: what the bodies need (a URL) is known once the target started. */
  const run = async (start: () => Promise<Running>, specOf: ScenarioSpec | (() => ScenarioSpec)) => {
    const first = typeof specOf === 'function' ? specOf() : specOf;
    progress(`${first.name}${first.store ? ` [${first.store}]` : ''}: starting`);
    const running = await start();
    try {
      results.push(await runScenario(running.target, typeof specOf === 'function' ? specOf() : specOf, progress));
    } finally {
      await running.stop();
    }
  };

  const profDir = o.cpuProfDir ? resolve(o.cpuProfDir) : undefined;
  if (profDir) mkdirSync(profDir, { recursive: true });
  try {
    await run(startBaseline, { ...common, name: 'bare node:http', mix: 'known', bodies: { ...common.bodies, reuse: true } });
    for (const store of o.stores) {
      for (const provider of o.providers) {
        for (const { mix, name } of MIXES.filter((m) => o.mixes.includes(m.mix))) {
          const execArgv = profDir ? ['--cpu-prof', `--cpu-prof-dir=${profDir}`, `--cpu-prof-name=hub-${store}-${provider}-${mix}.cpuprofile`] : [];
          const label = `${provider === 'line' ? 'LINE' : 'Twilio'} ingest, ${mix === 'known' ? `${o.knownSenders} ${name}` : name}`;
          if (provider === 'line') {
            await run(() => startHub({ store, pgUrl: o.pgUrl, lineApiUrl: emulator.baseUrl, line, execArgv }), { ...common, name: label, store, mix });
            continue;
          }
          let url = '';
          await run(
            async () => {
              const hub = await startHub({ store, pgUrl: o.pgUrl, lineApiUrl: emulator.baseUrl, twilioApiUrl: twilio.baseUrl, line, execArgv });
              const seeded = await hub.rpc.call<TwilioSeeded>('seedTwilio', { ...TWILIO, agentIds: [] } satisfies TwilioSeed);
              url = seeded.webhookUrl;
              twilio.addNumber({ accountSid: TWILIO.accountSid, number: TWILIO.number, webhookUrl: url, statusCallbackUrl: seeded.statusCallbackUrl });
              return { ...hub, target: { ...hub.target, path: new URL(url).pathname } };
            },
            () => ({ ...common, name: label, store, mix, bodies: { provider: 'twilio', ...TWILIO, businessNumber: TWILIO.number, url } }),
          );
        }
      }
    }
  } finally {
    await emulator.close();
    await twilio.close();
  }

  const table = resultsTable(results);
  console.log(`\n${table}\n`);
  if (profDir) {
    for (const f of readdirSync(profDir).filter((x) => x.endsWith('.cpuprofile')).sort()) {
      const prof = join(profDir, f);
      console.log(`Self time in ${f}, by function:\n${topFunctions(prof).join('\n')}\nby package:\n${topPackages(prof).join('\n')}\n`);
    }
  }
  if (profDir) {
    console.log('Profiled run: its figures carry the profiler\'s cost, so bench/RESULTS.md was left as it was.');
  } else {
    writeSection('ingest', ingestSection(o, machine, table, log));
    console.log(`Written to ${RESULTS_FILE.pathname} (section "Webhook ingest")`);
  }
  return results.every((r) => r.stored === undefined || r.stored === r.acked) ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(err instanceof UsageError ? err.message : err instanceof Error ? (err.stack ?? err.message) : String(err));
    process.exit(2);
  },
);
