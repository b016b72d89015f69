import { describe, expect, it } from 'vitest';
import { NonRetryableError } from '../errors.ts';
import { answeringTemplates, issuePaths, testContext } from '../testing/context.ts';
import respondNode, { RespondOutput } from './respond.node.ts';
import { answerHeaders } from './respond-headers.ts';

const run = async (config: unknown, input: unknown = {}, answers: Record<string, unknown> = {}) => {
  const { evaluate } = answeringTemplates(answers);
  const parsed = respondNode.config.parse(config);
  return (await respondNode.execute({ config: parsed, input, ctx: testContext({ evaluate }) })).output;
};

describe('respond to webhook config', () => {
  it('fills 200, no headers and a JSON body', () => {
    expect(respondNode.config.parse({})).toEqual({ status: 200, headers: [], bodyType: 'json' });
  });

  it('refuses statuses outside 200–599, bad header names, and a body on 204, 205 or 304', () => {
    expect(issuePaths(respondNode.config, { status: 101 })).toEqual([['status']]);
    expect(issuePaths(respondNode.config, { status: 600 })).toEqual([['status']]);
    expect(issuePaths(respondNode.config, { headers: [{ name: 'Bad Name', value: 'x' }] })).toEqual([
      ['headers', 0, 'name'],
    ]);
    expect(issuePaths(respondNode.config, { status: 204 })).toEqual([['bodyType']]);
    expect(issuePaths(respondNode.config, { status: 204, bodyType: 'empty' })).toEqual([]);
  });

  it('is pure: it has no effect beyond its stored result, which the API sends', () => {
    expect(respondNode.pure).toBe(true);
    expect(respondNode.needsTrigger).toMatchObject({ type: 'trigger.webhook', config: { respond: 'respondNode' } });
  });
});

describe('respond to webhook execute', () => {
  it('answers with its status, evaluated headers and a JSON body, content type filled', async () => {
    const output = await run(
      {
        status: 201,
        headers: [{ name: 'X-Order', value: '{{ input.id }}' }],
        body: { id: '{{ input.id }}', ok: true },
      },
      { id: 7 },
      { '{{ input.id }}': 7 },
    );
    expect(output).toEqual({
      status: 201,
      headers: { 'x-order': '7', 'content-type': 'application/json' },
      bodyType: 'json',
      body: { id: 7, ok: true },
    });
    expect(RespondOutput.safeParse(output).success).toBe(true);
  });

  it('sends its input as JSON when the body is left empty', async () => {
    expect(await run({}, { total: 3 })).toMatchObject({ body: { total: 3 }, bodyType: 'json' });
  });

  it('sends text as text, keeping a content type of its own', async () => {
    const output = await run(
      { bodyType: 'text', body: 'Hello {{ input.name }}', headers: [{ name: 'Content-Type', value: 'text/html' }] },
      {},
      { 'Hello {{ input.name }}': 'Hello Ada' },
    );
    expect(output).toEqual({
      status: 200,
      headers: { 'content-type': 'text/html' },
      bodyType: 'text',
      body: 'Hello Ada',
    });
    expect(await run({ bodyType: 'text', body: '{{ input.n }}' }, {}, { '{{ input.n }}': 5 })).toMatchObject({
      body: '5',
    });
  });

  it('sends no body and no content type when the body type is empty', async () => {
    expect(await run({ status: 204, bodyType: 'empty', body: { ignored: 'yes' } })).toEqual({
      status: 204,
      headers: {},
      bodyType: 'empty',
      body: null,
    });
  });

  it('drops hop-by-hop headers, Content-Length and Set-Cookie, and says which', async () => {
    const output = await run({
      headers: [
        { name: 'Connection', value: 'close' },
        { name: 'Transfer-Encoding', value: 'chunked' },
        { name: 'Content-Length', value: '3' },
        { name: 'Set-Cookie', value: 'session=stolen' },
        { name: 'X-Kept', value: 'yes' },
      ],
    });
    expect(output).toMatchObject({
      headers: { 'x-kept': 'yes', 'content-type': 'application/json' },
      droppedHeaders: ['connection', 'transfer-encoding', 'content-length', 'set-cookie'],
    });
  });

  it('fails without retry, naming the header, when a value would break the header block', async () => {
    const attempt = run(
      { headers: [{ name: 'X-Evil', value: '{{ input.v }}' }] },
      {},
      { '{{ input.v }}': 'a\r\nSet-Cookie: x=1' },
    );
    await expect(attempt).rejects.toBeInstanceOf(NonRetryableError);
    await expect(attempt).rejects.toThrow(/header 1 \(X-Evil\)/);
  });
});

describe('answerHeaders', () => {
  it('keeps safe headers lower-cased and drops unsafe names and values', () => {
    expect(
      answerHeaders([
        ['X-A', '1'],
        ['keep-alive', 'timeout=5'],
        ['bad name', 'x'],
        ['x-b', 'line\nbreak'],
      ]),
    ).toEqual({ kept: { 'x-a': '1' }, dropped: ['keep-alive', 'bad name', 'x-b'] });
  });
});
