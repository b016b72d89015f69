import { StreamLanguage, type StringStream } from '@codemirror/language';

/*
 * Just enough SQL for the PostgreSQL node's query field to read well: keywords, strings, quoted
 * names, numbers, comments and `$1` placeholders told apart. (@codemirror/lang-sql is not a
 * dependency; this small stream parser is all highlighting needs.)
 */

const KEYWORDS = new Set(
  `all alter and any array as asc begin between by case cast check coalesce commit conflict constraint create
  cross default delete desc distinct do drop else end exists false foreign from full group having if ilike in
  index inner insert intersect into is join key lateral left like limit not nothing null offset on or order
  outer over partition primary references returning right rollback select set table then to true truncate
  union unique update using values when where window with`
    .split(/\s+/)
    .filter(Boolean),
);

interface SqlState {
  /** Inside a block comment this deep (they nest in PostgreSQL), or 0. */
  commentDepth: number;
  /** Inside a dollar-quoted string ending with this tag. */
  dollarTag: string | null;
}

function blockComment(stream: StringStream, state: SqlState): string {
  while (!stream.eol()) {
    if (stream.match('/*')) state.commentDepth++;
    else if (stream.match('*/')) {
      state.commentDepth--;
      if (state.commentDepth === 0) break;
    } else stream.next();
  }
  return 'comment';
}

export const sql = StreamLanguage.define<SqlState>({
  name: 'sql',
  startState: () => ({ commentDepth: 0, dollarTag: null }),
  token(stream, state) {
    if (state.commentDepth > 0) return blockComment(stream, state);
    if (state.dollarTag !== null) {
      if (stream.skipTo(state.dollarTag)) {
        stream.match(state.dollarTag);
        state.dollarTag = null;
      } else stream.skipToEnd();
      return 'string';
    }
    if (stream.eatSpace()) return null;
    if (stream.match('--')) {
      stream.skipToEnd();
      return 'comment';
    }
    if (stream.match('/*')) {
      state.commentDepth = 1;
      return blockComment(stream, state);
    }
    if (stream.match(/^\$\d+/)) return 'variableName.special';
    const tag = stream.match(/^\$([A-Za-z_]\w*)?\$/) as RegExpMatchArray | null;
    if (tag) {
      state.dollarTag = tag[0];
      return 'string';
    }
    const quote = stream.peek();
    if (quote === "'" || quote === '"') {
      stream.next();
      while (!stream.eol()) {
        if (stream.next() === quote) {
          if (stream.peek() === quote) stream.next();
          else break;
        }
      }
      return quote === "'" ? 'string' : 'variableName';
    }
    if (stream.match(/^\d+(\.\d+)?([eE][+-]?\d+)?/)) return 'number';
    if (stream.match(/^[A-Za-z_][\w$]*/)) {
      return KEYWORDS.has(stream.current().toLowerCase()) ? 'keyword' : null;
    }
    if (stream.match(/^(::|[<>!=]=?|[-+*/%|])/)) return 'operator';
    stream.next();
    return null;
  },
  languageData: { commentTokens: { line: '--', block: { open: '/*', close: '*/' } } },
});
