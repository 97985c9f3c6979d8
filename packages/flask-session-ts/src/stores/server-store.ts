/**
 * Server-side sessions, the part every backend shares: the cookie carries only a signed opaque
 * id, the data lives in a {@link SessionBackend} (SQLite, Redis), and a change is applied to the
 * latest stored data atomically, so two tabs writing at once both land.
 *
 * - The id is 32 bytes from the CSPRNG, signed with the app's key: a forged or random id is
 *   refused before any store access. The store keeps only its SHA-256, so a copy of the database
 *   gives no usable cookie. Strict: an id the store does not hold is never adopted, except one
 *   `reserve` issued (signed with a salt of its own): it opens as an empty session keeping its id,
 *   so concurrent first writes from several tabs land in one session. Only ids we signed: a
 *   stranger cannot pick one, and an ordinary id whose record is gone stays gone.
 * - `update` reruns the change on fresher data when another writer got there first (bounded).
 * - What a request changed outside `update` (flashes read by a page, a new CSRF token) is saved
 *   at `commit`, key by key, on the latest data: it does not undo another tab's update.
 * - A valid Flask cookie session (moving over from the cookie store) is imported on first sight,
 *   once: its record's id is derived from the cookie (an HMAC under the key that signed it), so a
 *   replay of that cookie opens the same record, with whatever the visitor saved since, and the
 *   response replaces the old cookie with the id cookie. When that record is emptied or
 *   regenerated away, an empty record (a tombstone) stays under the derived id for as long as the
 *   old cookie could verify, so a copy of it never brings the pre-migration data back.
 * - A stored record or imported cookie that verifies but cannot be decoded is never overwritten:
 *   the session opens marked `undecodable` (see `Session.undecodable`).
 * @module
 */
import { createHash, createHmac, randomBytes } from 'node:crypto';
import { readCookie, serializeDeleteCookie, serializeSetCookie, type CookieAttributes } from '../cookie.js';
import { resolveCookieAttributes, SESSION_DEFAULTS, type SessionCookieOptions } from '../cookie-store.js';
import {
  BadData,
  BadPayload,
  SessionConfigError,
  SessionConflict,
  SessionTooLarge,
  StoreUnavailable,
  UndecodableSession,
  UnknownSession,
  UnstorableValue,
} from '../errors.js';
import { SessionSerializer, type Loaded } from '../serializer.js';
import { Session, type RegenerateOptions } from '../session.js';
import { Signer, type Digest, type Secret, type Verified } from '../signer.js';
import type { CookieAction, MaybePromise, Opened, SessionStore } from '../store.js';
import type { StorableData } from '../storable.js';
import { dumps, loads, type SessionData } from '../tagged-json.js';

/** A session as a backend holds it. */
export interface SessionRecord {
  /** The data as Flask's tagged JSON, uncompressed. */
  readonly data: string;
  /** Grows with every write: what a compare-and-set compares. */
  readonly version: number;
  /** When the session was created, for the absolute lifetime. */
  readonly createdMs: number;
  /** When the record expires: the idle or the absolute lifetime, whichever ends first. */
  readonly expiresMs: number;
}

/** What a backend is asked to store. */
export type RecordToWrite = Omit<SessionRecord, 'version'>;

/** How a {@link SessionBackend.write} ended. */
export type WriteOutcome =
  { readonly outcome: 'saved'; readonly version: number } | { readonly outcome: 'conflict' };

/**
 * Where server-side sessions are kept, under the SHA-256 of their id (hex). Every method
 * rejects with {@link StoreUnavailable} when the backend cannot be reached or fails.
 */
export interface SessionBackend {
  /** The record under `key`, or undefined when there is none or it expired. Takes no lock. */
  read(key: string, nowMs: number): MaybePromise<SessionRecord | undefined>;
  /**
   * Reads the record under `key`, calls `next` with it, and stores what `next` returns (`null`
   * removes the record), atomically: `conflict` when another writer changed the record between
   * the read and the write, and nothing was written (the store then calls `write` again).
   * When `next` throws, nothing is written and the error propagates.
   */
  write(
    key: string,
    nowMs: number,
    next: (current: SessionRecord | undefined) => RecordToWrite | null,
  ): MaybePromise<WriteOutcome>;
  /** Moves the record's expiry to `expiresMs` (sliding idle lifetime); no-op when it is gone. */
  touch(key: string, expiresMs: number): MaybePromise<void>;
  /** Removes the record; no-op when it is gone. */
  remove(key: string): MaybePromise<void>;
  /** Resolves when the backend answers. */
  ping(): Promise<void>;
  /** Releases connections and files. */
  close(): Promise<void>;
}

