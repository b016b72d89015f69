import { ArrowDown, ArrowUp, Plus, Trash2 } from 'lucide-react';
import { type ReactNode, useEffect, useId, useState } from 'react';
import { IconButton } from '../components/ui.tsx';
import { CredentialField } from './credential-field.tsx';
import { CronField } from './cron-field.tsx';
import { CodeField, ExpressionField } from './expression-field.tsx';
import { inputClass } from './input-class.ts';
import { JsonTemplateField } from './json-template-field.tsx';
import {
  credentialTypes,
  discriminatorOf,
  enumOptionLabel,
  enumValues,
  fieldKind,
  initialValue,
  isRequired,
  type JsonSchema,
  labelFor,
  problemKey,
  properties,
  resolve,
  setIn,
  shownFor,
  switchVariant,
  unionVariants,
  variantIndex,
} from './schema.ts';
import { TimezoneField } from './timezone-field.tsx';
import { WorkflowField, WorkflowVersionField } from './workflow-field.tsx';

/**
 * A form for a node's config, rendered from its JSON Schema: exactly the shapes the catalogue
 * uses (strings, expressions, code, stored credentials, numbers, booleans, enums, lists, key/value
 * maps, nested objects, free JSON). Problems from the server (`field` = "config.rules.0.right")
 * show under the field they name.
 */
export type Path = readonly (string | number)[];
export type ProblemsByField = ReadonlyMap<string, readonly string[]>;

interface FieldProps {
  readonly root: JsonSchema;
  readonly schema: JsonSchema;
  readonly path: Path;
  readonly value: unknown;
  readonly onChange: (path: Path, value: unknown) => void;
  readonly problems: ProblemsByField;
}

export function SchemaForm({
  schema,
  value,
  onChange,
  problems = new Map(),
}: {
  schema: JsonSchema;
  value: Record<string, unknown>;
  onChange: (value: Record<string, unknown>) => void;
  problems?: ProblemsByField;
}) {
  const change = (path: Path, next: unknown) => onChange(setIn(value, path, next) as Record<string, unknown>);
  return (
    <div className="flex flex-col gap-4">
      <ObjectFields root={schema} schema={schema} path={[]} value={value} onChange={change} problems={problems} />
    </div>
  );
}

function ObjectFields({ root, schema, path, value, onChange, problems, omit }: FieldProps & { omit?: string }) {
  const object = (value && typeof value === 'object' ? value : {}) as Record<string, unknown>;
  const resolved = resolve(schema, root);
  const entries = properties(resolved).filter(
    ([key, property]) => key !== omit && shownFor(resolve(property, root), object, resolved),
  );
  if (entries.length === 0) {
    return (
      <p className="text-sm text-slate-500">
        {path.length === 0 ? 'This node has nothing to configure.' : 'Nothing more to set.'}
      </p>
    );
  }
  return entries.map(([key, property]) => (
    <Field
      key={key}
      root={root}
      schema={property}
      path={[...path, key]}
      value={object[key]}
      onChange={onChange}
      problems={problems}
      required={isRequired(resolve(schema, root), key)}
      siblings={object}
    />
  ));
}

/**
 * One config field with its label, help and problems; `bare`: the control alone (a union's variant).
 * `siblings`: the object it is a property of (a cron's next fires are read in its sibling time zone).
 */
