import type { Context, Handler, Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { z } from 'zod';
import { type Access, holdersOf } from '../auth/access.ts';
import { type Caller, InvalidApiKey, resolveCaller } from '../auth/caller.ts';
import type { LoginLimiter } from '../auth/login-limiter.ts';
import { crossSiteProblem } from '../auth/request-info.ts';
import type { Config } from '../config.ts';
import type { Clock } from '../core/engine/ports.ts';
import type { ConnectionTester } from '../credentials/connection-test.ts';
import type { CodeExchanger } from '../credentials/oauth2-connect.ts';
import type { ReadinessReport } from '../health/readiness.ts';
import type { Logger } from '../log.ts';
import type { RunService } from '../runs/service.ts';
import type { MasterKey } from '../security/master-key.ts';
import type { StorePort } from '../store/repositories.ts';
import { ApiError, errorResponse, validationError } from './errors.ts';
import { MAX_JSON_DEPTH, nestsDeeperThan } from './json-depth.ts';

/** What the API handlers may use; wired once in the composition root. */
export interface ApiDeps {
  /** The records, through the store port. */
  readonly repos: StorePort;
  readonly log: Logger;
  readonly config: Pick<
    Config,
    'apiBodyLimit' | 'webhookBodyLimit' | 'webhookRateLimit' | 'sessionTtlHours' | 'cookieSecure'
  > &
    // Unset: the address each request was sent to, and no proxy believed.
    Partial<Pick<Config, 'publicUrl' | 'trustedProxies'>>;
  /** `GET /readyz`: each component's state (server/health/readiness.ts); absent in route tests. */
  readonly readiness?: () => Promise<ReadinessReport>;
  /** Credentials are sealed and opened with this key. */
  readonly masterKey: MasterKey;
  /** Starting, canceling, retrying and following runs: absent only in tests of routes that never start runs. */
  readonly runs?: RunService;
  /** "Test connection" of a credential, run by a worker: absent in tests that run no engine. */
  readonly connectionTests?: ConnectionTester;
  /** OAuth 2 code exchanges, done by a worker: absent in tests that run no engine. */
  readonly oauth2Exchange?: CodeExchanger;
  /**
   * Tests turn this on: every JSON answer is parsed with the schema the route documents, so the
   * OpenAPI document cannot drift from what the API really sends. Off in production (cost).
   */
  readonly checkResponses?: boolean;
  /** Counts failed sign-ins; `createApp` makes one when none is given. */
  readonly loginLimiter?: LoginLimiter;
  /** Times the run event stream's windows and heartbeats; the process's timers when absent (tests move time themselves). */
  readonly clock?: Pick<Clock, 'after'>;
}

export type { Access } from '../auth/access.ts';

type Method = 'get' | 'post' | 'put' | 'patch' | 'delete';

export interface RouteRequest<P, Q, B> {
  readonly params: P;
  readonly query: Q;
  readonly body: B;
  readonly c: Context;
  readonly deps: ApiDeps;
  /** Who is calling; always set on routes that are not public. */
  readonly caller: Caller | undefined;
}

export interface RouteDefinition<
  P extends z.ZodType = z.ZodType,
  Q extends z.ZodType = z.ZodType,
  B extends z.ZodType = z.ZodType,
> {
  readonly method: Method;
  /** Hono path below `/api/v1`, e.g. `/workflows/:id`. */
  readonly path: string;
  readonly operationId: string;
  readonly summary: string;
  readonly tag: string;
  /** Checked before the request is parsed: the least any call of this route needs. */
  readonly access: Access;
  /**
   * For routes whose rule depends on what is asked (running the draft or a published version,
   * publishing forward or rolling back): the access this parsed request needs, checked after
   * `access`. It may only narrow who passes, never widen it.
   */
  accessFor?(
    request: Omit<RouteRequest<z.output<P>, z.output<Q>, z.output<B>>, 'c' | 'caller'>,
  ): Access | Promise<Access>;
  readonly params?: P;
  readonly query?: Q;
  readonly body?: B;
  /** Overrides the API body limit for this route (imports carry whole histories). */
  readonly bodyLimit?: number;
  /** Documented answers; the first 2xx is the success shape. */
  readonly responses: Readonly<Record<number, { description: string; schema?: z.ZodType }>>;
  handler(request: RouteRequest<z.output<P>, z.output<Q>, z.output<B>>): Response | Promise<Response>;
}

const NoInput = z.object({});
type NoInput = typeof NoInput;

type Responses = Readonly<Record<number, { description: string; schema?: z.ZodType }>>;

/**
 * A route as `defineRoute` answers it: mountable like any other, and still carrying its method,
 * path, schemas and answers as types, so the web client (web/src/api/) is typed from the very
 * declarations the server validates with. The phantom `types` member exists only for the checker.
 */
export type DeclaredRoute<
  M extends Method = Method,
  Path extends string = string,
  P extends z.ZodType = z.ZodType,
  Q extends z.ZodType = z.ZodType,
  B extends z.ZodType = z.ZodType,
  R extends Responses = Responses,
> = Omit<RouteDefinition, 'method' | 'path' | 'responses'> & {
  readonly method: M;
  readonly path: Path;
  readonly responses: R;
  readonly types?: { readonly params: z.input<P>; readonly query: z.input<Q>; readonly body: z.input<B> };
};

/** Infers the handler's types from the route's schemas; the schemas are never repeated as types. */
export function defineRoute<
  const M extends Method,
  const Path extends string,
  const R extends Responses,
  P extends z.ZodType = NoInput,
  Q extends z.ZodType = NoInput,
  B extends z.ZodType = NoInput,
>(route: RouteDefinition<P, Q, B> & { method: M; path: Path; responses: R }): DeclaredRoute<M, Path, P, Q, B, R> {
  return route as unknown as DeclaredRoute<M, Path, P, Q, B, R>;
}

async function readJson(c: Context): Promise<unknown> {
  const text = await c.req.text();
  if (text.trim() === '') return undefined;
  if (nestsDeeperThan(text)) {
    throw new ApiError(400, 'invalid_json', `request body nests deeper than ${MAX_JSON_DEPTH} levels`);
  }
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new ApiError(400, 'invalid_json', `request body is not valid JSON: ${(error as Error).message}`);
  }
}

