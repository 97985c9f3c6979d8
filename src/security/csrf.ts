/**
 * Cross-site request forgery protection, in two independent layers:
 * 1. the browser's word: `Sec-Fetch-Site` and `Origin` must not name another site;
 * 2. a secret token bound to the session, carried back by every form as `csrf_token`
 *    (the field name Flask-WTF uses).
 * Either failing gives 403 and changes nothing.
 * @module
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { Session } from 'flask-session-ts';
import { isAllowedHost, type AllowedHosts } from './hosts.js';

/** The form field, and the session key, that hold the token. */
export const CSRF_FIELD = 'csrf_token';

type WithToken = { csrf_token?: string };

/** The visitor's token, created (and so stored in the session) on first use. */
export function csrfToken(session: Session<WithToken>): string {
  const existing = session.get(CSRF_FIELD);
  if (typeof existing === 'string' && existing.length === 43) return existing;
  // 32 random bytes: unguessable; base64url keeps it short in the cookie.
  const token = randomBytes(32).toString('base64url');
  session.set(CSRF_FIELD, token);
  return token;
}

/** Why a request was refused, for the log. */
export type CsrfFailure = 'cross-site' | 'origin-mismatch' | 'missing-token' | 'wrong-token';

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

/** Compares the submitted token with the session's, in constant time. */
export function checkToken(session: Session<WithToken>, submitted: unknown): CsrfFailure | undefined {
  const expected = session.get(CSRF_FIELD);
  if (typeof submitted !== 'string' || submitted === '' || typeof expected !== 'string')
    return 'missing-token';
  const a = Buffer.from(submitted);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b) ? undefined : 'wrong-token';
}
