/**
 * The routing-rules editor of a workstream: classification rule sets (ordered; in each set the
 * first matching rule fires and sets skills, priority, capacity profile and variables) and the
 * route-to-queue rules (ordered; the first match sends the work to a queue or splits it by
 * percentage). Conditions come from the ConditionBuilder.
 */
import { useId, type ReactNode } from 'react';
import { Field } from '../components/ui';
import { t } from '../i18n';
import type { ClassificationOutputs, ClassificationRule, ClassificationRuleSet, Queue, RouteRule, RouteRuleSet } from '../lib/types';
import { ConditionBuilder, describeCondition } from './ConditionBuilder';
import { newRuleId } from './form';

function move<T>(list: T[], i: number, by: -1 | 1): T[] {
  const j = i + by;
  if (j < 0 || j >= list.length) return list;
  const next = [...list];
  [next[i], next[j]] = [next[j]!, next[i]!];
  return next;
}

/** Up, down and remove for one item of an ordered list. */
function OrderButtons({ i, count, name, onMove, onRemove }: { i: number; count: number; name: string; onMove: (by: -1 | 1) => void; onRemove: () => void }) {
  return (
    <div className="order-buttons">
      <button type="button" className="button button-small" disabled={i === 0} onClick={() => onMove(-1)} aria-label={t('rules.moveUp', { name })}>
        <span aria-hidden="true">↑</span>
      </button>
      <button type="button" className="button button-small" disabled={i === count - 1} onClick={() => onMove(1)} aria-label={t('rules.moveDown', { name })}>
        <span aria-hidden="true">↓</span>
      </button>
      <button type="button" className="button button-small" onClick={onRemove} aria-label={t('rules.removeNamed', { name })}>
        {t('common.remove')}
      </button>
    </div>
  );
}

function RuleCard({ title, actions, children, testId }: { title: ReactNode; actions: ReactNode; children: ReactNode; testId?: string }) {
  return (
    <div className="rule-card" data-testid={testId}>
      <div className="rule-card-head">
        <h4>{title}</h4>
        {actions}
      </div>
      {children}
    </div>
  );
}

// ── classification ───────────────────────────────────────────────────────────────────────────

export function ClassificationEditor({ sets, onChange, fieldsListId }: { sets: ClassificationRuleSet[]; onChange: (s: ClassificationRuleSet[]) => void; fieldsListId: string }) {
  const setAt = (i: number, s: ClassificationRuleSet) => onChange(sets.map((x, j) => (j === i ? s : x)));
  return (
    <div className="rule-sets">
      {sets.length === 0 && <p className="state state-empty">{t('rules.noSets')}</p>}
      {sets.map((s, i) => {
        const name = s.name || t('rules.setN', { n: i + 1 });
        return (
          <fieldset key={s.id} className="rule-set" data-testid="rule-set">
            <legend>{t('rules.setTitle', { n: i + 1, name })}</legend>
            <div className="rule-set-head">
              <Field id={`${s.id}-name`} label={t('rules.setName')}>
                <input id={`${s.id}-name`} maxLength={200} value={s.name ?? ''} onChange={(e) => setAt(i, { ...s, name: e.target.value || undefined })} />
              </Field>
              <OrderButtons
                i={i}
                count={sets.length}
                name={name}
                onMove={(by) => onChange(move(sets, i, by))}
                onRemove={() => onChange(sets.filter((_, j) => j !== i))}
              />
            </div>
            <p className="hint">{t('rules.setHint')}</p>
            <ol className="rule-list">
              {s.rules.map((r, k) => (
                <li key={r.id}>
                  <ClassificationRuleEditor
                    rule={r}
                    index={k}
                    count={s.rules.length}
                    fieldsListId={fieldsListId}
                    onChange={(nr) => setAt(i, { ...s, rules: s.rules.map((x, j) => (j === k ? nr : x)) })}
                    onMove={(by) => setAt(i, { ...s, rules: move(s.rules, k, by) })}
                    onRemove={() => setAt(i, { ...s, rules: s.rules.filter((_, j) => j !== k) })}
                  />
                </li>
              ))}
            </ol>
            <button
              type="button"
              className="button button-small"
              onClick={() => setAt(i, { ...s, rules: [...s.rules, { id: newRuleId('rule'), condition: { field: 'locale', op: 'startsWith', value: '' }, outputs: {} }] })}
            >
              {t('rules.addRuleTo', { name })}
            </button>
          </fieldset>
        );
      })}
      <button type="button" className="button" onClick={() => onChange([...sets, { id: newRuleId('set'), rules: [] }])}>
        {t('rules.addSet')}
      </button>
    </div>
  );
}

