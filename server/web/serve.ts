import { readdirSync, readFileSync } from 'node:fs';
import { extname, join, relative, sep } from 'node:path';
import type { Hono } from 'hono';

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json',
  '.woff2': 'font/woff2',
  '.woff': 'font/woff',
  '.txt': 'text/plain; charset=utf-8',
  '.map': 'application/json',
};

interface Asset {
  readonly body: Uint8Array<ArrayBuffer>;
  readonly type: string;
  /** Vite names files under assets/ by content hash: they never change, so browsers keep them. */
  readonly immutable: boolean;
}

function readAssets(dir: string, root = dir, assets = new Map<string, Asset>()): Map<string, Asset> {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) {
      readAssets(path, root, assets);
      continue;
    }
    const urlPath = `/${relative(root, path).split(sep).join('/')}`;
    assets.set(urlPath, {
      body: new Uint8Array(readFileSync(path)),
      type: CONTENT_TYPES[extname(entry.name)] ?? 'application/octet-stream',
      immutable: urlPath.startsWith('/assets/'),
    });
  }
  return assets;
}

/**
 * Serves the built web app. The bundle is small and fixed while the server runs, so it is read
 * into memory once: a request can only ever get one of these files (no path is joined from the
 * URL, so no traversal), and any other GET outside the API is the app's index.html, where the
 * client-side router takes over.
 */
export function mountWebApp(app: Hono, bundleDir: string): void {
  const assets = readAssets(bundleDir);
  const index = assets.get('/index.html');
  if (!index) throw new Error(`the web bundle in ${bundleDir} has no index.html; run npm run build`);
  app.on(['GET', 'HEAD'], '*', (c, next) => {
    const path = c.req.path;
    if (path.startsWith('/api/') || path.startsWith('/hooks/')) return next();
    const asset = assets.get(path);
    if (!asset && /\.[a-z0-9]+$/i.test(path)) return next(); // a missing file is a 404, not the app
    const file = asset ?? index;
    return c.body(file.body, 200, {
      'content-type': file.type,
      'cache-control': file.immutable ? 'public, max-age=31536000, immutable' : 'no-cache',
    });
  });
}
