import { autocompletion } from '@codemirror/autocomplete';
import { javascript } from '@codemirror/lang-javascript';
import { EditorView } from '@codemirror/view';
import CodeMirror from '@uiw/react-codemirror';
import { useContext, useEffect, useMemo, useRef, useState } from 'react';
import { expressionCompletions } from './completions.ts';
import { ExpressionScopeContext, fieldTheme, frame, highlightExpressions } from './expression-field.tsx';

/** An expression inside a JSON string reads as an expression, not in the string colour around it. */
const expressionOverString = EditorView.theme({ '.cm-expression span': { color: '#4338ca' } });

/** Text for a value: pretty JSON, or nothing for no value. */
const textOf = (value: unknown) => (value === undefined ? '' : JSON.stringify(value, null, 2));

/**
 * Free JSON whose strings may hold `{{ }}` expressions (an HTTP body: `format: "template"` on
 * any JSON). A code editor, not a textarea: JSON is coloured (read as a JavaScript expression,
 * which JSON is), expressions are marked and complete `input`, `trigger` and `steps.…` as in any
 * expression field, and the value is passed on whenever the text parses.
 */
export function JsonTemplateField({
  value,
  onChange,
  invalid,
  label,
}: {
  value: unknown;
  onChange: (value: unknown) => void;
  invalid?: boolean;
  label: string;
}) {
  const scope = useContext(ExpressionScopeContext);
  const scopeRef = useRef(scope);
  scopeRef.current = scope;
  const [text, setText] = useState(() => textOf(value));
  const [error, setError] = useState<string | null>(null);
  // A change from outside (undo, another tab) replaces the text; one's own typing does not reformat it.
  useEffect(() => {
    setText((current) => {
      try {
        if (current.trim() !== '' && JSON.stringify(JSON.parse(current)) === JSON.stringify(value)) return current;
      } catch {
        return current;
      }
      return textOf(value);
    });
  }, [value]);
  const extensions = useMemo(
    () => [
      javascript(),
      highlightExpressions,
      autocompletion({ override: [expressionCompletions(() => scopeRef.current)], activateOnTyping: true }),
      EditorView.lineWrapping,
      EditorView.contentAttributes.of({ 'aria-label': label }),
      fieldTheme,
      expressionOverString,
    ],
    [label],
  );
  return (
    <div>
      <div
        className={`${frame} ${invalid || error ? 'ring-red-400' : 'ring-slate-300'}`}
        data-testid={`field-${label}`}
      >
        <CodeMirror
          value={text}
          onChange={(next) => {
            setText(next);
            if (next.trim() === '') {
              setError(null);
              onChange(undefined);
              return;
            }
            try {
              onChange(JSON.parse(next));
              setError(null);
            } catch {
              setError('Not valid JSON yet');
            }
          }}
          extensions={extensions}
          basicSetup={{ lineNumbers: false, foldGutter: false, highlightActiveLine: false, searchKeymap: false }}
          placeholder='{ "email": "{{ input.email }}" }'
          minHeight="88px"
          maxHeight="320px"
          theme="light"
          indentWithTab={false}
        />
      </div>
      {error && <p className="mt-1 text-xs text-amber-700">{error}</p>}
    </div>
  );
}