/** Options of every server-side store. Only `secretKey` is required. */
export interface ServerStoreOptions {
  /** Signs the session id cookie; older keys go in `fallbackSecretKeys`. */
  readonly secretKey: Secret;
  readonly fallbackSecretKeys?: readonly Secret[];
  readonly cookie?: SessionCookieOptions;
  /** Idle lifetime, sliding: a session unused this long is gone. Default 31 days. */
  readonly lifetimeSeconds?: number;
  /** Absolute lifetime from creation, however active the session. Default: none. */
  readonly absoluteLifetimeSeconds?: number;
  /** Make every non-empty session permanent (a cookie with `Max-Age`). Default false. */
  readonly permanent?: boolean;
  /**
   * Slide the idle lifetime of non-permanent sessions too, when a request uses them (at most once
   * a minute, as for permanent ones): their record's expiry moves, and no cookie is sent, since a
   * non-permanent cookie has no `Max-Age`. Default false: a non-permanent session that is only
   * read ends `lifetimeSeconds` after its last change, as a Flask cookie session does.
   */
  readonly refreshNonPermanent?: boolean;
  /** Largest serialised session; a bigger change is refused with {@link SessionTooLarge}. Default 1 MiB. */
  readonly maxSessionBytes?: number;
  /** Tries of one change that keeps losing races before {@link SessionConflict}. Default 10. */
  readonly maxAttempts?: number;
  /**
   * Accept a Flask-format signed cookie session (what `CookieSessionStore` writes, signed with the
   * same keys) and import it into the store: visitors keep their data when an app moves over.
   * `false` to refuse. Default: on, with Flask's `sha1` digest and `cookie-session` salt.
   */
  readonly importCookieSessions?:
    | false
    | {
        readonly digest?: Digest;
        readonly salt?: string;
        /** See `SessionOptions.maxInflatedBytes`. Default 64 KiB. */
        readonly maxInflatedBytes?: number;
      };
  /** The clock in milliseconds. Default `Date.now`. */
  readonly now?: () => number;
}

/**
 * The defaults of server-side stores, beyond the cookie's ({@link SESSION_DEFAULTS}):
 * - 1 MiB per session: 10,000 holdings of the sample app take about 300 KB;
 * - 10 tries before a conflict: within one process changes to one session are queued, so
 *   only other processes race, and each try lets at least one writer through;
 * - the expiry slides at most once a minute, so a page view is not a write every time.
 */
export const SERVER_STORE_DEFAULTS = Object.freeze({
  maxSessionBytes: 1024 * 1024,
  maxAttempts: 10,
  idSalt: 'flask-session-ts.session-id',
  reservedIdSalt: 'flask-session-ts.reserved-session-id',
  idDigest: 'sha256',
  touchIntervalMs: 60_000,
} as const);

/** What the store knows about one open session. */
interface State {
  id: string | undefined;
  key: string | undefined;
  /** Version of the record as last read or written; 0: no record. */
  version: number;
  createdMs: number;
  expiresMs: number;
  /** A `Set-Cookie` is due: a new id, a re-signed one, or a slid expiry. */
  sendCookie: boolean;
  /** The request carried a cookie we may have to delete. */
  hadCookie: boolean;
  /** The session was emptied and its record removed. */
  removed: boolean;
  /** Whether the session was permanent when opened: a change needs a cookie with the new lifetime. */
  permanentAtOpen: boolean;
  /** The id was derived from an imported cookie: its record is tombstoned, never removed. */
  imported: boolean;
  /** The session stands for a record or cookie that verified but could not be decoded. */
  undecodable: boolean;
  /** The id was reserved and nothing is stored under it yet: its cookie is signed as reserved. */
  reserved: boolean;
  /** The request's cookie could not be used: never replaced by a reservation. */
  refused: boolean;
  /** Length of the record's data as this store last read or wrote it; undefined: no record. */
  storedBytes: number | undefined;
}

const NONE: CookieAction = Object.freeze({ kind: 'none' });
const ID_PATTERN = /^[A-Za-z0-9_-]{43}$/;
const IMPORTED_ID_PATTERN = /^[A-Za-z0-9_-]{42}_$/;

/** The record vanished under a session that had one (expired, or removed by `regenerate`). */
class Vanished extends Error {}

/** The old record of a session being regenerated changed after it was read: move the data again. */
class Moved extends Error {}

/**
 * A {@link SessionStore} that keeps the data in a {@link SessionBackend}; see the module notes.
 * `SqliteSessionStore` and `RedisSessionStore` are this with their backend.
 */
