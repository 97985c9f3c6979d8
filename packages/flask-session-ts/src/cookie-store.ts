/**
 * Opening and saving sessions in a signed cookie, framework-free: Flask's
 * `SecureCookieSessionInterface`, plus rotation re-signing, a size guard and safer defaults.
 * @module
 */
import {
  readCookie,
  serializeDeleteCookie,
  serializeSetCookie,
  validateCookieAttributes,
  type CookieAttributes,
  type SameSite,
} from './cookie.js';
import { BadData, SessionConfigError, SessionTooLarge } from './errors.js';
import { SessionSerializer } from './serializer.js';
import { PERMANENT_KEY, Session } from './session.js';
import type { Digest, Secret } from './signer.js';
import type { CookieAction, Opened, SessionStore } from './store.js';
import type { StorableData } from './storable.js';
import type { SessionData } from './tagged-json.js';

/** Cookie settings; every field has a default in {@link SESSION_DEFAULTS}. */
export interface SessionCookieOptions {
  readonly name?: string;
  readonly path?: string;
  readonly domain?: string;
  readonly httpOnly?: boolean;
  /**
   * Default `true`. Browsers accept Secure cookies on `http://localhost`, so only plain-HTTP
   * development on another host needs `false`. The library never guesses from the environment.
   */
  readonly secure?: boolean;
  /** `null` leaves the attribute out (Flask's default); we default to `Lax`. */
  readonly sameSite?: SameSite | null;
  readonly partitioned?: boolean;
}

/** Options of {@link CookieSessionStore}. Only `secretKey` is required. */
export interface SessionOptions {
  /** The signing key; a string is used as its UTF-8 bytes, as Flask does with `app.secret_key`. */
  readonly secretKey: Secret;
  /** Older keys still accepted; a session they verify is re-signed with `secretKey` (rotation). */
  readonly fallbackSecretKeys?: readonly Secret[];
  readonly digest?: Digest;
  readonly salt?: string;
  readonly cookie?: SessionCookieOptions;
  /** Lifetime of a permanent cookie, and the server-enforced maximum age of every signature. */
  readonly lifetimeSeconds?: number;
  /** Re-send a permanent session's cookie on every response that used it, sliding its expiry. */
  readonly refreshEachRequest?: boolean;
  /**
   * Re-send a non-permanent session's cookie too, on every response that used it, with a fresh
   * timestamp: rolling expiry. Such a cookie has no `Max-Age` (it still ends with the browser), but
   * its signature's age is what `lifetimeSeconds` limits, here and in Flask, so without this a
   * session that is only read ends `lifetimeSeconds` after its last change. Flask has no such
   * setting (its `SESSION_REFRESH_EACH_REQUEST` is for permanent sessions only) but reads these
   * cookies as any other. Default `false`, as Flask.
   */
  readonly refreshNonPermanent?: boolean;
  /**
   * Save every non-empty session as permanent (`_permanent` and `Expires`), whatever its own
   * flag; an empty one still sends nothing. Default `false`: as in Flask, a session is
   * permanent only when `session.permanent` is set, so a Flask non-permanent session stays so.
   */
  readonly permanent?: boolean;
  /** Longest `Set-Cookie` header sent; a longer one is refused (`too-large`, or {@link SessionTooLarge} from `update`). */
  readonly maxCookieBytes?: number;
  /** The clock in milliseconds. Default `Date.now`. */
  readonly now?: () => number;
  /** See `SessionSerializerOptions.compressAboveBytes`. Default 0: Flask's bytes. */
  readonly compressAboveBytes?: number;
}

/**
 * The secure defaults, in one place:
 * - `HttpOnly`: page scripts cannot read the cookie, so an XSS cannot steal it;
 * - `SameSite=Lax`: not sent on cross-site POSTs (Flask leaves it unset);
 * - `Secure`: never sent over plain HTTP (browsers still accept it on `http://localhost`);
 * - `Path=/`, no `Domain`: a host-only cookie for the whole app;
 * - 31 days, Flask's `PERMANENT_SESSION_LIFETIME`, refreshed on each request for permanent sessions
 *   (non-permanent ones only with `refreshNonPermanent`: Flask never refreshes them);
 * - 4093 bytes, Werkzeug's `max_cookie_size`: browsers silently drop cookies over ~4096 bytes.
 */
export const SESSION_DEFAULTS = Object.freeze({
  digest: 'sha1',
  salt: 'cookie-session',
  cookie: Object.freeze({
    name: 'session',
    path: '/',
    httpOnly: true,
    secure: true,
    sameSite: 'Lax',
    partitioned: false,
  }),
  lifetimeSeconds: 31 * 24 * 60 * 60,
  refreshEachRequest: true,
  refreshNonPermanent: false,
  permanent: false,
  maxCookieBytes: 4093,
} as const);

