/**
 * Cookie headers, framework-free: lenient when reading `Cookie`, strict when writing
 * `Set-Cookie` (RFC 6265 §4.1.1 and the cookie-prefix rules of RFC 6265bis §4.1.3).
 * @module
 */
import { SessionConfigError } from './errors.js';

/** The `SameSite` values browsers know (RFC 6265bis §4.1.2.7). */
export type SameSite = 'Strict' | 'Lax' | 'None';

/** Attributes of the session cookie. */
export interface CookieAttributes {
  readonly name: string;
  readonly path: string;
  /** Unset: a host-only cookie, the safest choice. */
  readonly domain?: string | undefined;
  readonly httpOnly: boolean;
  readonly secure: boolean;
  /** `undefined` leaves the attribute out (the browser's default applies). */
  readonly sameSite?: SameSite | undefined;
  /** CHIPS: a cookie partitioned by top-level site. Requires `Secure`. */
  readonly partitioned: boolean;
}

// RFC 9110 token characters: what a cookie name may be made of.
const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
// An attribute value may not contain ";" or control characters, or it would inject attributes.
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const ATTRIBUTE_VALUE = /^[^\u0000-\u001f\u007f;]*$/;
// cookie-octet (RFC 6265 §4.1.1): printable US-ASCII but ", ; \ and space.
const COOKIE_VALUE = /^[\u0021\u0023-\u002b\u002d-\u003a\u003c-\u005b\u005d-\u007e]*$/;

/**
 * Checks attributes once, at construction, so a bad setting fails the start instead of a request.
 * @throws SessionConfigError with a message saying what to change.
 */
export function validateCookieAttributes(attributes: CookieAttributes): void {
  const { name, path, domain, secure, sameSite, partitioned } = attributes;
  if (!TOKEN.test(name))
    throw new SessionConfigError(`Cookie name ${JSON.stringify(name)} is not a valid token.`);
  if (!path.startsWith('/') || !ATTRIBUTE_VALUE.test(path)) {
    throw new SessionConfigError(
      `Cookie path ${JSON.stringify(path)} must start with "/" and contain no ";" or control characters.`,
    );
  }
  if (domain !== undefined && (domain === '' || !ATTRIBUTE_VALUE.test(domain))) {
    throw new SessionConfigError(
      `Cookie domain ${JSON.stringify(domain)} must be a host name without ";" or control characters.`,
    );
  }
  if (sameSite === 'None' && !secure) {
    throw new SessionConfigError(
      'SameSite=None requires Secure: browsers reject it otherwise. Set secure: true (and serve over HTTPS).',
    );
  }
  if (partitioned && !secure) {
    throw new SessionConfigError(
      'Partitioned requires Secure: browsers reject it otherwise. Set secure: true (and serve over HTTPS).',
    );
  }
  // Browsers match the prefixes case-insensitively (RFC 6265bis §4.1.3).
  const lower = name.toLowerCase();
  if (lower.startsWith('__secure-') && !secure) {
    throw new SessionConfigError(
      'A cookie named "__Secure-…" must be Secure. Set secure: true or rename the cookie.',
    );
  }
  if (lower.startsWith('__host-') && (!secure || path !== '/' || domain !== undefined)) {
    throw new SessionConfigError(
      'A cookie named "__Host-…" must be Secure, have Path=/ and no Domain. Change those settings or rename the cookie.',
    );
  }
}

/** Options of one `Set-Cookie`. */
export interface SetCookieOptions {
  /** `Max-Age` in seconds, with a matching `Expires`; unset for a browser-session cookie. */
  readonly maxAgeSeconds?: number | undefined;
  /** The clock for `Expires`, in milliseconds. */
  readonly nowMs: number;
}

/**
 * The `Set-Cookie` header value for `value` under validated `attributes`.
 * @throws TypeError when `value` is not made of cookie-octets (a programming error).
 */
export function serializeSetCookie(
  attributes: CookieAttributes,
  value: string,
  options: SetCookieOptions,
): string {
  if (!COOKIE_VALUE.test(value)) throw new TypeError('Cookie value contains characters outside cookie-octet');
  let header = `${attributes.name}=${value}`;
  if (options.maxAgeSeconds !== undefined) {
    // Both: Max-Age wins where supported; Expires serves older clients (as Werkzeug writes it).
    const expires = new Date(options.nowMs + options.maxAgeSeconds * 1000).toUTCString();
    header += `; Expires=${expires}; Max-Age=${options.maxAgeSeconds}`;
  }
  if (attributes.domain !== undefined) header += `; Domain=${attributes.domain}`;
  header += `; Path=${attributes.path}`;
  if (attributes.secure) header += '; Secure';
  if (attributes.httpOnly) header += '; HttpOnly';
  if (attributes.sameSite !== undefined) header += `; SameSite=${attributes.sameSite}`;
  if (attributes.partitioned) header += '; Partitioned';
  return header;
}

/** The `Set-Cookie` that deletes the cookie: empty, expired, with the same path and domain. */
export function serializeDeleteCookie(attributes: CookieAttributes): string {
  return serializeSetCookie(attributes, '', { maxAgeSeconds: 0, nowMs: 0 });
}

/**
 * The value of the first cookie called `name` in a `Cookie` header, as Werkzeug's
 * `request.cookies.get` does (browsers send the most specific path first).
 * Lenient: spaces around pairs and a quoted value are accepted; malformed pairs are skipped.
 */
export function readCookie(header: string | undefined, name: string): string | undefined {
  if (header === undefined || header === '') return undefined;
  let from = 0;
  while (from < header.length) {
    let end = header.indexOf(';', from);
    if (end < 0) end = header.length;
    const eq = header.indexOf('=', from);
    if (eq > from && eq < end && header.slice(from, eq).trim() === name) {
      const raw = header.slice(eq + 1, end).trim();
      return raw.length >= 2 && raw.startsWith('"') && raw.endsWith('"') ? raw.slice(1, -1) : raw;
    }
    from = end + 1;
  }
  return undefined;
}
