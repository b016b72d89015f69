import { describe, expect, it } from 'vitest';
import { catalogue } from '../../../nodes/catalogue.ts';
import { configJsonSchema } from '../config-schema.ts';
import { wordIssues } from './config-words.ts';
import type { JsonSchema } from './json-schema.ts';
import { checkSchema } from './schema-check.ts';

const schemaOf = (type: string): JsonSchema => {
  const definition = catalogue.find((candidate) => candidate.type === type);
  if (!definition) throw new Error(type);
  return configJsonSchema(definition);
};

/** What the editor says about a config, from the JSON Schema alone, field by field. */
const said = (type: string, config: unknown) =>
  wordIssues(checkSchema(config, schemaOf(type)), config, schemaOf(type)).map((issue) => [
    issue.path.join('.'),
    issue.message,
  ]);

/** What the server says about the same config, from the node's zod schema. */
const serverSaid = (type: string, config: unknown) => {
  const definition = catalogue.find((candidate) => candidate.type === type);
  const parsed = definition?.config.safeParse(config);
  return wordIssues(parsed?.error?.issues ?? [], config, schemaOf(type)).map((issue) => [
    issue.path.join('.'),
    issue.message,
  ]);
};

describe('checkSchema: the JSON Schema subset of the node catalogue, in plain words', () => {
  it('accepts every config the catalogue’s own defaults and examples make valid', () => {
    expect(said('action.http', { url: 'https://example.com/a', method: 'POST', body: { a: [1, null] } })).toEqual([]);
    expect(said('condition.if', { rules: [{ left: '{{ input.a }}', operator: 'equals', right: '1' }] })).toEqual([]);
    expect(said('transform.set', { fields: [{ path: 'customer.email', value: 'x' }] })).toEqual([]);
    expect(said('trigger.webhook', { path: 'orders/new', timeoutMs: 5000 })).toEqual([]);
    expect(said('flow.delay', { amount: 5, unit: 'hours' })).toEqual([]);
  });

  it('says a required field is required, and only that', () => {
    expect(said('action.http', { url: '' })).toEqual([['url', 'URL is required']]);
    expect(said('action.http', {})).toEqual([['url', 'URL is required']]);
    expect(said('trigger.webhook', { path: '' })).toEqual([['path', 'Path is required']]);
    expect(said('condition.if', { rules: [{ left: '', operator: 'equals' }] })).toEqual([
      ['rules.0.left', 'Left of rule 1 is required'],
    ]);
  });

  it('uses the node author’s words for patterns, and labels list items by their place', () => {
    expect(said('action.http', { url: 'ftp://files' })).toEqual([['url', 'URL must start with http:// or https://']]);
    expect(said('trigger.webhook', { path: '/orders' })).toEqual([
      ['path', 'Path must be a URL path such as orders/new'],
    ]);
    expect(
      said('transform.set', {
        fields: [
          { path: 'a', value: '' },
          { path: 'a..b', value: '' },
        ],
      }),
    ).toEqual([['fields.1.path', 'Path of field 2 must be a dot path such as customer.email (no empty segments)']]);
    expect(said('action.http', { url: 'https://a.test', headers: { 'bad name': 'x' } })).toEqual([
      ['headers.bad name', 'Header "bad name": not a valid HTTP header name'],
    ]);
  });

  it('words numbers, whole numbers, lists, options and unknown keys', () => {
    expect(said('action.http', { url: 'https://a.test', timeoutMs: 50 })).toEqual([
      ['timeoutMs', 'Timeout (ms) must be at least 100'],
    ]);
    expect(said('action.http', { url: 'https://a.test', timeoutMs: 400_000 })).toEqual([
      ['timeoutMs', 'Timeout (ms) must be at most 300000'],
    ]);
    expect(said('flow.delay', { amount: 1.5 })).toEqual([['amount', 'Amount must be a whole number']]);
    expect(said('condition.if', { rules: [] })).toEqual([['rules', 'Rules needs at least one rule']]);
    expect(said('action.http', { url: 'https://a.test', method: 'FETCH' })).toEqual([
      ['method', 'Method must be one of GET, POST, PUT, PATCH, DELETE, HEAD'],
    ]);
    expect(said('flow.merge', { mode: 'list', extra: 1 })).toEqual([['', '"extra" is not a setting of this node']]);
  });

  it('says what the server says, for what JSON Schema can say', () => {
    const configs: Array<[string, unknown]> = [
      ['action.http', { url: '' }],
      ['action.http', { url: 'ftp://files' }],
      ['action.http', { url: 'https://a.test', timeoutMs: 50, method: 'FETCH' }],
      ['trigger.webhook', { path: '/orders' }],
      ['transform.set', { fields: [{ path: 'a..b', value: '' }] }],
      ['condition.if', { rules: [] }],
      ['flow.delay', { amount: 0 }],
      ['transform.script', { code: '' }],
    ];
    // The same sentences per field; the order the two checks find them in does not matter.
    for (const [type, config] of configs)
      expect(said(type, config).sort(), type).toEqual(serverSaid(type, config).sort());
  });

  it('never speaks zod, nor names a config path', () => {
    const messages = [
      ...said('action.http', { url: '', timeoutMs: 'x', method: 1 }),
      ...serverSaid('action.http', { url: '', timeoutMs: 'x', method: 1 }),
      ...serverSaid('trigger.schedule', { cron: '' }),
    ].map(([, message]) => message);
    expect(messages.length).toBeGreaterThan(3);
    for (const message of messages) expect(message).not.toMatch(/Too small|Too big|Invalid|expected|config\./);
  });
});
