import { z } from 'zod';
import { defineCredential } from './define.ts';
import { queryParameter } from './http-auth.ts';

export default defineCredential({
  type: 'query',
  title: 'API key in query string',
  description: 'Added to the URL as "?<name>=<key>", for APIs that take their key as a query parameter.',
  secret: z.strictObject({
    name: z.string().trim().min(1).max(256).meta({ title: 'Parameter name', description: 'e.g. api_key' }),
    key: z.string().min(1).max(4096).meta({ title: 'API key' }),
  }),
  secretFields: ['key'],
  http: ({ name, key }) => queryParameter(name, key),
});