/**
 * The cookie's attributes: `options` over {@link SESSION_DEFAULTS}, checked. Shared by every store.
 * @throws SessionConfigError for a combination browsers refuse.
 */
export function resolveCookieAttributes(options: SessionCookieOptions = {}): CookieAttributes {
  const c = { ...SESSION_DEFAULTS.cookie, ...options };
  const attributes: CookieAttributes = {
    name: c.name,
    path: c.path,
    domain: c.domain,
    httpOnly: c.httpOnly,
    secure: c.secure,
    sameSite: c.sameSite ?? undefined,
    partitioned: c.partitioned,
  };
  validateCookieAttributes(attributes);
  return attributes;
}

/**
 * What the store knows about one open session, beyond the session itself: where it came from,
 * and the last action decided for it, so that `update()` and the adapter's `commit()` at the end of
 * the same request sign once (keyed by the session's revision, the clock's second and the status line).
 */
interface OpenState {
  /** The verified cookie's encoded payload and which key verified it; absent for a new session. */
  readonly loaded?: { readonly payload: string; readonly keyIndex: number };
  action?: {
    readonly revision: number;
    readonly nowSeconds: number;
    readonly failed: boolean;
    readonly action: CookieAction;
  };
}

const NONE: CookieAction = Object.freeze({ kind: 'none' });

/**
 * Reads sessions from, and writes them to, a signed cookie.
 *
 * @example
 * const store = new CookieSessionStore({ secretKey, cookie: { secure: false } });
 * const { session } = store.open(request.headers.get('cookie') ?? undefined);
 * session.set('theme', 'dark');
 * const action = store.commit(session); // { kind: 'set', header: 'session=…; Path=/; HttpOnly; SameSite=Lax' }
 */
export class CookieSessionStore implements SessionStore {
  readonly serializer: SessionSerializer;
  readonly cookie: CookieAttributes;
  readonly lifetimeSeconds: number;
  readonly refreshEachRequest: boolean;
  readonly refreshNonPermanent: boolean;
  readonly permanent: boolean;
  readonly maxCookieBytes: number;
  readonly #now: () => number;
  readonly #open = new WeakMap<Session, OpenState>();

  /** @throws SessionConfigError for settings that can never work, saying how to fix them. */
  constructor(options: SessionOptions) {
    const d = SESSION_DEFAULTS;
    this.lifetimeSeconds = options.lifetimeSeconds ?? d.lifetimeSeconds;
    this.refreshEachRequest = options.refreshEachRequest ?? d.refreshEachRequest;
    this.refreshNonPermanent = options.refreshNonPermanent ?? d.refreshNonPermanent;
    this.permanent = options.permanent ?? d.permanent;
    this.maxCookieBytes = options.maxCookieBytes ?? d.maxCookieBytes;
    this.#now = options.now ?? Date.now;
    if (!Number.isSafeInteger(this.lifetimeSeconds) || this.lifetimeSeconds <= 0) {
      throw new SessionConfigError(
        `lifetimeSeconds must be a positive whole number of seconds, not ${this.lifetimeSeconds}.`,
      );
    }
    if (!Number.isSafeInteger(this.maxCookieBytes) || this.maxCookieBytes < 64) {
      throw new SessionConfigError(
        `maxCookieBytes must be a whole number of at least 64, not ${this.maxCookieBytes}.`,
      );
    }
    this.cookie = resolveCookieAttributes(options.cookie);
    this.serializer = new SessionSerializer([options.secretKey, ...(options.fallbackSecretKeys ?? [])], {
      digest: options.digest ?? d.digest,
      salt: options.salt ?? d.salt,
      now: this.#now,
      ...(options.compressAboveBytes === undefined ? {} : { compressAboveBytes: options.compressAboveBytes }),
    });
  }

  get cookieName(): string {
    return this.cookie.name;
  }

  /** A session's limit is the cookie's: the whole `Set-Cookie` header must fit in `maxCookieBytes`. */
  get maxSessionBytes(): number {
    return this.maxCookieBytes;
  }

  /**
   * Opens the session carried by a `Cookie` request header. A missing, tampered, expired or
   * malformed cookie gives a new empty session and the reason, never an exception: it is
   * ordinary traffic.
   */
  open<T extends StorableData<T> = SessionData>(cookieHeader: string | undefined): Opened<T> {
    const value = readCookie(cookieHeader, this.cookie.name);
    if (value === undefined || value === '') return { session: new Session<T>() };
    try {
      const loaded = this.serializer.loads(value, this.lifetimeSeconds);
      const session = new Session<T>(loaded.data, false, loaded.sources);
      this.#open.set(session, { loaded: { payload: loaded.payload, keyIndex: loaded.keyIndex } });
      return { session };
    } catch (error) {
      if (!(error instanceof BadData)) throw error;
      return { session: new Session<T>(), error };
    }
  }

