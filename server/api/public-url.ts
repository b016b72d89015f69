import type { Context } from 'hono';
import { isHttps } from '../auth/request-info.ts';
import type { ApiDeps } from './route.ts';

/**
 * The address users and webhook senders reach Stepwise at, without a trailing slash: `PUBLIC_URL`,
 * else the scheme and host this request came to (the scheme as a trusted proxy says). Webhook
 * URLs and links are built on it.
 */
export function publicUrlOf(c: Context, config: ApiDeps['config']): string {
  if (config.publicUrl) return config.publicUrl;
  const host = c.req.header('host') ?? new URL(c.req.url).host;
  return `${isHttps(c) ? 'https' : 'http'}://${host}`;
}
