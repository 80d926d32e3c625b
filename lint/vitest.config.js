import { defineConfig } from 'vitest/config';

// The first lint of a run loads ESLint, typescript-eslint and the resolver: 40 s seen on a busy machine.
export default defineConfig({ test: { include: ['*.test.js'], testTimeout: 120_000 } });
