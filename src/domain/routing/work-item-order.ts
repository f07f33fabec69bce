/**
 * The order in which waiting work items are offered for assignment.
 *
 * 1. Queue priority, lower number first. Dynamics counts 1 as the highest priority; we keep
 *    "lower number = more urgent" and allow 0 (the queue API's default), which therefore ranks
 *    above 1.
 * 2. Item priority set by classification, with the same convention; an item without one ranks
 *    after every item that has one (an explicit priority is a request to be served sooner).
 * 3. The oldest last customer interaction first (the customer who has waited longest since they
 *    last wrote); an item with no customer interaction yet uses its creation time.
 * 4. Work item id, so every process derives the same order.
 */

export interface OrderableWorkItem {
  id: string;
  queuePriority: number;
  /** From classification; absent or null: no item priority. */
  itemPriority?: number | null;
  /** Epoch ms of the customer's latest message; null if none yet. */
  lastCustomerInteractionAt: number | null;
  createdAt: number;
}

export function compareWorkItems(a: OrderableWorkItem, b: OrderableWorkItem): number {
  return (
    a.queuePriority - b.queuePriority ||
    comparePriority(a.itemPriority ?? null, b.itemPriority ?? null) ||
    waitingSince(a) - waitingSince(b) ||
    (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)
  );
}

/** A sorted copy, most urgent first. */
export function orderWorkItems<T extends OrderableWorkItem>(items: readonly T[]): T[] {
  return [...items].sort(compareWorkItems);
}

function comparePriority(a: number | null, b: number | null): number {
  if (a === b) return 0;
  if (a === null) return 1;
  if (b === null) return -1;
  return a - b;
}

function waitingSince(x: OrderableWorkItem): number {
  return x.lastCustomerInteractionAt ?? x.createdAt;
}
