import { describe, expect, it } from 'vitest';
import { NonRetryableError } from '../errors.ts';
import { issuePaths, testContext } from '../testing/context.ts';
import manualTrigger, { payloadSchema } from './manual.node.ts';

const run = (config: unknown, input: unknown) =>
  manualTrigger.execute({ config: manualTrigger.config.parse(config), input, ctx: testContext() });

const orderFields = {
  fields: [
    { name: 'orderId', type: 'string' },
    { name: 'total', type: 'number' },
    { name: 'note', type: 'string', required: false },
  ],
};

describe('manual trigger config', () => {
  it('defaults to no fields, and each field to a required "any"', () => {
    expect(manualTrigger.config.parse({})).toEqual({ fields: [] });
    expect(manualTrigger.config.parse({ fields: [{ name: 'x' }] })).toEqual({
      fields: [{ name: 'x', type: 'any', required: true }],
    });
  });

  it('refuses a field name listed twice, naming the second', () => {
    expect(issuePaths(manualTrigger.config, { fields: [{ name: 'a' }, { name: 'b' }, { name: 'a' }] })).toEqual([
      ['fields', 2, 'name'],
    ]);
  });

  it('refuses unknown field types and empty names', () => {
    expect(issuePaths(manualTrigger.config, { fields: [{ name: 'a', type: 'date' }] })).toEqual([
      ['fields', 0, 'type'],
    ]);
    expect(issuePaths(manualTrigger.config, { fields: [{ name: '' }] })).toEqual([['fields', 0, 'name']]);
  });

  it('refuses field names that would reach the prototype', () => {
    for (const name of ['__proto__', 'prototype', 'constructor']) {
      expect(issuePaths(manualTrigger.config, { fields: [{ name }] }), name).toEqual([['fields', 0, 'name']]);
    }
  });

  it('is a trigger', () => {
    expect(manualTrigger.kind).toBe('trigger');
  });
});

describe('manual trigger execute', () => {
  it('passes any payload on unchanged when no fields are declared', async () => {
    const payload = { anything: [1, 2] };
    expect((await run({}, payload)).output).toBe(payload);
    expect((await run({}, undefined)).output).toBeUndefined();
  });

  it('passes a payload that matches the fields, keeping extra fields', async () => {
    const payload = { orderId: 'A-1', total: 12.5, source: 'api' };
    expect((await run(orderFields, payload)).output).toEqual(payload);
  });

  it('refuses a payload missing a required field as non-retryable', async () => {
    const attempt = run(orderFields, { orderId: 'A-1' });
    await expect(attempt).rejects.toBeInstanceOf(NonRetryableError);
    await expect(attempt).rejects.toThrow(/total/);
  });

  it('refuses a field of the wrong type as non-retryable', async () => {
    const attempt = run(orderFields, { orderId: 'A-1', total: '12.5' });
    await expect(attempt).rejects.toBeInstanceOf(NonRetryableError);
    await expect(attempt).rejects.toThrow(/total/);
    await expect(run(orderFields, { orderId: 'A-1', total: 1, note: 5 })).rejects.toBeInstanceOf(NonRetryableError);
  });

  it('treats a missing payload as an empty object', async () => {
    await expect(run(orderFields, undefined)).rejects.toBeInstanceOf(NonRetryableError);
    expect((await run({ fields: [{ name: 'note', required: false }] }, undefined)).output).toEqual({});
  });

  it('refuses a payload that is not an object', async () => {
    await expect(run(orderFields, 'A-1')).rejects.toBeInstanceOf(NonRetryableError);
  });
});

describe('payloadSchema', () => {
  it('checks each field type', () => {
    const schema = payloadSchema(
      manualTrigger.config.parse({
        fields: [
          { name: 's', type: 'string' },
          { name: 'n', type: 'number' },
          { name: 'b', type: 'boolean' },
          { name: 'o', type: 'object' },
          { name: 'a', type: 'array' },
          { name: 'x', type: 'any' },
        ],
      }).fields,
    );
    const good = { s: 'x', n: 1, b: false, o: { k: 1 }, a: [1], x: null };
    expect(schema.safeParse(good).success).toBe(true);
    for (const [name, wrong] of [
      ['s', 1],
      ['n', '1'],
      ['b', 'false'],
      ['o', [1]],
      ['a', { 0: 1 }],
    ] as const) {
      expect(schema.safeParse({ ...good, [name]: wrong }).success, name).toBe(false);
    }
  });
});
