/** The shared customer page frame. */
import { describe, expect, it } from 'vitest';
import { customerPage } from './ui.js';

const page = customerPage({
  title: 'X emulator',
  heading: 'X emulator: play a customer',
  css: '\nbody{margin:0}\n',
  body: '<select id="pick"></select>',
  state: 'let current = null;',
  script: 'async function refresh() {}\nasync function loadThings() {}',
  load: 'loadThings',
});

describe('customerPage', () => {
  it('frames the parts in order: title, style, header, form, status line, script, start and poll', () => {
    const order = [
      '<title>X emulator</title>',
      '<style>\nbody{margin:0}\n</style>',
      '<header>X emulator: play a customer</header>',
      '<main>\n<select id="pick"></select>\n<div id="status"></div>\n</main>',
      '"use strict";\nconst $ = (id) => document.getElementById(id);\nlet current = null;\nfunction el(',
      'async function api(method, path, body) {',
      '}\nasync function refresh() {}\nasync function loadThings() {}\nloadThings().catch((e) => status(String(e.message)));',
      'setInterval(() => { refresh().catch(() => {}); }, 1000);\n</script></body></html>\n',
    ];
    let at = 0;
    for (const part of order) {
      const i = page.indexOf(part, at);
      expect(i, part).toBeGreaterThanOrEqual(at);
      at = i + part.length;
    }
    expect(page.startsWith('<!doctype html>\n')).toBe(true);
  });

  it('writes page text through textContent only', () => {
    expect(page).not.toMatch(/innerHTML|outerHTML|insertAdjacentHTML|document\.write/);
  });
});