function Field(
  props: FieldProps & {
    required: boolean;
    bare?: boolean;
    siblings?: Record<string, unknown>;
    /** A list item's name ("Parameter 2"): its card's header shows it, so the field's own label is for screen readers only. */
    itemLabel?: string;
  },
) {
  const { root, path, value, onChange, problems, required, bare = false } = props;
  const schema = resolve(props.schema, root);
  const kind = fieldKind(props.schema, root);
  const key = String(path[path.length - 1]);
  // A credential is picked by its name, so its field is not called an "ID".
  const label =
    props.itemLabel ??
    (kind === 'credential' || kind === 'workflow' ? labelFor(key, schema).replace(/ ID$/, '') : labelFor(key, schema));
  const messages = problems.get(problemKey(path)) ?? [];
  const description = typeof schema.description === 'string' ? schema.description : undefined;
  const id = useId();
  const shown = value === undefined && 'default' in schema ? schema.default : value;
  const invalid = messages.length > 0;

  let control: ReactNode;
  switch (kind) {
    case 'template':
      control = (
        <ExpressionField
          label={label}
          value={typeof shown === 'string' ? shown : ''}
          onChange={(text) => onChange(path, text === '' && !required ? undefined : text)}
          placeholder={placeholderFrom(description)}
          invalid={invalid}
        />
      );
      break;
    case 'code':
      control = (
        <CodeField
          label={label}
          value={typeof shown === 'string' ? shown : ''}
          onChange={(text) => onChange(path, text)}
          invalid={invalid}
          language={schema.format === 'sql' ? 'sql' : 'javascript'}
        />
      );
      break;
    case 'string':
      if (schema.format === 'cron') {
        const zone = props.siblings?.timezone;
        control = (
          <CronField
            id={id}
            value={typeof shown === 'string' ? shown : ''}
            timezone={typeof zone === 'string' && zone !== '' ? zone : 'UTC'}
            invalid={invalid}
            onChange={(cron) => onChange(path, cron)}
          />
        );
        break;
      }
      if (schema.format === 'timezone') {
        control = (
          <TimezoneField
            id={id}
            value={typeof shown === 'string' ? shown : ''}
            invalid={invalid}
            onChange={(zone) => onChange(path, zone)}
          />
        );
        break;
      }
      if (schema.format === 'multiline') {
        // Text with line breaks that matter (a PEM certificate), which a one-line input would drop.
        control = (
          <textarea
            id={id}
            rows={4}
            spellCheck={false}
            className={`${inputClass(invalid)} font-mono text-xs`}
            value={typeof shown === 'string' ? shown : ''}
            onChange={(event) =>
              onChange(path, event.target.value === '' && !required ? undefined : event.target.value)
            }
          />
        );
        break;
      }
      control = (
        <input
          id={id}
          // A secret (a credential's token): typed unseen, never offered by autofill.
          type={schema.writeOnly === true ? 'password' : 'text'}
          autoComplete={schema.writeOnly === true ? 'new-password' : undefined}
          className={inputClass(invalid)}
          value={typeof shown === 'string' ? shown : ''}
          onChange={(event) => onChange(path, event.target.value === '' && !required ? undefined : event.target.value)}
        />
      );
      break;
    case 'credential':
      control = (
        <CredentialField
          id={id}
          value={shown}
          types={credentialTypes(schema)}
          required={required}
          invalid={invalid}
          onChange={(next) => onChange(path, next)}
        />
      );
      break;
    case 'workflow':
      control = <WorkflowField id={id} value={shown} invalid={invalid} onChange={(next) => onChange(path, next)} />;
      break;
    case 'workflow-version': {
      const workflowId = props.siblings?.workflowId;
      control = (
        <WorkflowVersionField
          id={id}
          workflowId={typeof workflowId === 'string' ? workflowId : undefined}
          value={shown}
          invalid={invalid}
          onChange={(next) => onChange(path, next)}
        />
      );
      break;
    }
    case 'enum':
      control = (
        <select
          id={id}
          className={inputClass(invalid)}
          value={shown === undefined ? '' : String(shown)}
          onChange={(event) => onChange(path, event.target.value)}
        >
          {shown === undefined && <option value="">Choose…</option>}
          {enumValues(schema).map((option) => (
            <option key={String(option)} value={String(option)}>
              {enumOptionLabel(schema, option)}
            </option>
          ))}
        </select>
      );
      break;
    case 'integer':
    case 'number':
      control = (
        <NumberInput
          id={id}
          value={typeof shown === 'number' ? shown : undefined}
          integer={kind === 'integer'}
          invalid={invalid}
          onChange={(number) => onChange(path, number)}
        />
      );
      break;
    case 'boolean':
      return (
        <div>
          <label className="flex cursor-pointer items-start gap-2.5">
            <input
              type="checkbox"
              className="mt-0.5 size-4 rounded border-slate-300 accent-accent-600"
              checked={shown === true}
              onChange={(event) => onChange(path, event.target.checked)}
            />
            <span>
              <span className="block text-sm font-medium text-slate-800">{label}</span>
              {description && <span className="block text-xs text-slate-500">{description}</span>}
            </span>
          </label>
          <Messages messages={messages} />
        </div>
      );
    case 'list':
      control = <ListField {...props} schema={schema} label={label} />;
      break;
    case 'map':
      control = <MapField {...props} schema={schema} label={label} />;
      break;
    case 'object':
      control = (
        <div className="flex flex-col gap-3 rounded-md border border-slate-200 p-3">
          <ObjectFields {...props} schema={schema} />
        </div>
      );
      break;
    case 'union':
      control = <UnionField {...props} schema={schema} value={shown} id={id} label={label} />;
      break;
    case 'const':
      control = (
        <p id={id} className="font-mono text-sm text-slate-700">
          {JSON.stringify(schema.const)}
        </p>
      );
      break;
    default:
      // Free JSON whose strings may be expressions (an HTTP body) gets the expression-aware editor.
      control =
        schema.format === 'template' || props.schema.format === 'template' ? (
          <JsonTemplateField label={label} value={shown} invalid={invalid} onChange={(json) => onChange(path, json)} />
        ) : (
          <JsonField id={id} value={shown} invalid={invalid} onChange={(json) => onChange(path, json)} />
        );
  }

  // The union around it shows the label and the problems of this path.
  if (bare) return control;
  return (
    <div data-field={problemKey(path)}>
      <div className={props.itemLabel ? 'sr-only' : 'mb-1 flex items-baseline justify-between gap-2'}>
        <label htmlFor={id} className="text-sm font-medium text-slate-800">
          {label}
          {/* An item's name is read out alone ("Unit 1"): the list says whether items are needed. */}
          {required && kind !== 'list' && !props.itemLabel && <span className="ml-0.5 text-red-500">*</span>}
        </label>
      </div>
      {description && kind !== 'template' && <p className="mb-1.5 text-xs text-slate-500">{description}</p>}
      {control}
      <Messages messages={messages} />
    </div>
  );
}