function ClassificationRuleEditor({
  rule,
  index,
  count,
  onChange,
  onMove,
  onRemove,
  fieldsListId,
}: {
  rule: ClassificationRule;
  index: number;
  count: number;
  onChange: (r: ClassificationRule) => void;
  onMove: (by: -1 | 1) => void;
  onRemove: () => void;
  fieldsListId: string;
}) {
  const name = rule.name || t('rules.ruleN', { n: index + 1 });
  return (
    <RuleCard title={name} actions={<OrderButtons i={index} count={count} name={name} onMove={onMove} onRemove={onRemove} />} testId="classification-rule">
      <Field id={`${rule.id}-name`} label={t('rules.ruleName')}>
        <input id={`${rule.id}-name`} maxLength={200} value={rule.name ?? ''} onChange={(e) => onChange({ ...rule, name: e.target.value || undefined })} />
      </Field>
      <h5>{t('rules.when')}</h5>
      <ConditionBuilder value={rule.condition} onChange={(c) => onChange({ ...rule, condition: c })} fieldsListId={fieldsListId} label={t('rules.conditionOf', { name })} />
      <h5>{t('rules.then')}</h5>
      <OutputsEditor idBase={rule.id} outputs={rule.outputs} onChange={(o) => onChange({ ...rule, outputs: o })} />
    </RuleCard>
  );
}

function OutputsEditor({ idBase, outputs, onChange }: { idBase: string; outputs: ClassificationOutputs; onChange: (o: ClassificationOutputs) => void }) {
  const skills = outputs.skills ?? [];
  const vars = Object.entries(outputs.variables ?? {});
  const setVars = (entries: [string, string | number | boolean][]) => onChange({ ...outputs, variables: entries.length ? Object.fromEntries(entries) : undefined });
  const setSkills = (s: typeof skills) => onChange({ ...outputs, skills: s.length ? s : undefined });
  return (
    <div className="outputs">
      <fieldset className="outputs-group">
        <legend>{t('rules.skills')}</legend>
        {skills.length === 0 && <p className="hint">{t('rules.noSkills')}</p>}
        {skills.map((s, i) => (
          <div className="rows-row" key={i}>
            <Field id={`${idBase}-skill-${i}`} label={t('rules.skillName')}>
              <input
                id={`${idBase}-skill-${i}`}
                required
                maxLength={100}
                value={s.name}
                onChange={(e) => setSkills(skills.map((x, j) => (j === i ? { ...x, name: e.target.value } : x)))}
              />
            </Field>
            <Field id={`${idBase}-skill-${i}-level`} label={t('rules.skillLevel')}>
              <select
                id={`${idBase}-skill-${i}-level`}
                value={s.level ?? ''}
                onChange={(e) => setSkills(skills.map((x, j) => (j === i ? (e.target.value ? { ...x, level: Number(e.target.value) } : { name: x.name }) : x)))}
              >
                <option value="">{t('rules.anyLevel')}</option>
                {Array.from({ length: 10 }, (_, k) => k + 1).map((l) => (
                  <option key={l} value={l}>
                    {l}
                  </option>
                ))}
              </select>
            </Field>
            <button type="button" className="button button-small" onClick={() => setSkills(skills.filter((_, j) => j !== i))} aria-label={t('rules.removeSkill', { name: s.name || String(i + 1) })}>
              {t('common.remove')}
            </button>
          </div>
        ))}
        <button type="button" className="link-button" onClick={() => setSkills([...skills, { name: '' }])}>
          {t('rules.addSkill')}
        </button>
      </fieldset>
      <div className="inline-fields">
        <Field id={`${idBase}-priority`} label={t('rules.priority')} hint={t('rules.priorityHint')}>
          <input
            id={`${idBase}-priority`}
            type="number"
            min={0}
            step={1}
            value={outputs.priority ?? ''}
            onChange={(e) => onChange({ ...outputs, priority: e.target.value === '' ? undefined : Number(e.target.value) })}
          />
        </Field>
        <Field id={`${idBase}-profile`} label={t('rules.capacityProfile')} hint={t('rules.capacityProfileHint')}>
          <input
            id={`${idBase}-profile`}
            maxLength={100}
            value={outputs.capacityProfile ?? ''}
            onChange={(e) => onChange({ ...outputs, capacityProfile: e.target.value.trim() ? e.target.value : undefined })}
          />
        </Field>
      </div>
      <fieldset className="outputs-group">
        <legend>{t('rules.variables')}</legend>
        {vars.length === 0 && <p className="hint">{t('rules.noVariables')}</p>}
        {vars.map(([k, v], i) => (
          <div className="rows-row" key={i}>
            <Field id={`${idBase}-var-${i}`} label={t('rules.variableName')}>
              <input
                id={`${idBase}-var-${i}`}
                required
                maxLength={100}
                pattern="[^.]+"
                value={k}
                onChange={(e) => setVars(vars.map((x, j) => (j === i ? [e.target.value, x[1]] : x)))}
              />
            </Field>
            <Field id={`${idBase}-var-${i}-value`} label={t('rules.variableValue')}>
              <input id={`${idBase}-var-${i}-value`} maxLength={1000} value={String(v)} onChange={(e) => setVars(vars.map((x, j) => (j === i ? [x[0], e.target.value] : x)))} />
            </Field>
            <button type="button" className="button button-small" onClick={() => setVars(vars.filter((_, j) => j !== i))} aria-label={t('rules.removeVariable', { name: k || String(i + 1) })}>
              {t('common.remove')}
            </button>
          </div>
        ))}
        <button type="button" className="link-button" onClick={() => setVars([...vars, [`var${vars.length + 1}`, '']])}>
          {t('rules.addVariable')}
        </button>
      </fieldset>
    </div>
  );
}

