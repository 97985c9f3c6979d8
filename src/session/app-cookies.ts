/**
 * The app's own small cookies beside the session cookie (the CSRF token, the unreadable-cookie
 * notice): a value signed with the session library's {@link Signer}, and the library's secure
 * cookie defaults. Each use gets its own salt, so a value signed for one cookie never verifies as
 * another's (nor as a session, whose salt is Flask's `cookie-session`). Framework-free.
 * @module
 */
import {
  BadSignature,
  serializeSetCookie,
  SESSION_DEFAULTS,
  Signer,
  type CookieAttributes,
  type Secret,
} from 'flask-session-ts';

/**
 * Signs and verifies values for one purpose: `value.signature`, HMAC-SHA256 with a key derived
 * from each secret and the salt `stock-portfolio/<purpose>`. The first key signs; every key
 * verifies, so a key rotation (SECRET_KEY_FALLBACKS) does not invalidate what the old key signed.
 * @example
 * const signer = new CookieSigner(['secret…'], 'csrf-token');
 * signer.unsign(signer.sign('abc')); // 'abc'
 */
export class CookieSigner {
  readonly #signer: Signer;

  /** @throws SessionConfigError (from the library) when there is no key or a key is empty. */
  constructor(secretKeys: readonly Secret[], purpose: string) {
    this.#signer = new Signer(secretKeys, { salt: `stock-portfolio/${purpose}`, digest: 'sha256' });
  }

  /** `value.signature`; `value` must be made of cookie-safe characters. */
  sign(value: string): string {
    return this.#signer.sign(value);
  }

  /** The value, if `signed` was signed by one of the keys; otherwise undefined. */
  unsign(signed: string | undefined): string | undefined {
    if (signed === undefined) return undefined;
    try {
      return this.#signer.unsign(signed).value;
    } catch (error) {
      if (error instanceof BadSignature) return undefined;
      throw error;
    }
  }
}

/**
 * The attributes of an app cookie called `name`: the library's secure defaults (Path=/, HttpOnly,
 * SameSite=Lax, not partitioned), Secure when asked.
 */
export function appCookieAttributes(name: string, secure: boolean): CookieAttributes {
  const { path, httpOnly, sameSite, partitioned } = SESSION_DEFAULTS.cookie;
  return { name, path, httpOnly, sameSite, partitioned, secure };
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
