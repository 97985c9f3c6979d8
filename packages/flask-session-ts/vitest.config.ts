import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    name: 'flask-session-ts',
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 120_000,
    restoreMocks: true,
    unstubEnvs: true,
  },
});
