import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { createApp } from './api/app.ts';
import type { ApiDeps } from './api/route.ts';
import { masterKeyFrom } from './security/master-key.ts';
import { openStore, type Store } from './store/db.ts';

/** A real SQLite file in a fresh temp dir; `cleanup` closes and removes it. */
export function tempStore(
  options: { migrationsFolder?: string } = {},
): Store & { dir: string; file: string; cleanup(): void } {
  const dir = mkdtempSync(join(tmpdir(), 'stepwise-test-'));
  const file = join(dir, 'stepwise.db');
  const store = openStore(file, options);
  return {
    ...store,
    dir,
    file,
    cleanup() {
      store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export interface TestApi {
  readonly store: ReturnType<typeof tempStore>;
  readonly app: ReturnType<typeof createApp>;
  /** Sends a request through `app.request()` (no socket) and parses the JSON answer, if any. */
  // biome-ignore lint/suspicious/noExplicitAny: tests inspect answers field by field; each field is asserted
  call(method: string, path: string, body?: unknown): Promise<{ status: number; body: any; headers: Headers }>;
  cleanup(): void;
}

/**
 * The API in process, on a temp store (or the one given, e.g. an engine's), with every answer
 * checked against its documented schema. Without `engine`, routes that start runs answer 503.
 */
export function testApi(
  options: {
    apiBodyLimit?: number;
    webhookRateLimit?: number;
    store?: ReturnType<typeof tempStore>;
    engine?: ApiDeps['engine'];
  } = {},
): TestApi {
  const store = options.store ?? tempStore();
  const app = createApp({
    store,
    log: pino({ level: 'silent' }),
    config: {
      apiBodyLimit: options.apiBodyLimit ?? 5 * 1024 * 1024,
      webhookBodyLimit: 64 * 1024,
      webhookRateLimit: options.webhookRateLimit ?? 1000,
    },
    checkResponses: true,
    masterKey: masterKeyFrom(randomBytes(32)),
    ...(options.engine ? { engine: options.engine } : {}),
  });
  return {
    store,
    app,
    async call(method, path, body) {
      const init: RequestInit = { method, headers: { 'content-type': 'application/json' } };
      if (body !== undefined) init.body = typeof body === 'string' ? body : JSON.stringify(body);
      const response = await app.request(path, init);
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
