#!/usr/bin/env node
// Runs the compiled CLI; `npm install` builds it (the prepare script).
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const cli = fileURLToPath(new URL('../dist/src/cli.js', import.meta.url));
if (!existsSync(cli)) {
  console.error('switchboard is not built yet: run `npm run build` in the repository first.');
  process.exit(1);
}
await import(cli);
