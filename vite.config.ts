import { defineConfig } from 'vite';

/**
 * The web app (`web/`) builds into `dist/web`, which the server serves; in development
 * (`npm run dev`, coming with the web app) the API is proxied to the server on port 3000.
 */
export default defineConfig({
  root: 'web',
  build: { outDir: '../dist/web', emptyOutDir: true },
  server: {
    host: '127.0.0.1',
    proxy: { '/api': 'http://127.0.0.1:3000', '/hooks': 'http://127.0.0.1:3000', '/healthz': 'http://127.0.0.1:3000' },
  },
});
