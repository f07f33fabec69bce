/**
 * Validates JSON against the named schemas of an OpenAPI 3.0 document with Ajv, resolving
 * OpenAPI's polymorphism: a schema with `discriminator.mapping` (Message, Action, Template, Event,
 * ...) becomes a dispatcher that validates the object against the subtype its discriminator names,
 * and each subtype's `allOf: [$ref Base]` points at a copy of the base without the dispatcher, so
 * the recursion ends. Errors come back LINE-shaped: `{ message, property: 'messages[0].text' }`.
 */
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';

type Json = Record<string, unknown>;
export interface SpecErrorDetail {
  message: string;
  property: string;
}
export interface SpecValidator {
  has(schemaName: string): boolean;
  /** [] when valid. */
  validate(schemaName: string, data: unknown): SpecErrorDetail[];
}

const OPENAPI_REF = '#/components/schemas/';
const DEFS_REF = '#/$defs/';

function isObj(v: unknown): v is Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Deep copy that rewrites OpenAPI refs to $defs refs. */
function rewriteRefs(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(rewriteRefs);
  if (!isObj(v)) return v;
  const out: Json = {};
  for (const [k, val] of Object.entries(v)) {
    out[k] = k === '$ref' && typeof val === 'string' ? val.replace(OPENAPI_REF, DEFS_REF) : rewriteRefs(val);
  }
  return out;
}

/** Schema name from a ref in either spelling (discriminator mappings keep the OpenAPI one). */
function refName(ref: unknown): string | undefined {
  if (typeof ref !== 'string') return undefined;
  for (const prefix of [DEFS_REF, OPENAPI_REF]) if (ref.startsWith(prefix)) return ref.slice(prefix.length);
  return undefined;
}

/** Turns discriminated bases into dispatchers; exported for tests. */
export function resolveDiscriminators(input: Record<string, Json>): Record<string, Json> {
  const out: Record<string, Json> = {};
  for (const [name, schema] of Object.entries(input)) out[name] = schema;
  const bases = new Map<string, string>(); // subtype name -> base name it extends
  for (const [name, schema] of Object.entries(input)) {
    const disc = schema['discriminator'];
    if (!isObj(disc) || typeof disc['propertyName'] !== 'string' || !isObj(disc['mapping'])) continue;
    const prop = disc['propertyName'];
    const entries = Object.entries(disc['mapping']).filter(([, ref]) => {
      const target = refName(ref);
      return target !== undefined && target in input;
    });
    const { discriminator: _dropped, ...base } = schema;
    out[`${name}__base`] = base;
    out[name] = {
      type: 'object',
      required: [prop],
      properties: { [prop]: { type: 'string', enum: entries.map(([k]) => k) } },
      allOf: entries.map(([k, ref]) => ({
        if: { properties: { [prop]: { const: k } }, required: [prop] },
        then: { $ref: `${DEFS_REF}${refName(ref) ?? ''}` },
      })),
    };
    for (const [, ref] of entries) bases.set(refName(ref) ?? '', name);
  }
  for (const [sub, baseName] of bases) {
    const key = `${sub}__base` in out ? `${sub}__base` : sub;
    const schema = out[key];
    const allOf = schema?.['allOf'];
    if (schema === undefined || !Array.isArray(allOf)) continue;
    out[key] = {
      ...schema,
      allOf: allOf.map((part: unknown) =>
        isObj(part) && part['$ref'] === `${DEFS_REF}${baseName}` ? { $ref: `${DEFS_REF}${baseName}__base` } : part,
      ),
    };
  }
  return out;
}

function collectFormats(v: unknown, into: Set<string>): Set<string> {
  if (Array.isArray(v)) for (const x of v) collectFormats(x, into);
  else if (isObj(v)) {
    for (const [k, val] of Object.entries(v)) {
      if (k === 'format' && typeof val === 'string') into.add(val);
      else collectFormats(val, into);
    }
  }
  return into;
}

function propertyPath(instancePath: string, extra?: string): string {
  const parts = instancePath.split('/').slice(1);
  if (extra !== undefined) parts.push(extra);
  let out = '';
  for (const raw of parts) {
    const part = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    out += /^\d+$/.test(part) ? `[${part}]` : out === '' ? part : `.${part}`;
  }
  return out;
}

function num(schema: unknown, key: string): number | undefined {
  const v = isObj(schema) ? schema[key] : undefined;
  return typeof v === 'number' ? v : undefined;
}

/** Words close to what LINE answers for each kind of violation. */
function describe(err: ErrorObject): SpecErrorDetail | undefined {
  const p = err.params as Json;
  const ps = err.parentSchema;
  switch (err.keyword) {
    case 'if':
      return undefined; // the failing `then` branch reports the real reason
    case 'required':
      return { message: 'must be specified', property: propertyPath(err.instancePath, String(p['missingProperty'])) };
    case 'maxLength':
    case 'minLength':
      return {
        message: `Length must be between ${num(ps, 'minLength') ?? 0} and ${num(ps, 'maxLength') ?? 'unlimited'}`,
        property: propertyPath(err.instancePath),
      };
    case 'maxItems':
    case 'minItems':
      return {
        message: `Size must be between ${num(ps, 'minItems') ?? 0} and ${num(ps, 'maxItems') ?? 'unlimited'}`,
        property: propertyPath(err.instancePath),
      };
    case 'enum':
      return {
        message: `must be one of: ${(Array.isArray(p['allowedValues']) ? p['allowedValues'] : []).join(', ')}`,
        property: propertyPath(err.instancePath),
      };
    case 'format':
      return { message: `invalid ${String(p['format'])}`, property: propertyPath(err.instancePath) };
    default:
      return { message: err.message ?? 'invalid property', property: propertyPath(err.instancePath) };
  }
}

export function createSpecValidator(doc: unknown, id: string): SpecValidator {
  const components = isObj(doc) && isObj(doc['components']) ? doc['components'] : {};
  const raw = isObj(components['schemas']) ? components['schemas'] : {};
  const schemas: Record<string, Json> = {};
  for (const [name, s] of Object.entries(raw)) if (isObj(s)) schemas[name] = rewriteRefs(s) as Json;
  const defs = resolveDiscriminators(schemas);

  const ajv = new Ajv({ allErrors: true, verbose: true, strict: true, strictTypes: false, strictRequired: false });
  addFormatsModule.default(ajv);
  for (const kw of ['externalDocs', 'example', 'xml', 'discriminator']) ajv.addKeyword(kw);
  for (const f of collectFormats(defs, new Set())) if (ajv.formats[f] === undefined) ajv.addFormat(f, true);
  ajv.addSchema({ $id: id, $defs: defs });

  const compiled = new Map<string, ValidateFunction>();
  const get = (name: string): ValidateFunction => {
    let fn = compiled.get(name);
    if (fn === undefined) {
      fn = ajv.getSchema(`${id}${DEFS_REF}${name}`);
      if (fn === undefined) throw new Error(`schema ${name} not in ${id}`);
      compiled.set(name, fn);
    }
    return fn;
  };

  return {
    has: (name) => name in defs,
    validate(name, data) {
      const fn = get(name);
      if (fn(data)) return [];
      const seen = new Set<string>();
      const details: SpecErrorDetail[] = [];
      for (const err of fn.errors ?? []) {
        const d = describe(err);
        const key = d === undefined ? '' : `${d.property}\u0000${d.message}`;
        if (d === undefined || seen.has(key)) continue;
        seen.add(key);
        details.push(d);
      }
      return details;
    },
  };
}
