import { enumLabel, type JsonSchema, labelFor, properties, resolve, singular } from './json-schema.ts';
import type { ConfigIssue } from './node-type.ts';

/**
 * Config issues in the words a person would use ("URL is required", "Timeout (ms) must be at most
 * 300000"), never zod's ("Too small: expected string to have >=1 characters") or a config path.
 * One place for both sides: the server words zod's issues here, the editor the issues of its JSON
 * Schema check (schema-check.ts), which speaks zod's vocabulary so the sentences come out the same.
 */

/** What the form calls the field at `path` inside a config: "URL", "Value of field 2", "Rule 1". */
export function fieldLabel(root: JsonSchema, path: readonly PropertyKey[]): string | undefined {
  let schema = root;
  let label: string | undefined;
  let item: { noun: string; index: number } | undefined;
  let itemLabel: string | undefined;
  for (const part of path) {
    schema = resolve(schema, root);
    if (typeof part === 'number' || (schema.type === 'array' && /^\d+$/.test(String(part)))) {
      item = { noun: singular(label ?? 'item'), index: Number(part) };
      itemLabel = undefined;
      schema = (schema.items ?? {}) as JsonSchema;
      label = `${capitalized(item.noun)} ${item.index + 1}`;
      continue;
    }
    const key = String(part);
    const named = properties(schema).find(([name]) => name === key)?.[1];
    if (named) {
      schema = named;
      label = labelFor(key, resolve(named, root));
    } else if (schema.additionalProperties && typeof schema.additionalProperties === 'object') {
      schema = schema.additionalProperties as JsonSchema;
      label = `${capitalized(singular(label ?? 'entry'))} "${key}"`;
    } else if (schema.type === 'object' || properties(schema).length > 0) {
      schema = {};
      label = labelFor(key);
    } else {
      break; // inside free JSON (an HTTP body): the field is the one the form shows
    }
    if (item) itemLabel = label;
  }
  if (item && itemLabel) return `${itemLabel} of ${item.noun} ${item.index + 1}`;
  return label;
}

const capitalized = (text: string) => text.charAt(0).toUpperCase() + text.slice(1);

/** Words that make a message a predicate ("must be …"), so it follows the label without a colon. */
const PREDICATE = /^(is|are|must|needs?|can|cannot|should|has|have|may|does|do|never|starts?|stops?)\b/;

/** "URL" + "is required" → "URL is required"; "Cron" + "the expression never fires" → "Cron: the …". */
export function withLabel(label: string | undefined, words: string): string {
  if (!label) return capitalized(words);
  return PREDICATE.test(words) ? `${label} ${words}` : `${label}: ${words}`;
}

/** zod's own wording, which is replaced; a node author's message (`.regex(re, 'must be …')`) is kept. */
const ZOD_WORDING = /^(Invalid|Too small|Too big|Unrecognized key)/;

const TYPE_WORDS: Record<string, string> = {
  string: 'must be text',
  number: 'must be a number',
  int: 'must be a whole number',
  integer: 'must be a whole number',
  boolean: 'must be yes or no',
  array: 'must be a list',
  object: 'must be a group of settings',
};

function valueAt(value: unknown, path: readonly PropertyKey[]): unknown {
  let current = value;
  for (const part of path) {
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<PropertyKey, unknown>)[part as string];
  }
  return current;
}

const count = (amount: unknown, noun: string) =>
  Number(amount) === 1 ? `one ${noun}` : `${String(amount)} ${noun.endsWith('s') ? noun : `${noun}s`}`;

/** One issue as the words after the field's label: "is required", "must be at least 100". */
export function issueWords(issue: ConfigIssue, config: unknown, schema: JsonSchema | undefined): string {
  const value = valueAt(config, issue.path);
  const authored = !ZOD_WORDING.test(issue.message);
  switch (issue.code) {
    case 'invalid_type':
      if (value === undefined || value === null) return 'is required';
      return TYPE_WORDS[String(issue.expected)] ?? `must be ${String(issue.expected)}`;
    case 'too_small': {
      if (authored) return issue.message;
      if (issue.origin === 'string')
        return value === '' ? 'is required' : `needs at least ${count(issue.minimum, 'character')}`;
      if (issue.origin === 'array' || issue.origin === 'set') {
        const noun = schema ? singular(fieldLabel(schema, issue.path) ?? 'item') : 'item';
        return `needs at least ${count(issue.minimum, noun)}`;
      }
      return issue.inclusive === false
        ? `must be more than ${String(issue.minimum)}`
        : `must be at least ${String(issue.minimum)}`;
    }
    case 'too_big': {
      if (authored) return issue.message;
      if (issue.origin === 'string') return `can be at most ${count(issue.maximum, 'character')} long`;
      if (issue.origin === 'array' || issue.origin === 'set') return `can have at most ${count(issue.maximum, 'item')}`;
      return issue.inclusive === false
        ? `must be less than ${String(issue.maximum)}`
        : `must be at most ${String(issue.maximum)}`;
    }
    case 'invalid_value': {
      if (authored) return issue.message;
      const values = (issue.values ?? []).map((option) => enumLabel(String(option)));
      return values.length === 1 ? `must be ${values[0]}` : `must be one of ${values.join(', ')}`;
    }
    case 'invalid_format':
      if (authored) return issue.message;
      if (issue.format === 'url' || issue.format === 'uri') return 'must be a full address such as https://example.com';
      return 'is not written the way it should be';
    case 'unrecognized_keys': {
      const keys = (issue.keys ?? []).map((key) => `"${key}"`).join(', ');
      return `${keys} ${(issue.keys ?? []).length === 1 ? 'is not a setting' : 'are not settings'} of this node`;
    }
    case 'invalid_key': {
      const inner = issue.issues?.find((found) => !ZOD_WORDING.test(found.message));
      return inner ? inner.message : 'is not a name this field accepts';
    }
    case 'invalid_union':
      return authored ? issue.message : 'does not match any of the forms it may take';
    default:
      return issue.message;
  }
}

/** A field's issues, worded: when a field is simply missing, that is all it says. */
export interface WordedIssue {
  readonly path: readonly PropertyKey[];
  readonly message: string;
}

export function wordIssues(
  issues: readonly ConfigIssue[],
  config: unknown,
  schema: JsonSchema | undefined,
): WordedIssue[] {
  const worded = issues.map((issue) => ({
    path: issue.path,
    words: issueWords(issue, config, schema),
  }));
  const missing = new Set(worded.filter((issue) => issue.words === 'is required').map((issue) => key(issue.path)));
  const seen = new Set<string>();
  const result: WordedIssue[] = [];
  for (const issue of worded) {
    const field = key(issue.path);
    if (missing.has(field) && issue.words !== 'is required') continue;
    const message = withLabel(schema ? fieldLabel(schema, issue.path) : labelOfPath(issue.path), issue.words);
    if (seen.has(`${field}\u0000${message}`)) continue;
    seen.add(`${field}\u0000${message}`);
    result.push({ path: issue.path, message });
  }
  return result;
}

const key = (path: readonly PropertyKey[]) => path.map(String).join('.');

/** Without a schema: the last named key, humanized. */
function labelOfPath(path: readonly PropertyKey[]): string | undefined {
  const last = [...path].reverse().find((part) => typeof part === 'string');
  return typeof last === 'string' ? labelFor(last) : undefined;
}
