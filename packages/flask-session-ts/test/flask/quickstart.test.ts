/**
 * "Done when" of the package: the README's quick starts, run as written (each file in
 * examples/ is quoted in the README, and this test checks the quote), share a session with real
 * Flask. Each app starts in its own Node process on a free loopback port and resolves
 * `flask-session-ts/…` by its package name, so it runs the built `dist/` (npm test builds first).
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  expectSharesSessionWithFlask,
  startQuickStart,
  stopQuickStart,
  type QuickStart,
} from '../support/quick-start.js';
import { FlaskOracle } from './oracle.js';

const PACKAGE_DIR = fileURLToPath(new URL('../..', import.meta.url));
const README = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');

let oracle: FlaskOracle;

beforeAll(async () => {
  oracle = await FlaskOracle.start();
});

afterAll(async () => {
  await oracle.close();
});

describe.each(['express', 'fastify', 'hono'])('the %s quick start', (name) => {
  let app: QuickStart;

  beforeAll(async () => {
    app = await startQuickStart(['--import', 'tsx', `examples/${name}.ts`], PACKAGE_DIR);
  });

  afterAll(async () => {
    await stopQuickStart(app);
  });

  it('is quoted in the README exactly as it runs', () => {
    const source = readFileSync(new URL(`../../examples/${name}.ts`, import.meta.url), 'utf8');
    expect(README).toContain('```ts\n' + source + '```');
  });

  it('reads a cookie real Flask signed, and writes one real Flask reads', async () => {
    await expectSharesSessionWithFlask(oracle, app.url);
  });
});
