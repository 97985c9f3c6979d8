import { defineConfig } from 'vitest/config';

/**
 * The app's unit tests of the domain and the URL table, for mutation testing
 * (`npm run mutation:app`, `stryker.app.config.json`). Server, browser and end-to-end tests are
 * left out: each mutant would start servers and Chromium for what these unit tests pin.
 */
export default defineConfig({
  test: {
    name: 'app-mutation',
    include: ['src/domain/**/*.test.ts', 'src/web/urls.test.ts'],
    setupFiles: ['vitest.mutation.app.setup.ts'],
    // Generous: under coverage instrumentation on a loaded machine, the fast-check URL round trip
    // took over 30 s in the initial run.
    testTimeout: 120_000,
    restoreMocks: true,
    unstubEnvs: true,
  },
});
