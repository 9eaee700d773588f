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
    // note: no manual chunks: each page is a dynamic import, so the
    // designers' libraries (dnd-kit now; React Flow and ECharts later) land
    // in the chunks of the pages that use them, out of the first load.
  },
});