export class ServerSessionStore implements SessionStore {
  readonly cookie: CookieAttributes;
  readonly maxSessionBytes: number;
  readonly lifetimeSeconds: number;
  readonly absoluteLifetimeSeconds: number | undefined;
  readonly permanent: boolean;
  readonly refreshNonPermanent: boolean;
  readonly maxAttempts: number;
  readonly backend: SessionBackend;
  readonly #signer: Signer;
  readonly #keys: readonly Secret[];
  readonly #reservedSigner: Signer;
  readonly #importer: SessionSerializer | undefined;
  /** How long an imported cookie verifies: a tombstone under its derived id lasts as long. */
  readonly #importMaxAgeSeconds: number;
  readonly #now: () => number;
  readonly #states = new WeakMap<Session, State>();
  // Changes to one session from this process wait for each other: only other processes race.
  readonly #queues = new Map<string, Promise<void>>();

  /** @throws SessionConfigError for settings that can never work, saying how to fix them. */
  constructor(backend: SessionBackend, options: ServerStoreOptions) {
    const d = SERVER_STORE_DEFAULTS;
    this.backend = backend;
    this.cookie = resolveCookieAttributes(options.cookie);
    this.lifetimeSeconds = options.lifetimeSeconds ?? SESSION_DEFAULTS.lifetimeSeconds;
    this.absoluteLifetimeSeconds = options.absoluteLifetimeSeconds;
    this.permanent = options.permanent ?? SESSION_DEFAULTS.permanent;
    this.refreshNonPermanent = options.refreshNonPermanent ?? SESSION_DEFAULTS.refreshNonPermanent; // as Flask
    this.maxSessionBytes = options.maxSessionBytes ?? d.maxSessionBytes;
    this.maxAttempts = options.maxAttempts ?? d.maxAttempts;
    this.#now = options.now ?? Date.now;
    for (const [name, value] of [
      ['lifetimeSeconds', this.lifetimeSeconds],
      ['absoluteLifetimeSeconds', this.absoluteLifetimeSeconds ?? 1],
      ['maxSessionBytes', this.maxSessionBytes],
      ['maxAttempts', this.maxAttempts],
    ] as const) {
      if (!Number.isSafeInteger(value) || value <= 0) {
        throw new SessionConfigError(`${name} must be a positive whole number, not ${value}.`);
      }
    }
    const keys = [options.secretKey, ...(options.fallbackSecretKeys ?? [])];
    this.#keys = keys;
    this.#signer = new Signer(keys, { salt: d.idSalt, digest: d.idDigest });
    this.#reservedSigner = new Signer(keys, { salt: d.reservedIdSalt, digest: d.idDigest });
    const imports = options.importCookieSessions ?? {};
    // Never longer than a record can live: the derived id's record outlives every cookie it imported.
    this.#importMaxAgeSeconds = Math.min(this.lifetimeSeconds, this.absoluteLifetimeSeconds ?? Infinity);
    this.#importer =
      imports === false
        ? undefined
        : new SessionSerializer(keys, {
            digest: imports.digest ?? SESSION_DEFAULTS.digest,
            salt: imports.salt ?? SESSION_DEFAULTS.salt,
            now: this.#now,
            maxInflatedBytes: imports.maxInflatedBytes ?? SESSION_DEFAULTS.maxInflatedBytes,
          });
  }

  get cookieName(): string {
    return this.cookie.name;
  }

