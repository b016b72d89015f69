import { describe, expect, it } from 'vitest';
import { findNodeType } from '../nodes/catalogue.ts';
import { findCredentialType } from '../nodes/credentials/catalogue.ts';
import { templateStrings } from '../nodes/template.ts';
import { configJsonSchema } from '../server/core/config-schema.ts';
import { expressionIssue } from '../server/core/graph/expressions.ts';
import type { GraphNode, Problem } from '../server/core/graph/model.ts';
import { nodeSettingsOf } from '../server/core/graph/settings.ts';
import { validateGraph } from '../server/core/validate.ts';
import { templates } from './catalogue.ts';
import { TEMPLATE_CATEGORIES, type Template } from './define.ts';
import { PENDING_CREDENTIAL_TYPES, PENDING_NODE_TYPES } from './testing/pending.ts';

/*
 * Every bundled template is a graph a user gets as a new workflow's draft: it must be one that
 * "Save version" accepts as soon as the user picks the credentials it names, and nothing else.
 * So each one goes through the validation a saved version goes through (validateGraph: shape,
 * node types, configs, ports, loops, `steps.X` references, expressions), and every credential field
 * must be empty and named by the template, so the gallery can say what to prepare.
 *
 * Templates using a node type another part of issue 17 is still building (templates/testing/
 * pending.ts) say so in their test's name; their other nodes are checked as usual, and the pending
 * nodes' configs by the agreed shape, their expressions parsed and their `steps.X` checked.
 */

const pendingTypesOf = (template: Template) =>
  [...new Set(template.graph.nodes.map((node) => node.type))].filter((type) => !findNodeType(type)).sort();

const titleOf = (template: Template) => {
  const pending = pendingTypesOf(template);
  return pending.length === 0 ? template.slug : `${template.slug} (waits for ${pending.join(', ')}: not merged yet)`;
};

interface CredentialField {
  readonly field: string;
  readonly types: readonly string[];
  readonly required: boolean;
}

/** The config fields of a node's type that hold a credential id (`format: 'credential'`). */
function credentialFieldsOf(node: GraphNode): CredentialField[] {
  const definition = findNodeType(node.type);
  if (!definition) {
    const takes = Object.entries(PENDING_CREDENTIAL_TYPES).filter(([, pending]) =>
      pending.nodeTypes.includes(node.type),
    );
    return takes.map(([type]) => ({ field: 'credentialId', types: [type], required: true }));
  }
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

describe('the bundled templates', () => {
  it('are at least twelve, each with its own slug and title', () => {
    expect(templates.length).toBeGreaterThanOrEqual(12);
    expect(new Set(templates.map((template) => template.slug)).size).toBe(templates.length);
    expect(new Set(templates.map((template) => template.title)).size).toBe(templates.length);
  });

  it('cover every trigger, loops, list nodes, error paths, approvals, HTTP, email and CSV', () => {
    const nodes = templates.flatMap((template) => template.graph.nodes);
    const types = new Set(nodes.map((node) => node.type));
    for (const type of [
      'trigger.manual',
      'trigger.schedule',
      'trigger.webhook',
      'trigger.error',
      'flow.loop',
      'transform.filter',
      'transform.sort',
      'transform.aggregate',
      'transform.dedupe',
      'flow.stop',
      'action.http',
      'action.email',
      'transform.csvParse',
    ]) {
      expect(types, type).toContain(type);
    }
    expect(nodes.some((node) => nodeSettingsOf(node).onError === 'error-port')).toBe(true);
    expect(nodes.some((node) => node.type === 'flow.wait' && node.config.mode === 'approval')).toBe(true);
    expect(nodes.some((node) => node.type === 'trigger.schedule' && node.config.timezone !== 'UTC')).toBe(true);
    // The acceptance journey's template: a CSV from a webhook, a loop over its rows, an email.
    const csv = templates.find((template) => template.slug === 'csv-upload-summary');
    expect(csv?.graph.nodes.map((node) => node.type)).toEqual(
      expect.arrayContaining(['trigger.webhook', 'transform.csvParse', 'flow.loop', 'action.email']),
    );
  });

  it('fill every category of the gallery', () => {
    expect(new Set(templates.map((template) => template.category))).toEqual(new Set(TEMPLATE_CATEGORIES));
  });

  describe.each(templates.map((template) => [titleOf(template), template] as const))('%s', (_, template) => {
    const pending = pendingTypesOf(template);

    it('passes the validation a saved version passes, but for the credentials it names', () => {
      expect(pending.filter((type) => !(type in PENDING_NODE_TYPES))).toEqual([]);
      const problems = validateGraph(template.graph).filter(
        (problem) =>
          !isNamedCredential(template, problem) &&
          !(problem.code === 'unknown_node_type' && pending.includes(nodeType(template, problem.nodeId))),
      );
      expect(problems).toEqual([]);
    });

    it('has the agreed config and expressions that parse, on nodes of pending types', () => {
      // Their `steps.X` are checked by validateGraph above, as on any node; their fields' formats are not.
      for (const node of template.graph.nodes.filter((each) => pending.includes(each.type))) {
        const parsed = PENDING_NODE_TYPES[node.type]?.config.safeParse(node.config);
        expect(parsed?.error?.issues ?? [], `${node.name}'s config`).toEqual([]);
        for (const [field, text] of templateStrings(node.config, 'config')) {
          expect(expressionIssue(text), `${node.name} ${field}`).toBeUndefined();
        }
      }
    });

    it('leaves every credential field empty and names each one the workflow needs', () => {
      for (const node of template.graph.nodes) {
        for (const field of credentialFieldsOf(node)) {
          expect(node.config[field.field], `${node.name}.${field.field} must be left for the user`).toBeUndefined();
          const named = template.credentials.find(
            (credential) => credential.node === node.id && credential.field === field.field,
          );
          if (field.required) expect(named, `${node.name}.${field.field} is required`).toBeDefined();
          if (named) {
            expect(field.types, `${node.name}.${field.field}`).toEqual(expect.arrayContaining(named.types));
            expect(named.optional, `${node.name}.${field.field}`).toBe(!field.required);
          }
        }
      }
      for (const credential of template.credentials) {
        const node = template.graph.nodes.find((each) => each.id === credential.node) as GraphNode;
        expect(
          credentialFieldsOf(node).map((field) => field.field),
          `${credential.node}.${credential.field}`,
        ).toContain(credential.field);
        for (const type of credential.types) {
          expect(findCredentialType(type) !== undefined || type in PENDING_CREDENTIAL_TYPES, type).toBe(true);
        }
      }
    });

    it('has a graph drawn left to right from its trigger, with names as the canvas shows them', () => {
      const trigger = template.graph.nodes[0] as GraphNode;
      expect(trigger.type.startsWith('trigger.')).toBe(true);
      const topLevel = template.graph.nodes.filter((node) => node.parentId === undefined);
      expect(topLevel.every((node) => node.position.x >= trigger.position.x)).toBe(true);
      for (const node of template.graph.nodes) expect(node.name.length, node.name).toBeLessThanOrEqual(24);
    });
  });
});

function nodeType(template: Template, nodeId: string | undefined): string {
  return template.graph.nodes.find((node) => node.id === nodeId)?.type ?? '';
}
