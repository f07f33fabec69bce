/** Loads the vendored Twilio OpenAPI documents (protocols/twilio/*.yaml) from source or compiled layout. */
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';

export type TwilioSpecFile = 'twilio_api_v2010.yaml' | 'twilio_content_v1.yaml' | 'test-vectors.json';

/** emulators/twilio/*.ts sits two levels below the repo root; dist/emulators/twilio/*.js three. */
export function twilioSpecPath(file: TwilioSpecFile): string {
  const candidates = [`../../protocols/twilio/${file}`, `../../../protocols/twilio/${file}`].map((rel) =>
    fileURLToPath(new URL(rel, import.meta.url)),
  );
  const found = candidates.find((p) => existsSync(p));
  if (found === undefined) throw new Error(`Twilio spec ${file} not found; looked in ${candidates.join(', ')}`);
  return found;
}

const cache = new Map<TwilioSpecFile, unknown>();

/** The parsed document (YAML or JSON), read once per process: the v2010 one takes most of a second. */
export function loadTwilioSpec(file: TwilioSpecFile): unknown {
  let doc = cache.get(file);
  if (doc === undefined) {
    doc = parse(readFileSync(twilioSpecPath(file), 'utf8')) as unknown;
    cache.set(file, doc);
  }
  return doc;
}
