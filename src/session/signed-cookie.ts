/**
 * Small signed cookies of the app's own, beside the session cookie: a value and an HMAC of it.
 * Each use gets its own key, derived from SECRET_KEY with HKDF and a purpose string, so a value
 * signed for one cookie never verifies as another's (nor as a session). Framework-free.
 * @module
 */
import { createHmac, hkdfSync, timingSafeEqual } from 'node:crypto';
import { serializeSetCookie, type CookieAttributes, type Secret } from 'flask-session-ts';

/** What the app's own cookies share with the session cookie's secure defaults. */
export const APP_COOKIE_DEFAULTS = Object.freeze({
  path: '/',
  httpOnly: true,
  sameSite: 'Lax',
  partitioned: false,
} as const);

/**
 * Signs and verifies values for one purpose. The first key signs; every key verifies, so a key
 * rotation (SECRET_KEY_FALLBACKS) does not invalidate what the old key signed.
 * @example
 * const signer = new CookieSigner(['secret…'], 'csrf-token');
 * signer.unsign(signer.sign('abc')); // 'abc'
 */
export class CookieSigner {
  readonly #keys: readonly Buffer[];

  constructor(secretKeys: readonly Secret[], purpose: string) {
    if (secretKeys.length === 0) throw new TypeError('CookieSigner needs at least one secret key');
    this.#keys = secretKeys.map((secret) =>
      Buffer.from(hkdfSync('sha256', secret, '', `stock-portfolio/${purpose}`, 32)),
    );
  }

  /** `value.signature`; `value` must be made of cookie-safe characters without `.` at its end. */
  sign(value: string): string {
    return `${value}.${this.#mac(this.#keys[0] as Buffer, value)}`;
  }

  /** The value, if `signed` was signed by one of the keys; otherwise undefined. */
  unsign(signed: string | undefined): string | undefined {
    if (signed === undefined) return undefined;
    const dot = signed.lastIndexOf('.');
    if (dot < 0) return undefined;
    const value = signed.slice(0, dot);
    const given = Buffer.from(signed.slice(dot + 1));
    for (const key of this.#keys) {
      const expected = Buffer.from(this.#mac(key, value));
      if (given.length === expected.length && timingSafeEqual(given, expected)) return value;
    }
    return undefined;
  }

  #mac(key: Buffer, value: string): string {
    return createHmac('sha256', key).update(value).digest('base64url');
  }
}

/** The attributes of an app cookie called `name`: the secure defaults, Secure when asked. */
export function appCookieAttributes(name: string, secure: boolean): CookieAttributes {
  return { ...APP_COOKIE_DEFAULTS, name, secure };
}

/** A `Set-Cookie` header for an app cookie that lasts `maxAgeSeconds`. */
export function appSetCookie(
  attributes: CookieAttributes,
  value: string,
  maxAgeSeconds: number,
  nowMs = Date.now(),
): string {
  return serializeSetCookie(attributes, value, { maxAgeSeconds, nowMs });
}
