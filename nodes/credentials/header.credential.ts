import { z } from 'zod';
import { defineCredential } from './define.ts';
import { header, headerName, headerText } from './http-auth.ts';

export default defineCredential({
  type: 'header',
  title: 'Custom header',
  description: 'Any header carrying a key, such as "X-Api-Key: <key>".',
  secret: z.strictObject({
    header: headerName().meta({ title: 'Header name', description: 'e.g. X-Api-Key' }),
    value: headerText(16_384).meta({ title: 'Header value' }),
  }),
  secretFields: ['value'],
  http: (secret) => header(secret.header, secret.value),
});
