/**
 * The condition builder of routing rules: a group ("all", "any" or "none" of its items) holding
 * conditions (field, operator, value) and nested groups. It edits the API's condition tree
 * ({all}, {any}, {not}, leaves); "none of" is stored as {not: {any: [...]}}. A rule whose
 * top group holds one condition is stored as that condition alone.
 */
import { useId, useState } from 'react';
import { t, type MessageKey } from '../i18n';
import { CONDITION_OPS, type Condition, type ConditionOp, type LeafCondition } from '../lib/types';

type Mode = 'all' | 'any' | 'none';
type Leaf = { kind: 'leaf'; key: number; field: string; op: ConditionOp; value: string; caseSensitive: boolean };
type Group = { kind: 'group'; key: number; mode: Mode; children: Node[] };
type Node = Leaf | Group;

/** The context fields the hub fills, suggested in the field box (any dotted path works). */
export const FIELD_SUGGESTIONS = [
  'channel',
  'customerName',
  'phone',
  'firstMessage',
  'locale',
  'entryPoint',
  'placeId',
  'preChat.',
  'contact.',
  'variables.',
] as const;
/** Only after classification (route-to-queue rules and later rule sets see them). */
export const CLASSIFIED_FIELDS = ['skills', 'priority', 'capacityProfile'] as const;

export const OP_LABEL: Record<ConditionOp, MessageKey> = {
  equals: 'op.equals',
  notEquals: 'op.notEquals',
  contains: 'op.contains',
  startsWith: 'op.startsWith',
  endsWith: 'op.endsWith',
  in: 'op.in',
  exists: 'op.exists',
  notExists: 'op.notExists',
  gt: 'op.gt',
  gte: 'op.gte',
  lt: 'op.lt',
  lte: 'op.lte',
};
const NO_VALUE: ReadonlySet<ConditionOp> = new Set(['exists', 'notExists']);
const NUMERIC: ReadonlySet<ConditionOp> = new Set(['gt', 'gte', 'lt', 'lte']);
const TEXTUAL: ReadonlySet<ConditionOp> = new Set(['equals', 'notEquals', 'contains', 'startsWith', 'endsWith', 'in']);

let nextKey = 1;
const key = () => nextKey++;

function isLeaf(c: Condition): c is LeafCondition {
  return 'field' in c;
}

function valueText(v: LeafCondition['value']): string {
  if (v === undefined) return '';
  if (Array.isArray(v)) return v.join(', ');
  return String(v);
}

function fromCondition(c: Condition): Node {
  if ('all' in c) return { kind: 'group', key: key(), mode: 'all', children: c.all.map(fromCondition) };
  if ('any' in c) return { kind: 'group', key: key(), mode: 'any', children: c.any.map(fromCondition) };
  if ('not' in c) {
    const inner = c.not;
    return { kind: 'group', key: key(), mode: 'none', children: 'any' in inner ? inner.any.map(fromCondition) : [fromCondition(inner)] };
  }
  return { kind: 'leaf', key: key(), field: c.field, op: c.op, value: valueText(c.value), caseSensitive: c.caseSensitive === true };
}

function toLeaf(l: Leaf): LeafCondition {
  const out: LeafCondition = { field: l.field.trim(), op: l.op };
  if (!NO_VALUE.has(l.op)) {
    if (l.op === 'in') out.value = l.value.split(',').map((s) => s.trim()).filter(Boolean);
    else if (NUMERIC.has(l.op) && l.value.trim() !== '' && Number.isFinite(Number(l.value))) out.value = Number(l.value);
    else out.value = l.value;
  }
  if (l.caseSensitive && TEXTUAL.has(l.op)) out.caseSensitive = true;
  return out;
}

function toCondition(n: Node): Condition {
  if (n.kind === 'leaf') return toLeaf(n);
  const children = n.children.map(toCondition);
  if (n.mode === 'all') return { all: children };
  if (n.mode === 'any') return { any: children };
  return { not: { any: children } };
}

