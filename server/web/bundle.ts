import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Logger } from '../log.ts';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const WEB_SOURCE_DIR = join(ROOT, 'web');
export const WEB_BUNDLE_DIR = join(ROOT, 'dist', 'web');

/**
 * Beside the bundle (not in it, so it is never served), the build writes what it was: see the
 * build-stamp plugin in vite.config.ts. `dist/web` → `dist/web.build.json`.
 */
export function buildStampPath(bundleDir: string): string {
  return join(dirname(bundleDir), `${basename(bundleDir)}.build.json`);
}

function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) newest = Math.max(newest, newestMtime(path));
    else if (!entry.name.includes('.test.')) newest = Math.max(newest, statSync(path).mtimeMs);
  }
  return newest;
}

function isProductionBuild(bundleDir: string): boolean {
  try {
    const stamp: unknown = JSON.parse(readFileSync(buildStampPath(bundleDir), 'utf8'));
    return typeof stamp === 'object' && stamp !== null && 'production' in stamp && stamp.production === true;
  } catch {
    return false; // no stamp: built before stamps existed, or by hand in some other way
  }
}

/**
 * True when there is no bundle, it is not a production build (React's development build is
 * several times slower: a 500-node editor took 1.8 s to open instead of 1 s), or a source file of
 * the web app changed after it was built.
 */
export function webBundleIsStale(sourceDir = WEB_SOURCE_DIR, bundleDir = WEB_BUNDLE_DIR): boolean {
  const index = join(bundleDir, 'index.html');
  if (!existsSync(index) || !isProductionBuild(bundleDir)) return true;
  if (!existsSync(sourceDir)) return false;
  return newestMtime(sourceDir) > statSync(index).mtimeMs;
}

/**
 * `npm start` builds what is missing: the web bundle is built with Vite when absent or older than
 * its sources, so a fresh checkout needs no separate build step. Answers the bundle's folder.
 *
 * Always a production build: Vite lets the environment's NODE_ENV decide between React's
 * development and production builds, and the callers run with whatever NODE_ENV they were given
 * (vitest's global setup has `test`). The served app is never the development build;
 * `npm run dev` is the way to that.
 */
export async function ensureWebBundle(log: Logger): Promise<string> {
  if (webBundleIsStale()) {
    const started = Date.now();
    log.info('building the web app');
    const { build } = await import('vite');
    const nodeEnv = process.env.NODE_ENV;
    process.env.NODE_ENV = 'production';
    try {
      await build({ configFile: join(ROOT, 'vite.config.ts'), mode: 'production', logLevel: 'warn' });
    } finally {
      if (nodeEnv === undefined) delete process.env.NODE_ENV;
      else process.env.NODE_ENV = nodeEnv;
    }
    log.info({ ms: Date.now() - started }, 'web app built');
  }
  return WEB_BUNDLE_DIR;
}
