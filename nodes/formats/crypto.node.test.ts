import { describe, expect, it } from 'vitest';
import { answeringTemplates, issuePaths, testContext } from '../testing/context.ts';
import cryptoNode from './crypto.node.ts';

/** Runs the node with `{{ input.v }}` answering `value` (any JSON, as an expression gives it). */
async function run(config: Record<string, unknown>, value?: unknown, input: unknown = { id: 7 }) {
  const { evaluate } = answeringTemplates({ '{{ input.v }}': value });
  const { output } = await cryptoNode.execute({
    config: cryptoNode.config.parse({ value: '{{ input.v }}', ...config }),
    input,
    ctx: testContext({ evaluate }),
  });
  return output as Record<string, unknown>;
}

describe('crypto config', () => {
  it('hashes with SHA-256 in hex by default', () => {
    expect(cryptoNode.config.parse({ value: 'x' })).toEqual({
      operation: 'hash',
      value: 'x',
      algorithm: 'sha256',
      encoding: 'hex',
    });
  });

  it('needs a value to hash or sign, a signing key and no MD5 for an HMAC, naming each field', () => {
    expect(issuePaths(cryptoNode.config, {})).toEqual([['value']]);
    expect(issuePaths(cryptoNode.config, { operation: 'uuid' })).toEqual([]);
    expect(issuePaths(cryptoNode.config, { operation: 'hmac', value: 'x', algorithm: 'md5' })).toEqual([
      ['credentialId'],
      ['algorithm'],
    ]);
    expect(issuePaths(cryptoNode.config, { operation: 'hmac', value: 'x', credentialId: 'c-1' })).toEqual([]);
    expect(issuePaths(cryptoNode.config, { value: 'x', algorithm: 'sha3' })).toEqual([['algorithm']]);
  });

  it('offers only signing-key credentials to sign with, never a webhook’s hmac secret', () => {
    const schema = cryptoNode.config.toJSONSchema({ io: 'input', unrepresentable: 'any' }) as unknown as {
      properties: { credentialId: { credentialTypes: string[] } };
    };
    expect(schema.properties.credentialId.credentialTypes).toEqual(['signing-key']);
  });
});

describe('crypto', () => {
  it('hashes text as its UTF-8 bytes with each algorithm, in hex or base64 (known digests)', async () => {
    const hash = async (algorithm: string, value: unknown, encoding = 'hex') =>
      (await run({ algorithm, encoding }, value)).hash;
    expect(await hash('md5', 'hello')).toBe('5d41402abc4b2a76b9719d911017c592');
    expect(await hash('sha1', 'hello')).toBe('aaf4c61ddcc5e8a2dabede0f3b482cd9aea9434d');
    expect(await hash('sha256', 'hello')).toBe('2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824');
    expect(await hash('sha512', '')).toBe(
      'cf83e1357eefb8bdf1542850d66d8007d620e4050b5715dc83f4a921d36ce9ce47d0d13c5d85f2b0ff8318d2877eec2f63b931bd47417a81a538327af927da3e',
    );
    expect(await hash('sha256', 'hello', 'base64')).toBe('LPJNul+wow4m6DsqxbninhsWHlwfp0JecwQzYpOLmCQ=');
    // "é" is two UTF-8 bytes.
    expect(await hash('md5', 'é')).toBe('66ddcd97cfdeabb2f6fb8a999b4bc76f');
  });

  it('hashes other values as their JSON, and puts the digest at the field asked in a copy of the input', async () => {
    const input = { id: 7, nested: { keep: true } };
    const output = await run({ algorithm: 'md5', field: 'nested.digest' }, { id: 7 }, input);
    expect(output).toEqual({
      id: 7,
      nested: { keep: true, digest: (await run({ algorithm: 'md5' }, '{"id":7}')).hash },
    });
    expect(input).toEqual({ id: 7, nested: { keep: true } });
    await expect(run({}, undefined)).rejects.toThrow('config.value: the expression gave no value to hash or sign');
  });

  it('makes a new random version 4 UUID each time', async () => {
    const first = (await run({ operation: 'uuid' })).uuid;
    const second = (await run({ operation: 'uuid' }, undefined, 'not an object')).uuid;
    expect(first).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(second).not.toBe(first);
  });
});