  /**
   * Opens the session whose id the cookie carries. A missing, forged, unknown or expired id gives
   * a new empty session (and the reason); a valid Flask cookie session is imported (once: see the
   * module notes). A record, or a Flask cookie, that verifies but cannot be decoded gives an empty
   * session marked `undecodable` and an {@link UndecodableSession}: nothing replaces it unless the
   * handler calls `session.clear()`, `destroy()` or `regenerate()`.
   * @throws StoreUnavailable when the backend cannot be reached.
   */
  async open<T extends StorableData<T> = SessionData>(cookieHeader: string | undefined): Promise<Opened<T>> {
    const value = readCookie(cookieHeader, this.cookie.name);
    const state: State = {
      id: undefined,
      key: undefined,
      version: 0,
      createdMs: 0,
      expiresMs: 0,
      sendCookie: false,
      hadCookie: value !== undefined && value !== '',
      removed: false,
      permanentAtOpen: false,
      imported: false,
      undecodable: false,
      reserved: false,
      refused: false,
      storedBytes: undefined,
    };
    const fresh = (error?: BadData): Opened<T> => {
      const session = new Session<T>();
      this.#states.set(session, state);
      if (error instanceof UndecodableSession) {
        session.keepUndecodable(error);
        state.undecodable = true;
      }
      if (error !== undefined) state.refused = true;
      return error === undefined ? { session } : { session, error };
    };
    if (value === undefined || value === '') return fresh();

    let id: string;
    try {
      const verified = this.unsignId(value);
      id = verified.value;
      // Verified by an older key: re-signed with the current one on the way out.
      state.sendCookie = verified.keyIndex > 0;
    } catch (error) {
      if (!(error instanceof BadData)) throw error;
      const reserved = this.#reservedId(value);
      if (reserved === undefined) return (await this.#imported<T>(value, state, fresh)) ?? fresh(error);
      id = reserved;
      state.reserved = true;
    }

    const key = this.storageKey(id);
    const record = await this.backend.read(key, this.#now());
    if (record === undefined && state.reserved) {
      // Reserved and not yet written: empty, keeping the id, so every tab's first write lands here.
      Object.assign(state, { id, key, version: 0, createdMs: this.#now() });
      const session = new Session<T>();
      this.#states.set(session, state);
      return { session };
    }
    // Written since it was reserved: from now on the cookie carries an ordinary id.
    if (state.reserved) {
      state.reserved = false;
      state.sendCookie = true;
    }
    // A tombstone is no session: an imported id that was cleared or regenerated away stops working
    // as any other old id does (only the old cookie it stands for is answered with a deletion).
    if (record === undefined || (isImportedId(id) && record.data === this.#tombstoneData())) {
      state.sendCookie = false;
      return fresh(new UnknownSession('The session id is unknown or expired; a new session was started'));
    }
    return this.#fromRecord<T>(id, key, record, state, fresh);
  }

  /** The session a record holds, or a marked empty one when it cannot be decoded. */
  #fromRecord<T extends StorableData<T>>(
    id: string,
    key: string,
    record: SessionRecord,
    state: State,
    fresh: (error?: BadData) => Opened<T>,
  ): Opened<T> {
    let data: SessionData;
    try {
      data = this.decodeData(record.data);
    } catch (error) {
      // Never overwritten: the id cookie is kept, the record left alone until it expires.
      if (!(error instanceof BadPayload)) throw error;
      state.sendCookie = false;
      return fresh(new UndecodableSession(error.reason, error.originalError, error.message));
    }
    const session = new Session<T>(data, false);
    Object.assign(state, {
      id,
      key,
      version: record.version,
      createdMs: record.createdMs,
      storedBytes: record.data.length,
    });
    state.imported = isImportedId(id);
    state.expiresMs = record.expiresMs;
    state.permanentAtOpen = session.permanent;
    this.#states.set(session, state);
    return { session };
  }

  /** The id in a cookie `reserve` signed, or undefined. */
  #reservedId(value: string): string | undefined {
    try {
      const verified = this.#reservedSigner.unsign(value);
      return this.isWellFormedId(verified.value) ? verified.value : undefined;
    } catch (error) {
      if (!(error instanceof BadData)) throw error;
      return undefined;
    }
  }

  /**
   * Gives a session without an id one now, sent at `commit` in a cookie of its own kind, and
   * stores nothing: the first writes from several tabs then carry the same id, and the backend's
   * compare-and-set makes them all land in one session. A no-op for a session that has an id or a
   * record, and for one opened from a cookie that could not be used (that cookie is never replaced
   * but by a real save).
   */
  reserve(session: Session): void {
    const state = this.#state(session);
    if (state.id !== undefined || state.refused || state.hadCookie || !session.isEmpty) return;
    this.#newId(state);
    state.reserved = true;
  }

  /**
   * A valid Flask cookie session: the record it was imported into, or, the first time, its data
   * to be saved under an id derived from the cookie. Undefined when it is no such cookie.
   */
  async #imported<T extends StorableData<T>>(
    value: string,
    state: State,
    fresh: (error?: BadData) => Opened<T>,
  ): Promise<Opened<T> | undefined> {
    if (this.#importer === undefined) return undefined;
    let loaded: Loaded;
    try {
      loaded = this.#importer.loads(value, this.#importMaxAgeSeconds);
    } catch (error) {
      if (error instanceof UndecodableSession) return fresh(error);
      if (!(error instanceof BadData)) throw error;
      return undefined;
    }
    const id = importedId(this.#keys[loaded.keyIndex] ?? '', value);
    const key = this.storageKey(id);
    const record = await this.backend.read(key, this.#now());
    if (record !== undefined) {
      // Imported before: this cookie stands for that record now, as the id cookie does.
      const opened = this.#fromRecord<T>(id, key, record, state, fresh);
      if (opened.session.undecodable !== undefined) return opened;
      if (opened.session.isEmpty) {
        // A tombstone: the data was cleared or moved to a new id. Delete the old cookie.
        Object.assign(state, {
          id: undefined,
          key: undefined,
          version: 0,
          removed: true,
          imported: false,
          storedBytes: undefined,
        });
      } else {
        state.sendCookie = true;
      }
      return opened;
    }
    const session = new Session<T>(loaded.data, false);
    session.markModified(); // every key is new to the store
    Object.assign(state, { id, key, version: 0, createdMs: this.#now(), sendCookie: true, imported: true });
    this.#states.set(session, state);
    return { session };
  }

  /**
   * Applies `change` to the latest stored data, with what this request changed outside `update`,
   * and saves it atomically; reruns it on fresher data when another writer got there first.
   * Afterwards `session` holds the saved data.
   * @throws SessionTooLarge when the result is over `maxSessionBytes`; nothing changes then.
   * @throws SessionConflict: nothing was saved.
   * @throws UndecodableSession when the session stands for a record or cookie that could not be
   *   decoded (see {@link Session.undecodable}); `session.clear()` (or `destroy()`, `regenerate()`)
   *   first to discard it.
   * @throws UnstorableValue when a value was changed in place into one a session cannot hold.
   * @throws StoreUnavailable: the save was not confirmed. Nothing was saved, unless the backend applied
   *   a write whose answer came after the timeout; the change is never retried, so never applied twice.
   */
  async update<T extends StorableData<T>>(
    session: Session<T>,
    change: (session: Session<T>) => void,
  ): Promise<void> {
    // Nothing is saved over what could not be read; clear() first to discard it on purpose.
    if (session.undecodable !== undefined) throw session.undecodable;
    await this.#save(session, change);
  }

  /**
   * Saves what changed outside `update` and decides the cookie: set for a new or re-signed id or
   * a slid expiry, deleted when the session was emptied. Does what {@link Session.regenerate},
   * {@link Session.destroy} and {@link Session.touch} asked for. Never throws: see {@link CookieAction}.
   */
  async commit<T extends StorableData<T>>(session: Session<T>, status = 200): Promise<CookieAction> {
    const state = this.#state(session);
    const undecodable = session.undecodable;
    if (undecodable !== undefined) return session.modified ? { kind: 'failed', error: undecodable } : NONE;
    if (this.permanent && !session.permanent && !session.isEmpty) session.permanent = true;
    const changed = session.changedKeys;
    if (session.regenerated || changed === 'all' || changed.size > 0) {
      if (!session.regenerated && state.key === undefined && session.isEmpty) {
        // Cleared on purpose after it could not be decoded: the cookie goes too.
        const discard = state.undecodable && state.hadCookie && session.modified;
        return discard ? { kind: 'delete', header: serializeDeleteCookie(this.cookie) } : NONE;
      }
      try {
        if (session.regenerated) await this.#regenerate(session);
        else await this.#save(session, undefined);
      } catch (error) {
        if (error instanceof SessionTooLarge) {
          return { kind: 'too-large', sizeBytes: error.sizeBytes, limitBytes: error.limitBytes };
        }
        if (
          error instanceof StoreUnavailable ||
          error instanceof SessionConflict ||
          error instanceof UnstorableValue
        ) {
          return { kind: 'failed', error };
        }
        throw error;
      }
    }
    if (state.id === undefined) {
      const remove = state.removed && state.hadCookie;
      return remove ? { kind: 'delete', header: serializeDeleteCookie(this.cookie) } : NONE;
    }
    const nowMs = this.#now();
    const rolls = session.accessed && (session.permanent || this.refreshNonPermanent);
    if (!state.sendCookie && status < 400 && (rolls || session.touched)) {
      const expiresMs = this.#expiresMs(state.createdMs, nowMs);
      // An explicit touch() moves the expiry whenever it would move: no once-a-minute limit.
      const moved = expiresMs - state.expiresMs;
      if (moved >= SERVER_STORE_DEFAULTS.touchIntervalMs || (session.touched && moved > 0)) {
        try {
          await this.backend.touch(state.key ?? '', expiresMs);
          state.expiresMs = expiresMs;
          // A permanent cookie's Max-Age follows the record; a non-permanent cookie has none.
          if (session.permanent) state.sendCookie = true;
        } catch (error) {
          // Only a refresh: the cookie and the record stay valid until the expiry they have.
          if (!(error instanceof StoreUnavailable)) throw error;
        }
      }
    }
    // touch() re-sends a permanent cookie's Max-Age even when a save in this request already moved
    // the record's expiry (the Max-Age is always the record's remaining lifetime).
    if (session.touched && session.permanent && status < 400) state.sendCookie = true;
    // Made permanent (or not) on an existing id: the browser must hear of the new lifetime now, not at
    // the next refresh, or a cookie that should outlive the browser session dies with it.
    if (session.permanent !== state.permanentAtOpen && !session.isEmpty) state.sendCookie = true;
    if (!state.sendCookie) return NONE;
    const maxAgeSeconds = session.permanent ? Math.ceil((state.expiresMs - nowMs) / 1000) : undefined;
    // A reserved id keeps its own salt until its first write: see reserve().
    const signed = state.reserved ? this.#reservedSigner.sign(state.id) : this.signId(state.id);
    return {
      kind: 'set',
      header: serializeSetCookie(this.cookie, signed, { maxAgeSeconds, nowMs }),
    };
  }

  /** Bytes the session's data takes serialised, as the store keeps it (tagged JSON, ASCII). */
  measure<T extends StorableData<T>>(session: Session<T>): number {
    return this.encodeData(session.toJSON(), undefined).length;
  }

  /**
   * Bytes the session's data took in its record when this store last read or wrote it: the figure
   * `maxSessionBytes` limits, known without encoding the session again (`measure` encodes it: for
   * a session near a 1 MiB cap, most of a page view's work). `undefined` when the session has no
   * record (new, emptied, or under a new id not written yet). Says nothing of changes made since
   * (see `session.changedKeys`): the caller decides whether the session is still as stored.
   * `undefined` too for a session this store did not open.
   */
  storedSize<T extends StorableData<T>>(session: Session<T>): number | undefined {
    return this.#states.get(session)?.storedBytes;
  }

  /**
   * {@link Session.regenerate} now rather than at `commit`, so that a failure is an exception the
   * handler sees: a new id, the data moved (or not, with `keepData: false`), the old record
   * removed; `commit` then sends the new id's cookie.
   * @throws StoreUnavailable, SessionConflict, SessionTooLarge: the old id still holds the data then.
   * @example
   * await store.regenerate(c.var.session); // on login, before answering
   */
  async regenerate<T extends StorableData<T>>(
    session: Session<T>,
    options: RegenerateOptions = {},
  ): Promise<void> {
    this.#state(session);
    session.regenerate(options);
    await this.#regenerate(session);
  }

  /**
   * Moves the session to a new id: saves its data under the new id, then removes the old record
   * by compare-and-set, only if no other request changed it since it was read; otherwise reads it
   * again and moves the newer data, so no update is lost. With only some keys changed (keepData),
   * the data moved is the latest stored data with this request's changes on top; after
   * `keepData: false` (every key changed) it is this request's data alone, and the old record is
   * removed whatever it holds. A failure leaves the old record in place and puts the session back
   * as it was (still to be regenerated): the visitor keeps the old id and its data. A new record
   * already saved then is never sent to anyone and expires unused.
   */
  async #regenerate<T extends StorableData<T>>(session: Session<T>): Promise<void> {
    const state = this.#state(session);
    const before = { state: { ...state }, session: session.snapshot() };
    try {
      await this.#move(session, state);
    } catch (error) {
      Object.assign(state, before.state);
      session.restore(before.session);
      throw error;
    }
  }

  async #move<T extends StorableData<T>>(session: Session<T>, state: State): Promise<void> {
    const oldKey = state.key;
    const { imported, createdMs } = state;
    const changed = session.changedKeys;
    const pending: SessionData = { ...session.toJSON() };
    const merge = oldKey !== undefined && changed !== 'all';
    // #save gives a session without a key a new id.
    Object.assign(state, { id: undefined, key: undefined, version: 0 });
    for (let attempt = 1; attempt <= this.maxAttempts; attempt++) {
      let oldVersion = 0;
      let data = pending;
      if (merge) {
        const record = await this.backend.read(oldKey, this.#now());
        if (record !== undefined) {
          oldVersion = record.version;
          const latest = new Session(this.decodeData(record.data), false);
          for (const key of changed) overlay(latest, key, pending[key]);
          data = { ...latest.toJSON() };
        }
      }
      session.restore({ data, modified: true, changed: 'all' });
      await this.#save(session, undefined);
      if (oldKey !== undefined) {
        let outcome: WriteOutcome;
        try {
          outcome = await this.#queued(oldKey, () =>
            this.backend.write(oldKey, this.#now(), (current) => {
              if (merge && current !== undefined && current.version !== oldVersion) throw new Moved();
              // An imported cookie's id keeps a tombstone, or a copy of that cookie would be imported again.
              return imported ? this.#tombstone(current?.createdMs ?? createdMs) : null;
            }),
          );
        } catch (error) {
          if (!(error instanceof Moved)) throw error;
          continue;
        }
        if (outcome.outcome === 'conflict') {
          await pause(attempt);
          continue;
        }
      }
      session.restore({ data: session.toJSON(), modified: true, regenerated: false });
      return;
    }
    throw new SessionConflict(this.maxAttempts);
  }

  /** @throws StoreUnavailable when the backend does not answer. */
  ping(): Promise<void> {
    return this.backend.ping();
  }

  close(): Promise<void> {
    return this.backend.close();
  }

  // Hooks for a store that keeps another program's layout (FlaskSessionRedisStore): how ids are
  // made, signed and keyed, and how data is written. The defaults are this library's own format.

  /** A new session id. Default: 32 bytes from the CSPRNG, URL-safe base64. */
  protected newId(): string {
    return randomBytes(32).toString('base64url');
  }

  /** The cookie value carrying `id`. Default: signed with the id salt and digest. */
  protected signId(id: string): string {
    return this.#signer.sign(id);
  }

  /**
   * The id a cookie value carries (`keyIndex` > 0: re-sign it with the current key).
   * @throws BadData when it is forged or malformed.
   */
  protected unsignId(value: string): Verified {
    const verified = this.#signer.unsign(value);
    if (!this.isWellFormedId(verified.value)) throw new UnknownSession('The session id is malformed');
    return verified;
  }

  /**
   * Whether `id` has the shape of an id this store issues: one `newId` makes, or one derived from
   * an imported cookie (see {@link isImportedId}). Default: 43 URL-safe characters, both kinds.
   */
  protected isWellFormedId(id: string): boolean {
    return ID_PATTERN.test(id);
  }

  /** The backend key of `id`. Default: its SHA-256, so the store holds no usable cookie. */
  protected storageKey(id: string): string {
    return hashId(id);
  }

  /** Session data as the backend keeps it; `previous` is what the record held before. Default: tagged JSON. */
  // eslint-disable-next-line @typescript-eslint/no-unused-vars -- used by formats that keep unchanged keys' bytes
  protected encodeData(data: SessionData, previous: string | undefined): string {
    return dumps(data);
  }

  /** @throws BadData when the stored text cannot be read. */
  protected decodeData(text: string): SessionData {
    return loads(text);
  }

  #state(session: Session): State {
    const state = this.#states.get(session);
    if (state === undefined) throw new TypeError('This session was not opened by this store');
    return state;
  }

  #newId(state: State): void {
    const id = this.newId();
    state.id = id;
    state.key = this.storageKey(id);
    state.version = 0;
    state.storedBytes = undefined;
    state.createdMs = this.#now();
    state.sendCookie = true;
    state.imported = false;
    state.reserved = false;
  }

  /**
   * The empty record left under an imported cookie's derived id: it lasts as long as that cookie
   * can verify (it was signed no later than the record was created), so a copy of the cookie opens
   * it, empty, instead of importing the old data again.
   */
  #tombstoneText: string | undefined;

  /** A tombstone's data: the empty session in the store's own format (`{}` in tagged JSON). */
  #tombstoneData(): string {
    // Lazily: encodeData is a hook a subclass's fields may configure after this constructor.
    return (this.#tombstoneText ??= this.encodeData({}, undefined));
  }

  #tombstone(createdMs: number): RecordToWrite {
    return {
      data: this.#tombstoneData(),
      createdMs,
      expiresMs: createdMs + this.#importMaxAgeSeconds * 1000,
    };
  }

  #expiresMs(createdMs: number, nowMs: number): number {
    const idle = nowMs + this.lifetimeSeconds * 1000;
    const absolute = this.absoluteLifetimeSeconds;
    return absolute === undefined ? idle : Math.min(idle, createdMs + absolute * 1000);
  }

