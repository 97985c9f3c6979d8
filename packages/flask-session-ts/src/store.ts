/**
 * The one interface every session store implements: the signed cookie ({@link CookieSessionStore})
 * and the server-side stores. Adapters (Hono, Express, Fastify) and apps talk to this interface
 * only, so a store can be swapped by configuration.
 *
 * A request's life: `open` → the handler reads the session and makes every change it means to
 * keep with `update` → `commit` says what the response's `Set-Cookie` is.
 * @module
 */
import type {
  BadData,
  SessionConflict,
  StoreUnavailable,
  UndecodableSession,
  UnstorableValue,
} from './errors.js';
import type { Session } from './session.js';
import type { StorableData } from './storable.js';
import type { SessionData } from './tagged-json.js';

/** A value now, or later: the cookie store answers at once, a server-side store after I/O. */
export type MaybePromise<T> = T | Promise<T>;

/**
 * What to do with the response's cookie, decided by {@link SessionStore.commit}. It never
 * throws: a session too large to send comes back as `too-large`, which each adapter turns
 * into an error response before any header is sent, so the browser keeps the cookie it had.
 */
export type CookieAction =
  | { readonly kind: 'none' }
  | { readonly kind: 'set'; readonly header: string }
  | { readonly kind: 'delete'; readonly header: string }
  | { readonly kind: 'too-large'; readonly sizeBytes: number; readonly limitBytes: number }
  /**
   * What the request changed cannot be saved: adapters throw `error` before any header is sent,
   * so the framework's error path answers (the app's error handler, else a 500), never a crash:
   * - `StoreUnavailable`, `SessionConflict`: a server-side store could not save what the request
   *   changed outside `update` (say, a new CSRF token); a 503, not a page whose form could never
   *   be accepted;
   * - `UnstorableValue`: a value was changed in place, after `set`, into one a session cannot hold;
   * - `UndecodableSession`: the request changed a session opened from a cookie that verified but
   *   could not be decoded, without `session.clear()` (or `destroy()`, `regenerate()`) first; that
   *   cookie is kept.
   */
  | {
      readonly kind: 'failed';
      readonly error: StoreUnavailable | SessionConflict | UnstorableValue | UndecodableSession;
    };

/** The result of {@link SessionStore.open}. */
export interface Opened<T extends StorableData<T>> {
  readonly session: Session<T>;
  /**
   * Why a cookie that was sent could not be used; the session is then new and empty. An
   * `UndecodableSession` (verified, not decodable) also marks the session: see `Session.undecodable`.
   */
  readonly error?: BadData;
}

/**
 * A place sessions live. Implementations: {@link CookieSessionStore} (the data in a signed
 * cookie, Flask's default) and the server-side stores (the cookie holds a signed id).
 */
export interface SessionStore {
  /** The cookie this store reads and writes. */
  readonly cookieName: string;
  /** The most bytes one session may take, serialised as the store keeps it. */
  readonly maxSessionBytes: number;

  /**
   * Opens the session a `Cookie` request header carries. A missing, tampered, expired or
   * malformed cookie gives a new empty session and the reason, never an exception: it is
   * ordinary traffic. A server-side store rejects with `StoreUnavailable` when it cannot be reached.
   */
  open<T extends StorableData<T> = SessionData>(cookieHeader: string | undefined): MaybePromise<Opened<T>>;

  /**
   * Applies `change`, a function of the session's current data, so that it is kept.
   * Read what you change inside `change`: a server-side store may run it again on fresher data
   * when another request changed the session first, so that no update is lost.
   * Afterwards `session` holds the saved data.
   * @throws SessionTooLarge when the result would not fit; the session is then as it was.
   * @throws StoreUnavailable or SessionConflict (server-side stores): nothing was saved.
   */
  update<T extends StorableData<T>>(
    session: Session<T>,
    change: (session: Session<T>) => void,
  ): MaybePromise<void>;

  /**
   * Decides the response's cookie. `status` ≥ 400 skips writes that would only refresh the
   * cookie. Never throws for a session that is too large: see {@link CookieAction}.
   */
  commit<T extends StorableData<T>>(session: Session<T>, status?: number): MaybePromise<CookieAction>;

  /** The bytes the session would take if saved now, whether or not that fits. */
  measure<T extends StorableData<T>>(session: Session<T>): number;

  /**
   * Gives a session that has no id yet one now, sent with this response (server-side stores),
   * without storing anything: the first writes of several tabs then carry the same id and land in
   * one session. Call it on a page with a form. A no-op for a session that has an id, for one
   * opened from a cookie that could not be used (never replaced), and on the cookie store.
   */
  reserve?(session: Session): void;

  /**
   * Resolves when the store answers, for a readiness check (and a clear error at start-up).
   * Absent on stores with nothing to reach, such as the cookie store.
   * @throws StoreUnavailable when it cannot be reached.
   */
  ping?(): Promise<void>;

  /** Releases connections and files; the store is unusable afterwards. */
  close?(): Promise<void>;
}
