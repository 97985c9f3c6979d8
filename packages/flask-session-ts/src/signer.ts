/**
 * HMAC signing with an ordered list of keys, as itsdangerous' `Signer` with Flask's options
 * (`key_derivation="hmac"`, `salt="cookie-session"`, SHA-1).
 * @module
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { base64UrlEncode, unpaddedBase64Url } from './encoding.js';
import { BadSignature, SessionConfigError } from './errors.js';

/** The digests offered: SHA-1 is what Flask uses (and so what interop needs); SHA-256 is stronger. */
export type Digest = 'sha1' | 'sha256';

/** A secret as Flask takes it: a string is used as its UTF-8 bytes. */
export type Secret = string | Uint8Array;

/** Options of {@link Signer}. */
export interface SignerOptions {
  /** Namespace mixed into key derivation. Default `"cookie-session"` (Flask's). */
  readonly salt?: string;
  /** Default `"sha1"` (Flask's). */
  readonly digest?: Digest;
  /** Separator between value and signature. Default `"."`. */
  readonly separator?: string;
}

/** Result of a successful verification. */
export interface Verified {
  /** The signed text. */
  readonly value: string;
  /** Which key verified it: 0 is the current key, 1… the fallbacks in the order given. */
  readonly keyIndex: number;
}

const KEYGEN_HINT =
  "Generate one with `npm run secret` (or: node -e \"console.log(require('node:crypto').randomBytes(32).toString('hex'))\").";

/**
 * Signs with the first key and verifies with each key in turn.
 *
 * @example
 * const signer = new Signer(['current-key', 'previous-key']);
 * signer.unsign(signer.sign('hello')); // { value: 'hello', keyIndex: 0 }
 */
export class Signer {
  readonly separator: string;
  readonly digest: Digest;
  /** Derived once: `HMAC(secret, salt)` per key, newest first. */
  readonly #keys: readonly Buffer[];

  /**
   * @param secrets the current key first, then older keys still accepted (rotation).
   * @throws SessionConfigError when there is no key or a key is empty.
   */
  constructor(secrets: readonly Secret[], options: SignerOptions = {}) {
    const { salt = 'cookie-session', digest = 'sha1', separator = '.' } = options;
    if (secrets.length === 0) throw new SessionConfigError(`A secret key is required. ${KEYGEN_HINT}`);
    if (separator.length === 0 || /[A-Za-z0-9_-]/.test(separator)) {
      throw new SessionConfigError('The separator must not be empty or a URL-safe base64 character.');
    }
    this.separator = separator;
    this.digest = digest;
    this.#keys = secrets.map((secret, i) => {
      const bytes = typeof secret === 'string' ? Buffer.from(secret, 'utf8') : Buffer.from(secret);
      if (bytes.length === 0) {
        throw new SessionConfigError(
          `${i === 0 ? 'The secret key' : `Fallback key ${i}`} is empty. ${KEYGEN_HINT}`,
        );
      }
      return createHmac(digest, bytes).update(salt).digest();
    });
  }

  /** The raw signature of `value` with key `keyIndex` (default: the current key). */
  signature(value: string, keyIndex = 0): Buffer {
    const key = this.#keys[keyIndex];
    if (key === undefined) throw new RangeError(`No key at index ${keyIndex}`);
    return createHmac(this.digest, key).update(value, 'utf8').digest();
  }

  #signatureText(value: string, keyIndex: number): string {
    const key = this.#keys[keyIndex];
    if (key === undefined) throw new RangeError(`No key at index ${keyIndex}`);
    return createHmac(this.digest, key).update(value, 'utf8').digest('base64url');
  }

  /** `value + separator + base64url(signature)`, signed with the current key. */
  sign(value: string): string {
    return value + this.separator + base64UrlEncode(this.signature(value));
  }

  /**
   * Index of the first key whose signature of `value` equals `sig`, or -1.
   * Compared in constant time, so a forger learns nothing from timing.
   */
  verify(value: string, sig: Uint8Array): number {
    for (let i = 0; i < this.#keys.length; i++) {
      const expected = this.signature(value, i);
      if (expected.length === sig.length && timingSafeEqual(expected, sig)) return i;
    }
    return -1;
  }

  /**
   * Index of the first key whose signature of `value`, as unpadded URL-safe base64, is `sigText`,
   * or -1. Compared in constant time. Only the canonical text of a signature matches: another
   * spelling of the same bytes (non-zero trailing bits) does not, as with {@link base64UrlDecode}.
   */
  verifyText(value: string, sigText: string): number {
    const given = Buffer.from(sigText, 'latin1');
    for (let i = 0; i < this.#keys.length; i++) {
      const expected = Buffer.from(this.#signatureText(value, i), 'latin1');
      if (expected.length === given.length && timingSafeEqual(expected, given)) return i;
    }
    return -1;
  }

  /**
   * Splits at the last separator and verifies.
   * @throws BadSignature when there is no separator, the signature is not base64, or no key matches.
   */
  unsign(signed: string): Verified {
    const at = signed.lastIndexOf(this.separator);
    if (at < 0) throw new BadSignature(`No "${this.separator}" found in value`);
    const value = signed.slice(0, at);
    // Compared as text with the encoder's output: no decode, and no re-encode to prove the given
    // text canonical (bench/README.md, "Session codec"). Padding is accepted, as itsdangerous does.
    const sigText = unpaddedBase64Url(signed.slice(at + this.separator.length));
    if (sigText === undefined) throw new BadSignature('Signature is not valid base64', value);
    const keyIndex = this.verifyText(value, sigText);
    if (keyIndex < 0) throw new BadSignature('Signature does not match', value);
    return { value, keyIndex };
  }
}
