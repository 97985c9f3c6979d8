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
import { Session } from './session.js';
import type { Digest, Secret } from './signer.js';
import type { CookieAction, Opened, SessionStore } from './store.js';
import type { SessionData } from './tagged-json.js';

/** Cookie settings; every field has a default in {@link SESSION_DEFAULTS}. */
export interface SessionCookieOptions {
  readonly name?: string;
  readonly path?: string;
  readonly domain?: string;
  readonly httpOnly?: boolean;
  /** `"production"`: Secure when `NODE_ENV` is `production` at construction. */
  readonly secure?: boolean | 'production';
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
  /** Make every non-empty session permanent when it is saved (an empty one still sends nothing). */
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
 * - `Secure` in production: never sent over plain HTTP;
 * - `Path=/`, no `Domain`: a host-only cookie for the whole app;
 * - 31 days, Flask's `PERMANENT_SESSION_LIFETIME`, refreshed on each request;
 * - 4093 bytes, Werkzeug's `max_cookie_size`: browsers silently drop cookies over ~4096 bytes.
 */
export const SESSION_DEFAULTS = Object.freeze({
  digest: 'sha1',
  salt: 'cookie-session',
  cookie: Object.freeze({
    name: 'session',
    path: '/',
    httpOnly: true,
    secure: 'production',
    sameSite: 'Lax',
    partitioned: false,
  }),
  lifetimeSeconds: 31 * 24 * 60 * 60,
  refreshEachRequest: true,
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
    secure: c.secure === 'production' ? process.env.NODE_ENV === 'production' : c.secure,
    sameSite: c.sameSite ?? undefined,
    partitioned: c.partitioned,
  };
  validateCookieAttributes(attributes);
  return attributes;
}

interface LoadedState {
  readonly payload: string;
  readonly keyIndex: number;
}

interface CachedAction {
  readonly revision: number;
  readonly nowSeconds: number;
  readonly status: number;
  readonly action: CookieAction;
}

const NONE: CookieAction = Object.freeze({ kind: 'none' });

/**
 * Reads sessions from, and writes them to, a signed cookie.
 *
 * @example
 * const store = new CookieSessionStore({ secretKey: process.env.SECRET_KEY! });
 * const { session } = store.open(request.headers.get('cookie') ?? undefined);
 * session.set('theme', 'dark');
 * const action = store.commit(session); // { kind: 'set', header: 'session=…; Path=/; HttpOnly; SameSite=Lax' }
 */
export class CookieSessionStore implements SessionStore {
  readonly serializer: SessionSerializer;
  readonly cookie: CookieAttributes;
  readonly lifetimeSeconds: number;
  readonly refreshEachRequest: boolean;
  readonly permanent: boolean;
  readonly maxCookieBytes: number;
  readonly #now: () => number;
  readonly #loaded = new WeakMap<Session, LoadedState>();
  readonly #cache = new WeakMap<Session, CachedAction>();
  readonly #headers = new WeakMap<Session, { revision: number; nowSeconds: number; header: string }>();

  /** @throws SessionConfigError for settings that can never work, saying how to fix them. */
  constructor(options: SessionOptions) {
    const d = SESSION_DEFAULTS;
    this.lifetimeSeconds = options.lifetimeSeconds ?? d.lifetimeSeconds;
    this.refreshEachRequest = options.refreshEachRequest ?? d.refreshEachRequest;
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
  open<T extends SessionData = SessionData>(cookieHeader: string | undefined): Opened<T> {
    const value = readCookie(cookieHeader, this.cookie.name);
    if (value === undefined || value === '') return { session: new Session<T>() };
    try {
      const loaded = this.serializer.loads(value, this.lifetimeSeconds);
      const session = new Session<T>(loaded.data, false);
      this.#loaded.set(session, { payload: loaded.payload, keyIndex: loaded.keyIndex });
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
  update<T extends SessionData>(session: Session<T>, change: (session: Session<T>) => void): void {
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
   * - a permanent one that was used is re-sent with a fresh timestamp when `refreshEachRequest` is on.
   * Writes that only refresh or re-sign are skipped on error responses (`status` ≥ 400),
   * which must leave the visitor's cookie as it was.
   * A cookie over `maxCookieBytes` comes back as `too-large`: nothing is to be sent then.
   */
  commit(session: Session, status = 200): CookieAction {
    const nowMs = this.#now();
    const nowSeconds = Math.floor(nowMs / 1000);
    if (this.permanent && !session.permanent && !session.isEmpty) session.permanent = true;
    const cached = this.#cache.get(session);
    if (
      cached?.revision === session.revision &&
      cached.nowSeconds === nowSeconds &&
      cached.status >= 400 === status >= 400
    ) {
      return cached.action;
    }

    const action = this.#decide(session, status, nowMs);
    this.#cache.set(session, { revision: session.revision, nowSeconds, status, action });
    return action;
  }

  #decide(session: Session, status: number, nowMs: number): CookieAction {
    if (session.isEmpty) {
      return session.modified ? { kind: 'delete', header: serializeDeleteCookie(this.cookie) } : NONE;
    }
    const loaded = this.#loaded.get(session);
    const resign = loaded !== undefined && loaded.keyIndex > 0;
    const refresh = session.permanent && session.accessed && this.refreshEachRequest;
    if (!session.modified && (status >= 400 || !(resign || refresh))) return NONE;

    const header = this.#setCookieHeader(session, nowMs);
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
   * not it fits: what an app needs to tell a visitor how much room is left.
   */
  measure(session: Session): number {
    return Buffer.byteLength(this.#setCookieHeader(session, this.#now()), 'utf8');
  }

  #setCookieHeader(session: Session, nowMs: number): string {
    // measure() and commit() in one request want the same header: sign and format it once.
    const nowSeconds = Math.floor(nowMs / 1000);
    const known = this.#headers.get(session);
    if (known?.revision === session.revision && known.nowSeconds === nowSeconds) return known.header;
    const header = this.#buildSetCookieHeader(session, nowMs);
    this.#headers.set(session, { revision: session.revision, nowSeconds, header });
    return header;
  }

  #buildSetCookieHeader(session: Session, nowMs: number): string {
    const loaded = this.#loaded.get(session);
    // Unchanged data keeps its encoded payload: re-signing it skips JSON, zlib and base64.
    const payload =
      !session.modified && loaded !== undefined
        ? loaded.payload
        : this.serializer.dumpPayload(session.toJSON());
    const value = this.serializer.signPayload(payload, Math.floor(nowMs / 1000));
    return serializeSetCookie(this.cookie, value, {
      maxAgeSeconds: session.permanent ? this.lifetimeSeconds : undefined,
      nowMs,
    });
  }
}
