import { defineConfig } from 'vitest/config';

// One run for every workspace: each package brings its own vitest.config.ts.
export default defineConfig({
  test: {
    projects: [
      'packages/*',
      {
        test: {
          name: 'app',
          include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
          testTimeout: 30_000,
          hookTimeout: 120_000,
          restoreMocks: true,
          unstubEnvs: true,
        },
      },
    ],
  },
});
