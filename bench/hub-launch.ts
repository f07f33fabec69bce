/**
 * Starts a hub as a user does — `node bin/switchboard.js start` with its configuration in the
 * environment — and times it from the spawn to the first successful `GET /healthz`. The same
 * timing for a bare `node -e` process that starts a node:http server is the floor: what Node
 * itself costs on this machine before any hub code runs.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { request } from 'node:http';
import { createServer } from 'node:net';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { processCpuMs } from './proc-cpu.js';

const CLI = fileURLToPath(new URL('../../bin/switchboard.js', import.meta.url));

export interface Launched {
  pid: number;
  origin: string;
  /** From spawn to the first 200 of GET <healthPath>, in ms. */
  readyMs: number;
  /**
   * CPU the process used until then (every thread), in ms: unlike the wall time, it hardly
   * depends on what else runs on the machine.
   */
  cpuMs: number | undefined;
  /** SIGTERM, then waits for the exit (SIGKILL after `graceMs`). */
  stop(graceMs?: number): Promise<void>;
}

export interface HubLaunchOptions {
  databaseUrl: string;
  dataDir: string;
  /** Extra SWITCHBOARD_* variables (provider URLs pointing at emulators, …). */
  env?: Record<string, string>;
  /** Node flags for the hub process (--heap-prof, --cpu-prof, …). */
  nodeArgs?: string[];
  timeoutMs?: number;
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

/** The runner's environment without anything that configures a hub, so only ours applies. */
function cleanEnv(): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (v === undefined || k.startsWith('SWITCHBOARD_') || k === 'DATABASE_URL' || k === 'HOST' || k === 'PORT' || k === 'NODE_OPTIONS') continue;
    out[k] = v;
  }
  return out;
}

/** One GET; resolves to the status code, or 0 when nothing answers (not listening yet). */
function probe(port: number, path: string): Promise<number> {
  return new Promise((resolve) => {
    const req = request({ host: '127.0.0.1', port, path, agent: false, timeout: 1000 }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', () => resolve(0));
    req.on('timeout', () => req.destroy());
    req.end();
  });
}

async function launch(args: string[], env: Record<string, string>, port: number, path: string, timeoutMs: number): Promise<Launched> {
  let stderr = '';
  const t0 = performance.now();
  const child: ChildProcess = spawn(process.execPath, args, { env, stdio: ['ignore', 'ignore', 'pipe'] });
  child.stderr?.on('data', (d: Buffer) => {
    stderr = (stderr + d.toString()).slice(-4000);
  });
  let exited = false;
  const exit = new Promise<void>((resolve) => child.once('exit', () => ((exited = true), resolve())));
  const stop = async (graceMs = 15_000) => {
    if (exited) return;
    const kill = setTimeout(() => child.kill('SIGKILL'), graceMs);
    child.kill('SIGTERM');
    await exit;
    clearTimeout(kill);
  };
  // Poll every few ms: finer would take CPU from the starting process on a small machine.
  for (;;) {
    if (exited) throw new Error(`${args.join(' ')} exited before answering ${path}:\n${stderr}`);
    if ((await probe(port, path)) === 200) break;
    if (performance.now() - t0 > timeoutMs) {
      await stop(1000);
      throw new Error(`${args.join(' ')} did not answer ${path} within ${timeoutMs} ms:\n${stderr}`);
    }
    await new Promise((r) => setTimeout(r, 5));
  }
  const readyMs = performance.now() - t0;
  return { pid: child.pid ?? -1, origin: `http://127.0.0.1:${port}`, readyMs, cpuMs: processCpuMs(String(child.pid)), stop };
}

export async function launchHub(o: HubLaunchOptions): Promise<Launched> {
  const port = await freePort();
  const env = {
    ...cleanEnv(),
    HOST: '127.0.0.1',
    PORT: String(port),
    DATABASE_URL: o.databaseUrl,
    SWITCHBOARD_DATA_DIR: o.dataDir,
    SWITCHBOARD_LOG_LEVEL: 'silent',
    ...o.env,
  };
  return launch([...(o.nodeArgs ?? []), CLI, 'start'], env, port, '/healthz', o.timeoutMs ?? 120_000);
}

/** The floor: `node -e` with a node:http server that answers 200. */
export async function launchBareNode(): Promise<Launched> {
  const port = await freePort();
  const script = `require('node:http').createServer((q, s) => s.end('ok')).listen(${port}, '127.0.0.1')`;
  return launch(['-e', script], cleanEnv(), port, '/', 30_000);
}
