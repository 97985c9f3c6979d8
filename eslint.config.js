// @ts-check
import js from '@eslint/js';
import boundaries from 'eslint-plugin-boundaries';
import { importX } from 'eslint-plugin-import-x';
import { createTypeScriptImportResolver } from 'eslint-import-resolver-typescript';
import tseslint from 'typescript-eslint';

/**
 * The app's layers, bottom to top: an import may point to its own layer or one below, never up,
 * and a feature never imports another feature (what two share moves down). README, "Layout".
 */
const LAYERS = ['domain', 'platform', 'session', 'web', 'feature', 'http'];

/** `boundaries/dependencies` policies: each layer may import the layers below it. */
const layerPolicies = LAYERS.slice(1).map((layer, i) => ({
  from: { element: { type: layer } },
  allow: { to: { element: { types: { anyOf: LAYERS.slice(0, i + 1) } } } },
}));

/** The architecture rules, exported so a test can run them on a wrong import and see them fail. */
export const layerRules = {
  files: ['src/**/*.ts'],
  // Tests build the whole app to exercise one part, so they may import any layer.
  ignores: ['src/**/*.test.ts'],
  plugins: { boundaries, 'import-x': importX },
  settings: {
    'import-x/resolver-next': [createTypeScriptImportResolver({ project: import.meta.dirname })],
    // no-cycle parses each imported file to follow its imports: with the TypeScript parser.
    'import-x/parsers': { '@typescript-eslint/parser': ['.ts'] },
    'import-x/extensions': ['.ts', '.js'],
    'import/resolver': { typescript: { project: import.meta.dirname } },
    'boundaries/elements': [
      { type: 'domain', pattern: 'src/domain' },
      { type: 'platform', pattern: 'src/platform' },
      { type: 'session', pattern: 'src/session' },
      { type: 'web', pattern: 'src/web' },
      { type: 'feature', pattern: 'src/features/*', capture: ['feature'] },
      { type: 'http', pattern: 'src/http' },
    ],
  },
  rules: {
    // Imports inside one element (one layer folder, one feature folder) are not checked: only
    // those crossing elements, which must follow a policy; another feature matches none.
    'boundaries/dependencies': ['error', { default: 'disallow', policies: layerPolicies }],
    // Every file of src/ belongs to a layer.
    'boundaries/no-unknown-files': 'error',
    'import-x/no-cycle': 'error',
  },
};

export default tseslint.config(
  {
    ignores: [
      '**/dist/',
      '**/coverage/',
      '**/node_modules/',
      'test-results/',
      'bench/results/',
      '**/reports/',
      '**/.stryker-tmp/',
      '**/docs/api/',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.strictTypeChecked,
  {
    languageOptions: {
      parserOptions: {
        projectService: { allowDefaultProject: ['*.js'] },
        tsconfigRootDir: import.meta.dirname,
      },
    },
    rules: {
      '@typescript-eslint/restrict-template-expressions': ['error', { allowNumber: true }],
      '@typescript-eslint/no-confusing-void-expression': 'off',
    },
  },
  { files: ['**/*.js'], extends: [tseslint.configs.disableTypeChecked] },
  layerRules,
);
