// Types of eslint.config.js for test/layers.test.ts, which runs its layer rules on wrong imports.
import type { Linter } from 'eslint';

/** The architecture rules (layers, features, cycles) applied to src/. */
export declare const layerRules: Linter.Config;

declare const config: Linter.Config[];
export default config;
