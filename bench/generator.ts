/** The runner's handle on the load-generator worker thread (load-worker.ts). */
import { Worker } from 'node:worker_threads';
import { RpcClient } from './ipc.js';
import type { LoadOptions, LoadResult } from './load.js';
import type { WorkerInit } from './load-worker.js';
import type { PacedOptions, PacedResult } from './paced-sender.js';

export interface Generator {
  /** Makes bodies (outside any timed phase) until `n` are ready. */
  fill(n: number): Promise<number>;
  run(o: LoadOptions): Promise<LoadResult>;
  /** Open loop: webhooks at a steady rate, each stamped for matching with its agent event. */
  paced(o: PacedOptions): Promise<PacedResult>;
  close(): Promise<void>;
}

export async function startGenerator(init: WorkerInit): Promise<Generator> {
  const worker = new Worker(new URL('./load-worker.js', import.meta.url), { workerData: init });
  const rpc = new RpcClient({ send: (m) => worker.postMessage(m), onMessage: (l) => void worker.on('message', l) });
  worker.once('error', (err) => rpc.fail(`load generator crashed: ${err.stack ?? err.message}`));
  worker.once('exit', () => rpc.fail('load generator exited'));
  await rpc.call<number>('ready');
  return {
    fill: (n) => rpc.call<number>('fill', n),
    run: (o) => rpc.call<LoadResult>('run', o),
    paced: (o) => rpc.call<PacedResult>('paced', o),
    async close() {
      await rpc.call('close').catch(() => undefined);
      await worker.terminate();
    },
  };
}
