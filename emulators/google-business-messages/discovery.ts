/**
 * Loads the vendored Business Messages protocol files (protocols/gbm/*) from the source layout
 * (emulators/google-business-messages/*.ts) or the compiled one (dist/emulators/google-business-messages/*.js).
 */
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export const DISCOVERY_FILE = 'businessmessages-v1-discovery.json';

/** Absolute path of a file under protocols/gbm/. */
export function gbmProtocolPath(file: string): string {
  const candidates = [`../../protocols/gbm/${file}`, `../../../protocols/gbm/${file}`].map((rel) =>
    fileURLToPath(new URL(rel, import.meta.url)),
  );
  const found = candidates.find((p) => existsSync(p));
  if (found === undefined) throw new Error(`Business Messages protocol file ${file} not found; looked in ${candidates.join(', ')}`);
  return found;
}

export interface DiscoveryProperty {
  type?: string;
  $ref?: string;
  description?: string;
  enum?: string[];
  items?: DiscoveryProperty;
  format?: string;
  additionalProperties?: DiscoveryProperty;
}
export interface DiscoverySchema {
  id: string;
  type: string;
  description?: string;
  properties?: Record<string, DiscoveryProperty>;
}
export interface DiscoveryDocument {
  rootUrl: string;
  revision: string;
  schemas: Record<string, DiscoverySchema>;
}

let cached: DiscoveryDocument | undefined;

/** The discovery document, read once per process. */
export function loadDiscovery(): DiscoveryDocument {
  cached ??= JSON.parse(readFileSync(gbmProtocolPath(DISCOVERY_FILE), 'utf8')) as DiscoveryDocument;
  return cached;
}
