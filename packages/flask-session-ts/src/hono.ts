/**
 * The Hono adapter (entry `flask-session-ts/hono`): a thin layer over a {@link SessionStore}.
 * It is on the hot path of every request, so it does no more than open, commit and set headers.
 * @module
 */
import type { Context, MiddlewareHandler } from 'hono';
import { REPLACED_RESPONSE_HEADERS, resolveStore, withVary, type SessionAdapterOptions } from './adapter.js';
import type { SessionOptions } from './cookie-store.js';
import { SessionTooLarge, type BadData } from './errors.js';
import type { Session } from './session.js';
import type { SessionStore } from './store.js';
import type { DefaultSessionData, StorableData } from './storable.js';

/**
 * Hono environment fragment: handlers read the session as `c.get('session')`, and why the cookie
 * that came with the request could not be used (if one could not) as `c.get('sessionError')`, so
 * an app can tell the visitor instead of silently showing an empty session.
 */
export interface SessionEnv<T extends StorableData<T> = DefaultSessionData> {
  Variables: { session: Session<T>; sessionError: BadData | undefined };
}

/** Options of {@link sessionMiddleware} beyond the store's. */
export type SessionMiddlewareOptions = SessionAdapterOptions;

/**
 * Opens the session before the handler and writes the cookie after it.
 * Adds `Vary: Cookie` when the session was used, so shared caches keep visitors apart.
 *
 * @example
 * const store = new CookieSessionStore({ secretKey });
 * app.use(sessionMiddleware(store));
 * app.get('/', (c) => c.text(String(c.get('session').get('visits') ?? 0)));
 */
export function sessionMiddleware<T extends StorableData<T> = DefaultSessionData>(
  storeOrOptions: SessionStore | SessionOptions,
  options: SessionMiddlewareOptions = {},
): MiddlewareHandler<SessionEnv<T>> {
  const store = resolveStore(storeOrOptions);
  const { onInvalidCookie } = options;
  return async (c, next) => {
    const { session, error } = await store.open<T>(c.req.header('cookie'));
    if (error && onInvalidCookie) onInvalidCookie(error);
    c.set('session', session);
    c.set('sessionError', error);
    await next();
    const action = await store.commit(session, c.res.status);
    if (action.kind === 'too-large') {
      // Hono copies the handler's headers into the error response: drop those that describe it.
      const headers = writableHeaders(c);
      for (const name of REPLACED_RESPONSE_HEADERS) headers.delete(name);
      // Thrown before any header is sent, it reaches app.onError and the browser keeps its cookie.
      throw new SessionTooLarge(action.sizeBytes, action.limitBytes);
    }
    if (action.kind === 'failed') {
      const headers = writableHeaders(c);
      for (const name of REPLACED_RESPONSE_HEADERS) headers.delete(name);
      throw action.error;
    }
    if (!session.accessed && action.kind === 'none') return;
    const headers = writableHeaders(c);
    if (session.accessed) headers.set('Vary', withVary(headers.get('Vary') ?? undefined, 'Cookie'));
    if (action.kind !== 'none') headers.append('Set-Cookie', action.header);
  };
}

/**
 * The response's headers, ready to change. Responses made by Hono's helpers have mutable
 * headers; one made by e.g. `Response.redirect()` does not, and only then is it copied
 * (copying every response would cost a Response construction per request).
 */
function writableHeaders(c: Context): Headers {
  const { headers } = c.res;
  try {
    // A no-op write is how to ask: immutable headers throw a TypeError.
    headers.delete('X-Session-Probe');
    return headers;
  } catch (error) {
    if (!(error instanceof TypeError)) throw error;
    c.res = new Response(c.res.body, c.res);
    return c.res.headers;
  }
}
