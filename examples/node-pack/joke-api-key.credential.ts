import type { PackSdk } from '../../nodes/pack-sdk.ts';

/** The key a joke service may want, sent as `X-Api-Key`: an HTTP-style credential type of this pack. */
export default (sdk: PackSdk) =>
  sdk.defineCredential({
    type: 'example.jokeApiKey',
    title: 'Joke service API key',
    description: 'An API key sent in the X-Api-Key header, for joke services that ask for one.',
    secret: sdk.z.strictObject({
      key: sdk.httpAuth.headerText(4096).min(1).meta({ title: 'API key' }),
    }),
    secretFields: ['key'],
    http: (secret) => sdk.httpAuth.header('X-Api-Key', secret.key),
  });
