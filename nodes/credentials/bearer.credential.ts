import { z } from 'zod';
import { defineCredential } from './define.ts';
import { bearerToken, headerText } from './http-auth.ts';

export default defineCredential({
  type: 'bearer',
  title: 'Bearer token',
  description: 'Sent as "Authorization: Bearer <token>", as most APIs with tokens or OAuth access tokens expect.',
  secret: z.strictObject({ token: headerText(16_384).min(1).meta({ title: 'Token' }) }),
  secretFields: ['token'],
  http: ({ token }) => bearerToken(token),
});
