/**
 * A tiny request/answer protocol over a message port, used between the bench runner and the
 * processes and threads it starts (hub child, bare server child, load-generator worker).
 * Every served side also answers `cpu`: its own CPU time and event-loop utilization.
 */
import { performance, type EventLoopUtilization } from 'node:perf_hooks';

/** What both ends of a child process or a worker thread can do with messages. */
export interface Port {
  send(message: unknown): void;
  onMessage(listener: (message: unknown) => void): void;
}

interface Request {
  id: number;
  method: string;
  params: unknown;
}

interface Answer {
  id: number;
  result?: unknown;
  error?: string;
}

export interface CpuSample {
  /** process.cpuUsage() in microseconds (the whole process, every thread). */
  userUs: number;
  systemUs: number;
  /** performance.eventLoopUtilization() of the answering thread. */
  elu: EventLoopUtilization;
}

export type Handlers = Record<string, (params: unknown) => Promise<unknown>>;

function isRequest(m: unknown): m is Request {
  return typeof m === 'object' && m !== null && 'id' in m && 'method' in m;
}

function isAnswer(m: unknown): m is Answer {
  return typeof m === 'object' && m !== null && 'id' in m && !('method' in m);
}

export function cpuSample(): CpuSample {
  const { user, system } = process.cpuUsage();
  return { userUs: user, systemUs: system, elu: performance.eventLoopUtilization() };
}

/** Answers requests arriving on `port` with `handlers` (plus `cpu`). */
export function serve(port: Port, handlers: Handlers): void {
  const all: Handlers = { cpu: async () => cpuSample(), ...handlers };
  port.onMessage((m) => {
    if (!isRequest(m)) return;
    const handler = all[m.method];
    const answer = handler
      ? handler(m.params).then(
          (result): Answer => ({ id: m.id, result }),
          (err: unknown): Answer => ({ id: m.id, error: err instanceof Error ? (err.stack ?? err.message) : String(err) }),
        )
      : Promise.resolve<Answer>({ id: m.id, error: `no method ${m.method}` });
    void answer.then((a) => port.send(a));
  });
}

/** The calling side. `fail` rejects every pending call (the other side died). */
export class RpcClient {
  private seq = 0;
  private readonly pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();

  constructor(private readonly port: Port) {
    port.onMessage((m) => {
      if (!isAnswer(m)) return;
      const p = this.pending.get(m.id);
      if (!p) return;
      this.pending.delete(m.id);
      if (m.error !== undefined) p.reject(new Error(m.error));
      else p.resolve(m.result);
    });
  }

  /** The answer is trusted to have the shape the caller names: both sides share these files. */
  call<T>(method: string, params?: unknown): Promise<T> {
    const id = ++this.seq;
    return new Promise<T>((resolve, reject) => {
      this.pending.set(id, { resolve: (v) => resolve(v as T), reject });
      this.port.send({ id, method, params } satisfies Request);
    });
  }

  cpu(): Promise<CpuSample> {
    return this.call<CpuSample>('cpu');
  }

  fail(reason: string): void {
    for (const p of this.pending.values()) p.reject(new Error(reason));
    this.pending.clear();
  }
}