/** The stored form of a rule's condition: a top group of one condition is that condition. */
function toRuleCondition(root: Group): Condition {
  const only = root.children[0];
  if (root.mode === 'all' && root.children.length === 1 && only) return toCondition(only);
  return toCondition(root);
}

function asRoot(c: Condition): Group {
  const n = fromCondition(c);
  return n.kind === 'group' ? n : { kind: 'group', key: key(), mode: 'all', children: [n] };
}

const emptyLeaf = (): Leaf => ({ kind: 'leaf', key: key(), field: '', op: 'equals', value: '', caseSensitive: false });

/** One shared <datalist> of field names; render once per page and pass its id to the builders. */
export function FieldSuggestions({ id, classified }: { id: string; classified?: boolean }) {
  return (
    <datalist id={id}>
      {FIELD_SUGGESTIONS.map((f) => (
        <option key={f} value={f} />
      ))}
      {classified && CLASSIFIED_FIELDS.map((f) => <option key={f} value={f} />)}
    </datalist>
  );
}

export function ConditionBuilder({ value, onChange, fieldsListId, label }: { value: Condition; onChange: (c: Condition) => void; fieldsListId: string; label: string }) {
  const [root, setRoot] = useState<Group>(() => asRoot(value));
  const set = (g: Group) => {
    setRoot(g);
    onChange(toRuleCondition(g));
  };
  return (
    <div className="condition-builder" role="group" aria-label={label}>
      <GroupEditor group={root} path={[]} depth={0} onChange={set} fieldsListId={fieldsListId} />
    </div>
  );
}

function GroupEditor({
  group,
  path,
  depth,
  onChange,
  onRemove,
  fieldsListId,
}: {
  group: Group;
  path: number[];
  depth: number;
  onChange: (g: Group) => void;
  onRemove?: () => void;
  fieldsListId: string;
}) {
  const id = useId();
  const where = path.length ? path.map((n) => n + 1).join('.') : '';
  const setChild = (i: number, n: Node) => onChange({ ...group, children: group.children.map((c, j) => (j === i ? n : c)) });
  const removeChild = (i: number) => onChange({ ...group, children: group.children.filter((_, j) => j !== i) });
  return (
    <div className={`cond-group cond-depth-${Math.min(depth, 3)}`}>
      <div className="cond-group-head">
        <label htmlFor={`${id}-mode`}>{where ? t('cond.groupMatchN', { n: where }) : t('cond.groupMatch')}</label>
        <select id={`${id}-mode`} value={group.mode} onChange={(e) => onChange({ ...group, mode: e.target.value as Mode })}>
          <option value="all">{t('cond.all')}</option>
          <option value="any">{t('cond.any')}</option>
          <option value="none">{t('cond.none')}</option>
        </select>
        {onRemove && (
          <button type="button" className="button button-small" onClick={onRemove} aria-label={t('cond.removeGroup', { n: where })}>
            {t('cond.removeGroupShort')}
          </button>
        )}
      </div>
      {group.children.length === 0 && <p className="hint">{group.mode === 'any' ? t('cond.emptyAny') : t('cond.emptyAll')}</p>}
      <ol className="cond-children">
        {group.children.map((c, i) => (
          <li key={c.key}>
            {c.kind === 'leaf' ? (
              <LeafEditor leaf={c} n={[...path, i].map((x) => x + 1).join('.')} onChange={(n) => setChild(i, n)} onRemove={() => removeChild(i)} fieldsListId={fieldsListId} />
            ) : (
              <GroupEditor group={c} path={[...path, i]} depth={depth + 1} onChange={(n) => setChild(i, n)} onRemove={() => removeChild(i)} fieldsListId={fieldsListId} />
            )}
          </li>
        ))}
      </ol>
      <div className="cond-add">
        <button type="button" className="button button-small" onClick={() => onChange({ ...group, children: [...group.children, emptyLeaf()] })}>
          {where ? t('cond.addConditionTo', { n: where }) : t('cond.addCondition')}
        </button>
        {depth < 4 && (
          <button
            type="button"
            className="button button-small"
            onClick={() => onChange({ ...group, children: [...group.children, { kind: 'group', key: key(), mode: 'any', children: [emptyLeaf()] }] })}
          >
            {where ? t('cond.addGroupTo', { n: where }) : t('cond.addGroup')}
          </button>
        )}
      </div>
    </div>
  );
}

