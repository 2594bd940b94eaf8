import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Restarts the Docker engine: run alone afterwards by scripts/test.sh (vitest.engine.config.ts).
    exclude: ['test/engine-restart/**', '**/node_modules/**'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // Integration files share one Docker engine; two at a time keeps 2 cores busy without thrashing.
    maxWorkers: 2,
    fileParallelism: true,
    reporters: ['default'],
  },
});
