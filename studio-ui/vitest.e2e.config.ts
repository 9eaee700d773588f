import { defineConfig } from 'vitest/config';

// Browser tests: a real `mosaic serve` (the built binary, a temporary SQLite
// folder, the example loaded) driven through Debian's Chromium.
export default defineConfig({
  test: {
    environment: 'node',
    include: ['e2e/**/*.e2e.test.ts'],
    testTimeout: 180_000,
    hookTimeout: 120_000,
    fileParallelism: false,
    reporters: ['default'],
  },
});
