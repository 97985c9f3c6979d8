import { createHmac } from 'node:crypto';

import { describe, expect, it } from 'vitest';

import { base64UrlEncode } from './encoding.js';
import { BadSignature, SessionConfigError } from './errors.js';
import { Signer, type Secret, type SignerOptions } from './signer.js';
import { TimestampSigner } from './timed.js';
import { thrown } from '../test/support/thrown.js';

type SignerFactory = (secrets: readonly Secret[], options?: SignerOptions) => Signer;

/** Changes one character of `text` at `index` to a different URL-safe base64 character. */
function changeCharAt(text: string, index: number): string {
  const replacement = text[index] === 'A' ? 'B' : 'A';
  return text.slice(0, index) + replacement + text.slice(index + 1);
}

/**
 * The behaviour every signer shares, run against `Signer` and each subclass (itsdangerous
 * reruns its base suite the same way), so a subclass cannot quietly break the contract.
 */
function signerContract(makeSigner: SignerFactory): void {
  it('gives back the value it signed, verified by the current key', () => {
    const signer = makeSigner(['secret']);
    expect(signer.unsign(signer.sign('hello'))).toMatchObject({ value: 'hello', keyIndex: 0 });
  });

  it('gives back a value that contains the separator itself', () => {
    const signer = makeSigner(['secret']);
    expect(signer.unsign(signer.sign('a.b.c')).value).toBe('a.b.c');
  });

  it('gives back an empty value', () => {
    const signer = makeSigner(['secret']);
    expect(signer.unsign(signer.sign('')).value).toBe('');
  });

  it('gives back a non-ASCII value', () => {
    const signer = makeSigner(['secret']);
    expect(signer.unsign(signer.sign('Zoë 😀')).value).toBe('Zoë 😀');
  });

  it('ends the signed text with the separator and a URL-safe base64 signature', () => {
    const signer = makeSigner(['secret']);
    expect(signer.sign('hello')).toMatch(/^hello\.(?:[A-Za-z0-9_-]+\.)?[A-Za-z0-9_-]{27}$/);
  });

  it('rejects a changed value with BadSignature', () => {
    const signer = makeSigner(['secret']);
    const signed = signer.sign('hello');
    expect(() => signer.unsign('j' + signed.slice(1))).toThrow(BadSignature);
  });

  it('rejects a changed signature with BadSignature', () => {
    const signer = makeSigner(['secret']);
    const signed = signer.sign('hello');
    expect(() => signer.unsign(changeCharAt(signed, signed.length - 5))).toThrow(BadSignature);
  });

  it('rejects a signature that is not base64 with BadSignature', () => {
    const signer = makeSigner(['secret']);
    const signed = signer.sign('hello');
    expect(() => signer.unsign(signed.slice(0, -1) + '*')).toThrow(BadSignature);
  });

  it('accepts the signature with its "=" padding, as itsdangerous does', () => {
    const signer = makeSigner(['secret']);
    expect(signer.unsign(signer.sign('hello') + '=')).toMatchObject({ value: 'hello', keyIndex: 0 });
  });

  it('rejects another spelling of the right signature bytes (non-zero trailing bits) with BadSignature', () => {
    const signer = makeSigner(['secret']);
    const signed = signer.sign('hello');
    // 27 characters carry 162 bits for SHA-1's 160: flipping the lowest bit of the last one keeps the bytes.
    const last = signed.at(-1) ?? '';
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
    const respelled = signed.slice(0, -1) + (alphabet[alphabet.indexOf(last) ^ 1] ?? '');
    const sig = (text: string) => Buffer.from(text.slice(text.lastIndexOf('.') + 1), 'base64url');
    expect(sig(respelled)).toEqual(sig(signed));
    expect(() => signer.unsign(respelled)).toThrow(BadSignature);
  });

  it('rejects text without a separator with BadSignature', () => {
    const signer = makeSigner(['secret']);
    expect(() => signer.unsign('no-separator-here')).toThrow(BadSignature);
  });

  it('rejects a signature made with another key with BadSignature', () => {
    const signed = makeSigner(['other-secret']).sign('hello');
    expect(() => makeSigner(['secret']).unsign(signed)).toThrow(BadSignature);
  });

  it('reports the unverified value in the BadSignature, for debugging', () => {
    const signed = makeSigner(['other-secret']).sign('hello');
    const error = thrown(() => makeSigner(['secret']).unsign(signed));
    expect(error).toBeInstanceOf(BadSignature);
    expect((error as BadSignature).payload).toBe('hello');
  });

  it('rejects a signature made with another salt with BadSignature', () => {
    const signed = makeSigner(['secret'], { salt: 'other-salt' }).sign('hello');
    expect(() => makeSigner(['secret']).unsign(signed)).toThrow(BadSignature);
  });

  it('verifies a value signed by a fallback key and reports that key’s index', () => {
    const signed = makeSigner(['old-secret']).sign('hello');
    const signer = makeSigner(['new-secret', 'older-secret', 'old-secret']);
    expect(signer.unsign(signed)).toMatchObject({ value: 'hello', keyIndex: 2 });
  });

  it('signs with the current key, never with a fallback', () => {
    const signed = makeSigner(['new-secret', 'old-secret']).sign('hello');
    expect(makeSigner(['new-secret']).unsign(signed).keyIndex).toBe(0);
    expect(() => makeSigner(['old-secret']).unsign(signed)).toThrow(BadSignature);
  });

  it('tries the current key before the fallbacks', () => {
    const signer = makeSigner(['same-secret', 'same-secret']);
    expect(signer.unsign(signer.sign('hello')).keyIndex).toBe(0);
  });

  it('treats a string secret as its UTF-8 bytes', () => {
    const signed = makeSigner(['clé']).sign('hello');
    expect(makeSigner([new TextEncoder().encode('clé')]).unsign(signed).keyIndex).toBe(0);
  });

  it('round-trips with a custom separator that is not a base64 character', () => {
    const signer = makeSigner(['secret'], { separator: '~' });
    const signed = signer.sign('a.b');
    expect(signed.startsWith('a.b~')).toBe(true);
    expect(signer.unsign(signed).value).toBe('a.b');
  });

  it.each(['', 'a', '_', '-'])('refuses the separator %j, which could not be found again', (separator) => {
    expect(() => makeSigner(['secret'], { separator })).toThrow(SessionConfigError);
    expect(() => makeSigner(['secret'], { separator })).toThrow(
      'The separator must not be empty or a URL-safe base64 character.',
    );
  });

  it('refuses an empty list of keys with a message that says how to generate one', () => {
    expect(() => makeSigner([])).toThrow(SessionConfigError);
    expect(() => makeSigner([])).toThrow(/npm run secret/);
  });

  it('refuses an empty secret with a message that says how to generate one', () => {
    expect(() => makeSigner([''])).toThrow(SessionConfigError);
    expect(() => makeSigner([''])).toThrow(/^The secret key is empty\. .*npm run secret/);
  });

  it('refuses an empty byte secret', () => {
    expect(() => makeSigner([new Uint8Array(0)])).toThrow(SessionConfigError);
  });

  it('refuses an empty fallback key with a message that names it and says how to generate one', () => {
    expect(() => makeSigner(['secret', 'old-secret', ''])).toThrow(SessionConfigError);
    expect(() => makeSigner(['secret', 'old-secret', ''])).toThrow(/Fallback key 2.*npm run secret/);
  });

  it('signs with SHA-256 when asked, giving a longer signature that round-trips', () => {
    const sha1 = makeSigner(['secret']).sign('hello');
    const sha256Signer = makeSigner(['secret'], { digest: 'sha256' });
    const sha256 = sha256Signer.sign('hello');
    const signatureOf = (signed: string) => signed.slice(signed.lastIndexOf('.') + 1);
    expect(signatureOf(sha1)).toHaveLength(27);
    expect(signatureOf(sha256)).toHaveLength(43);
    expect(sha256Signer.unsign(sha256).value).toBe('hello');
    expect(() => makeSigner(['secret']).unsign(sha256)).toThrow(BadSignature);
  });
}