// ── route to queue ───────────────────────────────────────────────────────────────────────────

export function RouteEditor({ set, onChange, queues, fieldsListId }: { set: RouteRuleSet; onChange: (s: RouteRuleSet) => void; queues: Queue[]; fieldsListId: string }) {
  const rules = set.rules;
  const setRules = (r: RouteRule[]) => onChange({ ...set, rules: r });
  return (
    <div className="route-rules">
      {rules.length === 0 && <p className="state state-empty">{t('rules.noRouteRules')}</p>}
      <ol className="rule-list">
        {rules.map((r, i) => (
          <li key={r.id}>
            <RouteRuleEditor
              rule={r}
              index={i}
              count={rules.length}
              queues={queues}
              fieldsListId={fieldsListId}
              onChange={(nr) => setRules(rules.map((x, j) => (j === i ? nr : x)))}
              onMove={(by) => setRules(move(rules, i, by))}
              onRemove={() => setRules(rules.filter((_, j) => j !== i))}
            />
          </li>
        ))}
      </ol>
      <button
        type="button"
        className="button"
        onClick={() => setRules([...rules, { id: newRuleId('route'), condition: { field: 'firstMessage', op: 'contains', value: '' }, queueId: queues[0]?.id ?? '' }])}
      >
        {t('rules.addRouteRule')}
      </button>
    </div>
  );
}