function Messages({ messages }: { messages: readonly string[] }) {
  if (messages.length === 0) return null;
  return (
    <ul className="mt-1 flex flex-col gap-0.5" role="alert">
      {messages.map((message) => (
        <li key={message} className="text-xs text-red-600">
          {message}
        </li>
      ))}
    </ul>
  );
}

/** "The value, e.g. {{ input.email }}" → "{{ input.email }}" as a placeholder. */
function placeholderFrom(description: string | undefined): string | undefined {
  const example = description?.match(/e\.g\.\s*(.+)$/)?.[1];
  return example ?? description;
}

function NumberInput({
  id,
  value,
  integer,
  invalid,
  onChange,
}: {
  id: string;
  value: number | undefined;
  integer: boolean;
  invalid: boolean;
  onChange: (value: number | undefined) => void;
}) {
  const [text, setText] = useState(value === undefined ? '' : String(value));
  useEffect(() => {
    setText((current) =>
      Number(current) === value && current !== '' ? current : value === undefined ? '' : String(value),
    );
  }, [value]);
  return (
    <input
      id={id}
      type="number"
      inputMode={integer ? 'numeric' : 'decimal'}
      step={integer ? 1 : 'any'}
      className={inputClass(invalid)}
      value={text}
      onChange={(event) => {
        setText(event.target.value);
        const number = event.target.value === '' ? undefined : Number(event.target.value);
        onChange(number === undefined || Number.isNaN(number) ? undefined : number);
      }}
    />
  );
}

/**
 * One of several shapes (anyOf / oneOf): a picker of the variant, then that variant's fields at the
 * same path. A discriminated union's tag is set by the picker, not shown as a field; switching
 * keeps the fields both variants have.
 */
function UnionField(props: FieldProps & { id: string; label: string }) {
  const { root, schema, path, value, onChange, problems, id, label } = props;
  const variants = unionVariants(schema, root);
  const current = variantIndex(value, variants, root);
  const chosen = variants[current];
  const tag = chosen
    ? discriminatorOf(
        variants.map((variant) => variant.schema),
        root,
      )
    : undefined;
  const pick = (index: number) => {
    const target = variants[index];
    if (target && index !== current) onChange(path, switchVariant(value, target, root));
  };
  return (
    <div className="flex flex-col gap-2.5">
      {variants.length <= 4 ? (
        <fieldset id={id} className="inline-flex self-start rounded-md bg-slate-100 p-0.5">
          <legend className="sr-only">{`${label}: kind`}</legend>
          {variants.map((variant, index) => (
            <label
              key={variant.label}
              className={`cursor-pointer rounded px-2.5 py-1 text-xs font-medium has-focus-visible:ring-2 has-focus-visible:ring-accent-500 ${index === current ? 'bg-white text-slate-900 shadow-sm ring-1 ring-slate-200' : 'text-slate-600 hover:text-slate-900'}`}
            >
              <input
                type="radio"
                name={`${id}-kind`}
                className="sr-only"
                checked={index === current}
                onChange={() => pick(index)}
              />
              {variant.label}
            </label>
          ))}
        </fieldset>
      ) : (
        <select
          id={id}
          aria-label={`${label}: kind`}
          className={inputClass(false)}
          value={current}
          onChange={(event) => pick(Number(event.target.value))}
        >
          {current < 0 && <option value={-1}>Choose…</option>}
          {variants.map((variant, index) => (
            <option key={variant.label} value={index}>
              {variant.label}
            </option>
          ))}
        </select>
      )}
      {chosen &&
        (chosen.schema.type === 'object' ? (
          properties(chosen.schema).some(([key]) => key !== tag) && (
            <div className="flex flex-col gap-3 rounded-md border border-slate-200 p-3">
              <ObjectFields
                root={root}
                schema={chosen.schema}
                path={path}
                value={value}
                onChange={onChange}
                problems={problems}
                omit={tag}
              />
            </div>
          )
        ) : (
          <Field
            root={root}
            schema={chosen.schema}
            path={path}
            value={value}
            onChange={onChange}
            problems={problems}
            required
            bare
          />
        ))}
    </div>
  );
}

