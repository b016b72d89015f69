import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { KIND_ACCENTS } from './appearance.ts';
import { defineNode } from './define.ts';
import { NO_RETRY } from './retry.ts';

const base = {
  type: 'test.echo',
  kind: 'transform',
  title: 'Echo',
  description: 'Passes its input on.',
  icon: 'repeat',
  config: z.strictObject({ label: z.string().default('x') }),
  async execute({ input }: { input: unknown }) {
    return { output: input };
  },
} as const;

describe('defineNode', () => {
  it('fills one "main" output, a single input and no retries by default', () => {
    const definition = defineNode(base);
    expect(definition.outputs).toEqual(['main']);
    expect(definition.acceptsManyInputs).toBe(false);
    expect(definition.retry).toEqual(NO_RETRY);
  });

  it('keeps what the spec declares and merges a partial retry policy over NO_RETRY', () => {
    const definition = defineNode({ ...base, outputs: ['a', 'b'], acceptsManyInputs: true, retry: { maxAttempts: 3 } });
    expect(definition.outputs).toEqual(['a', 'b']);
    expect(definition.acceptsManyInputs).toBe(true);
    expect(definition.retry).toEqual({ ...NO_RETRY, maxAttempts: 3 });
    expect(NO_RETRY.maxAttempts).toBe(1);
  });

  it('fills what the editor shows: no docs, the kind’s accent, version 1, no affordances', () => {
    const definition = defineNode(base);
    expect(definition).toMatchObject({ docs: '', accent: KIND_ACCENTS.transform, version: 1, affordances: [] });
    const declared = defineNode({
      ...base,
      docs: 'More.',
      accent: '#123456',
      version: 3,
      affordances: ['webhook-url'],
      icon: { svg: '<svg xmlns="http://www.w3.org/2000/svg"/>' },
    });
    expect(declared).toMatchObject({
      docs: 'More.',
      accent: '#123456',
      version: 3,
      affordances: ['webhook-url'],
      icon: { svg: '<svg xmlns="http://www.w3.org/2000/svg"/>' },
    });
  });

  it('keeps the spec’s own fields and execute', async () => {
    const definition = defineNode(base);
    expect(definition).toMatchObject({ type: 'test.echo', kind: 'transform', title: 'Echo', icon: 'repeat' });
    expect(definition.config).toBe(base.config);
    expect(definition.execute).toBe(base.execute);
  });
});
