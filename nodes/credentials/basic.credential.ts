import { z } from 'zod';
import { defineCredential } from './define.ts';
import { basicAuth } from './http-auth.ts';

export default defineCredential({
  type: 'basic',
  title: 'Basic auth',
  description: 'A user name and password, sent as "Authorization: Basic <base64 of user:password>".',
  secret: z.strictObject({
    username: z.string().min(1).max(1024).meta({ title: 'Username' }),
    password: z.string().max(4096).meta({ title: 'Password' }),
  }),
  secretFields: ['password'],
  http: ({ username, password }) => basicAuth(username, password),
});
