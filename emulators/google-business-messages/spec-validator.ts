/**
 * Validates request bodies against the schemas of the vendored discovery document with Ajv.
 * Discovery schemas are turned into JSON Schema: `$ref: "Name"` → `$defs`, unknown fields refused
 * (like Google's proto JSON parser), a property whose description starts with "Required." is
 * required, and the limits the descriptions state ("Maximum 3,072 characters.", "Maximum 13
 * suggestions.", "a minimum of 2 cards and a maximum 10 cards") become maxLength / maxItems /
 * minItems, so the rules stay in the document. Like the proto3 JSON parser, snake_case names are
 * accepted for camelCase fields and `null` means absent. Errors come back as Google's field
 * violations with proto paths: `message.representative.representative_type`.
 */
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import type { DiscoveryDocument, DiscoveryProperty } from './discovery.js';
import type { FieldViolation } from './types.js';

type Json = Record<string, unknown>;
const DEFS_REF = '#/$defs/';
const PROTO_PACKAGE = 'type.googleapis.com/google.communications.businessmessages.v1.';

export interface DerivedConstraint {
  schema: string;
  property: string;
  keyword: 'required' | 'maxLength' | 'maxItems' | 'minItems';
  value: number | true;
}

export interface ValidationResult {
  /** The body with snake_case names camelCased and nulls dropped. */
  value: unknown;
  violations: FieldViolation[];
}

export interface DiscoveryValidator {
  /** The constraints read from the descriptions, for tests and the README. */
  constraints: DerivedConstraint[];
  /** `root` is the request's body field name in error paths: 'message', 'event', 'receipt', 'survey'. */
  validate(schemaName: string, data: unknown, root: string): ValidationResult;
}

function isObj(v: unknown): v is Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

const num = (s: string): number => Number(s.replace(/,/g, ''));
const shortName = (schemaId: string): string => schemaId.replace(/^BusinessMessages/, '');
const pascal = (s: string): string => s.charAt(0).toUpperCase() + s.slice(1);
export const snake = (s: string): string => s.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
const camel = (s: string): string => s.replace(/_([a-z0-9])/g, (_m, c: string) => c.toUpperCase());

function convertProperty(p: DiscoveryProperty, owner: string, name: string, out: DerivedConstraint[]): Json {
  if (p.$ref !== undefined) return { $ref: `${DEFS_REF}${p.$ref}` };
  const d = p.description ?? '';
  const s: Json = {};
  switch (p.type) {
    case 'array': {
      s['type'] = 'array';
      s['items'] = p.items === undefined ? {} : convertProperty(p.items, owner, name, out);
      const max = /Maximum ([\d,]+) suggestions/.exec(d) ?? /maximum ([\d,]+) cards/.exec(d);
      const min = /minimum of ([\d,]+) cards/.exec(d);
      if (max?.[1] !== undefined) {
        s['maxItems'] = num(max[1]);
        out.push({ schema: owner, property: name, keyword: 'maxItems', value: num(max[1]) });
      }
      if (min?.[1] !== undefined) {
        s['minItems'] = num(min[1]);
        out.push({ schema: owner, property: name, keyword: 'minItems', value: num(min[1]) });
      }
      return s;
    }
    case 'string': {
      s['type'] = 'string';
      if (p.enum !== undefined) {
        s['enum'] = p.enum;
        s['title'] = `${shortName(owner)}.${pascal(name)}`;
      }
      const max = /Maximum ([\d,]+) characters/.exec(d);
      if (max?.[1] !== undefined) {
        s['maxLength'] = num(max[1]);
        out.push({ schema: owner, property: name, keyword: 'maxLength', value: num(max[1]) });
      }
      return s;
    }
    case 'boolean':
      return { type: 'boolean' };
    case 'integer':
    case 'number':
      return { type: p.type };
    case 'object':
      return p.additionalProperties === undefined ? { type: 'object' } : { type: 'object', additionalProperties: convertProperty(p.additionalProperties, owner, name, out) };
    default:
      return {};
  }
}

/** Discovery schemas → JSON Schema $defs, with the constraints read from the descriptions. */
export function discoveryToJsonSchema(doc: DiscoveryDocument): { defs: Record<string, Json>; constraints: DerivedConstraint[] } {
  const defs: Record<string, Json> = {};
  const constraints: DerivedConstraint[] = [];
  for (const [name, schema] of Object.entries(doc.schemas)) {
    const properties: Json = {};
    const required: string[] = [];
    for (const [prop, p] of Object.entries(schema.properties ?? {})) {
      properties[prop] = convertProperty(p, name, prop, constraints);
      if ((p.description ?? '').startsWith('Required.')) {
        required.push(prop);
        constraints.push({ schema: name, property: prop, keyword: 'required', value: true });
      }
    }
    defs[name] = { type: 'object', title: shortName(name), properties, additionalProperties: false, ...(required.length > 0 ? { required } : {}) };
  }
  return { defs, constraints };
}

