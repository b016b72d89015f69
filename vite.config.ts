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
    rolldownOptions: {
      output: {
        // Pages load as their own chunks (see routes.tsx). Left alone, the bundler would also cut
        // every shared icon and helper into a chunk of its own: a page would then fetch twenty
        // files of 1 kB, queued six at a time over HTTP/1.1 ahead of its API calls. Grouped here:
        // the canvas (React Flow and the node catalogue, shared by the editor and the version
        // and execution pages) and the small shared parts.
        codeSplitting: {
          groups: [
            {
              name: 'canvas',
              test: /node_modules[\\/](@xyflow|d3-|zod|croner|classcat)|[\\/](nodes|web[\\/]src[\\/]canvas)[\\/]/,
            },
            { name: 'common', test: /node_modules[\\/]lucide-react|web[\\/]src[\\/](components|lib|api|auth)[\\/]/ },
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