function LeafEditor({ leaf, n, onChange, onRemove, fieldsListId }: { leaf: Leaf; n: string; onChange: (l: Leaf) => void; onRemove: () => void; fieldsListId: string }) {
  const id = useId();
  const needsValue = !NO_VALUE.has(leaf.op);
  const numeric = NUMERIC.has(leaf.op);
  const badNumber = numeric && leaf.value.trim() !== '' && !Number.isFinite(Number(leaf.value));
  return (
    <div className="cond-leaf" data-testid="condition">
      <div className="field cond-field">
        <label htmlFor={`${id}-field`}>{t('cond.field')}</label>
        <input
          id={`${id}-field`}
          list={fieldsListId}
          required
          maxLength={200}
          pattern="[^.]+(\.[^.]+)*"
          placeholder="firstMessage"
          value={leaf.field}
          aria-label={t('cond.fieldN', { n })}
          onChange={(e) => onChange({ ...leaf, field: e.target.value })}
        />
      </div>
      <div className="field cond-op">
        <label htmlFor={`${id}-op`}>{t('cond.operator')}</label>
        <select id={`${id}-op`} value={leaf.op} aria-label={t('cond.operatorN', { n })} onChange={(e) => onChange({ ...leaf, op: e.target.value as ConditionOp })}>
          {CONDITION_OPS.map((op) => (
            <option key={op} value={op}>
              {t(OP_LABEL[op])}
            </option>
          ))}
        </select>
      </div>
      <div className="field cond-value">
        <label htmlFor={`${id}-value`}>{t('cond.value')}</label>
        {needsValue ? (
          <input
            id={`${id}-value`}
            required
            maxLength={1000}
            inputMode={numeric ? 'decimal' : undefined}
            value={leaf.value}
            aria-label={t('cond.valueN', { n })}
            aria-invalid={badNumber || undefined}
            aria-describedby={leaf.op === 'in' || badNumber ? `${id}-value-hint` : undefined}
            onChange={(e) => onChange({ ...leaf, value: e.target.value })}
          />
        ) : (
          <input id={`${id}-value`} disabled value="" placeholder="—" aria-label={t('cond.valueN', { n })} />
        )}
        {leaf.op === 'in' && (
          <small className="hint" id={`${id}-value-hint`}>
            {t('cond.inHint')}
          </small>
        )}
        {badNumber && (
          <small className="hint hint-error" id={`${id}-value-hint`}>
            {t('cond.needsNumber')}
          </small>
        )}
      </div>
      {TEXTUAL.has(leaf.op) && (
        <label className="cond-case">
          <input type="checkbox" checked={leaf.caseSensitive} onChange={(e) => onChange({ ...leaf, caseSensitive: e.target.checked })} />
          <span>{t('cond.matchCase')}</span>
        </label>
      )}
      <button type="button" className="button button-small cond-remove" onClick={onRemove} aria-label={t('cond.removeN', { n })}>
        {t('common.remove')}
      </button>
    </div>
  );
}

/** A one-line reading of a condition, for collapsed rules: "firstMessage contains 'refund'". */
export function describeCondition(c: Condition): string {
  if (isLeaf(c)) {
    const v = NO_VALUE.has(c.op) ? '' : ` ${Array.isArray(c.value) ? `[${c.value.join(', ')}]` : `“${String(c.value ?? '')}”`}`;
    return `${c.field} ${t(OP_LABEL[c.op])}${v}`;
  }
  if ('all' in c) return c.all.length === 0 ? t('cond.always') : c.all.map(describeCondition).join(` ${t('cond.and')} `);
  if ('any' in c) return c.any.length === 0 ? t('cond.never') : `(${c.any.map(describeCondition).join(` ${t('cond.or')} `)})`;
  return `${t('cond.not')} ${describeCondition(c.not)}`;
}
