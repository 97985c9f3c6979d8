import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SqliteSessionStore } from 'flask-session-ts/sqlite';
import { describe, expect, it } from 'vitest';
import { SESSION_TYPES } from '../platform/config.js';
import { testConfig } from '../../test/support/client.js';
import { createCookieStore } from './stores.js';
import { formatBytes, roomOf, STORAGE_WORDS } from './storage.js';

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

describe('roomOf', () => {
  it('names the browser cookie in cookie mode, and the server store’s cap otherwise', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'room-of-'));
    const sqlite = new SqliteSessionStore({
      secretKey: 'a test key that is long enough for the room test',
      path: join(dir, 'sessions.db'),
      maxSessionBytes: 1024 * 1024,
    });
    try {
      expect(roomOf(createCookieStore(testConfig()))).toBe('the browser cookie');
      expect(roomOf(sqlite)).toBe('the 1 MiB this server keeps for one portfolio');
    } finally {
      await sqlite.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
