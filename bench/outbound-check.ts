/**
 * The outbound bench's figures and checks, from what each side recorded: the generator (when each
 * accepted message was answered), the emulator (when each message was created and which status
 * callback the receiver last acknowledged, when) and, for the hub, the store (each agent message's
 * status). Pure: outbound.ts gathers the inputs.
 */
import type { LedgerRow, LedgerSummary } from './outbound-ledger.js';
import { Samples, type LatencySummary } from './samples.js';

/** The status a delivered message ends in; the last callback the emulator sends. */
export const FINAL_STATUS = 'read';

export interface CheckInput {
  /** Accepted messages of every phase: key → when the 2xx answer came (wall clock, ms). */
  accepted: ReadonlyMap<string, number>;
  /** Messages sent without a 2xx answer (may legitimately exist downstream, or not). */
  unaccepted: ReadonlySet<string>;
  /** The measured run, wall clock ms. */
  window: { start: number; end: number };
  /** The emulator's ledger, restricted to this run's messages. */
  ledger: Pick<LedgerSummary, 'duplicates' | 'unsettled' | 'callbacksRefused'> & { rows: LedgerRow[] };
  /** The hub's agent messages ([text, status, error code]); absent for the baseline. */
  hubRows?: ReadonlyArray<readonly [string, string, string]>;
}

export interface CheckResult {
  /** Messages created at the emulator during the measured run, per second. */
  deliveredPerS: number;
  /** Messages whose final status callback ("read") the receiver acknowledged during the run, per second. */
  completedPerS: number;
  /** Answer → created at the emulator, for messages answered during the measured run. */
  toProvider: LatencySummary;
  /** Answer → final status callback acknowledged (the hub recorded it), same messages. */
  toFinalStatus: LatencySummary;
  duplicates: number;
  /** Accepted, never created at the emulator. */
  lost: number;
  /** Created at the emulator, but never sent by the generator (or sent twice under another name). */
  unexpected: number;
  /** Created but ended in a status other than FINAL_STATUS. */
  notDelivered: number;
  unsettled: number;
  callbacksRefused: number;
  /** Accepted but absent from the hub's store. */
  missingInStore: number;
  /** Hub status ≠ the status the emulator last called back. */
  statusMismatches: number;
  /** A few examples of each problem, for the log. */
  examples: string[];
  ok: boolean;
}

export function checkOutbound(i: CheckInput): CheckResult {
  const seconds = Math.max(1e-3, (i.window.end - i.window.start) / 1000);
  const inWindow = (t: number) => t >= i.window.start && t <= i.window.end;
  const examples: string[] = [];
  const note = (what: string) => {
    if (examples.length < 10) examples.push(what);
  };
  const toProvider = new Samples();
  const toFinal = new Samples();
  const byKey = new Map<string, LedgerRow>();
  let delivered = 0;
  let completed = 0;
  let unexpected = 0;
  let notDelivered = 0;
  for (const row of i.ledger.rows) {
    const [key, createdAt, status, ackedAt] = row;
    byKey.set(key, row);
    if (inWindow(createdAt)) delivered++;
    if (status === FINAL_STATUS && inWindow(ackedAt)) completed++;
    if (status !== FINAL_STATUS) {
      notDelivered++;
      note(`${key}: last status acknowledged ${status || '(none)'}`);
    }
    const answeredAt = i.accepted.get(key);
    if (answeredAt === undefined) {
      if (!i.unaccepted.has(key)) {
        unexpected++;
        note(`${key}: created at the emulator but never sent`);
      }
      continue;
    }
    if (!inWindow(answeredAt)) continue;
    toProvider.push(createdAt - answeredAt);
    if (status === FINAL_STATUS) toFinal.push(ackedAt - answeredAt);
  }
  let lost = 0;
  for (const key of i.accepted.keys()) {
    if (byKey.has(key)) continue;
    lost++;
    note(`${key}: accepted, never reached the emulator`);
  }
  let missingInStore = 0;
  let statusMismatches = 0;
  if (i.hubRows) {
    const hub = new Map(i.hubRows.map(([text, status, code]) => [text, { status, code }]));
    for (const key of i.accepted.keys()) {
      const h = hub.get(key);
      if (!h) {
        missingInStore++;
        note(`${key}: accepted, not in the hub's store`);
        continue;
      }
      const row = byKey.get(key);
      if (row && row[2] !== h.status) {
        statusMismatches++;
        note(`${key}: hub says ${h.status}${h.code ? ` (${h.code})` : ''}, the emulator last called back ${row[2] || '(nothing)'}`);
      }
    }
  }
  for (const [key, n] of i.ledger.duplicates) note(`${key}: created ${n} times`);
  const result: CheckResult = {
    deliveredPerS: delivered / seconds,
    completedPerS: completed / seconds,
    toProvider: toProvider.summary(),
    toFinalStatus: toFinal.summary(),
    duplicates: i.ledger.duplicates.length,
    lost,
    unexpected,
    notDelivered,
    unsettled: i.ledger.unsettled,
    callbacksRefused: i.ledger.callbacksRefused,
    missingInStore,
    statusMismatches,
    examples,
    ok: false,
  };
  result.ok =
    result.duplicates + result.lost + result.unexpected + result.notDelivered + result.unsettled + result.callbacksRefused + result.missingInStore + result.statusMismatches === 0;
  return result;
}
