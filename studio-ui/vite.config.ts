import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

// The app is served by the Go binary at /studio (and, later, the workspace at
// /app from the same files). `npm run dev` proxies the API to a running
// `mosaic serve`, so the browser sees one origin as in production.
const api = process.env.MOSAIC_API ?? 'http://127.0.0.1:8080';

export default defineConfig({
  base: '/studio/',
  plugins: [react()],
  server: {
    proxy: { '/api': api },
  },
  build: {
    outDir: 'dist',
    assetsDir: 'assets',
    // note: Ant Design alone is ~1 MB before gzip; the limit warns about
    // chunks that grow past what the first load should carry.
    chunkSizeWarningLimit: 1200,
    rollupOptions: {
      output: {
        // note: the framework changes less often than the app, so it is kept
        // in chunks of its own that browsers keep cached across releases.
        manualChunks(id: string) {
          if (!id.includes('node_modules')) return undefined;
          if (/node_modules\/(react|react-dom|scheduler|react-router)\//.test(id)) return 'react';
          if (/node_modules\/@dnd-kit\//.test(id)) return 'dndkit';
          return undefined;
        },
      },
    },
  },
});
