/**
 * The conversation context that routing rules read. It is JSON-ish data (what the store keeps in
 * `conversations.context`), addressed by dotted paths such as `preChat.orderNumber`.
 *
 * The well-known fields are listed for documentation; any other key is allowed and addressable.
 * `skills`, `priority` and `capacityProfile` are owned by work classification: `classify` replaces
 * whatever the incoming context had under those keys with its own outputs.
 */
export interface RoutingContext {
  /** Channel kind: 'line', 'whatsapp', 'gbm', 'webchat'… */
  channel?: string;
  customerName?: string;
  phone?: string;
  firstMessage?: string;
  /** BCP-47 tag such as 'it-IT'. */
  locale?: string;
  entryPoint?: string;
  placeId?: string;
  /** Answers to the pre-chat survey, by field name. */
  preChat?: Record<string, unknown>;
  /** The linked contact's fields. */
  contact?: Record<string, unknown>;
  /** Context variables, including those set by classification rules. */
  variables?: Record<string, unknown>;
  /** Set by classification: required skill name → level (`true` when no level was given). */
  skills?: Record<string, number | true>;
  /** Set by classification (lower number = more urgent, see work-item-order.ts). */
  priority?: number;
  /** Set by classification. */
  capacityProfile?: string;
  [key: string]: unknown;
}

/** What conditions evaluate against: any read-only object. */
export type ConditionContext = Readonly<Record<string, unknown>>;

export function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * The value at a dotted path, or undefined. Only own properties are followed, so paths such as
 * `constructor` or `__proto__` read nothing. A numeric segment indexes an array (`tags.0`).
 * Keys that themselves contain a dot are not addressable.
 */
export function getPath(ctx: unknown, path: string): unknown {
  let cur: unknown = ctx;
  for (const seg of path.split('.')) {
    if (Array.isArray(cur)) {
      if (!/^\d+$/.test(seg)) return undefined;
      cur = cur[Number(seg)];
    } else if (isPlainObject(cur)) {
      if (!Object.hasOwn(cur, seg)) return undefined;
      cur = cur[seg];
    } else {
      return undefined;
    }
  }
  return cur;
}

/** For schemas: no two items share an id. */
export function uniqueIds(items: ReadonlyArray<{ id: string }>): boolean {
  return new Set(items.map((i) => i.id)).size === items.length;
}
