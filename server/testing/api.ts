import { randomBytes } from 'node:crypto';
import { pino } from 'pino';
import { createApp } from '../api/app.ts';
import type { ApiDeps } from '../api/route.ts';
import { newApiKey } from '../auth/api-keys.ts';
import { masterKeyFrom } from '../security/master-key.ts';
import { insertApiKey } from '../store/api-keys.ts';
import type { Store } from '../store/db.ts';
import type { StorePort } from '../store/repositories.ts';
import type { Role } from '../store/schema.ts';
import { sqliteRepositories } from '../store/sqlite-repositories.ts';
import { insertUser, type UserRow } from '../store/users.ts';
import { tempStore } from './store.ts';

export const SESSION_TTL_HOURS_IN_TESTS = 12;

/** Who a test request is sent as: a seeded user's API key, a raw `Authorization` value, or nobody. */
export type CallAs = Role | 'anonymous' | { readonly authorization: string } | { readonly cookie: string };

export interface CallOptions {
  /** Default `admin`. */
  readonly as?: CallAs;
  readonly headers?: Record<string, string>;
  /** The client's address, as the socket would tell it (in-process requests have none by default). */
  readonly from?: string;
}

export interface TestApi {
  readonly store: ReturnType<typeof tempStore>;
  /** The same store through its port, as the API holds it. */
  readonly repos: StorePort;
  readonly app: ReturnType<typeof createApp>;
  /** One seeded user per role (no password: they act through `keys`). */
  readonly users: Readonly<Record<Role, UserRow>>;
  /** A full-role API key secret per seeded user. */
  readonly keys: Readonly<Record<Role, string>>;
  /**
   * Sends a request through `app.request()` (no socket) and parses the JSON answer, if any (an
   * event stream's body is not read). It is sent as the seeded admin unless `options.as` says otherwise.
   */
  call(
    method: string,
    path: string,
    body?: unknown,
    options?: CallOptions,
    // biome-ignore lint/suspicious/noExplicitAny: tests inspect answers field by field; each field is asserted
  ): Promise<{ status: number; body: any; headers: Headers }>;
  cleanup(): void;
}

/** Seeds a user of each role with an API key of the same role, straight into the store. */
export function seedAccounts(store: Store): { users: Record<Role, UserRow>; keys: Record<Role, string> } {
  const users = {} as Record<Role, UserRow>;
  const keys = {} as Record<Role, string>;
  // Several test APIs may share one store: each seeds users of its own.
  const tag = randomBytes(3).toString('hex');
  for (const role of ['analyst', 'operator', 'admin'] as const) {
    users[role] = insertUser(store.db, {
      email: `${role}-${tag}@stepwise.test`,
      name: `Test ${role}`,
      role,
      passwordHash: null,
    });
    const key = newApiKey();
    insertApiKey(store.db, { userId: users[role].id, name: 'tests', prefix: key.prefix, keyHash: key.hash, role });
    keys[role] = key.secret;
  }
  return { users, keys };
}

/**
 * The API in process, on a temp store (or the one given, e.g. an engine's), with every answer
 * checked against its documented schema. Without `runs`, routes that start runs answer 503.
 */
export function testApi(
  options: {
    apiBodyLimit?: number;
    /** Default 64 KiB. */
    webhookBodyLimit?: number;
    webhookRateLimit?: number;
    store?: ReturnType<typeof tempStore>;
    runs?: ApiDeps['runs'];
    connectionTests?: ApiDeps['connectionTests'];
    oauth2Exchange?: ApiDeps['oauth2Exchange'];
    cookieSecure?: ApiDeps['config']['cookieSecure'];
    loginLimiter?: ApiDeps['loginLimiter'];
    publicUrl?: string;
    trustedProxies?: string[];
    /** The key credentials are sealed with (random by default); an engine's, when its workers must open them. */
    masterKey?: ApiDeps['masterKey'];
    readiness?: ApiDeps['readiness'];
    clock?: ApiDeps['clock'];
  } = {},
): TestApi {
  const store = options.store ?? tempStore();
  const { users, keys } = seedAccounts(store);
  const repos = sqliteRepositories(store);
  const app = createApp({
    repos,
    log: pino({ level: 'silent' }),
    config: {
      apiBodyLimit: options.apiBodyLimit ?? 5 * 1024 * 1024,
      webhookBodyLimit: options.webhookBodyLimit ?? 64 * 1024,
      webhookRateLimit: options.webhookRateLimit ?? 1000,
      sessionTtlHours: SESSION_TTL_HOURS_IN_TESTS,
      cookieSecure: options.cookieSecure ?? 'auto',
      ...(options.publicUrl ? { publicUrl: options.publicUrl } : {}),
      ...(options.trustedProxies ? { trustedProxies: options.trustedProxies } : {}),
    },
    checkResponses: true,
    masterKey: options.masterKey ?? masterKeyFrom(randomBytes(32)),
    ...(options.runs ? { runs: options.runs } : {}),
    ...(options.connectionTests ? { connectionTests: options.connectionTests } : {}),
    ...(options.oauth2Exchange ? { oauth2Exchange: options.oauth2Exchange } : {}),
    ...(options.loginLimiter ? { loginLimiter: options.loginLimiter } : {}),
    ...(options.readiness ? { readiness: options.readiness } : {}),
    ...(options.clock ? { clock: options.clock } : {}),
  });
  return {
    store,
    repos,
    app,
    users,
    keys,
    async call(method, path, body, callOptions = {}) {
      const as = callOptions.as ?? 'admin';
      const headers: Record<string, string> = { 'content-type': 'application/json', ...callOptions.headers };
      if (typeof as === 'string') {
        if (as !== 'anonymous') headers.authorization = `Bearer ${keys[as]}`;
      } else if ('authorization' in as) {
        headers.authorization = as.authorization;
      } else {
        headers.cookie = as.cookie;
      }
      const init: RequestInit = { method, headers };
      if (body !== undefined) init.body = typeof body === 'string' ? body : JSON.stringify(body);
      // What `@hono/node-server` gives a handler about the connection: only its remote address here.
      const env = callOptions.from ? { incoming: { socket: { remoteAddress: callOptions.from } } } : undefined;
      const response = await app.request(path, init, env);
      // An event stream may never end: its status and headers are the answer, its body is let go.
      if (response.headers.get('content-type')?.startsWith('text/event-stream')) {
        await response.body?.cancel();
        return { status: response.status, body: undefined, headers: response.headers };
      }
      const text = await response.text();
      let parsed: unknown = text;
      try {
        parsed = text === '' ? undefined : JSON.parse(text);
      } catch {
        // not JSON: keep the text
      }
      return { status: response.status, body: parsed, headers: response.headers };
    },
    // A store passed in belongs to the caller.
    cleanup: () => (options.store ? undefined : store.cleanup()),
  };
}
