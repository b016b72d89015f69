import { dropEarlyAnswers, takeEarlyAnswer } from '../boot/early-answers.ts';
import type { Endpoint, EndpointAnswer, EndpointArgs } from './endpoints.ts';

/**
 * The one way the web app talks to the server: JSON over HTTP under /api/v1, with the session
 * cookie. Every failure becomes an `ApiError` carrying the server's `{ error: { code, message,
 * details } }`, so pages can show the server's own words (and problems next to the fields).
 */
export class ApiError extends Error {
  override name = 'ApiError';
  readonly status: number;
  readonly code: string;
  readonly details: unknown;
  constructor(status: number, code: string, message: string, details?: unknown) {
    super(message);
    this.status = status;
    this.code = code;
    this.details = details;
  }
}

export const API_BASE = '/api/v1';

type Query = Record<string, string | number | boolean | undefined | null>;

export function withQuery(path: string, query?: Query): string {
  if (!query) return path;
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value !== undefined && value !== null && value !== '') params.set(key, String(value));
  }
  const text = params.toString();
  return text ? `${path}?${text}` : path;
}

async function errorFrom(response: Response): Promise<ApiError> {
  try {
    const body = (await response.json()) as { error?: { code?: string; message?: string; details?: unknown } };
    if (body.error?.message) {
      return new ApiError(response.status, body.error.code ?? 'error', body.error.message, body.error.details);
    }
  } catch {
    // Not JSON (a proxy's error page, say): fall through to the status line.
  }
  return new ApiError(response.status, 'http_error', `${response.status} ${response.statusText || 'request failed'}`);
}

// Answers started before the app's code had loaded (boot/early.ts); re-exported for tests.
export { fetchEarly } from '../boot/early-answers.ts';

export async function request<T>(method: string, path: string, body?: unknown, query?: Query): Promise<T> {
  const url = withQuery(path, query);
  if (method !== 'GET') dropEarlyAnswers();
  let response: Response;
  try {
    const early = method === 'GET' ? await takeEarlyAnswer(url) : undefined;
    response =
      early ??
      (await fetch(`${API_BASE}${url}`, {
        method,
        credentials: 'same-origin',
        headers:
          body === undefined
            ? { accept: 'application/json' }
            : { 'content-type': 'application/json', accept: 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
      }));
  } catch {
    throw new ApiError(0, 'network', 'Cannot reach the Stepwise server. Check that it is running.');
  }
  if (!response.ok) {
    const error = await errorFrom(response);
    // The session ended (expired, revoked): let the app send the user to sign in. Calls of the
    // sign-in pages themselves answer 401 as a matter of course and must not loop back here.
    if (error.status === 401 && !path.startsWith('/auth/')) notifyUnauthorized();
    throw error;
  }
  if (response.status === 204) return undefined as T;
  const text = await response.text();
  return (text ? JSON.parse(text) : undefined) as T;
}

/** `/workflows/:id` with `{ id: 'a b' }` → `/workflows/a%20b`; a missing param is a bug, so it throws. */
export function fillPath(template: string, params: Readonly<Record<string, unknown>> = {}): string {
  return template.replace(/:([A-Za-z_][A-Za-z0-9_]*)/g, (_, name: string) => {
    const value = params[name];
    if (value === undefined || value === null) throw new Error(`${template} needs the path parameter "${name}"`);
    return encodeURIComponent(String(value));
  });
}

/**
 * Calls an endpoint by its declaration's name, e.g. `call('GET /workflows/:id', { params: { id } })`:
 * inputs and answer are typed from the server's route declarations (./endpoints.ts).
 */
export function call<K extends Endpoint>(endpoint: K, ...[input]: EndpointArgs<K>): Promise<EndpointAnswer<K>> {
  const space = endpoint.indexOf(' ');
  const method = endpoint.slice(0, space);
  const { params, query, body } = (input ?? {}) as { params?: Record<string, unknown>; query?: Query; body?: unknown };
  const path = fillPath(endpoint.slice(space + 1), params);
  // A POST without a body still sends `{}`, which every body schema of an action route accepts.
  const sent = body ?? (method === 'POST' ? {} : undefined);
  return request<EndpointAnswer<K>>(method, path, sent, query);
}

let unauthorizedListener: (() => void) | undefined;
/** The app shell sends the user to sign in when any call answers 401. */
export function onUnauthorized(listener: () => void): void {
  unauthorizedListener = listener;
}
function notifyUnauthorized(): void {
  unauthorizedListener?.();
}
