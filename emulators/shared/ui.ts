/**
 * The frame of every emulator's "play a customer" page: the HTML skeleton, the status line, the
 * script helpers (`$`, `el`, `status`, `api`) and the once-a-second `refresh()` poll. Each emulator
 * gives its theme, form, and script (which must define `refresh()` and the `load` function).
 * Page text goes through textContent only; the served CSP allows inline script and style.
 */
export interface CustomerPageParts {
  /** The <title>. */
  title: string;
  /** The header bar's text. */
  heading: string;
  /** The style sheet, one rule a line, without <style>. */
  css: string;
  /** The HTML inside <main>, before the status line. */
  body: string;
  /** Page state declared before the helpers (`let current = null; …`). */
  state: string;
  /** The emulator's functions and handlers, after the helpers. */
  script: string;
  /** The function that fills the picker at start (`loadChannels`). */
  load: string;
}

/** Client-side helpers every page uses: element lookup, element creation, the status line, JSON calls to /_emulator. */
const HELPERS = `function el(tag, text, cls) { const e = document.createElement(tag); if (text !== undefined) e.textContent = text; if (cls) e.className = cls; return e; }
function status(t) { $("status").textContent = t; }
async function api(method, path, body) {
  const res = await fetch(path, { method, headers: body ? { "content-type": "application/json" } : {}, body: body ? JSON.stringify(body) : undefined });
  const data = await res.json().catch(() => ({}));
  if (!res.ok) throw new Error(data.message || res.status);
  return data;
}`;

const trimmed = (s: string): string => s.replace(/^\n+|\n+$/g, '');

export function customerPage(p: CustomerPageParts): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${p.title}</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>
${trimmed(p.css)}
</style></head><body>
<header>${p.heading}</header>
<main>
${trimmed(p.body)}
<div id="status"></div>
</main>
<script>
"use strict";
const $ = (id) => document.getElementById(id);
${trimmed(p.state)}
${HELPERS}
${trimmed(p.script)}
${p.load}().catch((e) => status(String(e.message)));
setInterval(() => { refresh().catch(() => {}); }, 1000);
</script></body></html>
`;
}
