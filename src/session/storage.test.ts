import { describe, expect, it } from 'vitest';
import { SESSION_TYPES } from '../platform/config.js';
import { formatBytes, STORAGE_WORDS } from './storage.js';

describe('formatBytes', () => {
  it.each([
    [1024 * 1024, '1 MiB'],
    [1536 * 1024, '1.5 MiB'],
    [20_000, '19.5 KB'],
    [4096, '4 KB'],
  ])('writes %i bytes as %s', (bytes, text) => {
    expect(formatBytes(bytes)).toBe(text);
  });
});

describe('STORAGE_WORDS', () => {
  it.each(SESSION_TYPES.filter((type) => type !== 'cookie'))(
    'never tells a %s-mode visitor that the portfolio is in a cookie',
    (type) => {
      const words = STORAGE_WORDS[type];
      for (const text of [words.footer, words.about, words.kept, words.importFull(5, 1024)]) {
        expect(text).not.toMatch(/in (this|a) browser('s)? (signed session )?cookie|stays in this browser/);
        expect(text).toMatch(/on this server|this server keeps/);
      }
    },
  );
});
