import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import tailwindcss from '@tailwindcss/vite';
import react from '@vitejs/plugin-react';
import { defineConfig, type Plugin } from 'vite';
import { buildStampPath } from './server/web/bundle.ts';

/**
 * Writes `dist/web.build.json` after a build, saying whether it is a production one. Vite picks
 * React's development build when the environment's NODE_ENV says so (vitest sets `test`), and
 * such a bundle is several times slower: `npm start` rebuilds any bundle this does not vouch for.
 */
function buildStamp(): Plugin {
  let production = false;
  let outDir = '';
  return {
    name: 'stepwise-build-stamp',
    apply: 'build',
    configResolved(config) {
      production = config.isProduction;
      outDir = resolve(config.root, config.build.outDir);
    },
    writeBundle() {
      writeFileSync(buildStampPath(outDir), `${JSON.stringify({ production })}\n`);
    },
  };
}

/**
 * The web app (`web/`) builds into `dist/web`, which the server serves. In development
 * (`npm run dev`) Vite serves it with hot reload and proxies the API to the server.
 */
export default defineConfig({
  root: 'web',
  plugins: [react(), tailwindcss(), buildStamp()],
  build: {
    outDir: '../dist/web',
    emptyOutDir: true,
    // The editor is one big page (React Flow, CodeMirror, elkjs); a warning per chunk says nothing new.
    chunkSizeWarningLimit: 2000,
    rolldownOptions: {
      output: {
        // Pages load as their own chunks (see routes.tsx). Left alone, the bundler would also cut
        // every shared icon and helper into a chunk of its own: a page would then fetch twenty
        // files of 1 kB, queued six at a time over HTTP/1.1 ahead of its API calls. Grouped here,
        // each group taking what it matches and, unless a group ranked higher took them, the
        // modules those import: React (first, else it lands with the first group that imports it:
        // once that was the canvas, and every page loaded React Flow); the small shared parts;
        // CodeMirror; and the canvas (React Flow, shared by the editor and the version and
        // execution pages, never loaded by the sign-in page or the lists).
        codeSplitting: {
          groups: [
            // What boot/early.ts shares with the app: its own chunk, or the first page's scripts
            // would wait for whichever group took it.
            { name: 'boot', test: /web[\\/]src[\\/]boot[\\/]/, priority: 50 },
            {
              name: 'react',
              test: /node_modules[\\/](react|react-dom|scheduler|use-sync-external-store)[\\/]/,
              priority: 40,
            },
            {
              name: 'common',
              test: /node_modules[\\/]lucide-react|web[\\/]src[\\/](components|lib|api|auth)[\\/]/,
              priority: 30,
            },
            // CodeMirror, for expression fields and the test-run payload: loaded after the canvas.
            {
              name: 'codemirror',
              test: /node_modules[\\/](@codemirror|@lezer|@uiw|@marijn|style-mod|w3c-keyname|crelt)[\\/]/,
              priority: 25,
            },
            {
              name: 'canvas',
              test: /node_modules[\\/](@xyflow|d3-|classcat|zustand)|web[\\/]src[\\/]canvas[\\/]/,
              priority: 10,
            },
          ],
        },
      },
    },
  },
  server: {
    host: '127.0.0.1',
    proxy: {
      '/api': { target: `http://127.0.0.1:${process.env.PORT ?? 3000}`, changeOrigin: false },
      '/hooks': `http://127.0.0.1:${process.env.PORT ?? 3000}`,
      '/healthz': `http://127.0.0.1:${process.env.PORT ?? 3000}`,
    },
  },
});
