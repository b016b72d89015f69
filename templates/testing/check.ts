import { findNodeType } from '../../nodes/catalogue.ts';
import { findCredentialType } from '../../nodes/credentials/catalogue.ts';
import { configJsonSchema } from '../../server/core/config-schema.ts';
import type { GraphNode, Problem } from '../../server/core/graph/model.ts';
import { validateGraph } from '../../server/core/validate.ts';
import type { Template } from '../define.ts';

/**
 * Everything wrong with a template, in words naming the node and field; none means a user who
 * uses it gets a draft that "Save version" accepts once the credentials it names are picked.
 *
 * - its graph passes validateGraph, the validation a saved version passes (node types, configs,
 *   ports, loops, `steps.X` that run before, expressions), but for the credential fields it names;
 * - every credential field is empty (a template never holds a credential id), each required one is
 *   named, and each named one is a credential field of that node taking those types.
 */
export function templateProblems(template: Template): string[] {
  const found: string[] = [];
  for (const problem of validateGraph(template.graph)) {
    if (isNamedCredential(template, problem)) continue;
    found.push(`${problem.code}: ${problem.message}${problem.field ? ` (${problem.field})` : ''}`);
  }
  found.push(...credentialProblems(template));
  return found;
}

function credentialProblems(template: Template): string[] {
  const found: string[] = [];
  for (const node of template.graph.nodes) {
    for (const field of credentialFieldsOf(node)) {
      const where = `${node.name}: config.${field.field}`;
      if (node.config[field.field] !== undefined) found.push(`${where} holds a credential; leave it for the user`);
      const named = template.credentials.find(
        (credential) => credential.node === node.id && credential.field === field.field,
      );
      if (field.required && !named) found.push(`${where} is required: name it in the template's credentials`);
      if (!named) continue;
      const misfits = named.types.filter((type) => !field.types.includes(type));
      if (misfits.length > 0) found.push(`${where} takes ${field.types.join(', ')}, not ${misfits.join(', ')}`);
      if (named.optional === field.required) {
        found.push(`${where} is ${field.required ? 'required' : 'optional'}: say so (optional: ${!field.required})`);
      }
    }
  }
  for (const credential of template.credentials) {
    const node = template.graph.nodes.find((each) => each.id === credential.node) as GraphNode;
    if (!credentialFieldsOf(node).some((field) => field.field === credential.field)) {
      found.push(`${node.name}: config.${credential.field} is not a credential field of ${node.type}`);
    }
    for (const type of credential.types) {
      if (!findCredentialType(type)) {
        found.push(`${node.name}: no credential type "${type}"`);
      }
    }
  }
  return found;
}

interface CredentialField {
  readonly field: string;
  readonly types: readonly string[];
  readonly required: boolean;
}

/** The config fields of a node's type that hold a credential id (`format: 'credential'`). */
function credentialFieldsOf(node: GraphNode): CredentialField[] {
  const definition = findNodeType(node.type);
  // An unknown type is reported by validateGraph; it has no fields to check.
  if (!definition) return [];
  const schema = configJsonSchema(definition) as {
    properties?: Record<string, { format?: string; credentialTypes?: string[] }>;
    required?: string[];
  };
  return Object.entries(schema.properties ?? {})
    .filter(([, property]) => property.format === 'credential')
    .map(([field, property]) => ({
      field,
      types: property.credentialTypes ?? [],
      required: schema.required?.includes(field) ?? false,
    }));
}

/** A problem the user is meant to solve after using the template: an empty credential field it names. */
const isNamedCredential = (template: Template, problem: Problem) =>
  problem.code === 'invalid_config' &&
  template.credentials.some(
    (credential) => problem.nodeId === credential.node && problem.field === `config.${credential.field}`,
  );
