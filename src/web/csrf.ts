/**
 * Cross-site request forgery protection, in two independent layers:
 * 1. the browser's word: `Sec-Fetch-Site` and `Origin` must not name another site;
 * 2. a signed double-submit token (OWASP's "signed double-submit cookie"): a random value with an
 *    HMAC, kept in a cookie of its own and carried back by every form as `csrf_token` (the field
 *    name Flask-WTF uses). The two must be equal, and the signature ours.
 * Either failing gives 403 and changes nothing.
 *
 * Why not in the session: a token in the session makes every page view write the session cookie,
 * which would overwrite a cookie the app could not read (an old key, an expired cookie) and lose
 * the visitor's portfolio for good. With its own cookie, forms work while the session is untouched.
 *
 * Why not bound to the session: the session cookie has no stable identifier (it is re-signed with
 * a new timestamp on each response), so there is nothing to bind to. The HMAC stops a forged
 * token; in production the cookie is named `__Host-…`, which a sibling subdomain cannot set, so a
 * planted ("tossed") cookie is refused by the browser itself; and layer 1 still stands.
 * @module
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { CookieAttributes, Secret } from 'flask-session-ts';
import { isAllowedHost, type AllowedHosts } from '../platform/hosts.js';
import { appCookieAttributes, appSetCookie, CookieSigner } from '../session/app-cookies.js';

/** The form field that carries the token. */
export const CSRF_FIELD = 'csrf_token';

/** The token cookie's name: `__Host-` in production (Secure, Path=/, no Domain), plain over HTTP. */
export const CSRF_COOKIE_NAMES = Object.freeze({ production: '__Host-csrf', development: 'csrf' });

/** The purpose the token's HMAC key is derived for (see `session/app-cookies.ts`). */
export const CSRF_KEY_PURPOSE = 'csrf-token';

/** Why a request was refused, for the log. */
export type CsrfFailure = 'cross-site' | 'origin-mismatch' | 'missing-token' | 'wrong-token';

/** Options of {@link CsrfTokens}. */
export interface CsrfOptions {
  /** SECRET_KEY first, then the fallbacks: the first signs, all verify. */
  readonly secretKeys: readonly Secret[];
  /** Production: a Secure `__Host-` cookie. */
  readonly production: boolean;
  /** How long the cookie lasts; the session's lifetime, so a form is never older than its token. */
  readonly maxAgeSeconds: number;
}

/**
 * How many verified tokens {@link CsrfTokens} remembers before it starts afresh: a token is 87
 * characters, so about 1.5 MB at most, for as many visitors coming back.
 */
const VERIFIED_TOKENS_KEPT = 10_000;

/** Issues and checks double-submit tokens. Framework-free; `csrf-middleware.ts` binds it to Hono. */
export class CsrfTokens {
  readonly cookie: CookieAttributes;
  readonly maxAgeSeconds: number;
  readonly #signer: CookieSigner;
  /**
   * Tokens whose signature checked out. A visitor's token is the same on every request (it carries
   * no time), and its HMAC-SHA256 was the one HMAC a page view paid beyond the session's: 10–20 µs
   * under load (`npx tsx bench/profile.ts --scenario manyVisitors`). Only a token that verified
   * enters, the keys are this instance's for good, and a token's validity depends on nothing else,
   * so a hit answers exactly what the HMAC would. Cleared when full (a bound, not an LRU): a
   * token forgotten only costs its HMAC again.
   */
  readonly #verified = new Set<string>();

  constructor({ secretKeys, production, maxAgeSeconds }: CsrfOptions) {
    const name = production ? CSRF_COOKIE_NAMES.production : CSRF_COOKIE_NAMES.development;
    this.cookie = appCookieAttributes(name, production);
    this.maxAgeSeconds = maxAgeSeconds;
    this.#signer = new CookieSigner(secretKeys, CSRF_KEY_PURPOSE);
  }

  /** A new token: 32 random bytes (unguessable), base64url, and their HMAC. */
  issue(): string {
    return this.#signer.sign(randomBytes(32).toString('base64url'));
  }

  /** Whether `token` is one this app signed (with any of its keys). */
  isValid(token: string | undefined): token is string {
    if (token === undefined) return false;
    if (this.#verified.has(token)) return true;
    if (this.#signer.unsign(token) === undefined) return false;
    if (this.#verified.size >= VERIFIED_TOKENS_KEPT) this.#verified.clear();
    // A copy (the token is ASCII: only one we issued verifies): the token is a slice of the
    // request's whole Cookie header, which the set would otherwise keep alive.
    this.#verified.add(Buffer.from(token, 'latin1').toString('latin1'));
    return true;
  }

  /** The `Set-Cookie` header that stores `token`. */
  setCookie(token: string, nowMs?: number): string {
    return appSetCookie(this.cookie, token, this.maxAgeSeconds, nowMs);
  }

  /** Compares the submitted token with the cookie's, in constant time, and checks its signature. */
  check(cookieToken: string | undefined, submitted: unknown): CsrfFailure | undefined {
    if (typeof submitted !== 'string' || submitted === '' || cookieToken === undefined)
      return 'missing-token';
    const a = Buffer.from(submitted);
    const b = Buffer.from(cookieToken);
    if (a.length !== b.length || !timingSafeEqual(a, b)) return 'wrong-token';
    return this.isValid(cookieToken) ? undefined : 'wrong-token';
  }
}

/**
 * Checks the browser's own headers. `Sec-Fetch-Site` is sent by every current browser and
 * cannot be set by a page; `Origin` covers older ones. Neither is required, since non-browser
 * clients send neither: the token still protects them. The Origin's host must be one of the
 * allowed hosts (`ALLOWED_HOSTS`), not merely equal to `Host`, which a DNS-rebinding page
 * controls; with `ALLOWED_HOSTS=*` (development only) it is compared with `Host` as a fallback.
 */
export function checkRequestSite(headers: {
  secFetchSite: string | undefined;
  origin: string | undefined;
  host: string | undefined;
  allowedHosts: AllowedHosts;
}): CsrfFailure | undefined {
  const site = headers.secFetchSite;
  if (site !== undefined && site !== 'same-origin' && site !== 'none') return 'cross-site';
  const { origin, host, allowedHosts } = headers;
  if (origin !== undefined) {
    if (origin === 'null') return 'origin-mismatch';
    let originHost: string;
    try {
      originHost = new URL(origin).host;
    } catch {
      return 'origin-mismatch';
    }
    // Hosts only: behind a TLS-terminating proxy the scheme (and port) we see is not the browser's.
    if (allowedHosts.any) {
      if (host === undefined || originHost !== host.toLowerCase()) return 'origin-mismatch';
    } else if (!isAllowedHost(allowedHosts, originHost)) return 'origin-mismatch';
  }
  return undefined;
}
