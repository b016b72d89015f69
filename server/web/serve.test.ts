import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Hono } from 'hono';
import { afterEach, describe, expect, it } from 'vitest';
import { buildStampPath, WEB_BUNDLE_DIR, webBundleIsStale } from './bundle.ts';
import { mountWebApp } from './serve.ts';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function bundle(): string {
  const parent = mkdtempSync(join(tmpdir(), 'stepwise-web-'));
  dirs.push(parent);
  const dir = join(parent, 'web');
  mkdirSync(join(dir, 'assets'), { recursive: true });
  writeFileSync(buildStampPath(dir), JSON.stringify({ production: true }));
  writeFileSync(join(dir, 'index.html'), '<!doctype html><div id="root"></div>');
  writeFileSync(join(dir, 'assets', 'app-abc123.js'), 'console.log(1)');
  writeFileSync(join(dir, 'favicon.svg'), '<svg/>');
  return dir;
}

function appWith(dir: string): Hono {
  const app = new Hono();
  app.get('/api/v1/ping', (c) => c.json({ pong: true }));
  mountWebApp(app, dir);
  return app;
}

describe('web app serving', () => {
  it('answers app paths with index.html and assets with their type and cache policy', async () => {
    const app = appWith(bundle());
    for (const path of ['/', '/workflows', '/workflows/5e1c/versions/2']) {
      const response = await app.request(path);
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toContain('text/html');
      expect(response.headers.get('cache-control')).toBe('no-cache');
      expect(await response.text()).toContain('id="root"');
    }
    const script = await app.request('/assets/app-abc123.js');
    expect(script.headers.get('content-type')).toContain('text/javascript');
    expect(script.headers.get('cache-control')).toContain('immutable');
    expect(await script.text()).toBe('console.log(1)');
    expect((await app.request('/favicon.svg')).headers.get('content-type')).toBe('image/svg+xml');
  });

  it('leaves the API alone, 404s missing files, and never reads outside the bundle', async () => {
    const app = appWith(bundle());
    expect(await (await app.request('/api/v1/ping')).json()).toEqual({ pong: true });
    expect((await app.request('/api/v1/missing')).status).toBe(404);
    expect((await app.request('/assets/nope.js')).status).toBe(404);
    expect((await app.request('/../package.json')).status).toBe(404);
    // Paths are looked up among the bundle's files, never joined onto the disk: at worst the app.
    const outside = await (await app.request('/%2e%2e/%2e%2e/etc/passwd')).text();
    expect(outside).toContain('id="root"');
    expect((await app.request('/workflows', { method: 'POST' })).status).toBe(404);
  });

  it('counts a bundle stale when missing or older than its sources', () => {
    const source = mkdtempSync(join(tmpdir(), 'stepwise-web-src-'));
    dirs.push(source);
    writeFileSync(join(source, 'main.tsx'), 'x');
    const out = join(source, 'missing-dist');
    expect(webBundleIsStale(source, out)).toBe(true);
    const built = bundle();
    const past = new Date(Date.now() - 60_000);
    utimesSync(join(source, 'main.tsx'), past, past);
    expect(webBundleIsStale(source, built)).toBe(false);
    writeFileSync(join(source, 'main.tsx'), 'changed');
    const future = new Date(Date.now() + 60_000);
    utimesSync(join(source, 'main.tsx'), future, future);
    expect(webBundleIsStale(source, built)).toBe(true);
  });

  it('counts a bundle stale when its build stamp does not say production', () => {
    const source = mkdtempSync(join(tmpdir(), 'stepwise-web-src-'));
    dirs.push(source);
    writeFileSync(join(source, 'main.tsx'), 'x');
    const past = new Date(Date.now() - 60_000);
    utimesSync(join(source, 'main.tsx'), past, past);
    const built = bundle();
    expect(webBundleIsStale(source, built)).toBe(false);
    writeFileSync(buildStampPath(built), JSON.stringify({ production: false }));
    expect(webBundleIsStale(source, built)).toBe(true);
    rmSync(buildStampPath(built));
    expect(webBundleIsStale(source, built)).toBe(true);
  });

  // The global setup built the bundle under vitest, whose NODE_ENV is `test`: Vite would then
  // have used React's development build (much slower) had the build not insisted on production.
  it('builds the production app even when the environment says NODE_ENV=test', () => {
    expect(process.env.NODE_ENV).toBe('test');
    expect(JSON.parse(readFileSync(buildStampPath(WEB_BUNDLE_DIR), 'utf8'))).toEqual({ production: true });
    const scripts = readdirSync(join(WEB_BUNDLE_DIR, 'assets')).filter((name) => name.endsWith('.js'));
    expect(scripts.length).toBeGreaterThan(0);
    // Only React's development builds make an error per element to capture owner stacks.
    const development = scripts.filter((name) =>
      readFileSync(join(WEB_BUNDLE_DIR, 'assets', name), 'utf8').includes('react-stack-top-frame'),
    );
    expect(development).toEqual([]);
  });
});
