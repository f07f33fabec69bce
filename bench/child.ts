/**
 * Child processes of the bench: the hub and the bare server each run in their own process, so
 * their CPU time is theirs alone and they do not share an event loop with the load generator.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { RpcClient, serve, type Handlers, type Port } from './ipc.js';

export interface Child {
  rpc: RpcClient;
  pid: number;
  /** Asks the child to close, then waits for it to exit (killing it after `graceMs`). */
  stop(graceMs?: number): Promise<void>;
}

export async function forkChild(entry: URL, execArgv: string[] = []): Promise<Child> {
  const proc: ChildProcess = fork(entry, [], { execArgv, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const port: Port = {
    send: (m) => void proc.send(m as object),
    onMessage: (l) => void proc.on('message', l),
  };
  const rpc = new RpcClient(port);
  const exited = new Promise<void>((resolve) =>
    proc.once('exit', (code, signal) => {
      rpc.fail(`child ${entry.pathname} exited (code ${code}, signal ${signal})`);
      resolve();
    }),
  );
  await new Promise<void>((resolve, reject) => {
    proc.once('spawn', resolve);
    proc.once('error', reject);
  });
  return {
    rpc,
    pid: proc.pid ?? -1,
    async stop(graceMs = 15_000) {
      if (proc.exitCode !== null || proc.signalCode !== null) return;
      const timer = setTimeout(() => proc.kill('SIGKILL'), graceMs);
      rpc.call('close').catch(() => undefined);
      await exited;
      clearTimeout(timer);
    },
  };
}

/** In a child: answer the parent's requests; `close` runs `onClose` and exits. Exits if the parent goes. */
export function serveParent(handlers: Handlers, onClose: () => Promise<void>): void {
  if (!process.send) throw new Error('this file is a bench child process: start it with child_process.fork');
  const send = process.send.bind(process);
  const port: Port = { send: (m) => void send(m as object), onMessage: (l) => void process.on('message', l) };
  serve(port, {
    ...handlers,
    close: async () => {
      await onClose();
      // Let the answer leave before exiting (a --cpu-prof profile is written on exit).
      setImmediate(() => process.exit(0));
      return null;
    },
  });
  process.on('disconnect', () => process.exit(1));
}
