import { defineConfig } from 'vitest/config';

/** The engine-restart phase: alone, after the main suite (see scripts/test.sh). */
export default defineConfig({
  test: {
    include: ['test/engine-restart/**/*.test.ts'],
    testTimeout: 180_000,
    hookTimeout: 120_000,
    fileParallelism: false,
  },
});
