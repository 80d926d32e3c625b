import { defineConfig } from 'vitest/config';

// Unit tests of the shared logic (ranges, summaries, advice); the components are exercised by e2e in Chromium.
// A zone behind UTC, so a date formatted in local time instead of UTC shows the day before.
export default defineConfig({ test: { include: ['src/**/*.test.ts'], environment: 'node', env: { TZ: 'America/New_York' } } });
