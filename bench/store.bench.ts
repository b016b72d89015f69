import { randomBytes } from 'node:crypto';
import { pino } from 'pino';
import { createApp } from '../server/api/app.ts';
import { nestsDeeperThan } from '../server/api/json-depth.ts';
import { validateGraph } from '../server/core/validate.ts';
import { masterKeyFrom } from '../server/security/master-key.ts';
import { sqliteRepositories } from '../server/store/sqlite-repositories.ts';
import { seedAccounts } from '../server/testing/api.ts';
import { tempStore } from '../server/testing/store.ts';
import { bigGraph } from './graphs.ts';
import { percentile, report, sample } from './stats.ts';

/** Editor-facing costs: validating, autosaving and versioning a 500-node workflow; big graphs and bodies. */
export async function run(): Promise<void> {
  const graph = bigGraph(500);
  const validation = await sample(() => validateGraph(graph), 200);
  report('validate 500-node graph', { p50_ms: percentile(validation, 50), p99_ms: percentile(validation, 99) });
  const long = bigGraph(2000);
  const longValidation = await sample(() => validateGraph(long), 20);
  report('validate 2000-node graph', {
    p50_ms: percentile(longValidation, 50),
    p99_ms: percentile(longValidation, 99),
  });
  // Every API body is scanned for its depth before it is parsed (server/api/json-depth.ts).
  const deep = `${'{"a":'.repeat(100_000)}1${'}'.repeat(100_000)}`;
  const wide = `[${'1,'.repeat(1_000_000)}1]`;
  const scans = await sample(() => nestsDeeperThan(deep) && !nestsDeeperThan(wide), 20);
  report('JSON depth scan, 100k levels + 2 MB array', { p50_ms: percentile(scans, 50), p99_ms: percentile(scans, 99) });

  const store = tempStore();
  try {
    const app = createApp({
      repos: sqliteRepositories(store),
      log: pino({ level: 'silent' }),
      config: {
        apiBodyLimit: 5 * 1024 * 1024,
        webhookBodyLimit: 1024 * 1024,
        webhookRateLimit: 1000,
        sessionTtlHours: 12,
        cookieSecure: 'auto',
      },
      masterKey: masterKeyFrom(randomBytes(32)),
    });
    // Requests go as an admin's API key, as an automation would send them.
    const headers = { 'content-type': 'application/json', authorization: `Bearer ${seedAccounts(store).keys.admin}` };
    const created = await app.request('/api/v1/workflows', {
      method: 'POST',
      headers,
      body: JSON.stringify({ name: 'Bench' }),
    });
    const { id } = (await created.json()) as { id: string };
    const body = JSON.stringify({ graph });
    const autosave = await sample(async () => {
      const response = await app.request(`/api/v1/workflows/${id}/draft`, {
        method: 'PUT',
        headers,
        body,
      });
      await response.arrayBuffer();
    }, 100);
    report('autosave 500-node draft (PUT /draft)', {
      p50_ms: percentile(autosave, 50),
      p99_ms: percentile(autosave, 99),
      kib: Math.round(body.length / 1024),
    });

    const versionBody = JSON.stringify({ fromDraft: true, message: 'bench' });
    const versions = await sample(async () => {
      const response = await app.request(`/api/v1/workflows/${id}/versions`, {
        method: 'POST',
        headers,
        body: versionBody,
      });
      if (response.status !== 201) throw new Error(`version save answered ${response.status}`);
      await response.arrayBuffer();
    }, 100);
    report('save 500-node version (POST /versions)', {
      p50_ms: percentile(versions, 50),
      p99_ms: percentile(versions, 99),
      per_s: 1000 / (versions.reduce((sum, ms) => sum + ms, 0) / versions.length),
    });
  } finally {
    store.cleanup();
  }
}
