/**
 * GET /webchat/widget.js serves this: the widget's script and stylesheet joined into one
 * self-contained IIFE when the module loads. No build step, no bundler: the code is plain
 * JavaScript (./script.ts) and runs as is in every current browser.
 */
import { createHash } from 'node:crypto';
import { WIDGET_SCRIPT } from './script.js';
import { WIDGET_CSS } from './styles.js';

export const WIDGET_SOURCE =
  '/* Switchboard web chat widget (Apache-2.0) */\n' +
  '(function (CSS) {' +
  WIDGET_SCRIPT +
  '})(' +
  JSON.stringify(WIDGET_CSS) +
  ');\n';

export const WIDGET_ETAG = `"${createHash('sha256').update(WIDGET_SOURCE).digest('base64url').slice(0, 22)}"`;
