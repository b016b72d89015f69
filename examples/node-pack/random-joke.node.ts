import type { PackSdk } from '../../nodes/pack-sdk.ts';

/** A joke as the node outputs it: one text, and its two parts when the service tells them apart. */
export interface Joke {
  readonly text: string;
  readonly setup?: string;
  readonly punchline?: string;
}

const isText = (value: unknown): value is string => typeof value === 'string' && value.trim() !== '';

/**
 * The joke in a service's answer, in the shapes the common free services use: `{ setup, punchline }`
 * (Official Joke API), `{ setup, delivery }` (JokeAPI two-part), `{ joke }` (icanhazdadjoke, JokeAPI
 * single), or a list of such (the first).
 */
export function readJoke(answer: unknown): Joke | undefined {
  const first = Array.isArray(answer) ? answer[0] : answer;
  if (typeof first !== 'object' || first === null) return undefined;
  const fields = first as Record<string, unknown>;
  const punchline = fields.punchline ?? fields.delivery;
  if (isText(fields.setup) && isText(punchline)) {
    return { text: `${fields.setup} ${punchline}`, setup: fields.setup, punchline };
  }
  return isText(fields.joke) ? { text: fields.joke } : undefined;
}

export default (sdk: PackSdk) => {
  const { z } = sdk;
  return sdk.defineNode({
    type: 'action.example.randomJoke',
    kind: 'action',
    title: 'Random joke',
    description: 'Fetches a random joke from the joke service you choose.',
    docs: [
      'Asks the service at the URL for a joke (a GET that accepts JSON) and outputs `{ text, setup, punchline }`: `text` always, the two parts when the service gives them.',
      'It reads the answers of the usual free services: the Official Joke API (the default), JokeAPI and icanhazdadjoke. Pick a "Joke service API key" credential for a service that wants a key: it is sent as `X-Api-Key`, and never appears in the run.',
      'A 4xx answer fails the step at once; a 429 is retried when the service says; 5xx answers and network errors are retried up to three times.',
    ].join('\n\n'),
    icon: 'message-square',
    config: z.strictObject({
      url: z
        .url({ protocol: /^https?$/, error: 'must be an http:// or https:// URL' })
        .default('https://official-joke-api.appspot.com/random_joke')
        .describe('The joke service: a URL answering one joke as JSON'),
      credentialId: sdk.credentialRef(['example.jokeApiKey'], 'An API key, for a service that wants one').optional(),
      timeoutMs: z.number().int().min(100).max(60_000).default(10_000),
    }),
    retry: { maxAttempts: 3, initialDelayMs: 500, factor: 2, maxDelayMs: 10_000, jitter: 0.25 },
    async execute({ config, ctx }) {
      const response = await ctx.http({
        method: 'GET',
        url: config.url,
        headers: { accept: 'application/json' },
        timeoutMs: config.timeoutMs,
        ...(config.credentialId ? { credentialId: config.credentialId } : {}),
      });
      if (response.status === 429) {
        const seconds = Number(response.headers['retry-after']);
        throw new sdk.RetryAfterError(
          'the joke service asks to wait',
          (Number.isFinite(seconds) ? seconds : 30) * 1000,
        );
      }
      if (response.status >= 400 && response.status < 500) {
        throw new sdk.NonRetryableError(`the joke service refused the request (${response.status})`);
      }
      if (response.status >= 500) throw new Error(`the joke service failed (${response.status})`);
      let answer: unknown;
      try {
        answer = JSON.parse(response.body);
      } catch {
        throw new sdk.NonRetryableError('the joke service did not answer JSON');
      }
      const joke = readJoke(answer);
      if (!joke) throw new sdk.NonRetryableError('the joke service answered no joke this node can read');
      return { output: joke };
    },
  });
};