  /**
   * Applies `change` only if the session still fits in a cookie afterwards. Otherwise the
   * session is put back as it was and {@link SessionTooLarge} is thrown, so the handler can
   * explain, and the browser keeps the cookie it has.
   */
  update<T extends StorableData<T>>(session: Session<T>, change: (session: Session<T>) => void): void {
    const before = session.snapshot();
    change(session);
    const action = this.commit(session);
    if (action.kind === 'too-large') {
      session.restore(before);
      throw new SessionTooLarge(action.sizeBytes, action.limitBytes);
    }
  }

  /**
   * Decides the response's cookie, as Flask's `save_session` does:
   * - an emptied session deletes the cookie; an empty one sends nothing;
   * - a modified one is written; so is one verified by a fallback key (re-signed with the current key);
   * - a permanent one that was used is re-sent with a fresh timestamp when `refreshEachRequest` is on,
   *   a non-permanent one when `refreshNonPermanent` is, and any after {@link Session.touch};
   * - after {@link Session.regenerate} it is re-issued (a new signature), after {@link Session.destroy} deleted.
   * Writes that only refresh or re-sign are skipped on error responses (`status` ≥ 400),
   * which must leave the visitor's cookie as it was.
   * A cookie over `maxCookieBytes` comes back as `too-large`: nothing is to be sent then.
   */
  commit<T extends StorableData<T>>(session: Session<T>, status = 200): CookieAction {
    const nowMs = this.#now();
    const nowSeconds = Math.floor(nowMs / 1000);
    const failed = status >= 400;
    const state = this.#state(session);
    const cached = state.action;
    if (
      cached?.revision === session.revision &&
      cached.nowSeconds === nowSeconds &&
      cached.failed === failed
    ) {
      return cached.action;
    }
    const action = this.#decide(session, state, failed, nowMs);
    state.action = { revision: session.revision, nowSeconds, failed, action };
    return action;
  }

  #decide(session: Session, state: OpenState, failed: boolean, nowMs: number): CookieAction {
    if (session.isEmpty) {
      return session.modified ? { kind: 'delete', header: serializeDeleteCookie(this.cookie) } : NONE;
    }
    const resign = state.loaded !== undefined && state.loaded.keyIndex > 0;
    const rolls = this.#savedPermanent(session) ? this.refreshEachRequest : this.refreshNonPermanent;
    const refresh = (session.accessed && rolls) || session.touched;
    if (!session.modified && (failed || !(resign || refresh))) return NONE;

    const header = this.#setCookieHeader(session, state, nowMs);
    const bytes = Buffer.byteLength(header, 'utf8');
    if (bytes > this.maxCookieBytes) {
      // A refresh or re-sign that no longer fits (say, longer attributes after a deploy) is skipped:
      // the browser's cookie is still valid, and failing would lock the visitor out of every page.
      if (!session.modified) return NONE;
      return { kind: 'too-large', sizeBytes: bytes, limitBytes: this.maxCookieBytes };
    }
    return { kind: 'set', header };
  }

  /**
   * The length in bytes of the `Set-Cookie` header that would carry this session now, whether or
   * not it fits: exactly the header a `commit()` in the same second sends (or refuses as
   * `too-large`). It encodes and signs the session as a commit does, so an app that shows the room
   * left on every page should count it from the received cookie's length and measure only near
   * the limit.
   */
  measure<T extends StorableData<T>>(session: Session<T>): number {
    return Buffer.byteLength(this.#setCookieHeader(session, this.#state(session), this.#now()), 'utf8');
  }

  #state(session: Session): OpenState {
    let state = this.#open.get(session);
    if (state === undefined) {
      state = {};
      this.#open.set(session, state);
    }
    return state;
  }

  /** Whether the session is saved as permanent: its own flag, or the store's `permanent` option. */
  #savedPermanent(session: Session): boolean {
    return session.permanent || (this.permanent && !session.isEmpty);
  }

  #setCookieHeader(session: Session, state: OpenState, nowMs: number): string {
    const permanent = this.#savedPermanent(session);
    // The store's `permanent` option adds Flask's flag on the way out, without changing the session.
    const addFlag = permanent && !session.permanent;
    // Unchanged data keeps its encoded payload: re-signing it skips JSON, zlib and base64.
    const payload =
      !session.modified && !addFlag && state.loaded !== undefined
        ? state.loaded.payload
        : addFlag
          ? this.serializer.dumpPayload(
              { ...session.toJSON(), [PERMANENT_KEY]: true },
              // The flag's own text (Flask writes `"_permanent":false`) no longer matches its value.
              new Map([...session.sources].filter(([key]) => key !== PERMANENT_KEY)),
            )
          : this.serializer.dumpPayload(session.toJSON(), session.sources);
    const value = this.serializer.signPayload(payload, Math.floor(nowMs / 1000));
    return serializeSetCookie(this.cookie, value, {
      maxAgeSeconds: permanent ? this.lifetimeSeconds : undefined,
      nowMs,
    });
  }
}
