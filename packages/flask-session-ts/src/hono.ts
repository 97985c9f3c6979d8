/**
 * The Hono adapter (entry `flask-session-ts/hono`): a thin layer over a {@link SessionStore}.
 * It is on the hot path of every request, so it does no more than open, commit and set headers.
 * @module
 */
import type { Context, MiddlewareHandler } from 'hono';
import { REPLACED_RESPONSE_HEADERS, resolveStore, withVary, type SessionAdapterOptions } from './adapter.js';
import type { SessionOptions } from './cookie-store.js';
import { SessionAlreadyCommitted, SessionTooLarge, type BadData } from './errors.js';
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

export { SessionAlreadyCommitted } from './errors.js';

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
    const state: CommitState = { store, committed: undefined };
    commitStates.set(session, state);
    await next();
    const committed = state.committed;
    if (committed !== undefined) {
      // commitSession() already put the headers into the response: nothing to read or write here,
      // so a response built from a plain header object stays one.
      if (committed.kind === 'done' && session.revision !== committed.revision)
        throw new SessionAlreadyCommitted();
      return;
    }
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

/** The headers a session adds to a response, as {@link commitSession} returns them. */
export interface SessionResponseHeaders {
  /** The session cookie to set or delete; absent when nothing needs sending. */
  readonly 'Set-Cookie'?: string;
  /** `Cookie` when the session was read or written, so shared caches keep visitors apart. */
  readonly Vary?: string;
}

/** Where a request's session stands with {@link commitSession}. */
interface CommitState {
  readonly store: SessionStore;
  committed:
    | { readonly kind: 'done'; readonly revision: number; readonly headers: SessionResponseHeaders }
    | { readonly kind: 'failed'; readonly revision: number }
    | undefined;
}

// Keyed by the request's session object, so nothing is added to the app's Hono environment.
const commitStates = new WeakMap<Session, CommitState>();

const NO_HEADERS: SessionResponseHeaders = Object.freeze({});

/**
 * Commits the request's session now and returns its `Set-Cookie` and `Vary` headers, for a handler
 * that builds its response from its own header object: `new Response(body, { headers })`. The
 * middleware then leaves that response alone after the handler (it reads and writes no header),
 * so on @hono/node-server a response made from a plain object is written from that object with
 * one `writeHead`, never converted to `Headers`. Works on every runtime: the headers are known
 * before the response is constructed. Without a call, {@link sessionMiddleware} behaves as before
 * (it adds the headers to `c.res` after the handler).
 *
 * - Make every change to the session first. A change after the commit is not saved: the
 *   middleware then throws {@link SessionAlreadyCommitted}, which reaches `app.onError` before
 *   anything is sent.
 * - A session too large for its cookie throws {@link SessionTooLarge}, and a server-side store
 *   that cannot save throws `StoreUnavailable` or `SessionConflict`, here, in the handler: they
 *   reach `app.onError` and the browser keeps the cookie it had. Afterwards, further calls for the
 *   unchanged session (an error page built in `onError`, say) return no headers.
 * - Calling it again without a change in between returns the same headers.
 *
 * @param status the status of the response being built: ≥ 400 skips writes that would only
 *   refresh the cookie, as after the handler.
 * @throws TypeError when {@link sessionMiddleware} did not run for this request.
 *
 * @example
 * app.post('/inc', async (c) => {
 *   const session = c.var.session;
 *   session.set('count', (session.get('count') ?? 0) + 1);
 *   const headers = { Location: '/', ...(await commitSession(c, 302)) };
 *   return new Response(null, { status: 302, headers });
 * });
 */
export async function commitSession(c: Context, status: number): Promise<SessionResponseHeaders> {
  const session = c.get('session') as Session | undefined;
  const state = session === undefined ? undefined : commitStates.get(session);
  if (session === undefined || state === undefined) {
    throw new TypeError('commitSession() needs sessionMiddleware() to run first for this request.');
  }
  const { committed } = state;
  if (committed !== undefined) {
    if (committed.revision !== session.revision) {
      if (committed.kind === 'done') throw new SessionAlreadyCommitted();
      // Changed since a failed commit (the handler caught the error and made room): try again.
    } else {
      return committed.kind === 'done' ? committed.headers : NO_HEADERS;
    }
  }
  const action = await state.store.commit(session, status);
  if (action.kind === 'too-large' || action.kind === 'failed') {
    state.committed = { kind: 'failed', revision: session.revision };
    if (action.kind === 'too-large') throw new SessionTooLarge(action.sizeBytes, action.limitBytes);
    throw action.error;
  }
  const headers: { 'Set-Cookie'?: string; Vary?: string } = {};
  if (action.kind !== 'none') headers['Set-Cookie'] = action.header;
  if (session.accessed) headers.Vary = 'Cookie';
  state.committed = { kind: 'done', revision: session.revision, headers };
  return headers;
}
