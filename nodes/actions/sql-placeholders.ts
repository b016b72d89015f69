/**
 * The highest `$n` placeholder of a SQL statement, or 0 when it has none: how many parameters it
 * needs. Best effort, as the editor's check before the server's own: `$n` inside string literals
 * ('…', E'…', $tag$…$tag$), quoted identifiers ("…") and comments (line and nested block comments) does not
 * count, nor a `$` inside a name (PostgreSQL allows `a$1` as an identifier).
 */
export function highestPlaceholder(sql: string): number {
  let highest = 0;
  let index = 0;
  while (index < sql.length) {
    const char = sql[index] as string;
    const next = sql[index + 1];
    if (char === '-' && next === '-') {
      const end = sql.indexOf('\n', index);
      index = end === -1 ? sql.length : end + 1;
    } else if (char === '/' && next === '*') {
      index = afterBlockComment(sql, index);
    } else if (char === "'") {
      const escapes = /[eE]/.test(sql[index - 1] ?? '') && !/[\w$]/.test(sql[index - 2] ?? '');
      index = afterQuoted(sql, index, "'", escapes);
    } else if (char === '"') {
      index = afterQuoted(sql, index, '"', false);
    } else if (char === '$') {
      const number = /^\$(\d+)/.exec(sql.slice(index));
      const tag = /^\$([A-Za-z_\u0080-\uffff][\w\u0080-\uffff]*)?\$/.exec(sql.slice(index));
      if (/[\w$]/.test(sql[index - 1] ?? '')) {
        index++;
      } else if (number?.[1] !== undefined) {
        highest = Math.max(highest, Number(number[1]));
        index += number[0].length;
      } else if (tag) {
        const close = sql.indexOf(tag[0], index + tag[0].length);
        index = close === -1 ? sql.length : close + tag[0].length;
      } else {
        index++;
      }
    } else {
      index++;
    }
  }
  return highest;
}

/** Past a quoted run starting at `start`: a doubled quote stays inside, and so a backslash-escaped one in E'…'. */
function afterQuoted(sql: string, start: number, quote: string, backslashEscapes: boolean): number {
  let index = start + 1;
  while (index < sql.length) {
    const char = sql[index];
    if (backslashEscapes && char === '\\') index += 2;
    else if (char === quote && sql[index + 1] === quote) index += 2;
    else if (char === quote) return index + 1;
    else index++;
  }
  return sql.length;
}

/** Past a block comment starting at `start`; PostgreSQL's nest. */
function afterBlockComment(sql: string, start: number): number {
  let depth = 0;
  let index = start;
  while (index < sql.length) {
    if (sql[index] === '/' && sql[index + 1] === '*') {
      depth++;
      index += 2;
    } else if (sql[index] === '*' && sql[index + 1] === '/') {
      depth--;
      index += 2;
      if (depth === 0) return index;
    } else {
      index++;
    }
  }
  return sql.length;
}
