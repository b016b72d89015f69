import { fieldLabel, withLabel, wordIssues } from './config-words.ts';
import { expressionFields } from './expression-fields.ts';
import { expressionIssue } from './expressions.ts';
import type { JsonSchema } from './json-schema.ts';
import type { GraphNode, Problem } from './model.ts';
import type { ConfigIssue, GraphNodeType } from './node-type.ts';

/** Dot path of a config issue, e.g. `config.rules.0.right`. */
export const configField = (path: readonly PropertyKey[]) => ['config', ...path.map(String)].join('.');

/**
 * What is wrong with one node's config, in plain words naming the field as the form labels it:
 * its config check's issues (`issues`) and each `{{ }}` that is not one JavaScript expression.
 * Kept per config object and type, so the editor re-checks only the node an edit touched.
 */
export function configProblems(node: GraphNode, type: GraphNodeType, issues: readonly ConfigIssue[]): Problem[] {
  const byType = cache.get(node.config);
  const known = byType?.get(type);
  if (known && known.name === node.name && known.id === node.id && known.issues === issues.length)
    return known.problems;
  const problems = compute(node, type, issues);
  const entry = { name: node.name, id: node.id, issues: issues.length, problems };
  if (byType) byType.set(type, entry);
  else cache.set(node.config, new WeakMap([[type, entry]]));
  return problems;
}

const cache = new WeakMap<
  object,
  WeakMap<GraphNodeType, { name: string; id: string; issues: number; problems: Problem[] }>
>();

function compute(node: GraphNode, type: GraphNodeType, issues: readonly ConfigIssue[]): Problem[] {
  const schema = type.configSchema as JsonSchema | undefined;
  const expressions: Problem[] = [];
  if (schema) {
    for (const [path, text] of expressionFields(node.config, schema)) {
      const found = expressionIssue(text);
      if (!found) continue;
      expressions.push({
        code: 'invalid_expression',
        nodeId: node.id,
        field: configField(path),
        position: found.position,
        message: `${node.name}: ${withLabel(fieldLabel(schema, path), found.message)}`,
      });
    }
  }
  // A template's own syntax check (zod) says what the expression check says better: keep one.
  const covered = new Set(expressions.map((problem) => problem.field));
  const rest = issues.filter((issue) => !(issue.code === 'custom' && covered.has(configField(issue.path))));
  const worded = wordIssues(rest, node.config, schema).map(
    (issue): Problem => ({
      code: 'invalid_config',
      nodeId: node.id,
      field: configField(issue.path),
      message: `${node.name}: ${issue.message}`,
    }),
  );
  return [...worded, ...expressions];
}
