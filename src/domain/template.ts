/** WhatsApp-style templates: approved text with {{1}}, {{2}}… (or {{name}}) placeholders. */

const PLACEHOLDER = /\{\{\s*([A-Za-z0-9_]+)\s*\}\}/g;

/** The placeholder names in order of first appearance. */
export function placeholdersOf(text: string): string[] {
  const seen = new Set<string>();
  for (const m of text.matchAll(PLACEHOLDER)) seen.add(m[1]!);
  return [...seen];
}

export type RenderResult = { ok: true; text: string } | { ok: false; missing: string[] };

/** Fills every placeholder; refuses when one has no (non-blank) value. */
export function renderTemplate(text: string, variables: Readonly<Record<string, string>>): RenderResult {
  const missing = placeholdersOf(text).filter((p) => !variables[p]?.trim());
  if (missing.length > 0) return { ok: false, missing };
  return { ok: true, text: text.replace(PLACEHOLDER, (_, name: string) => variables[name]!) };
}
