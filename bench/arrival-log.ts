/**
 * Which messages reached the agents' sockets, and when: the first arrival of each provider message
 * id (a `message.created` event), with every repeat counted as a duplicate. Then matched against
 * what the sender sent, on the same monotonic clock (mono-clock.ts).
 */
import { Samples, type LatencySummary } from './samples.js';

/** Arrivals as they travel between processes: parallel arrays. */
export interface Arrivals {
  ids: string[];
  atMs: number[];
  /** Events for a message id already seen (the same message delivered twice). */
  duplicates: number;
  /** Other events received (hello, conversation.updated, …): not matched, only counted. */
  other: number;
}

export class ArrivalLog {
  private readonly first = new Map<string, number>();
  private duplicates = 0;
  private other = 0;

  get size(): number {
    return this.first.size;
  }

  /** One message event for provider message `id` seen at `atMs`. */
  message(id: string, atMs: number): void {
    if (this.first.has(id)) this.duplicates++;
    else this.first.set(id, atMs);
  }

  otherEvent(): void {
    this.other++;
  }

  /** Everything so far, then forgets it. */
  take(): Arrivals {
    const out: Arrivals = { ids: [...this.first.keys()], atMs: [...this.first.values()], duplicates: this.duplicates, other: this.other };
    this.first.clear();
    this.duplicates = 0;
    this.other = 0;
    return out;
  }
}

/** What was sent and acknowledged (2xx): parallel arrays, times on the same clock as the arrivals. */
export interface Sent {
  ids: string[];
  atMs: number[];
}

export interface Matched {
  /** Send → arrival, ms, for each acknowledged message that arrived. */
  latencyMs: LatencySummary;
  arrived: number;
  /** Acknowledged but never arrived. */
  missing: number;
  /** A few of the missing ids, for the log. */
  missingExamples: string[];
  /** Arrived but not among `sent` (another phase's message, or one the sender never saw acknowledged). */
  unexpected: number;
}

/** Matches acknowledged sends with arrivals. */
export function matchArrivals(sent: Sent, arrivals: Arrivals): Matched {
  const at = new Map<string, number>();
  for (let i = 0; i < arrivals.ids.length; i++) at.set(arrivals.ids[i]!, arrivals.atMs[i]!);
  const samples = new Samples();
  const missing: string[] = [];
  let arrived = 0;
  for (let i = 0; i < sent.ids.length; i++) {
    const id = sent.ids[i]!;
    const t = at.get(id);
    if (t === undefined) {
      missing.push(id);
      continue;
    }
    arrived++;
    samples.push(t - sent.atMs[i]!);
    at.delete(id);
  }
  return { latencyMs: samples.summary(), arrived, missing: missing.length, missingExamples: missing.slice(0, 5), unexpected: at.size };
}
