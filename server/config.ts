import { isIP } from 'node:net';
import { availableParallelism } from 'node:os';
import { resolve } from 'node:path';
import { z } from 'zod';
import { LOOP_ITEMS_LIMIT } from '../nodes/flow/loop.node.ts';
import { isPackPath } from './packs/resolve.ts';

const port = z.coerce.number().int().min(0).max(65_535);

/**
 * Worker processes when `WORKERS` is unset: one per core but one, which is left to the API process
 * and PostgreSQL (they take a core's worth under load: measured on 2 cores, a second worker made
 * webhook runs slower, not faster); at least 1, at most 4 (each process holds its own isolate pool
 * and PostgreSQL connections, and beyond that PostgreSQL and SQLite's one writer are the limit).
 */
export const defaultWorkers = (cores = availableParallelism()) => Math.max(1, Math.min(4, cores - 1));

/**
 * `PUBLIC_URL`: an http(s) origin, optionally with a path prefix, without query or fragment;
 * answered without a trailing slash.
 */
const publicUrl = z
  .url({ protocol: /^https?$/, error: 'must be an http:// or https:// URL, e.g. https://stepwise.example.com' })
  .refine((text) => !/[?#]/.test(text), { message: 'must have no query (?) or fragment (#)' })
  .transform((text) => text.replace(/\/+$/, ''));

/** One `TRUSTED_PROXIES` entry: an IPv4 or IPv6 address, or a CIDR block of them. */
function proxyEntryProblem(entry: string): string | undefined {
  const [address = '', prefix, ...rest] = entry.split('/');
  const family = isIP(address);
  if (family === 0 || rest.length > 0) return `"${entry}" is not an IP address or CIDR block (e.g. 10.0.0.0/8, ::1)`;
  if (prefix === undefined) return undefined;
  const bits = Number(prefix);
  const max = family === 4 ? 32 : 128;
  if (!/^\d+$/.test(prefix) || bits > max) return `"${entry}": the prefix length must be 0 to ${max}`;
  return undefined;
}

/** `TRUSTED_PROXIES`: comma-separated addresses and CIDR blocks, each checked with its own message. */
const trustedProxies = z.string().transform((text, ctx) => {
  const entries = text
    .split(',')
    .map((entry) => entry.trim())
    .filter((entry) => entry !== '');
  for (const entry of entries) {
    const problem = proxyEntryProblem(entry);
    if (problem) ctx.addIssue({ code: 'custom', message: problem });
  }
  return entries;
});

/** An npm package name as npm accepts one: lower case, optionally scoped (`@acme/stepwise-pack`). */
const NPM_NAME = /^(?:@[a-z0-9-~][a-z0-9-._~]*\/)?[a-z0-9-~][a-z0-9-._~]*$/;

/** `NODE_PACKS`: comma-separated npm package names and folder paths (`./packs/mine`), each checked. */
const nodePacks = z.string().transform((text, ctx) => {
  const entries = text
    .split(',')
    .map((entry) => entry.trim())
    .filter((entry) => entry !== '');
  for (const [index, entry] of entries.entries()) {
    if (!isPackPath(entry) && !NPM_NAME.test(entry)) {
      ctx.addIssue({
        code: 'custom',
        message: `"${entry}" is neither an npm package name nor a folder path (start a path with ./, ../ or /)`,
      });
    } else if (entries.indexOf(entry) !== index) {
      ctx.addIssue({ code: 'custom', message: `"${entry}" is listed twice` });
    }
  }
  return entries;
});

/**
 * Every setting Stepwise reads from the environment, with defaults that work on a fresh machine.
 * Documented in the README's configuration table; keep the two in step.
 */
export const ConfigSchema = z.object({
  DATA_DIR: z.string().min(1).default('./data').describe('Where the SQLite file, keys and embedded PostgreSQL live'),
  PORT: port.default(3000).describe('HTTP port of the API and web app (0 picks a free one)'),
  HOST: z
    .string()
    .min(1)
    .default('127.0.0.1')
    .describe('Interface to listen on; 0.0.0.0 exposes Stepwise to the network'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  DATABASE_URL: z
    .url({ protocol: /^postgres(ql)?$/ })
    .optional()
    .describe('PostgreSQL for the engine queue; unset starts an embedded server'),
  PG_PORT: port.optional().describe('Port of the embedded PostgreSQL (a free one when unset)'),
  WORKERS: z.coerce
    .number()
    .int()
    .min(0)
    .max(64)
    .default(() => defaultWorkers())
    .describe('Engine worker processes `npm start` runs (default: one per core but one, 1 to 4)'),
  WORKER_CONCURRENCY: z.coerce
    .number()
    .int()
    .min(1)
    .max(200)
    .default(10)
    .describe('Steps each worker process runs at once'),
  WORKER_RUN_CONCURRENCY: z.coerce
    .number()
    .int()
    .min(1)
    .max(200)
    .default(4)
    .describe('Steps of one run each worker process runs at once; more wait for a free place'),
  WORKER_DRAIN_SECONDS: z.coerce
    .number()
    .min(0)
    .max(3600)
    .default(10)
    .describe('How long a stopping worker lets running steps finish before releasing them to another worker'),
  LOOP_MAX_ITEMS: z.coerce
    .number()
    .int()
    .min(1)
    .max(LOOP_ITEMS_LIMIT)
    .default(LOOP_ITEMS_LIMIT)
    .describe('The most items any loop accepts, whatever its own maximum says (a server-wide ceiling)'),
  EXPRESSION_BUDGET_MS: z.coerce
    .number()
    .int()
    .min(10)
    .max(600_000)
    .default(1000)
    .describe('Time all the {{ }} expressions of one step may take together, in ms; over it the step fails'),
  SUBWORKFLOW_MAX_DEPTH: z.coerce
    .number()
    .int()
    .min(1)
    .max(100)
    .default(10)
    .describe('How deep "Run workflow" calls may nest at run time; a deeper call fails its step'),
  API_BODY_LIMIT: z.coerce
    .number()
    .int()
    .min(1024)
    .max(100 * 1024 * 1024)
    .default(5 * 1024 * 1024)
    .describe('Largest accepted API request body, in bytes'),
  STEPWISE_MASTER_KEY: z
    .base64()
    .refine((text) => Buffer.from(text, 'base64').length === 32, { message: 'must be 32 bytes, base64-encoded' })
    .optional()
    .describe('Key credentials are encrypted under; unset: a key file in the data dir, made on first start'),
  WEBHOOK_BODY_LIMIT: z.coerce
    .number()
    .int()
    .min(1024)
    .max(100 * 1024 * 1024)
    .default(1024 * 1024)
    .describe('Largest accepted webhook request body, in bytes'),
  WEBHOOK_RATE_LIMIT: z.coerce
    .number()
    .int()
    .min(1)
    .max(1_000_000)
    .default(1000)
    .describe('Webhook requests per second each workflow accepts (bursts up to the same number)'),
  RETENTION_DAYS: z.coerce
    .number()
    .int()
    .min(0)
    .default(30)
    .describe('Ended executions older than this many days are deleted (0 keeps them forever)'),
  RETENTION_MAX_EXECUTIONS: z.coerce
    .number()
    .int()
    .min(0)
    .default(100_000)
    .describe('Only the newest this many ended executions are kept (0 for no limit)'),
  RETENTION_INTERVAL_MINUTES: z.coerce
    .number()
    .int()
    .min(1)
    .max(7 * 24 * 60)
    .default(60)
    .describe('How often old executions are pruned'),
  SESSION_TTL_HOURS: z.coerce
    .number()
    .positive()
    .max(24 * 365)
    .default(12)
    .describe('How long a sign-in lasts, in hours, from the moment of signing in (not extended by use)'),
  COOKIE_SECURE: z
    .enum(['auto', 'always', 'never'])
    .default('auto')
    .describe(
      'Secure flag of the session cookie: auto sets it on HTTPS requests (or X-Forwarded-Proto: https from a trusted proxy)',
    ),
  PUBLIC_URL: publicUrl
    .optional()
    .describe('The address users and webhook senders reach Stepwise at (webhook URLs and links use it)'),
  TRUSTED_PROXIES: trustedProxies
    .default([])
    .describe('Addresses or CIDR blocks of reverse proxies whose X-Forwarded-For/-Proto headers are believed'),
  HTTP_REFUSE_PRIVATE_ADDRESSES: z
    .stringbool()
    .default(false)
    .describe(
      'Refuse HTTP node calls to loopback, private and link-local addresses (off: local services are a real use)',
    ),
  NODE_PACKS: nodePacks
    .default([])
    .describe(
      'Node packs to load at start: npm package names and folder paths (./packs/mine), comma-separated, found from the directory Stepwise runs in',
    ),
});

export interface Config {
  dataDir: string;
  sqliteFile: string;
  port: number;
  host: string;
  logLevel: z.output<typeof ConfigSchema>['LOG_LEVEL'];
  databaseUrl: string | undefined;
  pgPort: number | undefined;
  workers: number;
  workerConcurrency: number;
  workerRunConcurrency: number;
  workerDrainSeconds: number;
  expressionBudgetMs: number;
  loopMaxItems: number;
  subworkflowMaxDepth: number;
  apiBodyLimit: number;
  masterKey: string | undefined;
  webhookBodyLimit: number;
  webhookRateLimit: number;
  retentionDays: number;
  retentionMaxExecutions: number;
  retentionIntervalMinutes: number;
  sessionTtlHours: number;
  cookieSecure: 'auto' | 'always' | 'never';
  /** Without a trailing slash; undefined: the address each request was sent to. */
  publicUrl: string | undefined;
  /** Addresses and CIDR blocks; empty: forwarded headers are never believed. */
  trustedProxies: string[];
  httpRefusePrivateAddresses: boolean;
  /** `NODE_PACKS` entries, in order: npm package names and folder paths (server/packs/). */
  nodePacks: string[];
}

export class ConfigError extends Error {
  override name = 'ConfigError';
}

/** Parses the environment; a bad value throws a `ConfigError` naming each offending variable. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const known = Object.fromEntries(
    Object.keys(ConfigSchema.shape)
      .filter((key) => env[key] !== undefined && env[key] !== '')
      .map((key) => [key, env[key]]),
  );
  const parsed = ConfigSchema.safeParse(known);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((issue) => {
      const name = String(issue.path[0]);
      return `  ${name}=${JSON.stringify(env[name])}: ${issue.message}`;
    });
    throw new ConfigError(`Invalid configuration:\n${lines.join('\n')}`);
  }
  const values = parsed.data;
  const dataDir = resolve(values.DATA_DIR);
  return {
    dataDir,
    sqliteFile: resolve(dataDir, 'stepwise.db'),
    port: values.PORT,
    host: values.HOST,
    logLevel: values.LOG_LEVEL,
    databaseUrl: values.DATABASE_URL,
    pgPort: values.PG_PORT,
    workers: values.WORKERS,
    workerConcurrency: values.WORKER_CONCURRENCY,
    workerRunConcurrency: values.WORKER_RUN_CONCURRENCY,
    workerDrainSeconds: values.WORKER_DRAIN_SECONDS,
    expressionBudgetMs: values.EXPRESSION_BUDGET_MS,
    loopMaxItems: values.LOOP_MAX_ITEMS,
    subworkflowMaxDepth: values.SUBWORKFLOW_MAX_DEPTH,
    apiBodyLimit: values.API_BODY_LIMIT,
    masterKey: values.STEPWISE_MASTER_KEY,
    webhookBodyLimit: values.WEBHOOK_BODY_LIMIT,
    webhookRateLimit: values.WEBHOOK_RATE_LIMIT,
    retentionDays: values.RETENTION_DAYS,
    retentionMaxExecutions: values.RETENTION_MAX_EXECUTIONS,
    retentionIntervalMinutes: values.RETENTION_INTERVAL_MINUTES,
    sessionTtlHours: values.SESSION_TTL_HOURS,
    cookieSecure: values.COOKIE_SECURE,
    publicUrl: values.PUBLIC_URL,
    trustedProxies: values.TRUSTED_PROXIES,
    httpRefusePrivateAddresses: values.HTTP_REFUSE_PRIVATE_ADDRESSES,
    nodePacks: values.NODE_PACKS,
  };
}