/** "rules" → "rule", "cases" → "case", "fields" → "field". */
function singular(label: string): string {
  const lower = label.toLowerCase();
  return lower.endsWith('ies') ? `${lower.slice(0, -3)}y` : lower.endsWith('s') ? lower.slice(0, -1) : lower;
}

function ListField(props: FieldProps & { label: string }) {
  const { root, schema, path, value, onChange, problems, label } = props;
  // Unset, a list is its default (an Aggregate's count, a difference in days): shown as in effect.
  const items = Array.isArray(value) ? value : Array.isArray(schema.default) ? schema.default : [];
  const itemSchema = resolve((schema.items ?? {}) as JsonSchema, root);
  const itemKind = fieldKind(itemSchema, root);
  const noun = singular(label);
  const max = typeof schema.maxItems === 'number' ? schema.maxItems : Number.POSITIVE_INFINITY;
  const min = typeof schema.minItems === 'number' ? schema.minItems : 0;
  const move = (from: number, to: number) => {
    const next = [...items];
    const [moved] = next.splice(from, 1);
    next.splice(to, 0, moved);
    onChange(path, next);
  };
  return (
    <div className="flex flex-col gap-2">
      {items.length === 0 && <p className="text-xs text-slate-400">No {noun}s yet.</p>}
      {items.map((item, index) => (
        // biome-ignore lint/suspicious/noArrayIndexKey: items have no identity of their own; position is what the config means
        <div key={index} className="rounded-md border border-slate-200 bg-slate-50/60">
          <div className="flex items-center justify-between border-b border-slate-200 px-2.5 py-1">
            <span className="text-xs font-medium text-slate-500">
              {noun.charAt(0).toUpperCase() + noun.slice(1)} {index + 1}
            </span>
            <div className="flex items-center">
              <IconButton
                size="sm"
                label={`Move ${noun} ${index + 1} up`}
                disabled={index === 0}
                onClick={() => move(index, index - 1)}
              >
                <ArrowUp className="size-3.5" />
              </IconButton>
              <IconButton
                size="sm"
                label={`Move ${noun} ${index + 1} down`}
                disabled={index === items.length - 1}
                onClick={() => move(index, index + 1)}
              >
                <ArrowDown className="size-3.5" />
              </IconButton>
              <IconButton
                size="sm"
                label={`Remove ${noun} ${index + 1}`}
                disabled={items.length <= min}
                onClick={() =>
                  onChange(
                    path,
                    items.filter((_, position) => position !== index),
                  )
                }
              >
                <Trash2 className="size-3.5" />
              </IconButton>
            </div>
          </div>
          <div className="flex flex-col gap-3 p-2.5">
            {itemKind === 'object' ? (
              <ObjectFields
                root={root}
                schema={itemSchema}
                path={[...path, index]}
                value={item}
                onChange={onChange}
                problems={problems}
              />
            ) : (
              <Field
                root={root}
                schema={itemSchema}
                path={[...path, index]}
                value={item}
                onChange={onChange}
                problems={problems}
                required
                itemLabel={`${noun.charAt(0).toUpperCase() + noun.slice(1)} ${index + 1}`}
              />
            )}
          </div>
        </div>
      ))}
      {items.length < max && (
        <button
          type="button"
          onClick={() => onChange(path, [...items, initialValue(itemSchema, root)])}
          className="inline-flex items-center gap-1.5 self-start rounded-md px-2 py-1 text-xs font-medium text-accent-700 hover:bg-accent-50"
        >
          <Plus className="size-3.5" aria-hidden />
          Add {noun}
        </button>
      )}
    </div>
  );
}

