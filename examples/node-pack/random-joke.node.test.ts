import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { issuePaths, packSdk, testContext } from '../../server/testing/node-packs.ts';
import jokeApiKeyCredential from './joke-api-key.credential.ts';
import randomJokeNode, { readJoke } from './random-joke.node.ts';

const randomJoke = randomJokeNode(packSdk);
const jokeApiKey = jokeApiKeyCredential(packSdk);

/** A real joke service on 127.0.0.1: each path answers one way, and the headers it got are kept. */
let server: Server;
let base: string;
const seen: IncomingHttpHeaders[] = [];
const answers: Record<string, [number, string, Record<string, string>?]> = {
  '/official': [200, JSON.stringify({ id: 1, type: 'general', setup: 'Why?', punchline: 'Because.' })],
  '/jokeapi': [200, JSON.stringify({ type: 'twopart', setup: 'Knock knock.', delivery: 'Who is there?' })],
  '/dad': [200, JSON.stringify({ id: 'x', joke: 'I used to hate facial hair, but then it grew on me.' })],
  '/list': [200, JSON.stringify([{ setup: 'First?', punchline: 'Yes.' }, { joke: 'second' }])],
  '/missing': [404, '{}'],
  '/busy': [429, '{}', { 'retry-after': '7' }],
  '/broken': [503, 'down'],
  '/html': [200, '<html>no</html>'],
  '/nothing': [200, JSON.stringify({ id: 3 })],
};
beforeAll(async () => {
  server = createServer((request, response) => {
    seen.push(request.headers);
    const [status, body, headers] = answers[request.url ?? ''] ?? [500, ''];
    response.writeHead(status, { 'content-type': 'application/json', ...headers }).end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

const run = (path: string) =>
  randomJoke.execute({ config: randomJoke.config.parse({ url: `${base}${path}` }), input: {}, ctx: testContext() });

describe('Random joke', () => {
  it('reads the jokes of the usual services, asking for JSON', async () => {
    expect((await run('/official')).output).toEqual({ text: 'Why? Because.', setup: 'Why?', punchline: 'Because.' });
    expect(seen.at(-1)?.accept).toBe('application/json');
    expect((await run('/jokeapi')).output).toEqual({
      text: 'Knock knock. Who is there?',
      setup: 'Knock knock.',
      punchline: 'Who is there?',
    });
    expect((await run('/dad')).output).toEqual({ text: 'I used to hate facial hair, but then it grew on me.' });
    expect((await run('/list')).output).toMatchObject({ text: 'First? Yes.' });
    expect(readJoke({ setup: ' ', punchline: 'x' })).toBeUndefined();
  });

  it('fails at once on a 4xx or an answer without a joke, asks to wait on a 429, and retries a 5xx', async () => {
    await expect(run('/missing')).rejects.toThrow(
      new packSdk.NonRetryableError('the joke service refused the request (404)'),
    );
    await expect(run('/html')).rejects.toThrow(packSdk.NonRetryableError);
    await expect(run('/nothing')).rejects.toThrow('the joke service answered no joke this node can read');
    const busy = await run('/busy').catch((error: unknown) => error);
    expect(busy).toBeInstanceOf(packSdk.RetryAfterError);
    expect((busy as InstanceType<typeof packSdk.RetryAfterError>).retryAfterMs).toBe(7000);
    const broken = await run('/broken').catch((error: unknown) => error);
    expect(broken).toBeInstanceOf(Error);
    expect(broken).not.toBeInstanceOf(packSdk.NonRetryableError);
    expect(randomJoke.retry.maxAttempts).toBe(3);
  });

  it('sends the credential it is given with the request, for the worker to authenticate', async () => {
    const requests: unknown[] = [];
    const ctx = testContext({
      http: async (request) => {
        requests.push(request);
        return { status: 200, headers: {}, body: JSON.stringify({ joke: 'ok' }) };
      },
    });
    const config = randomJoke.config.parse({ url: 'https://jokes.example.com/one', credentialId: 'cred-1' });
    await randomJoke.execute({ config, input: {}, ctx });
    expect(requests).toEqual([
      {
        method: 'GET',
        url: 'https://jokes.example.com/one',
        headers: { accept: 'application/json' },
        timeoutMs: 10_000,
        credentialId: 'cred-1',
      },
    ]);
  });

  it('defaults to the Official Joke API and refuses a URL that is not http(s), naming the field', () => {
    expect(randomJoke.config.parse({})).toEqual({
      url: 'https://official-joke-api.appspot.com/random_joke',
      timeoutMs: 10_000,
    });
    expect(issuePaths(randomJoke.config, { url: 'ftp://jokes.example.com' })).toEqual([['url']]);
    expect(issuePaths(randomJoke.config, { timeoutMs: 5 })).toEqual([['timeoutMs']]);
  });
});

describe('Joke service API key', () => {
  it('authenticates a request with X-Api-Key, the key being its one secret field', () => {
    const secret = jokeApiKey.secret.parse({ key: 'jk-123456' });
    expect(jokeApiKey.http?.(secret)).toEqual({ headers: { 'x-api-key': 'jk-123456' } });
    expect(jokeApiKey.secretFields).toEqual(['key']);
    expect(issuePaths(jokeApiKey.secret, { key: 'a\nb' })).toEqual([['key']]);
  });
});
