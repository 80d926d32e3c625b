import { defineConfig } from 'vitest/config';

// Each scenario file starts the whole system (its own database, server process and browser),
// so files can run side by side; steps inside a file run in order.
export default defineConfig({
  test: {
    include: ['**/*.test.ts'],
    exclude: ['node_modules/**', 'artifacts/**'],
    testTimeout: 120_000,
    hookTimeout: 180_000,
    teardownTimeout: 60_000,
    pool: 'forks',
    maxWorkers: 2,
    sequence: { concurrent: false },
  },
});
