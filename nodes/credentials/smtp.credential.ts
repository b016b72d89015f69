import { z } from 'zod';
import { addressOf } from '../actions/email-addresses.ts';
import { defineCredential } from './define.ts';

/**
 * A protocol type: an SMTP server that the Send email node (`action.email`) sends through. The
 * sending is its capability on the server (server/credentials/smtp.capability.ts); the whole value
 * is encrypted at rest, and the password is masked out of everything a step stores.
 */
export default defineCredential({
  type: 'smtp',
  title: 'Email server (SMTP)',
  description: 'An SMTP server and its sign-in, used by the Send email node.',
  secret: z
    .strictObject({
      host: z
        .string()
        .trim()
        .min(1)
        .max(253)
        // A colon only in an IPv6 address: "smtp://…" and "host:587" are mistakes to point out.
        .refine((host) => !/[\s/@]/.test(host) && (!host.includes(':') || /^[0-9A-Fa-f:.]+$/.test(host)), {
          message: 'a host name or IP address only, without scheme, port or user',
        })
        .meta({ title: 'Server', description: 'Host name of the SMTP server, e.g. smtp.example.com' }),
      port: z.number().int().min(1).max(65_535).default(587).meta({
        title: 'Port',
        description: 'Usually 587 with STARTTLS, 465 with TLS, 25 for a relay on your network',
      }),
      security: z
        .union([
          z.literal('starttls').meta({ title: 'STARTTLS: upgrade to TLS after connecting (port 587)' }),
          z.literal('tls').meta({ title: 'TLS from the start (port 465)' }),
          z.literal('none').meta({ title: 'None: plain text, only for a relay on your own network' }),
        ])
        .default('starttls')
        .meta({
          title: 'Security',
          description: 'STARTTLS refuses a server that cannot encrypt; "none" sends the password and mail unencrypted',
        }),
      username: z
        .string()
        .max(1024)
        .optional()
        .meta({ title: 'User name', description: 'Leave empty for a server that needs no sign-in' }),
      password: z.string().max(4096).optional().meta({ title: 'Password' }),
      from: z
        .string()
        .trim()
        .max(998)
        .refine((from) => addressOf(from) !== undefined, {
          message: 'an email address, e.g. Orders <orders@example.com>',
        })
        .optional()
        .meta({
          title: 'Default sender',
          description: 'Used when a Send email node leaves From empty, e.g. Orders <orders@example.com>',
        }),
      allowSelfSigned: z.boolean().default(false).meta({
        title: 'Accept an untrusted certificate (self-signed)',
        description:
          'Encrypts without checking who the server is, so anyone in between could read the password. Only for a server on your own network',
      }),
    })
    .refine((secret) => !secret.password || secret.username, {
      message: 'a password needs a user name',
      path: ['username'],
    }),
  secretFields: ['password'],
});
