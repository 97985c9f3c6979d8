/**
 * The Express 5 adapter (entry `flask-session-ts/express`): a thin layer over a {@link SessionStore}.
 *
 * Why it holds the response's methods: Express has no hook that runs after the handler and
 * can be awaited before the headers go out. express-session patches `res.end`, but it writes
 * its cookie synchronously in an on-headers hook, since its cookie (the session id) is known
 * before its store saves. Here the cookie is the answer of `store.commit`, which a server-side
 * store gives asynchronously, and a `too-large` answer must become an error response instead.
 * So the first call that would send headers (`writeHead`, `write`, `flushHeaders`, `end`)
 * commits; while a promised answer is pending, that call and any later ones are held, then
 * replayed in order. A store that answers synchronously (the cookie store) is never held.
 * @module
 */
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { REPLACED_RESPONSE_HEADERS, resolveStore, type SessionAdapterOptions } from './adapter.js';
import type { SessionOptions } from './cookie-store.js';
import { SessionTooLarge } from './errors.js';
import type { Session } from './session.js';
import type { DefaultSession, DefaultSessionData, StorableData } from './storable.js';
import type { CookieAction, SessionStore } from './store.js';

declare global {
  // Express's own extension point for request properties (@types/express-serve-static-core).
  // eslint-disable-next-line @typescript-eslint/no-namespace
  namespace Express {
    interface Request {
      /**
       * The visitor's session, opened by {@link sessionMiddleware}: typed by the `SessionTypes`
       * interface when you augment it, otherwise untyped.
       */
      session: DefaultSession;
    }
  }
}

/** Options of {@link sessionMiddleware} beyond the store's. */
export type ExpressSessionOptions = SessionAdapterOptions;

/**
 * The middleware {@link sessionMiddleware} returns: an Express `RequestHandler`, with `of(req)`
 * for those who type the session by a generic rather than by augmenting `SessionTypes`
 * (Express cannot carry a middleware's type to later handlers' `req`).
 */
export interface ExpressSessionMiddleware<
  T extends StorableData<T> = DefaultSessionData,
> extends RequestHandler {
  /**
   * `req.session`, typed as `Session<T>`.
   * @throws TypeError when this middleware did not run for `req`.
   * @example
   * const sessions = sessionMiddleware<Cart>(store);
   * app.use(sessions);
   * app.get('/cart', (req, res) => res.json(sessions.of(req).get('items') ?? []));
   */
  of(req: Request): Session<T>;
}

/**
 * Opens the session before the handler (`req.session`) and writes the cookie before the
 * response's headers are sent. Adds `Vary: Cookie` when the session was used.
 *
 * A session too large to send is not sent: the handler's response is dropped and
 * {@link SessionTooLarge} goes to your error middleware (Express's default answers 500), so
 * the browser keeps the cookie it had. That holds too when the handler began the body and ended it
 * in the same turn of the event loop (`res.write(a); res.end(b)`, `res.writeHead(302).end()`):
 * nothing has been sent by then. Only a body still streaming after that turn is sent, without the
 * cookie, and the error follows it (Express then closes the connection, so the client sees the
 * failure). A change made after headers were sent is not saved.
 *
 * @example
 * app.use(sessionMiddleware({ secretKey: process.env.SECRET_KEY ?? '' }));
 * app.get('/', (req, res) => res.send(String(req.session.get('visits') ?? 0)));
 * app.use((error, req, res, next) => { ... error instanceof SessionTooLarge ... });
 */
export function sessionMiddleware<T extends StorableData<T> = DefaultSessionData>(
  storeOrOptions: SessionStore | SessionOptions,
  options: ExpressSessionOptions = {},
): ExpressSessionMiddleware<T> {
  const store = resolveStore(storeOrOptions);
  const { onInvalidCookie } = options;
  const opened = new WeakMap<Request, Session<T>>();
  // Express 5 passes a rejected promise (say, StoreUnavailable) to the error middleware.
  const handler = async (req: Request, res: Response, next: NextFunction) => {
    const { session, error } = await store.open<T>(req.headers.cookie);
    if (error && onInvalidCookie) onInvalidCookie(error);
    opened.set(req, session);
    // One object, two static types: `T` by the generic, `SessionTypes` by augmentation (where the
    // assertion is needed, though the lint, which sees no augmentation, calls it unnecessary).
    // eslint-disable-next-line @typescript-eslint/no-unnecessary-type-assertion
    req.session = session as unknown as DefaultSession;
    commitBeforeHeaders(res, store, session, next);
    next();
  };
  const of = (req: Request): Session<T> => {
    const session = opened.get(req);
    if (session === undefined)
      throw new TypeError('No session: sessionMiddleware did not run for this request');
    return session;
  };
  return Object.assign(handler, { of });
}

