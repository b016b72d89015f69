import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import type { TestProject } from 'vitest/node';
import { type EmbeddedPostgres, startEmbeddedPostgres } from '../pg/embedded.ts';
import { ensureWebBundle } from '../web/bundle.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    /** A PostgreSQL server for the whole test run; each test file makes its own database on it. */
    postgresUrl: string;
  }
}

let server: EmbeddedPostgres | undefined;
let dir: string | undefined;

/** One embedded PostgreSQL per test run (not per test), or the one DATABASE_URL names. */
export async function setup(project: TestProject): Promise<void> {
  // Servers started by tests serve the web app; build it once here rather than racing in each.
  await ensureWebBundle(pino({ level: 'warn' }));
  if (process.env.DATABASE_URL) {
    project.provide('postgresUrl', process.env.DATABASE_URL);
    return;
  }
  dir = mkdtempSync(join(tmpdir(), 'stepwise-test-pg-'));
  // Open to the postgres OS user when the tests run as root (mkdtemp makes it 0700).
  chmodSync(dir, 0o755);
  // Shared by every test file, two at a time, with their pools and worker processes: more
  // connections than one Stepwise needs.
  server = await startEmbeddedPostgres({ dataDir: dir, log: pino({ level: 'warn' }), fast: true, maxConnections: 200 });
  project.provide('postgresUrl', server.url);
}

export async function teardown(): Promise<void> {
  await server?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
}
