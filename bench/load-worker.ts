/**
 * The load generator's thread (a node:worker_threads Worker): it owns the bodies and the
 * connections, so sending never waits on the runner's event loop. Started by generator.ts. Runs
 * closed-loop load (load.ts) or open-loop paced sends (paced-sender.ts).
 */
import { parentPort, workerData } from 'node:worker_threads';
import { Pool } from 'undici';
import { serve } from './ipc.js';
import { LineBodies, type BodyPool, type BodySpec } from './line-bodies.js';
import { runLoad, type LoadOptions } from './load.js';
import { runPaced, type PacedOptions } from './paced-sender.js';
import { TwilioBodies, type TwilioBodySpec } from './twilio-bodies.js';

/** Which provider's webhooks to send: LINE's (the default) or Twilio's. */
export type AnyBodySpec = BodySpec | (TwilioBodySpec & { provider: 'twilio' });

export interface WorkerInit {
  origin: string;
  connections: number;
  bodies: AnyBodySpec;
  /** Bodies made before the worker says it is ready. */
  initialBodies: number;
}

const port = parentPort;
if (!port) throw new Error('load-worker.ts runs as a worker thread');
const init = workerData as WorkerInit;
const bodies: BodyPool = 'provider' in init.bodies ? new TwilioBodies(init.bodies) : new LineBodies(init.bodies);
bodies.fill(init.initialBodies);
const pool = new Pool(init.origin, { connections: init.connections, pipelining: 1 });

serve(
  { send: (m) => port.postMessage(m), onMessage: (l) => void port.on('message', l) },
  {
    ready: async () => bodies.ready,
    fill: async (n) => {
      bodies.fill(n as number);
      return bodies.ready;
    },
    run: (o) => runLoad(pool, bodies, o as LoadOptions),
    paced: (o) => runPaced(pool, bodies, o as PacedOptions),
    close: async () => {
      await pool.close();
      return null;
    },
  },
);
