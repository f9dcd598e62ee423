import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: [
      'core/**/*.test.ts',
      'console/**/*.test.ts',
      'agents/**/*.test.ts',
      'infra/**/*.test.ts',
      'dashboards/**/*.test.ts',
      'test/**/*.test.ts',
    ],
    // Two cores: keep forks few so PostgreSQL and Chromium tests do not starve each other.
    pool: 'forks',
    maxWorkers: 2,
    testTimeout: 20_000,
    hookTimeout: 60_000,
  },
});
