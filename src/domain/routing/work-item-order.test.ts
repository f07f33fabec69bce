import { describe, expect, it } from 'vitest';
import { compareWorkItems, orderWorkItems, type OrderableWorkItem } from './work-item-order.js';

const item = (id: string, queuePriority: number, lastCustomerInteractionAt: number | null, o: Partial<OrderableWorkItem> = {}): OrderableWorkItem => ({
  id,
  queuePriority,
  lastCustomerInteractionAt,
  createdAt: 0,
  ...o,
});

describe('orderWorkItems', () => {
  const rows: Array<[string, OrderableWorkItem[], string[]]> = [
    ['empty', [], []],
    ['lower queue priority number first', [item('a', 5, 100), item('b', 1, 200), item('c', 3, 50)], ['b', 'c', 'a']],
    ['0 ranks above 1', [item('a', 1, 100), item('b', 0, 200)], ['b', 'a']],
    ['same queue priority → oldest last customer interaction first', [item('a', 1, 300), item('b', 1, 100), item('c', 1, 200)], ['b', 'c', 'a']],
    ['queue priority beats age', [item('old', 2, 1), item('new', 1, 999)], ['new', 'old']],
    ['item priority between queue priority and age', [item('a', 1, 100, { itemPriority: 5 }), item('b', 1, 200, { itemPriority: 1 })], ['b', 'a']],
    ['an item with a priority before one without', [item('a', 1, 100), item('b', 1, 200, { itemPriority: 9 })], ['b', 'a']],
    ['null item priority = none', [item('a', 1, 100, { itemPriority: null }), item('b', 1, 200, { itemPriority: 9 })], ['b', 'a']],
    ['item priority does not beat queue priority', [item('a', 2, 100, { itemPriority: 1 }), item('b', 1, 200)], ['b', 'a']],
    ['no customer interaction → creation time', [item('a', 1, 150), item('b', 1, null, { createdAt: 100 }), item('c', 1, null, { createdAt: 200 })], ['b', 'a', 'c']],
    ['full tie → id', [item('b', 1, 100), item('a', 1, 100)], ['a', 'b']],
  ];
  it.each(rows)('%s', (_n, items, ids) => {
    expect(orderWorkItems(items).map((i) => i.id)).toEqual(ids);
  });
  it('returns a copy and keeps extra fields', () => {
    const items = [{ ...item('b', 2, 1), conversationId: 'c2' }, { ...item('a', 1, 1), conversationId: 'c1' }];
    const sorted = orderWorkItems(items);
    expect(sorted[0]?.conversationId).toBe('c1');
    expect(items[0]?.id).toBe('b');
  });
  it('compare is antisymmetric', () => {
    const a = item('a', 1, 100);
    const b = item('b', 1, 200);
    expect(Math.sign(compareWorkItems(a, b))).toBe(-Math.sign(compareWorkItems(b, a)));
    expect(compareWorkItems(a, a)).toBe(0);
  });
});