  async #save<T extends StorableData<T>>(
    session: Session<T>,
    change: ((session: Session<T>) => void) | undefined,
  ): Promise<void> {
    const state = this.#state(session);
    if (state.key === undefined) this.#newId(state);
    const changed = session.changedKeys;
    const pending: SessionData = { ...session.toJSON() };
    const mine = (latest: SessionData): Session<T> => {
      const s = new Session<T>(latest, false);
      if (changed === 'all') s.restore({ data: pending, modified: true });
      else for (const key of changed) overlay(s, key, pending[key]);
      change?.(s);
      if (this.permanent && !s.isEmpty) s.permanent = true;
      return s;
    };

    for (let attempt = 1; attempt <= this.maxAttempts; attempt++) {
      const key = state.key ?? '';
      let saved: Session<T> | undefined;
      let expiresMs = 0;
      let written: number | undefined;
      let outcome: WriteOutcome;
      try {
        outcome = await this.#queued(key, () =>
          this.backend.write(key, this.#now(), (current) => {
            if (current === undefined && state.version > 0) throw new Vanished();
            const s = mine(current === undefined ? {} : this.decodeData(current.data));
            saved = s;
            if (s.isEmpty)
              return state.imported ? this.#tombstone(current?.createdMs ?? state.createdMs) : null;
            const data = this.encodeData(s.toJSON(), current?.data);
            if (data.length > this.maxSessionBytes) {
              throw new SessionTooLarge(
                data.length,
                this.maxSessionBytes,
                `The session would be ${data.length} bytes, over this store's ${this.maxSessionBytes}-byte limit; nothing was saved.`,
              );
            }
            const createdMs = current?.createdMs ?? state.createdMs;
            expiresMs = this.#expiresMs(createdMs, this.#now());
            written = data.length;
            return { data, createdMs, expiresMs };
          }),
        );
      } catch (error) {
        if (!(error instanceof Vanished)) throw error;
        // Strict: an id whose record is gone is not brought back; the session moves to a new one.
        this.#newId(state);
        continue;
      }
      if (outcome.outcome === 'conflict' || saved === undefined) {
        await pause(attempt);
        continue;
      }
      state.version = outcome.version;
      state.storedBytes = saved.isEmpty ? undefined : written;
      if (saved.isEmpty) {
        // Removed, or tombstoned: a later change starts a new id either way.
        state.version = 0;
        state.id = undefined;
        state.key = undefined;
        state.sendCookie = false;
        state.removed = true;
        state.imported = false;
      } else {
        state.removed = false;
        state.expiresMs = expiresMs;
        if (state.reserved) {
          // The first write under a reserved id: the cookie now carries an ordinary one.
          state.reserved = false;
          state.sendCookie = true;
        }
      }
      session.restore({ data: saved.toJSON(), modified: true });
      // Asked for inside `update`'s change, which ran on a copy: done at commit, as for any request.
      if (saved.regenerated) session.regenerate();
      if (saved.touched) session.touch();
      return;
    }
    throw new SessionConflict(this.maxAttempts);
  }

  async #queued<R>(key: string, run: () => MaybePromise<R>): Promise<R> {
    const before = this.#queues.get(key) ?? Promise.resolve();
    const result = before.then(run);
    const tail = result.then(noop, noop);
    this.#queues.set(key, tail);
    try {
      return await result;
    } finally {
      if (this.#queues.get(key) === tail) this.#queues.delete(key);
    }
  }
}