/** proto3 JSON: snake_case names are accepted for camelCase fields, and null is the same as absent. */
export function normalizeProtoJson(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(normalizeProtoJson);
  if (!isObj(v)) return v;
  const out: Json = {};
  for (const [k, val] of Object.entries(v)) {
    if (val === null) continue;
    out[k.includes('_') && !k.startsWith('@') ? camel(k) : k] = normalizeProtoJson(val);
  }
  return out;
}

/** `/suggestions/0/reply/postbackData` under 'message' → `message.suggestions[0].reply.postback_data`. */
export function protoPath(root: string, instancePath: string, extra?: string): string {
  const parts = instancePath.split('/').slice(1);
  if (extra !== undefined) parts.push(extra);
  let out = root;
  for (const raw of parts) {
    const part = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    out += /^\d+$/.test(part) ? `[${part}]` : `.${snake(part)}`;
  }
  return out;
}

function protoTypeOf(schema: unknown): string {
  if (!isObj(schema)) return 'TYPE_MESSAGE';
  if (typeof schema['title'] === 'string') return `${PROTO_PACKAGE}${schema['title']}`;
  switch (schema['type']) {
    case 'string':
      return 'TYPE_STRING';
    case 'boolean':
      return 'TYPE_BOOL';
    case 'integer':
      return 'TYPE_INT32';
    case 'number':
      return 'TYPE_DOUBLE';
    case 'array':
      return 'TYPE_REPEATED';
    default:
      return 'TYPE_MESSAGE';
  }
}

function limitOf(err: ErrorObject): number {
  const limit = (err.params as Json)['limit'];
  return typeof limit === 'number' ? limit : 0;
}

/** Words close to what Google's parser and validators answer for each kind of violation. */
function describe(err: ErrorObject, root: string): FieldViolation {
  const p = err.params as Json;
  const field = protoPath(root, err.instancePath);
  const value = JSON.stringify(err.data) ?? String(err.data);
  switch (err.keyword) {
    case 'additionalProperties': {
      const name = String(p['additionalProperty']);
      return { field, description: `Invalid JSON payload received. Unknown name "${name}" at '${field}': Cannot find field.` };
    }
    case 'type':
    case 'enum':
      return { field, description: `Invalid value at '${field}' (${protoTypeOf(err.parentSchema)}), ${value}` };
    case 'required': {
      const missing = protoPath(root, err.instancePath, String(p['missingProperty']));
      return { field: missing, description: `Required field ${missing} is missing.` };
    }
    case 'maxLength':
      return { field, description: `${field} is too long: at most ${limitOf(err)} characters, got ${typeof err.data === 'string' ? [...err.data].length : '?'}.` };
    case 'maxItems':
      return { field, description: `${field} has too many items: at most ${limitOf(err)}, got ${Array.isArray(err.data) ? err.data.length : '?'}.` };
    case 'minItems':
      return { field, description: `${field} has too few items: at least ${limitOf(err)}, got ${Array.isArray(err.data) ? err.data.length : '?'}.` };
    default:
      return { field, description: `Invalid value at '${field}': ${err.message ?? 'invalid'}` };
  }
}

export function createDiscoveryValidator(doc: DiscoveryDocument, id = 'gbm-discovery'): DiscoveryValidator {
  const { defs, constraints } = discoveryToJsonSchema(doc);
  const ajv = new Ajv({ allErrors: true, verbose: true, strict: true, strictTypes: false, strictRequired: false });
  ajv.addSchema({ $id: id, $defs: defs });
  const compiled = new Map<string, ValidateFunction>();
  const get = (name: string): ValidateFunction => {
    let fn = compiled.get(name);
    if (fn === undefined) {
      fn = ajv.getSchema(`${id}${DEFS_REF}${name}`);
      if (fn === undefined) throw new Error(`schema ${name} not in the Business Messages discovery document`);
      compiled.set(name, fn);
    }
    return fn;
  };
  return {
    constraints,
    validate(name, data, root) {
      const value = normalizeProtoJson(data);
      const fn = get(name);
      if (fn(value)) return { value, violations: [] };
      const seen = new Set<string>();
      const violations: FieldViolation[] = [];
      for (const err of fn.errors ?? []) {
        const v = describe(err, root);
        const key = `${v.field}\u0000${v.description}`;
        if (seen.has(key)) continue;
        seen.add(key);
        violations.push(v);
      }
      return { value, violations };
    },
  };
}