type Method = (this: Response, ...args: unknown[]) => unknown;
type HeaderMethod = 'writeHead' | 'write' | 'flushHeaders' | 'end';

function commitBeforeHeaders<T extends StorableData<T>>(
  res: Response,
  store: SessionStore,
  session: Session<T>,
  next: NextFunction,
): void {
  // 'failing': the commit failed, and calls are still held until the handler is off the stack.
  let state: 'open' | 'waiting' | 'failing' | 'done' = 'open';
  /** The handler began the body (write, writeHead, flushHeaders) before `end`. */
  let streamed = false;
  let ended = false;
  let owesDrain = false;
  const held: (() => void)[] = [];

  const fail = (error: unknown): void => {
    // Nothing has been sent: every call since the commit began is held. Decide once the handler
    // (still on the stack, as express-session also allows for) is done: a response it ended is
    // dropped for the error handler's, so no visitor is told a change was saved when it was not.
    state = 'failing';
    setImmediate(() => {
      const calls = held.splice(0);
      state = 'done';
      if (streamed && !ended) {
        for (const call of calls) call();
        if (owesDrain && !res.writableNeedDrain) res.emit('drain');
      } else {
        for (const name of REPLACED_RESPONSE_HEADERS) res.removeHeader(name);
      }
      next(error);
    });
  };

  const finish = (action: CookieAction): void => {
    state = 'done';
    if (action.kind === 'too-large') {
      fail(new SessionTooLarge(action.sizeBytes, action.limitBytes));
      return;
    }
    if (action.kind === 'failed') {
      fail(action.error);
      return;
    }
    if (session.accessed) res.vary('Cookie');
    if (action.kind !== 'none') res.append('Set-Cookie', action.header);
    for (const call of held.splice(0)) call();
    // Writes held while waiting answered `false` (backpressure): a pipe waits for this.
    if (owesDrain && !res.writableNeedDrain) res.emit('drain');
  };

  // A function, so that TypeScript does not keep the narrowing of `state` across `finish` calls.
  const done = (): boolean => state === 'done';

  const hold = (name: HeaderMethod, original: Method): Method =>
    function (this: Response, ...args: unknown[]): unknown {
      if (done()) return original.apply(this, args);
      if (name === 'end') ended = true;
      let result: unknown;
      held.push(() => {
        result = original.apply(this, args);
      });
      if (state === 'open') {
        streamed = name !== 'end';
        const status = name === 'writeHead' && typeof args[0] === 'number' ? args[0] : res.statusCode;
        const answer = store.commit(session, status);
        if (isPromiseLike(answer)) {
          state = 'waiting';
          answer.then(finish, fail);
        } else {
          finish(answer);
        }
      }
      // `result` is unset when the call was dropped for an error response.
      if (done()) return result ?? (name === 'flushHeaders' ? undefined : this);
      if (name === 'write') {
        owesDrain = true;
        return false;
      }
      return name === 'flushHeaders' ? undefined : this;
    };

  // Wrappers stay in place after the commit (as pass-throughs): putting the originals back
  // would also remove any wrapper another middleware installed over ours.
  const methods = res as unknown as Record<HeaderMethod, Method>;
  for (const name of ['writeHead', 'write', 'flushHeaders', 'end'] as const) {
    methods[name] = hold(name, methods[name]);
  }
}

function isPromiseLike<T>(value: T | PromiseLike<T>): value is PromiseLike<T> {
  return typeof (value as Partial<PromiseLike<T>>).then === 'function';
}
