// styles.css is edited by everyone and merged often; a rule left open by a
// merge silently nests every rule after it (CSS nesting), which once kept the
// desk width on phones. Every block must close before the next one opens at
// the top level.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

/** The top-level rules whose block is still open at the end of the file. */
function unclosed(css: string): string[] {
  const open: string[] = [];
  let depth = 0;
  let selector = '';
  const text = css.replace(/\/\*[\s\S]*?\*\//g, '');
  for (const ch of text) {
    if (ch === '{') {
      if (depth === 0) open.push(selector.trim());
      depth++;
      selector = '';
    } else if (ch === '}') {
      depth--;
      if (depth === 0) open.pop();
      selector = '';
    } else if (ch === ';') {
      selector = '';
    } else {
      selector += ch;
    }
  }
  return open;
}

describe('styles.css', () => {
  it('closes every block it opens', () => {
    const css = readFileSync(join(__dirname, 'styles.css'), 'utf8');
    expect(unclosed(css)).toEqual([]);
  });

  it('finds a block a merge left open', () => {
    expect(unclosed('.a {\n  color: red;\n\n/* next */\n.b {\n  color: blue;\n}\n')).toEqual(['.a']);
  });
});