describe('Signer', () => {
  signerContract((secrets, options) => new Signer(secrets, options));

  it('derives the key as itsdangerous does: HMAC-SHA1(HMAC-SHA1(secret, "cookie-session"), value)', () => {
    const derivedKey = createHmac('sha1', 'dev-secret-key').update('cookie-session').digest();
    const expected = createHmac('sha1', derivedKey).update('hello').digest();
    expect(new Signer(['dev-secret-key']).sign('hello')).toBe('hello.' + base64UrlEncode(expected));
  });

  it('derives the SHA-256 key with the chosen salt', () => {
    const derivedKey = createHmac('sha256', 'dev-secret-key').update('my-salt').digest();
    const expected = createHmac('sha256', derivedKey).update('hello').digest();
    const signer = new Signer(['dev-secret-key'], { digest: 'sha256', salt: 'my-salt' });
    expect(signer.sign('hello')).toBe('hello.' + base64UrlEncode(expected));
  });

  it('gives the raw signature of a fallback key on request', () => {
    const signer = new Signer(['new-secret', 'old-secret']);
    expect(signer.signature('hello', 1)).toEqual(new Signer(['old-secret']).signature('hello'));
  });

  it('refuses to sign with a key index it does not have', () => {
    expect(() => new Signer(['secret']).signature('hello', 1)).toThrow(RangeError);
    expect(() => new Signer(['secret']).signature('hello', 1)).toThrow('No key at index 1');
  });

  it('verifies the signature text and reports the key that made it', () => {
    const signer = new Signer(['current', 'previous']);
    const text = base64UrlEncode(new Signer(['previous']).signature('hello'));
    expect(signer.verifyText('hello', text)).toBe(1);
    expect(signer.verifyText('hello', text.slice(0, -1))).toBe(-1);
  });

  it('verifies to -1 when no key matches', () => {
    const signer = new Signer(['secret']);
    expect(signer.verify('hello', new Signer(['other']).signature('hello'))).toBe(-1);
  });

  it('verifies to -1 for a signature of the wrong length instead of throwing', () => {
    const signer = new Signer(['secret']);
    expect(signer.verify('hello', signer.signature('hello').subarray(0, 19))).toBe(-1);
  });
});

describe('TimestampSigner, against the Signer contract', () => {
  signerContract(
    (secrets, options) => new TimestampSigner(secrets, { ...options, now: () => 1_700_000_000_000 }),
  );
});

describe('Signer.verify (raw signature bytes)', () => {
  const signer = new Signer(['new-secret', 'old-secret']);

  it('gives the index of the key whose signature the bytes are', () => {
    expect(signer.verify('hello', signer.signature('hello', 0))).toBe(0);
    expect(signer.verify('hello', signer.signature('hello', 1))).toBe(1);
  });

  it('gives -1 for another value’s signature, or a signature of the wrong length', () => {
    expect(signer.verify('hello', signer.signature('other'))).toBe(-1);
    expect(signer.verify('hello', signer.signature('hello').subarray(1))).toBe(-1);
  });
});
