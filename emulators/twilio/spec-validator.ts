/**
 * Validates data against schemas of a Twilio OpenAPI 3.0 document with Ajv. Besides the named
 * component schemas, each operation contributes `<operationId>.request` (its form or JSON body),
 * `<operationId>.query` (its query parameters as one object) and `<operationId>.response` (its
 * 200/201 JSON body). Only the schemas reachable from the roots asked for are compiled, so the
 * 1.5 MB v2010 document costs little beyond its parse. Form bodies are all strings on the wire:
 * with `coerce`, "12" satisfies an integer and a single value an array, like Twilio's parser.
 */
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';

type Json = Record<string, unknown>;

export interface SpecErrorDetail {
  /** The top-level parameter or property at fault, e.g. `To`, `MediaUrl`. */
  parameter: string;
  message: string;
  /** The JSON Schema keyword that failed: required, type, enum, format, pattern, maxLength, … */
  keyword: string;
}
export interface SpecValidator {
  has(name: string): boolean;
  /** [] when valid. Coercing validators validate a copy; the data passed in is not changed. */
  validate(name: string, data: unknown): SpecErrorDetail[];
}
export interface SpecValidatorOptions {
  /** Schema names to compile (component names or `<operationId>.request|query|response`). */
  roots: string[];
  /** Coerce strings to numbers/booleans and scalars to arrays (form and query input). */
  coerce: boolean;
  /**
   * Read `format: uri` as a URI reference: Twilio's responses carry relative URIs (`uri`,
   * `next_page_uri`) under that format, its own examples included.
   */
  uriReference?: boolean;
}

const OPENAPI_REF = '#/components/schemas/';
const DEFS_REF = '#/$defs/';
const METHODS = ['get', 'post', 'put', 'delete'] as const;

function isObj(v: unknown): v is Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

const ANNOTATIONS = new Set(['description', 'examples', 'example', 'x-twilio', 'title']);

/**
 * Deep copy that rewrites refs to $defs refs, drops annotations, and drops formats Twilio marks
 * `ignoreFormat`. Keys of a `properties` map are names, kept whatever they are.
 */
function rewrite(v: unknown, names = false): unknown {
  if (Array.isArray(v)) return v.map((x) => rewrite(x));
  if (!isObj(v)) return v;
  const xt = v['x-twilio'];
  const ignoreFormat = !names && isObj(xt) && xt['ignoreFormat'] === true;
  const out: Json = {};
  for (const [k, val] of Object.entries(v)) {
    if (!names && ANNOTATIONS.has(k)) continue;
    if (k === 'format' && ignoreFormat) continue;
    if (!names && k === '$ref' && typeof val === 'string') out[k] = val.replace(OPENAPI_REF, DEFS_REF);
    else out[k] = rewrite(val, !names && k === 'properties');
  }
  return out;
}

function jsonSchemaOf(content: unknown): unknown {
  if (!isObj(content)) return undefined;
  for (const type of ['application/x-www-form-urlencoded', 'application/json']) {
    const media = content[type];
    if (isObj(media) && isObj(media['schema'])) return media['schema'];
  }
  return undefined;
}

/** Component schemas plus the per-operation ones, all with $defs refs. */
export function collectSchemas(doc: unknown): Record<string, Json> {
  const out: Record<string, Json> = {};
  const components = isObj(doc) && isObj(doc['components']) ? doc['components'] : {};
  const schemas = isObj(components['schemas']) ? components['schemas'] : {};
  for (const [name, s] of Object.entries(schemas)) if (isObj(s)) out[name] = rewrite(s) as Json;
  const paths = isObj(doc) && isObj(doc['paths']) ? doc['paths'] : {};
  for (const item of Object.values(paths)) {
    if (!isObj(item)) continue;
    for (const method of METHODS) {
      const op = item[method];
      if (!isObj(op) || typeof op['operationId'] !== 'string') continue;
      const id = op['operationId'];
      const body = isObj(op['requestBody']) ? jsonSchemaOf(op['requestBody']['content']) : undefined;
      if (isObj(body)) out[`${id}.request`] = rewrite(body) as Json;
      const params = Array.isArray(op['parameters']) ? op['parameters'].filter(isObj) : [];
      const query = params.filter((p) => p['in'] === 'query' && typeof p['name'] === 'string');
      if (query.length > 0) {
        out[`${id}.query`] = {
          type: 'object',
          properties: Object.fromEntries(query.map((p) => [String(p['name']), rewrite(p['schema'] ?? {})])),
          required: query.filter((p) => p['required'] === true).map((p) => String(p['name'])),
        };
      }
      const responses = isObj(op['responses']) ? op['responses'] : {};
      const ok = responses['200'] ?? responses['201'];
      const res = isObj(ok) ? jsonSchemaOf(ok['content']) : undefined;
      if (isObj(res)) out[`${id}.response`] = rewrite(res) as Json;
    }
  }
  return out;
}

