import tailwindcss from '@tailwindcss/vite';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

/**
 * The web app (`web/`) builds into `dist/web`, which the server serves. In development
 * (`npm run dev`) Vite serves it with hot reload and proxies the API to the server.
 */
export default defineConfig({
  root: 'web',
  plugins: [react(), tailwindcss()],
  build: {
    outDir: '../dist/web',
    emptyOutDir: true,
    // The editor is one big page (React Flow, CodeMirror, elkjs); a warning per chunk says nothing new.
    chunkSizeWarningLimit: 2000,
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
