import { describe, expect, it } from 'vitest';
import { applyOfferEvent, createOffer, declineCounts, nextOfferTarget, type Offer, type OfferEvent, type OfferState } from './offer.js';

const T0 = 1_000_000;
const open = createOffer({ workItemId: 'w1', agentId: 'a', now: T0 });

function decided(state: OfferState, agentId = 'a', workItemId = 'w1'): Offer {
  return { ...open, agentId, workItemId, state, decidedAt: T0 + 1 };
}

describe('createOffer', () => {
  it('defaults to a 120 s timeout', () => {
    expect(open).toEqual({ workItemId: 'w1', agentId: 'a', state: 'offered', offeredAt: T0, expiresAt: T0 + 120_000, decidedAt: null });
  });
  it('takes a custom timeout', () => {
    expect(createOffer({ workItemId: 'w', agentId: 'a', now: 0, timeoutMs: 30_000 }).expiresAt).toBe(30_000);
  });
});

describe('applyOfferEvent', () => {
  const rows: Array<[string, Offer, OfferEvent, { ok: boolean; state: OfferState; decidedAt: number | null; error?: string }]> = [
    ['accept in time', open, { type: 'accept', at: T0 + 5_000 }, { ok: true, state: 'accepted', decidedAt: T0 + 5_000 }],
    ['accept at the last millisecond', open, { type: 'accept', at: T0 + 119_999 }, { ok: true, state: 'accepted', decidedAt: T0 + 119_999 }],
    ['accept at the deadline is too late', open, { type: 'accept', at: T0 + 120_000 }, { ok: false, state: 'expired', decidedAt: T0 + 120_000, error: 'expired' }],
    ['accept after the deadline is too late', open, { type: 'accept', at: T0 + 500_000 }, { ok: false, state: 'expired', decidedAt: T0 + 120_000, error: 'expired' }],
    ['decline in time', open, { type: 'decline', at: T0 + 1 }, { ok: true, state: 'declined', decidedAt: T0 + 1 }],
    ['decline too late', open, { type: 'decline', at: T0 + 120_001 }, { ok: false, state: 'expired', decidedAt: T0 + 120_000, error: 'expired' }],
    ['timeout at the deadline', open, { type: 'timeout', at: T0 + 120_000 }, { ok: true, state: 'expired', decidedAt: T0 + 120_000 }],
    ['timeout late (job ran late) keeps the deadline as the time', open, { type: 'timeout', at: T0 + 130_000 }, { ok: true, state: 'expired', decidedAt: T0 + 120_000 }],
    ['timeout early is refused', open, { type: 'timeout', at: T0 + 60_000 }, { ok: false, state: 'offered', decidedAt: null, error: 'not_due' }],
    ['withdraw while offered', open, { type: 'withdraw', at: T0 + 10 }, { ok: true, state: 'withdrawn', decidedAt: T0 + 10 }],
    ['withdraw after the deadline is still a withdrawal', open, { type: 'withdraw', at: T0 + 200_000 }, { ok: true, state: 'withdrawn', decidedAt: T0 + 200_000 }],
    ['accept twice', decided('accepted'), { type: 'accept', at: T0 + 2 }, { ok: false, state: 'accepted', decidedAt: T0 + 1, error: 'already_decided' }],
    ['decline after accept', decided('accepted'), { type: 'decline', at: T0 + 2 }, { ok: false, state: 'accepted', decidedAt: T0 + 1, error: 'already_decided' }],
    ['accept after decline', decided('declined'), { type: 'accept', at: T0 + 2 }, { ok: false, state: 'declined', decidedAt: T0 + 1, error: 'already_decided' }],
    ['timeout after accept', decided('accepted'), { type: 'timeout', at: T0 + 200_000 }, { ok: false, state: 'accepted', decidedAt: T0 + 1, error: 'already_decided' }],
    ['accept after expiry', decided('expired'), { type: 'accept', at: T0 + 2 }, { ok: false, state: 'expired', decidedAt: T0 + 1, error: 'already_decided' }],
    ['withdraw after withdraw', decided('withdrawn'), { type: 'withdraw', at: T0 + 2 }, { ok: false, state: 'withdrawn', decidedAt: T0 + 1, error: 'already_decided' }],
  ];
  it.each(rows)('%s', (_n, offer, event, want) => {
    const r = applyOfferEvent(offer, event);
    expect(r.ok).toBe(want.ok);
    expect(r.offer.state).toBe(want.state);
    expect(r.offer.decidedAt).toBe(want.decidedAt);
    if (!r.ok) expect(r.error).toBe(want.error);
  });
  it('never mutates the offer it is given', () => {
    const copy = { ...open };
    applyOfferEvent(open, { type: 'accept', at: T0 + 1 });
    applyOfferEvent(open, { type: 'accept', at: T0 + 999_999 });
    expect(open).toEqual(copy);
  });
});

describe('declineCounts', () => {
  it('counts declined and expired offers of this item per agent, not withdrawn or other items', () => {
    const offers = [decided('declined', 'a'), decided('expired', 'a'), decided('declined', 'b'), decided('withdrawn', 'c'), decided('accepted', 'd'), decided('declined', 'a', 'w2'), open];
    expect(declineCounts(offers, 'w1')).toEqual({ a: 2, b: 1 });
    expect(declineCounts([], 'w1')).toEqual({});
  });
});

describe('nextOfferTarget', () => {
  const rows: Array<[string, Offer[], number, ReturnType<typeof nextOfferTarget>]> = [
    ['no offers yet → choose', [], T0, { action: 'choose', declinedCount: {} }],
    ['open offer → wait until it expires', [open], T0 + 1, { action: 'wait', agentId: 'a', until: T0 + 120_000 }],
    ['open offer past its deadline → expire it', [open], T0 + 120_000, { action: 'expire', offer: open }],
    ['accepted → assigned', [decided('declined', 'b'), decided('accepted', 'a')], T0, { action: 'assigned', agentId: 'a' }],
    ['declined and expired → choose with counts', [decided('declined', 'a'), decided('expired', 'a'), decided('declined', 'b')], T0, { action: 'choose', declinedCount: { a: 2, b: 1 } }],
    ['withdrawn only → choose, nobody penalised', [decided('withdrawn', 'a')], T0, { action: 'choose', declinedCount: {} }],
    ['other items are ignored', [decided('accepted', 'a', 'w2'), { ...open, workItemId: 'w2' }], T0, { action: 'choose', declinedCount: {} }],
  ];
  it.each(rows)('%s', (_n, offers, now, want) => {
    expect(nextOfferTarget(offers, 'w1', now)).toEqual(want);
  });
});
