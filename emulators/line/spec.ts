/** Loads the vendored LINE OpenAPI documents (protocols/line/*.yml) from source or compiled layout. */
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';

export type LineSpecFile = 'messaging-api.yml' | 'webhook.yml';

/** emulators/line/*.ts sits two levels below the repo root; dist/emulators/line/*.js three. */
export function lineSpecPath(file: LineSpecFile): string {
  const candidates = [`../../protocols/line/${file}`, `../../../protocols/line/${file}`].map((rel) =>
    fileURLToPath(new URL(rel, import.meta.url)),
  );
  const found = candidates.find((p) => existsSync(p));
  if (found === undefined) throw new Error(`LINE spec ${file} not found; looked in ${candidates.join(', ')}`);
  return found;
}

const cache = new Map<LineSpecFile, unknown>();

/** The parsed document, read once per process. */
export function loadLineSpec(file: LineSpecFile): unknown {
  let doc = cache.get(file);
  if (doc === undefined) {
    doc = parse(readFileSync(lineSpecPath(file), 'utf8')) as unknown;
    cache.set(file, doc);
  }
  return doc;
}
