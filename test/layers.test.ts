/**
 * The layer rule is enforced, not only written down: ESLint (run by `npm test`) refuses an import
 * that points up a layer, one from a feature into another, and an import cycle. Each case lints a
 * snippet as if it were a file of src/, with the project's own rules (`layerRules` in
 * eslint.config.js).
 */
import { ESLint } from 'eslint';
import tseslint from 'typescript-eslint';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { layerRules } from '../eslint.config.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

const eslint = new ESLint({
  cwd: ROOT,
  overrideConfigFile: true,
  overrideConfig: [{ files: ['**/*.ts'], languageOptions: { parser: tseslint.parser } }, layerRules],
});

/** The rule ids ESLint reports for `code` placed at `path` (relative to the project root). */
async function problems(path: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: `${ROOT}${path}` });
  return (result?.messages ?? []).map((message) => message.ruleId ?? message.message);
}

describe('the layer rule', () => {
  it('refuses a feature importing another feature', async () => {
    const found = await problems(
      'src/features/edit/wrong.ts',
      "import { addStockPage } from '../stocks/view.js';\nexport const page = addStockPage;\n",
    );
    expect(found).toContain('boundaries/dependencies');
  });

  it.each([
    ['src/domain/wrong.ts', "import { html } from '../web/html.js';\nexport const x = html;\n"],
    ['src/session/wrong.ts', "import { urlFor } from '../web/urls.js';\nexport const x = urlFor;\n"],
    [
      'src/web/wrong.ts',
      "import { registerPages } from '../features/pages/routes.js';\nexport const x = registerPages;\n",
    ],
    ['src/platform/wrong.ts', "import { THEMES } from '../session/data.js';\nexport const x = THEMES;\n"],
  ])('refuses an import that points up a layer (%s)', async (path, code) => {
    expect(await problems(path, code)).toContain('boundaries/dependencies');
  });

  it('allows imports down a layer and inside a feature', async () => {
    const found = await problems(
      'src/features/stocks/right.ts',
      [
        "import { parseDecimal } from '../../domain/decimal.js';",
        "import { html } from '../../web/html.js';",
        "import { allocationChart } from './chart.js';",
        'export const x = [parseDecimal, html, allocationChart];',
        '',
      ].join('\n'),
    );
    expect(found).toEqual([]);
  });

  it('refuses an import cycle', async () => {
    // web/layout.ts imports web/html.ts: html.ts importing layout.ts back closes a cycle.
    const found = await problems(
      'src/web/html.ts',
      "import { layout } from './layout.js';\nexport const x = layout;\n",
    );
    expect(found).toContain('import-x/no-cycle');
  });
});