function refsIn(v: unknown, into: Set<string>): void {
  if (Array.isArray(v)) for (const x of v) refsIn(x, into);
  else if (isObj(v)) {
    for (const [k, val] of Object.entries(v)) {
      if (k === '$ref' && typeof val === 'string' && val.startsWith(DEFS_REF)) into.add(val.slice(DEFS_REF.length));
      else refsIn(val, into);
    }
  }
}

function reachable(all: Record<string, Json>, roots: string[]): Record<string, Json> {
  const out: Record<string, Json> = {};
  const todo = [...roots];
  while (todo.length > 0) {
    const name = todo.pop() ?? '';
    const schema = all[name];
    if (schema === undefined) throw new Error(`Twilio spec has no schema ${name}`);
    if (name in out) continue;
    out[name] = schema;
    const refs = new Set<string>();
    refsIn(schema, refs);
    for (const r of refs) if (!(r in out)) todo.push(r);
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

/**
 * A copy of the arrays and plain objects in `v` (what coercion may rewrite: it replaces values in
 * their parent), sharing everything else; cheaper than structuredClone for a form or a query.
 */
function copyTree(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(copyTree);
  if (typeof v !== 'object' || v === null) return v;
  const proto: unknown = Object.getPrototypeOf(v);
  if (proto !== Object.prototype && proto !== null) return structuredClone(v);
  const out: Json = {};
  for (const k of Object.keys(v)) {
    const value = copyTree((v as Json)[k]);
    if (k === '__proto__') Object.defineProperty(out, k, { value, enumerable: true, writable: true, configurable: true });
    else out[k] = value;
  }
  return out;
}

/** `Thu, 24 Aug 2023 05:01:45 +0000`, what Twilio's 2010 API writes. */
export const RFC2822_RE = /^(Mon|Tue|Wed|Thu|Fri|Sat|Sun), \d{2} (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) \d{4} \d{2}:\d{2}:\d{2} [+-]\d{4}$/;

function describe(err: ErrorObject): SpecErrorDetail {
  const p = err.params as Json;
  const parts = err.instancePath.split('/').slice(1);
  const parameter = err.keyword === 'required' && parts.length === 0 ? String(p['missingProperty']) : (parts[0] ?? '');
  let message = err.message ?? 'is invalid';
  if (err.keyword === 'enum') message = `must be one of: ${(Array.isArray(p['allowedValues']) ? p['allowedValues'] : []).join(', ')}`;
  if (err.keyword === 'required') message = 'is required';
  const where = parts.length > 1 ? `${parameter}[${parts.slice(1).join('.')}]` : parameter;
  return { parameter, message: `${where} ${message}`, keyword: err.keyword };
}

export function createSpecValidator(doc: unknown, id: string, opts: SpecValidatorOptions): SpecValidator {
  const defs = reachable(collectSchemas(doc), opts.roots);
  const ajv = new Ajv({
    allErrors: true,
    strict: false,
    coerceTypes: opts.coerce ? 'array' : false,
    validateSchema: false,
  });
  addFormatsModule.default(ajv);
  ajv.addFormat('date-time-rfc-2822', RFC2822_RE);
  if (opts.uriReference === true) ajv.addFormat('uri', ajv.formats['uri-reference'] ?? true);
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
      const input = opts.coerce ? copyTree(data) : data;
      if (fn(input)) return [];
      const seen = new Set<string>();
      const out: SpecErrorDetail[] = [];
      for (const err of fn.errors ?? []) {
        const d = describe(err);
        if (seen.has(d.message)) continue;
        seen.add(d.message);
        out.push(d);
      }
      return out;
    },
  };
}