/**
 * The id an imported cookie's record gets: an HMAC of the whole cookie value under the key that
 * signed it, so each replay of one cookie finds one record, and only the key's holder can tell
 * which cookie an id came from. 43 URL-safe characters, like a random id.
 */
function importedId(key: Secret, cookie: string): string {
  const mac = createHmac('sha256', key)
    .update(`flask-session-ts.imported-cookie\0${cookie}`)
    .digest('base64url');
  // 42 characters of the HMAC and a final "_", which a random id never ends with: see isImportedId.
  return `${mac.slice(0, 42)}_`;
}

/**
 * Whether an id was derived from an imported cookie: 42 characters and "_". A random id of this
 * length is 32 bytes in base64url, whose last character carries 4 bits and 2 zero bits, so it is
 * never "_" (63, not a multiple of 4); random ids of other lengths (FlaskSessionRedisStore's
 * `idLengthBytes`) may end in "_" but have another length.
 */
export function isImportedId(id: string): boolean {
  return IMPORTED_ID_PATTERN.test(id);
}

/** The key a session is stored under: SHA-256 of its id, so the store holds no usable cookie. */
export function hashId(id: string): string {
  return createHash('sha256').update(id).digest('hex');
}

function overlay(session: Session, key: string, value: SessionData[string]): void {
  if (value === undefined) session.delete(key);
  else session.set(key, value);
}

function noop(): void {}

/** A short random wait before another try, so racing writers spread out. */
function pause(attempt: number): Promise<void> {
  const ms = Math.random() * Math.min(50, 2 ** attempt);
  return new Promise((resolve) => setTimeout(resolve, ms));
}
