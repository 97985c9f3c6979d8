import { describe, expect, it } from 'vitest';
import { requestIdFor } from './request-context.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe('requestIdFor', () => {
  it('generates a random UUID when the proxy is not trusted, whatever the request says', () => {
    const id = requestIdFor('from-the-client', false);
    expect(id).toMatch(UUID);
    expect(requestIdFor(undefined, false)).not.toBe(id);
  });

  it('takes a well-formed X-Request-Id from a trusted proxy', () => {
    expect(requestIdFor('5f0c1a2b-trace:01', true)).toBe('5f0c1a2b-trace:01');
  });

  it.each([
    ['too long', 'a'.repeat(129)],
    ['empty', ''],
    ['with a line break', 'abc\r\nSet-Cookie: x'],
    ['with spaces', 'a b'],
    ['with a quote', 'a"b'],
  ])('replaces a trusted but %s X-Request-Id with a UUID', (_case, header) => {
    expect(requestIdFor(header, true)).toMatch(UUID);
  });

  it('replaces a repeated X-Request-Id', () => {
    expect(requestIdFor(['a', 'b'], true)).toMatch(UUID);
  });
});
