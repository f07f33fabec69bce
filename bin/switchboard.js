#!/usr/bin/env node
// Runs the compiled CLI; `npm install` builds it (the prepare script). The one-file bundle
// (npm run build:bundle) starts in about half the time of the 500-odd modules it is made of.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const bundle = fileURLToPath(new URL('../dist/bundle/cli.js', import.meta.url));
const cli = fileURLToPath(new URL('../dist/src/cli.js', import.meta.url));
const entry = existsSync(bundle) ? bundle : cli;
if (!existsSync(entry)) {
  console.error('switchboard is not built yet: run `npm run build` in the repository first.');
  process.exit(1);
}
await import(entry);
