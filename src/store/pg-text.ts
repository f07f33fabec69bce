/**
 * PostgreSQL text cannot hold U+0000 (SQLite can). A string carrying one — a WhatsApp profile
 * name, an id in a provider's webhook, any JSON an API client sends — failed its whole statement
 * (22021) and answered 500, and a provider redelivered that webhook for ever. Every string
 * parameter reaches PostgreSQL with U+0000 replaced by U+FFFD, the replacement character; lookups
 * are rewritten the same way, so what was stored is found again.
 */
import {
  OperationNodeTransformer,
  type KyselyPlugin,
  type PluginTransformQueryArgs,
  type PluginTransformResultArgs,
  type PrimitiveValueListNode,
  type QueryResult,
  type RootOperationNode,
  type UnknownRow,
  type ValueNode,
} from 'kysely';

export function withoutNul<T>(value: T): T {
  return (typeof value === 'string' && value.includes('\u0000') ? value.replaceAll('\u0000', '\uFFFD') : value) as T;
}

class NulTransformer extends OperationNodeTransformer {
  protected override transformValue(node: ValueNode): ValueNode {
    const value = withoutNul(node.value);
    return value === node.value ? node : { ...node, value };
  }

  protected override transformPrimitiveValueList(node: PrimitiveValueListNode): PrimitiveValueListNode {
    return node.values.some((v) => withoutNul(v) !== v) ? { ...node, values: node.values.map(withoutNul) } : node;
  }
}

export class PostgresTextPlugin implements KyselyPlugin {
  readonly #transformer = new NulTransformer();

  transformQuery(args: PluginTransformQueryArgs): RootOperationNode {
    return this.#transformer.transformNode(args.node);
  }

  async transformResult(args: PluginTransformResultArgs): Promise<QueryResult<UnknownRow>> {
    return args.result;
  }
}
