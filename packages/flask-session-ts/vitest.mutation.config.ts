import { defineConfig, mergeConfig } from 'vitest/config';
import base from './vitest.config.js';

/**
 * The unit tests, for mutation testing (`npm run mutation`): the real-Flask interop and fidelity
 * suites are left out, since each mutant would respawn Python and replay hundreds of Flask
 * requests. What they check is pinned by Flask's own test vectors in the unit tests.
 */
export default mergeConfig(
  base,
  defineConfig({
    test: {
      exclude: [
        'src/interop.test.ts',
        'src/fidelity.test.ts',
        'test/flask/**',
        // fast-check over 10,000 tampered cookies: seconds per mutant, for what the unit tests pin too.
        'src/tamper.test.ts',
        // Type tests: tsc over instrumented sources, in a sandbox where the tsconfig paths do not hold.
        'test/types/**',
        '**/node_modules/**',
      ],
    },
  }),
);
