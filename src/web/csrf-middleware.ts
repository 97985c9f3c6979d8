/**
 * The Hono side of {@link CsrfTokens}: hands handlers a small {@link CsrfState} as
 * `c.get('csrf')`. The token cookie is read (from the request's cookies, parsed once: see
 * `session/request-cookies.ts`) and its signature checked only when a handler first asks, so a
 * response that needs no token (a redirect, a download) costs no HMAC. A token is issued (and its
 * cookie set) only when a page needs one, so a response without a form sends no cookie.
 * @module
 */
import type { MiddlewareHandler } from 'hono';
import { requestCookies, type RequestCookies } from '../session/request-cookies.js';
import type { CsrfFailure, CsrfTokens } from './csrf.js';
import type { ResponseHead } from './response-head.js';

/** What a handler can do with this request's CSRF token. */
export interface CsrfState {
  /** The visitor's token, issued now (with its cookie) if they have no valid one. */
  token(): string;
  /** The visitor's valid token, or undefined: for pages that must not set cookies. */
  existing(): string | undefined;
  /** Checks a submitted form field against the token cookie that came with the request. */
  check(submitted: unknown): CsrfFailure | undefined;
}

/** Sets `c.get('csrf')` for every request after it. */
export function csrfMiddleware(tokens: CsrfTokens): MiddlewareHandler<{
  Variables: { csrf: CsrfState; head: ResponseHead; cookies: RequestCookies | undefined };
}> {
  return async (c, next) => {
    const fromCookie = () => requestCookies(c).get(tokens.cookie.name);
    // undefined: not looked at yet; null: looked at, no valid token.
    let valid: string | null | undefined;
    const validToken = () => {
      if (valid === undefined) {
        const token = fromCookie();
        valid = tokens.isValid(token) ? token : null;
      }
      return valid ?? undefined;
    };
    let issued: string | undefined;
    c.set('csrf', {
      token: () => {
        const existing = validToken();
        if (existing !== undefined) return existing;
        if (issued === undefined) {
          issued = tokens.issue();
          c.get('head').cookies.push(tokens.setCookie(issued));
        }
        return issued;
      },
      existing: () => validToken() ?? issued,
      check: (submitted) => tokens.check(fromCookie(), submitted),
    });
    await next();
  };
}