function parseWith<S extends z.ZodType>(schema: S | undefined, value: unknown, where: string): z.output<S> {
  if (!schema) return {} as z.output<S>;
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw validationError(where, parsed.error);
  return parsed.data;
}

async function checkResponse(route: RouteDefinition, response: Response): Promise<void> {
  const documented = route.responses[response.status];
  if (!documented) throw new Error(`${route.operationId} answered ${response.status}, which it does not document`);
  if (!documented.schema) return;
  const parsed = documented.schema.safeParse(await response.clone().json());
  if (!parsed.success) {
    throw new Error(
      `${route.operationId} answered ${response.status} off its schema: ${z.prettifyError(parsed.error)}`,
    );
  }
}

/** Who is calling; a bearer key that is not live is a 401 at once. */
async function callerOf(c: Context, deps: ApiDeps): Promise<Caller | undefined> {
  try {
    return await resolveCaller(c, deps);
  } catch (error) {
    if (error instanceof InvalidApiKey) throw new ApiError(401, 'invalid_api_key', error.message);
    throw error;
  }
}

/** 401 when nobody is signed in, 403 naming the missing right when the caller's role lacks `access`. */
export function requireAccess(caller: Caller | undefined, access: Access): void {
  if (access === 'public') return;
  if (!caller)
    throw new ApiError(401, 'unauthenticated', 'sign in, or send an API key as "Authorization: Bearer sw_..."');
  if (!caller.can(access)) {
    const role =
      caller.via.kind === 'api_key'
        ? `${caller.user.role}, through ${/^[aeiou]/.test(caller.via.role) ? 'an' : 'a'} ${caller.via.role} key`
        : caller.user.role;
    throw new ApiError(
      403,
      'forbidden',
      `this needs "${access}" access (${holdersOf(access)}), which your role (${role}) does not have`,
      { needs: access },
    );
  }
}

/**
 * The right this request is refused for. A route whose rule depends on what is asked (`accessFor`)
 * names the right this very request needs (publishing a newer version needs "publish", not the
 * "operate" a rollback needs), as long as the request can be read; otherwise the route's least.
 */
async function refusalFor(
  route: RouteDefinition,
  caller: Caller,
  read: () => Promise<Pick<RouteRequest<unknown, unknown, unknown>, 'params' | 'query' | 'body'>>,
  deps: ApiDeps,
): Promise<Access> {
  if (!route.accessFor) return route.access;
  try {
    const needed = await route.accessFor({ ...(await read()), deps });
    return caller.can(needed) ? route.access : needed;
  } catch {
    return route.access;
  }
}

/**
 * Registers routes under `prefix`: who is calling and whether they may (see `Access`), a
 * cross-site check for browser requests, size limit, JSON parsing and zod validation of path,
 * query and body.
 */
export function mountRoutes(app: Hono, prefix: string, routes: readonly RouteDefinition[], deps: ApiDeps): void {
  for (const route of routes) {
    const path = `${prefix}${route.path}`;
    const limit = route.bodyLimit ?? deps.config.apiBodyLimit;
    const handle: Handler = async (c) => {
      const caller = await callerOf(c, deps);
      // Browsers send cookies by themselves; a bearer key is only ever sent on purpose.
      if (caller?.via.kind !== 'api_key') {
        const problem = crossSiteProblem(c);
        if (problem) throw new ApiError(403, 'cross_site', problem);
      }
      const read = async () => ({
        params: parseWith(route.params, c.req.param(), 'path'),
        query: parseWith(route.query, c.req.query(), 'query'),
        body: route.body ? parseWith(route.body, await readJson(c), 'body') : undefined,
      });
      if (caller && route.access !== 'public' && !caller.can(route.access)) {
        requireAccess(caller, await refusalFor(route, caller, read, deps));
      }
      requireAccess(caller, route.access);
      const { params, query, body } = await read();
      if (route.accessFor) requireAccess(caller, await route.accessFor({ params, query, body, deps }));
      const response = await route.handler({ params, query, body, c, deps, caller });
      if (deps.checkResponses) await checkResponse(route, response);
      return response;
    };
    const method = route.method.toUpperCase();
    if (!route.body) {
      app.on(method, path, handle);
      continue;
    }
    const limitBody = bodyLimit({
      maxSize: limit,
      onError: (c) =>
        errorResponse(c, new ApiError(413, 'payload_too_large', `request body is larger than ${limit} bytes`)),
    });
    app.on(method, path, limitBody, handle);
  }
}
