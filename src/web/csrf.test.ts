import { Signer } from 'flask-session-ts';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { CsrfTokens } from './csrf.js';
import { CookieSigner } from '../session/app-cookies.js';

const KEY = 'a-secret-key-for-the-csrf-tests-0123456789';
const OLD_KEY = 'an-older-secret-key-for-the-csrf-tests-987';

const tokens = (secretKeys = [KEY], production = false) =>
  new CsrfTokens({ secretKeys, production, maxAgeSeconds: 60 });

describe('CookieSigner', () => {
  it('gives back a value it signed, and nothing for a changed value or signature', () => {
    const signer = new CookieSigner([KEY], 'test');
    const signed = signer.sign('abc');
    expect(signer.unsign(signed)).toBe('abc');
    expect(signer.unsign(signed.replace('abc', 'abd'))).toBeUndefined();
    expect(signer.unsign(`${signed.slice(0, -1)}${signed.endsWith('A') ? 'B' : 'A'}`)).toBeUndefined();
    expect(signer.unsign('abc')).toBeUndefined();
    expect(signer.unsign(undefined)).toBeUndefined();
  });

  it('keeps purposes apart: a value signed for one does not verify for another', () => {
    const signed = new CookieSigner([KEY], 'one').sign('abc');
    expect(new CookieSigner([KEY], 'two').unsign(signed)).toBeUndefined();
  });

  it('verifies with a fallback key what the old key signed (rotation)', () => {
    const signed = new CookieSigner([OLD_KEY], 'test').sign('abc');
    expect(new CookieSigner([KEY, OLD_KEY], 'test').unsign(signed)).toBe('abc');
    expect(new CookieSigner([KEY], 'test').unsign(signed)).toBeUndefined();
  });
});

describe('CsrfTokens', () => {
  it('accepts a submitted token equal to the cookie it issued', () => {
    const t = tokens();
    const token = t.issue();
    expect(t.check(token, token)).toBeUndefined();
  });

  it('issues a new random token each time', () => {
    const t = tokens();
    expect(t.issue()).not.toBe(t.issue());
  });

  it('refuses a missing cookie or field, and a field that differs from the cookie', () => {
    const t = tokens();
    const token = t.issue();
    expect(t.check(undefined, token)).toBe('missing-token');
    expect(t.check(token, undefined)).toBe('missing-token');
    expect(t.check(token, '')).toBe('missing-token');
    expect(t.check(token, t.issue())).toBe('wrong-token');
  });

  it('refuses a planted cookie and field that agree but were not signed with our key', () => {
    const forged = tokens([OLD_KEY]).issue();
    expect(tokens().check(forged, forged)).toBe('wrong-token');
    expect(tokens().check('abc', 'abc')).toBe('wrong-token');
  });

  it('accepts a token signed with a fallback key after a rotation', () => {
    const old = tokens([OLD_KEY]).issue();
    expect(tokens([KEY, OLD_KEY]).check(old, old)).toBeUndefined();
  });

  describe('remembers the tokens that verified', () => {
    afterEach(() => {
      vi.restoreAllMocks();
    });

    it("checks a token's HMAC once, then answers from memory, for each instance on its own", () => {
      const unsign = vi.spyOn(Signer.prototype, 'unsign');
      const t = tokens();
      const token = t.issue();
      expect(t.isValid(token)).toBe(true);
      expect(t.isValid(token)).toBe(true);
      expect(t.check(token, token)).toBeUndefined();
      expect(unsign).toHaveBeenCalledTimes(1);
      // Another instance (other keys, say) has its own memory.
      expect(tokens([OLD_KEY]).isValid(token)).toBe(false);
      expect(unsign).toHaveBeenCalledTimes(2);
    });

    it('never remembers a token that failed: it is checked, and refused, each time', () => {
      const unsign = vi.spyOn(Signer.prototype, 'unsign');
      const t = tokens();
      const forged = tokens([OLD_KEY]).issue();
      unsign.mockClear();
      expect(t.isValid(forged)).toBe(false);
      expect(t.isValid(forged)).toBe(false);
      expect(t.isValid(undefined)).toBe(false);
      expect(unsign).toHaveBeenCalledTimes(2);
    });

    it('starts afresh past 10,000 tokens, and still knows a valid one from a forged one', () => {
      const t = tokens();
      const first = t.issue();
      expect(t.isValid(first)).toBe(true);
      for (let i = 0; i < 10_000; i++) expect(t.isValid(t.issue())).toBe(true);
      const unsign = vi.spyOn(Signer.prototype, 'unsign');
      // Forgotten when the memory was full: checked again, and still valid.
      expect(t.isValid(first)).toBe(true);
      expect(unsign).toHaveBeenCalledTimes(1);
      expect(t.isValid(tokens([OLD_KEY]).issue())).toBe(false);
    });
  });

  it('sets an HttpOnly, SameSite=Lax cookie; in production a Secure __Host- one', () => {
    const token = tokens().issue();
    expect(tokens().setCookie(token, 0)).toBe(
      `csrf=${token}; Expires=Thu, 01 Jan 1970 00:01:00 GMT; Max-Age=60; Path=/; HttpOnly; SameSite=Lax`,
    );
    expect(tokens([KEY], true).setCookie(token, 0)).toBe(
      `__Host-csrf=${token}; Expires=Thu, 01 Jan 1970 00:01:00 GMT; Max-Age=60; Path=/; Secure; HttpOnly; SameSite=Lax`,
    );
  });
});
