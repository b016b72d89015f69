import { existsSync, readdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Logger } from '../log.ts';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const WEB_SOURCE_DIR = join(ROOT, 'web');
export const WEB_BUNDLE_DIR = join(ROOT, 'dist', 'web');

function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) newest = Math.max(newest, newestMtime(path));
    else if (!entry.name.includes('.test.')) newest = Math.max(newest, statSync(path).mtimeMs);
  }
  return newest;
}

/** True when there is no bundle, or a source file of the web app changed after it was built. */
export function webBundleIsStale(sourceDir = WEB_SOURCE_DIR, bundleDir = WEB_BUNDLE_DIR): boolean {
  const index = join(bundleDir, 'index.html');
  if (!existsSync(index)) return true;
  if (!existsSync(sourceDir)) return false;
  return newestMtime(sourceDir) > statSync(index).mtimeMs;
}

/**
 * `npm start` builds what is missing: the web bundle is built with Vite when absent or older than
 * its sources, so a fresh checkout needs no separate build step. Answers the bundle's folder.
 */
export async function ensureWebBundle(log: Logger): Promise<string> {
  if (webBundleIsStale()) {
    const started = Date.now();
    log.info('building the web app');
    const { build } = await import('vite');
    await build({ configFile: join(ROOT, 'vite.config.ts'), logLevel: 'warn' });
    log.info({ ms: Date.now() - started }, 'web app built');
  }
  return WEB_BUNDLE_DIR;
}
