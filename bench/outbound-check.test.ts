import { describe, expect, it } from 'vitest';
import { parseOutboundArgs } from './outbound-args.js';
import { checkOutbound, type CheckInput } from './outbound-check.js';
import { CallbackLedger } from './outbound-ledger.js';

const window = { start: 1000, end: 3000 };

function input(over: Partial<CheckInput> = {}): CheckInput {
  return {
    accepted: new Map([
      ['a', 1100],
      ['b', 1200],
    ]),
    unaccepted: new Set(),
    window,
    ledger: {
      duplicates: [],
      unsettled: 0,
      callbacksRefused: 0,
      rows: [
        ['a', 1105, 'read', 1180],
        ['b', 1210, 'read', 1300],
      ],
    },
    hubRows: [
      ['a', 'read', ''],
      ['b', 'read', ''],
    ],
    ...over,
  };
}

describe('checkOutbound', () => {
  it('counts rates over the window and times each message from its answer', () => {
    const c = checkOutbound(input());
    expect(c.ok).toBe(true);
    expect(c.deliveredPerS).toBe(1);
    expect(c.completedPerS).toBe(1);
    expect(c.toProvider.p50).toBe(5);
    expect(c.toProvider.max).toBe(10);
    expect(c.toFinalStatus.max).toBe(100);
  });

  it('fails on a lost, a duplicated, an unexpected message and a status the hub did not record', () => {
    const c = checkOutbound(
      input({
        accepted: new Map([
          ['a', 1100],
          ['b', 1200],
          ['lost', 1300],
        ]),
        ledger: {
          duplicates: [['a', 2]],
          unsettled: 0,
          callbacksRefused: 0,
          rows: [
            ['a', 1105, 'read', 1180],
            ['b', 1210, 'read', 1300],
            ['stray', 1400, 'read', 1500],
          ],
        },
        hubRows: [
          ['a', 'read', ''],
          ['b', 'delivered', ''],
          ['lost', 'sending', ''],
        ],
      }),
    );
    expect(c).toMatchObject({ ok: false, lost: 1, duplicates: 1, unexpected: 1, statusMismatches: 1, missingInStore: 0 });
    expect(c.examples.join('\n')).toMatch(/lost: accepted, never reached the emulator/);
  });

  it('lets a message sent without a 2xx exist downstream, and leaves messages outside the window out of the rates', () => {
    const c = checkOutbound(
      input({
        unaccepted: new Set(['timed-out']),
        ledger: {
          duplicates: [],
          unsettled: 0,
          callbacksRefused: 0,
          rows: [
            ['a', 1105, 'read', 1180],
            ['b', 1210, 'read', 3500],
            ['timed-out', 900, 'read', 950],
          ],
        },
      }),
    );
    expect(c.ok).toBe(true);
    expect(c.deliveredPerS).toBe(1);
    expect(c.completedPerS).toBe(0.5);
  });

  it('fails when a message did not end read, or a callback was refused or is still due', () => {
    const base = input();
    const ledger = { ...base.ledger, rows: [base.ledger.rows[0]!, ['b', 1210, 'delivered', 1250] as [string, number, string, number]] };
    expect(checkOutbound({ ...base, ledger, hubRows: [['a', 'read', ''], ['b', 'delivered', '']] })).toMatchObject({ ok: false, notDelivered: 1 });
    expect(checkOutbound({ ...base, ledger: { ...base.ledger, callbacksRefused: 1 } }).ok).toBe(false);
    expect(checkOutbound({ ...base, ledger: { ...base.ledger, unsettled: 1 } }).ok).toBe(false);
  });
});

describe('CallbackLedger', () => {
  const report = (sid: string, status: 'queued' | 'sent' | 'delivered' | 'read', httpStatus: number, at: number) => ({
    sid,
    accountSid: 'AC1',
    body: '',
    status,
    httpStatus,
    attempts: 1,
    at,
  });

  it('keeps the last acknowledged status per message, finds duplicated bodies and unsettled lifecycles', () => {
    const l = new CallbackLedger();
    l.callback(report('SM1', 'sent', 200, 10));
    l.callback(report('SM1', 'read', 200, 30));
    l.callback(report('SM2', 'sent', 200, 12));
    l.callback(report('SM2', 'delivered', 500, 20));
    const s = l.summary([
      { sid: 'SM1', body: 'x', createdAt: 5, status: 'read' },
      { sid: 'SM2', body: 'y', createdAt: 6, status: 'delivered' },
      { sid: 'SM3', body: 'x', createdAt: 7, status: 'queued' },
    ]);
    expect(s.created).toBe(3);
    expect(s.duplicates).toEqual([['x', 2]]);
    expect(s.rows).toEqual([
      ['x', 5, 'read', 30],
      ['y', 6, 'sent', 12],
    ]);
    expect(s.callbacksRefused).toBe(1);
    // SM2 is not at a final status yet, SM3 has had no callback for its current status.
    expect(s.unsettled).toBe(2);
  });
});

describe('parseOutboundArgs', () => {
  it('defaults to both stores, --quick shortens the run, and refuses unknown flags', () => {
    const d = parseOutboundArgs([]);
    expect(d).toMatchObject({ stores: ['sqlite', 'postgres'], durationS: 10, warmupS: 3, quick: false });
    expect(parseOutboundArgs(['--quick', '--store', 'sqlite', '--duration', '5'])).toMatchObject({ stores: ['sqlite'], durationS: 5, warmupS: 1, customers: 200, quick: true });
    expect(parseOutboundArgs(['--help'])).toBe('help');
    expect(() => parseOutboundArgs(['--nope'])).toThrow(/unknown option --nope/);
    expect(() => parseOutboundArgs(['--store', 'mysql'])).toThrow(/sqlite, postgres or both/);
  });
});
