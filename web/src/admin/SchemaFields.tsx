/**
 * Form fields built from a channel's JSON Schema (credentials and settings of GET /api/channel-kinds):
 * text, numbers, switches, lists of rows (e.g. WhatsApp numbers), and a JSON box for anything else.
 */
import { Field, Switch } from '../components/ui';
import { humanize, t, tOr } from '../i18n';
import type { JsonSchemaProperty } from '../lib/types';

export type FieldValue = string | boolean | Record<string, string>[];

export function fieldLabel(area: 'credential' | 'setting', kind: string, name: string): string {
  return tOr(`${area}.${kind}.${name}`, tOr(`${area}.${name}`, humanize(name)));
}

export function fieldHint(area: 'credential' | 'setting', kind: string, name: string, prop?: JsonSchemaProperty): string | undefined {
  return tOr(`${area}Hint.${kind}.${name}`, '') || prop?.description || undefined;
}

/** Object-valued (or unknown-typed) fields are pasted as JSON. */
export function isJsonField(prop: JsonSchemaProperty | undefined): boolean {
  return !prop || prop.type === undefined || prop.type === 'object' || (prop.type === 'array' && prop.items?.type !== 'object' && prop.items?.type !== 'string');
}

function isRows(prop: JsonSchemaProperty | undefined): boolean {
  return prop?.type === 'array' && prop.items?.type === 'object' && !!prop.items.properties;
}

export function emptyValue(prop: JsonSchemaProperty | undefined): FieldValue {
  if (prop?.type === 'boolean') return false;
  if (isRows(prop)) return [];
  return '';
}

/** The value to send: trimmed text, a number, parsed JSON (or the text when it is not JSON), rows without blank ones. */
export function toPayload(prop: JsonSchemaProperty | undefined, v: FieldValue): unknown {
  if (typeof v === 'boolean') return v;
  if (Array.isArray(v)) {
    const rows = v.filter((r) => Object.values(r).some((x) => x.trim() !== '')).map((r) => Object.fromEntries(Object.entries(r).map(([k, x]) => [k, x.trim()])));
    return rows.length ? rows : undefined;
  }
  const s = v.trim();
  if (s === '') return undefined;
  if (prop?.type === 'number' || prop?.type === 'integer') return Number(s);
  if (prop?.type === 'array' && prop.items?.type === 'string') return s.split('\n').map((x) => x.trim()).filter(Boolean);
  if (isJsonField(prop)) {
    try {
      return JSON.parse(s) as unknown;
    } catch {
      return s;
    }
  }
  return s;
}

export function SchemaField({
  area,
  kind,
  name,
  prop,
  value,
  required,
  secured,
  onChange,
}: {
  area: 'credential' | 'setting';
  kind: string;
  name: string;
  prop: JsonSchemaProperty | undefined;
  value: FieldValue;
  required: boolean;
  secured?: boolean;
  onChange: (v: FieldValue) => void;
}) {
  const id = `${area}-${name}`;
  const label = fieldLabel(area, kind, name) + (required ? '' : ` ${t('common.optionalSuffix')}`);
  const hint = fieldHint(area, kind, name, prop);

  if (prop?.type === 'boolean') {
    return <Switch label={label} description={hint} checked={value === true} onChange={onChange} />;
  }
  if (isRows(prop) && Array.isArray(value)) {
    const cols = Object.keys(prop!.items!.properties!);
    return (
      <fieldset className="rows-field">
        <legend>{label}</legend>
        {hint && <small className="hint">{hint}</small>}
        {value.map((row, i) => (
          <div className="rows-row" key={i}>
            {cols.map((c) => (
              <Field key={c} id={`${id}-${i}-${c}`} label={`${fieldLabel(area, kind, c)} ${i + 1}`}>
                <input
                  id={`${id}-${i}-${c}`}
                  value={row[c] ?? ''}
                  onChange={(e) => onChange(value.map((r, j) => (j === i ? { ...r, [c]: e.target.value } : r)))}
                />
              </Field>
            ))}
            <button type="button" className="button button-small" onClick={() => onChange(value.filter((_, j) => j !== i))}>
              {t('common.remove')}
            </button>
          </div>
        ))}
        <button type="button" className="button button-small" onClick={() => onChange([...value, Object.fromEntries(cols.map((c) => [c, '']))])}>
          {t('common.addRow')}
        </button>
      </fieldset>
    );
  }
  const text = typeof value === 'string' ? value : '';
  if (isJsonField(prop) || (prop?.type === 'array' && prop.items?.type === 'string')) {
    return (
      <Field id={id} label={label} hint={hint ?? (isJsonField(prop) ? t('accounts.jsonHint') : t('accounts.linesHint'))}>
        <textarea id={id} rows={5} required={required} value={text} spellCheck={false} className="mono" onChange={(e) => onChange(e.target.value)} />
      </Field>
    );
  }
  if (prop?.enum) {
    return (
      <Field id={id} label={label} hint={hint}>
        <select id={id} required={required} value={text} onChange={(e) => onChange(e.target.value)}>
          <option value="">{t('common.choose')}</option>
          {prop.enum.map((o) => (
            <option key={String(o)} value={String(o)}>
              {String(o)}
            </option>
          ))}
        </select>
      </Field>
    );
  }
  return (
    <Field id={id} label={label} hint={hint}>
      <input
        id={id}
        type={secured ? 'password' : prop?.type === 'number' || prop?.type === 'integer' ? 'number' : 'text'}
        autoComplete={secured ? 'new-password' : 'off'}
        spellCheck={false}
        required={required}
        value={text}
        aria-describedby={hint ? `${id}-hint` : undefined}
        onChange={(e) => onChange(e.target.value)}
      />
    </Field>
  );
}
