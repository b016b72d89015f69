import { Hono } from 'hono';
import { HTTPException } from 'hono/http-exception';
import { secureHeaders } from 'hono/secure-headers';
import { ZodError } from 'zod';
import { LoginLimiter } from '../auth/login-limiter.ts';
import { trustProxies } from '../auth/request-info.ts';
import { mountWebApp } from '../web/serve.ts';
import { ApiError, errorResponse, validationError } from './errors.ts';
import { openApiDocument } from './openapi.ts';
import { mountResumeHooks } from './resume-hooks.ts';
import { type ApiDeps, mountRoutes, type RouteDefinition } from './route.ts';
import { apiKeyRoutes } from './routes/api-keys.ts';
import { approvalRoutes } from './routes/approvals.ts';
import { auditRoutes } from './routes/audit.ts';
import { authRoutes } from './routes/auth.ts';
import { credentialConnectionRoutes } from './routes/credential-connections.ts';
import { credentialRoutes } from './routes/credentials.ts';
import { errorWorkflowRoutes } from './routes/error-workflows.ts';
import { executionRoutes } from './routes/executions.ts';
import { nodeTypeRoutes } from './routes/node-types.ts';
import { runRoutes } from './routes/runs.ts';
import { scheduleRoutes } from './routes/schedules.ts';
import { templateRoutes } from './routes/templates.ts';
import { transferRoutes } from './routes/transfer.ts';
import { userRoutes } from './routes/users.ts';
import { variableRoutes } from './routes/variables.ts';
import { versionRoutes } from './routes/versions.ts';
import { webhookTestRoutes } from './routes/webhook-tests.ts';
import { workflowRoutes } from './routes/workflows.ts';
import { mountWebhookTests } from './webhook-test-endpoint.ts';
import { mountWebhooks } from './webhooks.ts';

export const API_PREFIX = '/api/v1';

const declaredRoutes = [
  ...authRoutes,
  ...userRoutes,
  ...apiKeyRoutes,
  ...auditRoutes,
  // Import comes first so `/workflows/import` is never read as `/workflows/:id`.
  ...transferRoutes,
  ...workflowRoutes,
  ...templateRoutes,
  ...versionRoutes,
  ...webhookTestRoutes,
  ...runRoutes,
  ...errorWorkflowRoutes,
  ...executionRoutes,
  ...approvalRoutes,
  ...scheduleRoutes,
  ...credentialRoutes,
  ...credentialConnectionRoutes,
  ...variableRoutes,
  ...nodeTypeRoutes,
];

/** Every API route; the OpenAPI document and the role-matrix test are read from this list. */
export const apiRoutes: readonly RouteDefinition[] = declaredRoutes;

/** Every route with its method, path, inputs and answers as types: the web client is typed from these. */
export type ApiRoute = (typeof declaredRoutes)[number];

/** The content security policy of every webhook answer (`/hooks/...`). */
export const WEBHOOK_ANSWER_POLICY = "default-src 'none'; sandbox";

/** `webDir`: the built web app to serve beside the API (absent in API-only tests). */
export function createApp(options: ApiDeps, web: { webDir?: string } = {}): Hono {
  const deps: ApiDeps = { ...options, loginLimiter: options.loginLimiter ?? new LoginLimiter(options.repos) };
  const app = new Hono();
  // First: every address and scheme read later depends on which proxies are believed.
  app.use(trustProxies(deps.config.trustedProxies ?? []));
  // Webhook answers are a workflow's words, not Stepwise's pages: a Respond to webhook node picks
  // their type and body, and they come from Stepwise's origin. Opened in a browser they run no
  // script and act as no origin (a sandbox), so an answer cannot act for a signed-in user. Set
  // after secureHeaders has set its policy (this middleware is outside it), so this one wins.
  app.use('/hooks/*', async (c, next) => {
    await next();
    c.res.headers.set('Content-Security-Policy', WEBHOOK_ANSWER_POLICY);
  });
  // Nothing of Stepwise is meant to be framed or to load code from elsewhere. No CORS headers are
  // ever sent, so other origins' pages cannot read API answers.
  app.use(
    secureHeaders({
      xFrameOptions: 'DENY',
      contentSecurityPolicy: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'", "'unsafe-inline'"],
        imgSrc: ["'self'", 'data:'],
        connectSrc: ["'self'"],
        frameAncestors: ["'none'"],
        objectSrc: ["'none'"],
        baseUri: ["'self'"],
      },
    }),
  );

  // API, webhook and health answers are live data, often private (run payloads, users, keys):
  // never kept by a browser's or a proxy's cache. The web app's files set their own caching.
  for (const path of [`${API_PREFIX}/*`, '/hooks/*', '/healthz', '/readyz']) {
    app.use(path, async (c, next) => {
      await next();
      if (!c.res.headers.has('cache-control')) c.res.headers.set('cache-control', 'no-store');
    });
  }

  // Liveness: the process answers. Readiness: SQLite, PostgreSQL and a worker all work, by name.
  app.get('/healthz', (c) => c.json({ status: 'ok' }));
  app.get('/readyz', async (c) => {
    const report = deps.readiness ? await deps.readiness() : { status: 'not ready', components: {} };
    return c.json(report, report.status === 'ready' ? 200 : 503);
  });
  // Built at its first request, not at start: some 30 ms of CPU that most starts never need.
  let openApi: ReturnType<typeof openApiDocument> | undefined;
  app.get(`${API_PREFIX}/openapi.json`, (c) => {
    openApi ??= openApiDocument(apiRoutes, API_PREFIX);
    return c.json(openApi);
  });
  mountRoutes(app, API_PREFIX, apiRoutes, deps);
  // Before the live webhooks, whose `/hooks/:workflowId/*` would take `/hooks/test/...` too.
  mountWebhookTests(app, deps);
  // Before the webhooks: `/hooks/resume/…` is not a workflow's hook.
  mountResumeHooks(app, deps);
  mountWebhooks(app, deps);
  if (web.webDir) mountWebApp(app, web.webDir);

  app.notFound((c) => errorResponse(c, new ApiError(404, 'not_found', `no route for ${c.req.method} ${c.req.path}`)));
  app.onError((error, c) => {
    if (error instanceof ApiError) return errorResponse(c, error);
    if (error instanceof HTTPException && error.status < 500) {
      return errorResponse(c, new ApiError(error.status as 400, 'http_error', error.message || 'request refused'));
    }
    if (error instanceof ZodError) return errorResponse(c, validationError('data', error));
    // Anything else is our bug: log it whole, answer without internals.
    deps.log.error({ err: error, method: c.req.method, path: c.req.path }, 'unhandled error');
    return errorResponse(c, new ApiError(500, 'internal', 'internal error'));
  });
  return app;
}