function RouteRuleEditor({
  rule,
  index,
  count,
  queues,
  onChange,
  onMove,
  onRemove,
  fieldsListId,
}: {
  rule: RouteRule;
  index: number;
  count: number;
  queues: Queue[];
  onChange: (r: RouteRule) => void;
  onMove: (by: -1 | 1) => void;
  onRemove: () => void;
  fieldsListId: string;
}) {
  const id = useId();
  const name = rule.name || t('rules.ruleN', { n: index + 1 });
  const isSplit = Array.isArray(rule.split);
  const split = rule.split ?? [];
  const sum = split.reduce((n, s) => n + (Number.isFinite(s.percent) ? s.percent : 0), 0);
  const base = { id: rule.id, ...(rule.name ? { name: rule.name } : {}), condition: rule.condition };
  const setSplit = (s: { queueId: string; percent: number }[]) => onChange({ ...base, split: s });
  return (
    <RuleCard title={name} actions={<OrderButtons i={index} count={count} name={name} onMove={onMove} onRemove={onRemove} />} testId="route-rule">
      <Field id={`${id}-name`} label={t('rules.ruleName')}>
        <input id={`${id}-name`} maxLength={200} value={rule.name ?? ''} onChange={(e) => onChange({ ...rule, name: e.target.value || undefined })} />
      </Field>
      <h5>{t('rules.when')}</h5>
      <ConditionBuilder value={rule.condition} onChange={(c) => onChange({ ...rule, condition: c })} fieldsListId={fieldsListId} label={t('rules.conditionOf', { name })} />
      <h5>{t('rules.sendTo')}</h5>
      <fieldset className="radio-group radio-inline">
        <legend className="visually-hidden">{t('rules.targetOf', { name })}</legend>
        <label>
          <input type="radio" name={`${id}-target`} checked={!isSplit} onChange={() => onChange({ ...base, queueId: split[0]?.queueId ?? queues[0]?.id ?? '' })} />
          <span>{t('rules.oneQueue')}</span>
        </label>
        <label>
          <input
            type="radio"
            name={`${id}-target`}
            checked={isSplit}
            onChange={() => {
              const first = rule.queueId || queues[0]?.id || '';
              const second = queues.find((q) => q.id !== first)?.id ?? '';
              setSplit([
                { queueId: first, percent: 50 },
                { queueId: second, percent: 50 },
              ]);
            }}
          />
          <span>{t('rules.split')}</span>
        </label>
      </fieldset>
      {!isSplit ? (
        <Field id={`${id}-queue`} label={t('rules.queue')}>
          <select id={`${id}-queue`} required value={rule.queueId ?? ''} onChange={(e) => onChange({ ...base, queueId: e.target.value })}>
            <option value="">{t('common.choose')}</option>
            {queues.map((q) => (
              <option key={q.id} value={q.id}>
                {q.name}
              </option>
            ))}
          </select>
        </Field>
      ) : (
        <div className="split-editor">
          {split.map((s, i) => (
            <div className="rows-row" key={i}>
              <Field id={`${id}-split-${i}`} label={t('rules.splitQueueN', { n: i + 1 })}>
                <select id={`${id}-split-${i}`} required value={s.queueId} onChange={(e) => setSplit(split.map((x, j) => (j === i ? { ...x, queueId: e.target.value } : x)))}>
                  <option value="">{t('common.choose')}</option>
                  {queues.map((q) => (
                    <option key={q.id} value={q.id}>
                      {q.name}
                    </option>
                  ))}
                </select>
              </Field>
              <Field id={`${id}-split-${i}-pct`} label={t('rules.percentN', { n: i + 1 })}>
                <input
                  id={`${id}-split-${i}-pct`}
                  type="number"
                  min={1}
                  max={100}
                  step={1}
                  required
                  value={Number.isFinite(s.percent) ? s.percent : ''}
                  onChange={(e) => setSplit(split.map((x, j) => (j === i ? { ...x, percent: Number(e.target.value) } : x)))}
                />
              </Field>
              <button
                type="button"
                className="button button-small"
                disabled={split.length <= 2}
                onClick={() => setSplit(split.filter((_, j) => j !== i))}
                aria-label={t('rules.removeShare', { n: i + 1 })}
              >
                {t('common.remove')}
              </button>
            </div>
          ))}
          <p className={sum === 100 ? 'hint' : 'hint hint-error'} role={sum === 100 ? undefined : 'alert'}>
            {t('rules.splitSum', { sum })}
          </p>
          <button type="button" className="link-button" onClick={() => setSplit([...split, { queueId: '', percent: 0 }])}>
            {t('rules.addShare')}
          </button>
        </div>
      )}
      <p className="rule-summary muted small">{describeCondition(rule.condition)}</p>
    </RuleCard>
  );
}
