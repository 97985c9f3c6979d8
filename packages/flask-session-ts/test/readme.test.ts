/**
 * The README's options table is checked against `SESSION_DEFAULTS`, the one source of truth, so
 * a changed default cannot leave the documentation behind.
 */
import { readFileSync } from 'node:fs';
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
