import { z } from 'zod';
import { defineCredential } from './define.ts';

/** How the connection is encrypted, as libpq's `sslmode` names it (the three that mean something). */
export const POSTGRES_SSL_MODES = ['disable', 'require', 'verify-full'] as const;

/**
 * A protocol type: a PostgreSQL server and the login to use on it. Separate fields rather than a
 * connection string, so the password is one field the form hides and the worker masks, and the
 * rest (host, database, user) shows as typed. What it does is its capability on the server
 * (server/credentials/postgres.capability.ts): run a query for the PostgreSQL node, test itself.
 */
export default defineCredential({
  type: 'postgres',
  title: 'PostgreSQL database',
  description: 'A PostgreSQL server and the login the PostgreSQL node runs its queries with.',
  secret: z.strictObject({
    host: z
      .string()
      .trim()
      .min(1)
      .max(255)
      .meta({ title: 'Host', description: 'Name or address of the server, e.g. db.example.com' }),
    port: z.number().int().min(1).max(65_535).default(5432).meta({ title: 'Port' }),
    database: z.string().trim().min(1).max(63).meta({ title: 'Database' }),
    user: z.string().trim().min(1).max(63).meta({ title: 'User' }),
    password: z.string().max(1024).meta({ title: 'Password' }),
    ssl: z.enum(POSTGRES_SSL_MODES).default('require').meta({
      title: 'SSL',
      description:
        'disable: plain connection (local networks only). require: encrypted, the server is not verified. verify-full: encrypted, and the server’s certificate must match its host name.',
    }),
    caCertificate: z
      .string()
      .trim()
      .max(65_536)
      .regex(/^-----BEGIN CERTIFICATE-----[\s\S]+-----END CERTIFICATE-----$/, 'paste a PEM certificate')
      .optional()
      .meta({
        format: 'multiline',
        title: 'CA certificate',
        description: 'PEM of the authority that signed the server’s certificate, for verify-full with a private CA',
      }),
  }),
  secretFields: ['password'],
});
