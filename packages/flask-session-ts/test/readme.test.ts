/**
 * The README's options table is checked against `SESSION_DEFAULTS`, the one source of truth, so
 * a changed default cannot leave the documentation behind; and its code is the `examples/` files,
 * which the package's type check (strict) compiles, so a snippet cannot stop compiling unseen.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { SESSION_DEFAULTS } from '../src/cookie-store.js';

const README = readFileSync(new URL('../README.md', import.meta.url), 'utf8');

function leaves(object: object, prefix = ''): [string, unknown][] {
  return Object.entries(object as Record<string, unknown>).flatMap(([key, value]): [string, unknown][] =>
    value !== null && typeof value === 'object' ? leaves(value, `${prefix}${key}.`) : [[prefix + key, value]],
  );
}

function shown(value: unknown): string {
  return typeof value === 'string' ? `'${value}'` : String(value);
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

describe('the README options table', () => {
  it.each(leaves(SESSION_DEFAULTS))('gives the default of %s', (path, value) => {
    const row = new RegExp(`^\\| \`${escapeRegExp(path)}\` +\\| \`${escapeRegExp(shown(value))}\``, 'm');
    expect(README).toMatch(row);
  });
});

describe('the README examples', () => {
  const examples = readdirSync(new URL('../examples/', import.meta.url)).filter((name) =>
    name.endsWith('.ts'),
  );

  it('are all there', () => {
    expect(examples).toEqual(
      expect.arrayContaining([
        'express.ts',
        'fastify.ts',
        'hono.ts',
        'express-errors.ts',
        'hono-session-error.ts',
      ]),
    );
  });

  it.each(examples)('quotes examples/%s exactly', (name) => {
    const source = readFileSync(new URL(`../examples/${name}`, import.meta.url), 'utf8');
    expect(README).toContain('```ts\n' + source + '```');
  });

  it('imports SessionTooLarge in the Express error handler it shows', () => {
    expect(readFileSync(new URL('../examples/express-errors.ts', import.meta.url), 'utf8')).toMatch(
      /^import \{ SessionTooLarge \} from 'flask-session-ts';$/m,
    );
  });
});
