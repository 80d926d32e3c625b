import { defineConfig } from 'vitest/config';

// The first lint of a run loads ESLint, typescript-eslint and the resolver: seconds on a busy machine.
export default defineConfig({ test: { include: ['*.test.js'], testTimeout: 60_000 } });
