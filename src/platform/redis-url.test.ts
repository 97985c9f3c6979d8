import { describe, expect, it } from 'vitest';
import { maskCredentials, maskRedisUrl, urlPasswords } from './redis-url.js';

describe('maskRedisUrl', () => {
  it.each([
    ['masks the password of a URL', 'redis://user:s3cret@host:6379/2', 'redis://user:***@host:6379/2'],
    ['masks a password with no user', 'rediss://:s3cret@host', 'rediss://:***@host'],
    ['masks a password holding an @ up to the last one', 'redis://u:p@ss@host', 'redis://u:***@host'],
    ['masks a percent-encoded password', 'redis://u:p%40ss@host:1', 'redis://u:***@host:1'],
    ['leaves a URL without a password alone', 'redis://user@host:6379', 'redis://user@host:6379'],
    ['leaves a URL without credentials alone', 'redis://127.0.0.1:6379', 'redis://127.0.0.1:6379'],
    ['leaves an @ in the path alone', 'redis://host:6379/0?x=a@b', 'redis://host:6379/0?x=a@b'],
  ])('%s', (_, url, masked) => {
    expect(maskRedisUrl(url)).toBe(masked);
  });
});

describe('urlPasswords', () => {
  it('finds each password as written and decoded, longest first, and none where there is none', () => {
    expect(urlPasswords(['redis://u:p%40ss@h:1', 'redis://:pw@h:2', 'redis://u@h', 'redis://h'])).toEqual([
      'p%40ss',
      'p@ss',
      'pw',
    ]);
  });

  it('keeps a password with a malformed escape as written', () => {
    expect(urlPasswords(['redis://u:100%@h'])).toEqual(['100%']);
  });
});

describe('maskCredentials', () => {
  it('masks every occurrence of every secret', () => {
    const secrets = urlPasswords(['redis://u:p%40ss@h:1']);
    expect(maskCredentials('at redis://u:p%40ss@h:1 (WRONGPASS p@ss; p@ss)', secrets)).toBe(
      'at redis://u:***@h:1 (WRONGPASS ***; ***)',
    );
  });

  it('leaves text without secrets alone', () => {
    expect(maskCredentials('no secret here', [])).toBe('no secret here');
  });
});
