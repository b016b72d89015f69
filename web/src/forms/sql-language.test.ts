import { ensureSyntaxTree } from '@codemirror/language';
import { EditorState } from '@codemirror/state';
import { describe, expect, it } from 'vitest';
import { sql } from './sql-language.ts';

/** Each highlighted piece of `doc` with the kind of token the SQL highlighter made of it. */
function tokens(doc: string): [string, string][] {
  const state = EditorState.create({ doc, extensions: [sql] });
  const tree = ensureSyntaxTree(state, doc.length, 5000);
  const found: [string, string][] = [];
  tree?.iterate({
    enter(node) {
      if (node.type.isTop) return;
      found.push([doc.slice(node.from, node.to), node.type.name]);
    },
  });
  return found;
}

describe('SQL highlighting of the PostgreSQL node’s query', () => {
  it('tells keywords, placeholders, strings, names, numbers and comments apart', () => {
    const found = tokens(
      `select "Name", $1::int from t -- why\nwhere a = 'it''s' and b = $tag$ x $tag$ /* a /* b */ c */ 2`,
    );
    const kind = (text: string) => found.find(([piece]) => piece === text)?.[1];
    expect(kind('select')).toBe('keyword');
    expect(kind('where')).toBe('keyword');
    expect(kind('$1')).toMatch(/variableName/);
    expect(kind('"Name"')).toMatch(/variableName/);
    expect(kind("'it''s'")).toBe('string');
    expect(kind('$tag$ x $tag$')).toBe('string');
    expect(kind('-- why')).toBe('comment');
    expect(kind('/* a /* b */ c */')).toBe('comment');
    expect(kind('2')).toBe('number');
    // An identifier that is not a keyword is left plain.
    expect(kind('t')).toBeUndefined();
  });

  it('carries an open comment or dollar quote onto the next lines', () => {
    const found = tokens('select /* open\nstill */ 1, $$ a\nb $$');
    expect(found.filter(([, name]) => name === 'comment').map(([piece]) => piece)).toEqual(['/* open', 'still */']);
    expect(found.filter(([, name]) => name === 'string').map(([piece]) => piece)).toEqual(['$$ a', 'b $$']);
  });
});