/** Free keys (headers, query parameters): rows of name and value, the value an expression field. */
function MapField(props: FieldProps & { label: string }) {
  const { root, schema, path, value, onChange, problems, label } = props;
  const object = (value && typeof value === 'object' && !Array.isArray(value) ? value : {}) as Record<string, unknown>;
  // Rows are local so a half-typed or momentarily duplicate name does not lose a row.
  const [rows, setRows] = useState<Array<[string, unknown]>>(() => Object.entries(object));
  const serialized = JSON.stringify(object);
  useEffect(() => {
    setRows((current) =>
      JSON.stringify(asObject(current)) === serialized ? current : Object.entries(JSON.parse(serialized)),
    );
  }, [serialized]);
  const valueSchema = resolve((schema.additionalProperties ?? {}) as JsonSchema, root);
  const update = (next: Array<[string, unknown]>) => {
    setRows(next);
    onChange(path, asObject(next));
  };
  const noun = singular(label);
  return (
    <div className="flex flex-col gap-2">
      {rows.map(([name, entry], index) => (
        // biome-ignore lint/suspicious/noArrayIndexKey: a row's name is being edited, so it cannot be the key
        <div key={index} className="flex items-start gap-2">
          <input
            aria-label={`${label} name ${index + 1}`}
            placeholder="Name"
            className={`${inputClass(false)} max-w-[40%] font-mono`}
            value={name}
            onChange={(event) =>
              update(rows.map((row, position) => (position === index ? [event.target.value, row[1]] : row)))
            }
          />
          <div className="min-w-0 flex-1">
            {fieldKind(valueSchema, root) === 'template' ? (
              <ExpressionField
                label={`${label} value ${index + 1}`}
                value={typeof entry === 'string' ? entry : ''}
                onChange={(text) => update(rows.map((row, position) => (position === index ? [row[0], text] : row)))}
                invalid={(problems.get(problemKey([...path, name])) ?? []).length > 0}
              />
            ) : (
              <JsonField
                value={entry}
                invalid={false}
                onChange={(json) => update(rows.map((row, position) => (position === index ? [row[0], json] : row)))}
              />
            )}
          </div>
          <IconButton
            size="sm"
            label={`Remove ${noun} ${index + 1}`}
            onClick={() => update(rows.filter((_, position) => position !== index))}
          >
            <Trash2 className="size-3.5" />
          </IconButton>
        </div>
      ))}
      <button
        type="button"
        onClick={() => setRows([...rows, ['', initialValue(valueSchema, root)]])}
        className="inline-flex items-center gap-1.5 self-start rounded-md px-2 py-1 text-xs font-medium text-accent-700 hover:bg-accent-50"
      >
        <Plus className="size-3.5" aria-hidden />
        Add {noun}
      </button>
    </div>
  );
}

const asObject = (list: Array<[string, unknown]>) =>
  Object.fromEntries(list.filter(([name]) => name !== '')) as Record<string, unknown>;

/** Any JSON (an HTTP body): edited as text, passed on once it parses. */
function JsonField({
  id,
  value,
  invalid,
  onChange,
}: {
  id?: string;
  value: unknown;
  invalid: boolean;
  onChange: (value: unknown) => void;
}) {
  const [text, setText] = useState(() => (value === undefined ? '' : JSON.stringify(value, null, 2)));
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    setText((current) => {
      try {
        if (current.trim() !== '' && JSON.stringify(JSON.parse(current)) === JSON.stringify(value)) return current;
      } catch {
        return current;
      }
      return value === undefined ? '' : JSON.stringify(value, null, 2);
    });
  }, [value]);
  return (
    <div>
      <textarea
        id={id}
        spellCheck={false}
        rows={4}
        className={`block w-full rounded-md border-0 bg-white px-2.5 py-1.5 font-mono text-xs text-slate-900 ring-1 ring-inset focus:ring-2 focus:ring-accent-500 focus:outline-none ${invalid || error ? 'ring-red-400' : 'ring-slate-300'}`}
        placeholder='{ "id": "{{ input.id }}" }'
        value={text}
        onChange={(event) => {
          setText(event.target.value);
          if (event.target.value.trim() === '') {
            setError(null);
            onChange(undefined);
            return;
          }
          try {
            onChange(JSON.parse(event.target.value));
            setError(null);
          } catch {
            setError('Not valid JSON yet');
          }
        }}
      />
      {error && <p className="mt-1 text-xs text-amber-700">{error}</p>}
    </div>
  );
}
