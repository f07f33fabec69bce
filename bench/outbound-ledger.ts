/**
 * The emulator side's ledger of the outbound bench: which messages reached "Twilio" (by Body,
 * unique per message in the bench, since Twilio has no idempotency key), how many times, and the
 * status callbacks sent for each — the last one the hub acknowledged (2xx, so committed) and when.
 * Pure bookkeeping; twilio-process.ts feeds it.
 */
import type { CreatedMessage, StatusCallbackReport } from '../emulators/twilio/index.js';

const TERMINAL = new Set(['read', 'failed', 'undelivered']);

interface CallbackState {
  /** Last status whose callback got a 2xx, and when. */
  acked?: { status: string; at: number };
  /** Last status a callback was sent for (acknowledged or not). */
  lastReported?: string;
  refused: number;
}

/** One created message: [body, created at (ms), last acknowledged status or '', when (ms) or 0]. */
export type LedgerRow = [body: string, createdAt: number, ackedStatus: string, ackedAt: number];

export interface LedgerSummary {
  /** Create calls the emulator accepted. */
  created: number;
  /** Bodies created more than once, with their count. */
  duplicates: Array<[body: string, count: number]>;
  /** Messages whose lifecycle is not over yet (a later status or its callback still to come). */
  unsettled: number;
  /** Callbacks that got no 2xx after every attempt (the hub never recorded that status). */
  callbacksRefused: number;
  /** One row per body (the first created message of a duplicated body). */
  rows: LedgerRow[];
}

export class CallbackLedger {
  private readonly bySid = new Map<string, CallbackState>();

  callback(r: StatusCallbackReport): void {
    let s = this.bySid.get(r.sid);
    if (!s) {
      s = { refused: 0 };
      this.bySid.set(r.sid, s);
    }
    s.lastReported = r.status;
    if (r.httpStatus >= 200 && r.httpStatus < 300) s.acked = { status: r.status, at: r.at };
    else s.refused++;
  }

  summary(created: ReadonlyArray<Pick<CreatedMessage, 'sid' | 'body' | 'renderedText' | 'createdAt' | 'status'>>): LedgerSummary {
    const counts = new Map<string, number>();
    const rows: LedgerRow[] = [];
    let unsettled = 0;
    let refused = 0;
    for (const m of created) {
      const body = m.body ?? m.renderedText ?? '';
      const s = this.bySid.get(m.sid);
      if (!TERMINAL.has(m.status) || s?.lastReported !== m.status) unsettled++;
      refused += s?.refused ?? 0;
      const n = (counts.get(body) ?? 0) + 1;
      counts.set(body, n);
      if (n === 1) rows.push([body, m.createdAt, s?.acked?.status ?? '', s?.acked?.at ?? 0]);
    }
    return {
      created: created.length,
      duplicates: [...counts].filter(([, n]) => n > 1),
      unsettled,
      callbacksRefused: refused,
      rows,
    };
  }
}
