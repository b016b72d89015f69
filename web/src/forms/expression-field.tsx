import { autocompletion, completionStatus, startCompletion } from '@codemirror/autocomplete';
import { javascript } from '@codemirror/lang-javascript';
import { Decoration, EditorView, MatchDecorator, ViewPlugin, type ViewUpdate } from '@codemirror/view';
import CodeMirror, { type BasicSetupOptions, type ReactCodeMirrorRef } from '@uiw/react-codemirror';
import { createContext, useContext, useEffect, useMemo, useRef } from 'react';
import { type ExpressionScope, emptyScope, expressionCompletions, sameCompletions } from './completions.ts';
import { sql } from './sql-language.ts';

/** The scope expression fields complete from; the editor provides the last test run's data. */
export const ExpressionScopeContext = createContext<ExpressionScope>(emptyScope);

const expressionMark = Decoration.mark({ class: 'cm-expression' });
const expressionMatcher = new MatchDecorator({ regexp: /\{\{[\s\S]*?\}\}/g, decoration: () => expressionMark });

/** Marks every `{{ … }}` so expressions stand out from plain text. */
export const highlightExpressions = ViewPlugin.fromClass(
  class {
    decorations;
    constructor(view: EditorView) {
      this.decorations = expressionMatcher.createDeco(view);
    }
    update(update: ViewUpdate) {
      this.decorations = expressionMatcher.updateDeco(update, this.decorations);
    }
  },
  { decorations: (plugin) => plugin.decorations },
);

export const fieldTheme = EditorView.theme({
  '&': { fontSize: '13px', backgroundColor: 'white' },
  '&.cm-focused': { outline: 'none' },
  '.cm-content': { padding: '5px 0', fontFamily: 'var(--font-mono)' },
  '.cm-line': { padding: '0 8px' },
  '.cm-expression': { color: '#4338ca', backgroundColor: '#eef2ff', borderRadius: '3px' },
  '.cm-placeholder': { color: '#94a3b8' },
  // The completion list: a menu like the app's others, not CodeMirror's bare default box.
  '.cm-tooltip.cm-tooltip-autocomplete': {
    fontSize: '12px',
    border: 'none',
    borderRadius: '8px',
    backgroundColor: 'white',
    boxShadow: '0 0 0 1px #e2e8f0, 0 8px 24px -6px rgb(15 23 42 / 0.18)',
    overflow: 'hidden',
  },
  '.cm-tooltip.cm-tooltip-autocomplete > ul': {
    fontFamily: 'var(--font-mono)',
    maxHeight: '15em',
    maxWidth: 'min(34rem, calc(100vw - 24px))',
    padding: '4px 0',
  },
  '.cm-tooltip.cm-tooltip-autocomplete > ul > li': { padding: '3px 10px 3px 6px', lineHeight: '18px' },
  '.cm-tooltip.cm-tooltip-autocomplete > ul > li[aria-selected]': { backgroundColor: '#eef2ff', color: '#3730a3' },
  '.cm-completionMatchedText': { textDecoration: 'none', fontWeight: '600' },
  '.cm-completionDetail': { fontStyle: 'normal', color: '#64748b', marginLeft: '1em' },
  '.cm-completionIcon': { opacity: '0.5', width: '1.1em', paddingRight: '0.4em' },
});

const minimalSetup: BasicSetupOptions = {
  lineNumbers: false,
  foldGutter: false,
  highlightActiveLine: false,
  highlightActiveLineGutter: false,
  autocompletion: false,
  searchKeymap: false,
};

export const frame =
  'overflow-hidden rounded-md bg-white ring-1 focus-within:ring-2 focus-within:ring-accent-500 ' as const;

/** A string field whose `{{ … }}` parts are highlighted and complete `input`, `trigger` and `steps.…`. */
export function ExpressionField({
  value,
  onChange,
  placeholder,
  invalid,
  label,
}: {
  value: string;
  onChange: (value: string) => void;
  placeholder?: string;
  invalid?: boolean;
  label: string;
}) {
  const scope = useContext(ExpressionScopeContext);
  const scopeRef = useRef(scope);
  scopeRef.current = scope;
  const editor = useRef<ReactCodeMirrorRef>(null);
  const listed = useRef(scope);
  useEffect(() => {
    if (sameCompletions(listed.current, scope)) return;
    listed.current = scope;
    // An open list keeps its options while one types on; new run data (the stored run read in the
    // background after opening, a test run finishing) must reach it all the same.
    const view = editor.current?.view;
    if (view && completionStatus(view.state) !== null) startCompletion(view);
  }, [scope]);
  const extensions = useMemo(
    () => [
      highlightExpressions,
      autocompletion({ override: [expressionCompletions(() => scopeRef.current)], activateOnTyping: true }),
      EditorView.lineWrapping,
      EditorView.contentAttributes.of({ 'aria-label': label }),
      fieldTheme,
    ],
    [label],
  );
  return (
    <div className={`${frame} ${invalid ? 'ring-red-400' : 'ring-slate-300'}`} data-testid={`field-${label}`}>
      <CodeMirror
        ref={editor}
        value={value}
        onChange={onChange}
        extensions={extensions}
        basicSetup={minimalSetup}
        placeholder={placeholder}
        theme="light"
        indentWithTab={false}
      />
    </div>
  );
}

/**
 * A code editor: JavaScript (the Script node's code) or SQL (the PostgreSQL node's query); long
 * lines wrap, the panel is narrow and scrolls down only.
 */
export function CodeField({
  value,
  onChange,
  invalid,
  label,
  language = 'javascript',
}: {
  value: string;
  onChange: (value: string) => void;
  invalid?: boolean;
  label: string;
  language?: 'javascript' | 'sql';
}) {
  const extensions = useMemo(
    () => [
      language === 'sql' ? sql : javascript(),
      EditorView.lineWrapping,
      EditorView.contentAttributes.of({ 'aria-label': label }),
      fieldTheme,
    ],
    [label, language],
  );
  return (
    <div className={`${frame} ${invalid ? 'ring-red-400' : 'ring-slate-300'}`}>
      <CodeMirror
        value={value}
        onChange={onChange}
        extensions={extensions}
        basicSetup={{ foldGutter: false, highlightActiveLine: false, searchKeymap: false }}
        minHeight="160px"
        maxHeight="420px"
        theme="light"
      />
    </div>
  );
}
