/**
 * The session object: a visitor's data with the flags Flask keeps (`new`, `modified`,
 * `accessed`, `permanent`) and flash messages stored the way Flask stores them.
 * @module
 */
import type { UndecodableSession } from './errors.js';
import type { Settable, Storable, StorableData } from './storable.js';
import { assertStorable, type SessionData, type SessionValue, type Uuid } from './tagged-json.js';

/** A flashed message and its category (free text, e.g. `"success"`), as Flask stores them. */
export type FlashMessage = readonly [category: string, message: string];

/**
 * `T` with every array and object read-only, all the way down: what {@link Session.get} returns,
 * since stored values may be shared (and frozen) and a change is only noticed through `set`.
 */
export type DeepReadonly<T> = T extends Uint8Array | Date | Uuid
  ? T
  : T extends object
    ? // SessionValue's own arrays and objects are read-only already: expanding them never ends.
      readonly SessionValue[] extends T
      ? T
      : SessionValueRecord extends T
        ? T
        : { readonly [K in keyof T]: DeepReadonly<T[K]> }
    : T;

type SessionValueRecord = { readonly [key: string]: SessionValue | undefined };

// Flask's keys, so a Flask app sharing the cookie agrees on permanence and flashes.
/** The key under which Flask keeps `session.permanent`. */
export const PERMANENT_KEY = '_permanent';
const FLASHES_KEY = '_flashes';

/**
 * A copy with no prototype: keys like `__proto__`, `constructor` or `toString` are then plain
 * keys, neither inherited on read nor able to replace the prototype on write.
 */
function ownData(data: SessionData): SessionData {
  return Object.assign(Object.create(null) as SessionData, data);
}

/** Opaque restore point of a {@link Session}. */
export interface SessionSnapshot {
  readonly data: SessionData;
  readonly modified: boolean;
  /** {@link Session.changedKeys} at the snapshot; none when left out. */
  readonly changed?: ReadonlySet<string> | 'all';
  readonly sources?: ReadonlyMap<string, string>;
  /** {@link Session.regenerated} at the snapshot; left as it is when left out. */
  readonly regenerated?: boolean;
  /** {@link Session.touched} at the snapshot; left as it is when left out. */
  readonly touched?: boolean;
  /** {@link Session.undecodable} at the snapshot, `null` for none; left as it is when left out. */
  readonly undecodable?: UndecodableSession | null;
}

/** Options of {@link Session.regenerate}. */
export interface RegenerateOptions {
  /**
   * Keep the data under the new id (default `true`: never lose a visitor's data by surprise).
   * `false` empties the session first, as {@link Session.destroy} does. On a session opened from
   * an {@link Session.undecodable} cookie there is no data to keep (none could be read): the
   * session starts empty either way, and that cookie is discarded.
   */
  readonly keepData?: boolean;
}

/**
 * A visitor's session. Values read with {@link Session.get} are the stored objects, typed
 * read-only (and frozen when they came from a cookie): {@link Session.set} a new value to change one.
 *
 * @example
 * session.set('theme', 'dark');
 * session.flash('success', 'Saved!');
 */
export class Session<T extends StorableData<T> = SessionData> {
  /** True when no valid cookie came with the request (Flask's `session.new`). */
  readonly isNew: boolean;
  // Frozen data given to the constructor (a decoded cookie, shared through the decode cache with
  // other requests) is read where it is and copied on the first change: most requests only read,
  // and the copy was 7 µs of every page's CPU under load (issue 16). Reads go through `#own`.
  #data: SessionData;
  #ownsData: boolean;
  #modified = false;
  #accessed = false;
  #revision = 0;
  #regenerated = false;
  #touched = false;
  // Which top-level keys changed since the last save: a server-side store writes only these.
  #changed: Set<string> | 'all' = new Set();
  /** The JSON text of keys unchanged since the cookie was read; see {@link Session.sources}. */
  #sources: ReadonlyMap<string, string>;
  // The caller's map until the first change (then a copy): the decode cache hands the same one out.
  #ownsSources = false;
  #undecodable: UndecodableSession | undefined;

  /**
   * @param sources each top-level key's JSON text as read from the cookie, if known; a store
   *   writes it back verbatim while the key is unchanged.
   */
  constructor(data: SessionData = {}, isNew = true, sources?: ReadonlyMap<string, string>) {
    // Data that is not frozen may still change under us: copied now, as it always was.
    this.#ownsData = !Object.isFrozen(data);
    this.#data = this.#ownsData ? ownData(data) : data;
    this.isNew = isNew;
    this.#sources = sources ?? new Map<string, string>();
  }

  /** The value under `key` if the data has it as its own: never a member of Object.prototype. */
  #own(key: string): SessionValue | undefined {
    const data = this.#data;
    return Object.hasOwn(data, key) ? data[key] : undefined;
  }

  /** The data, copied first if it is still the caller's: call before any change to it. */
  #writableData(): SessionData {
    if (!this.#ownsData) {
      this.#data = ownData(this.#data);
      this.#ownsData = true;
    }
    return this.#data;
  }

  /** Replaces the data with a fresh copy of `data`, ours from now on. */
  #replaceData(data: SessionData): void {
    this.#data = ownData(data);
    this.#ownsData = true;
  }

  /** The sources, copied first if they are still the caller's: call before any change to them. */
  #writableSources(): Map<string, string> {
    if (!this.#ownsSources) {
      this.#sources = new Map(this.#sources);
      this.#ownsSources = true;
    }
    return this.#sources as Map<string, string>;
  }

  /**
   * The JSON text each key had in the cookie, for keys not changed since. Stores write it back
   * verbatim, so what JavaScript cannot hold exactly (a Python tuple, Markup, `1.0`) survives a
   * request that changed other keys.
   */
  get sources(): ReadonlyMap<string, string> {
    return this.#sources;
  }

  /** True once anything was written; decides whether a cookie is sent. */
  get modified(): boolean {
    return this.#modified;
  }

  /** True once anything was read or written; decides `Vary: Cookie`. */
  get accessed(): boolean {
    return this.#accessed;
  }

  /** Increases with every change, so a cookie computed early can be reused if nothing changed since. */
  get revision(): number {
    return this.#revision;
  }

  /**
   * The top-level keys written or removed since the session was opened or last saved, or `'all'`
   * after {@link Session.clear} or {@link Session.markModified}: a server-side store saves only these,
   * so that changes other requests made to other keys meanwhile are kept.
   */
  get changedKeys(): ReadonlySet<string> | 'all' {
    return this.#changed;
  }

  /**
   * Marks the session changed, after mutating a stored value in place. Which key changed is not
   * known, so every key is then written from its value, none from its source text, and a
   * server-side store saves them all.
   */
  markModified(): void {
    this.#writableSources().clear();
    this.#changed = 'all';
    this.#touch();
  }

  #touch(key?: string): void {
    if (key !== undefined) {
      if (this.#sources.has(key)) this.#writableSources().delete(key);
      if (this.#changed !== 'all') this.#changed.add(key);
    }
    this.#accessed = true;
    this.#modified = true;
    this.#revision++;
  }

  /** The value under `key`, or undefined. Read-only: set a new value to change it. */
  get<K extends keyof T & string>(key: K): DeepReadonly<T[K]> | undefined {
    this.#accessed = true;
    return this.#own(key) as DeepReadonly<T[K]> | undefined;
  }

  /** Whether `key` holds a value. */
  has(key: keyof T & string): boolean {
    this.#accessed = true;
    return this.#own(key) !== undefined;
  }

  /**
   * Stores `value` under `key`. A value whose type the session cannot hold (a function, a `Map`,
   * an object with a function member, …) is refused at compile time; see {@link Storable}. What
   * the types cannot see is checked here at run time, so a mistake shows at the call site: what
   * Flask or this library could not read back is refused (see `UnstorableValue`: a Map, Set,
   * class instance, function, symbol, invalid Date, boxed primitive, an object with `toJSON`, a
   * cycle, nesting deeper than `MAX_WRITE_DEPTH` = 128 levels). The value is kept by reference:
   * a change made to it afterwards is checked when the session is saved (`update` throws, or the
   * request fails through the framework's error path), never written unreadable.
   * @throws UnstorableValue naming the key, the place in the value and the reason; the session is unchanged.
   */
  set<K extends keyof T & string, V extends Settable<T[K]>>(key: K, value: V & Storable<V>): void {
    assertStorable(key, value);
    this.#writableData()[key] = value;
    this.#touch(key);
  }

  /** Removes `key`; a no-op (not a modification) when it was absent. */
  delete(key: keyof T & string): void {
    this.#accessed = true;
    if (!Object.hasOwn(this.#data, key)) return;
    // Rebuilt rather than `delete`d, so objects keep a stable shape for V8.
    this.#replaceData(Object.fromEntries(Object.entries(this.#data).filter(([k]) => k !== key)));
    this.#touch(key);
  }

  /**
   * Removes everything: the response deletes the cookie. On a session opened from an
   * {@link Session.undecodable} cookie, this is how to discard that cookie on purpose (as are
   * {@link Session.destroy} and {@link Session.regenerate}): the mark goes, the response deletes
   * the cookie, and later changes are saved as usual.
   */
  clear(): void {
    this.#accessed = true;
    if (this.#undecodable !== undefined) {
      this.#undecodable = undefined;
      this.#replaceData({});
      this.markModified();
      return;
    }
    if (Object.keys(this.#data).length === 0) return;
    this.#replaceData({});
    this.markModified();
  }

  /**
   * Empties the session and ends it: the response deletes the cookie and a server-side store
   * removes the record, so the id stops working. Anything set afterwards in the same request
   * starts a new session (a new id in a server-side store). Done at the response, by the store's
   * `commit`, like every change made outside `update`; a store that cannot remove the record
   * answers the request with its error (the adapters' 503), never silently.
   *
   * @example
   * app.post('/logout', (c) => {
   *   c.var.session.destroy();
   *   return c.redirect('/');
   * });
   */
  destroy(): void {
    this.regenerate({ keepData: false });
  }

  /**
   * Moves the session to a new id at the response, against session fixation (call it on login):
   * a server-side store saves the data under a new random id and removes the old record, through
   * its compare-and-set (changes another request saved to the old id meanwhile are carried over,
   * none lost), so the old id stops working. The cookie store has no id: it re-issues the cookie
   * (a new signature and timestamp); an old copy of a signed cookie stays valid until it expires,
   * as in Flask, so use a server-side store when an old cookie must stop working.
   *
   * With `keepData: false` the session is emptied first (as {@link Session.destroy}); what is set
   * afterwards in the same request goes under the new id. An empty result deletes the cookie.
   *
   * On a session opened from a cookie that verified but could not be decoded
   * ({@link Session.undecodable}), `regenerate()` and `destroy()` discard that cookie on purpose,
   * as {@link Session.clear} does: the mark goes and the session starts empty, `keepData` or not,
   * since nothing of it could be read to keep. Check `session.undecodable` first to keep such a
   * cookie instead (the request then must not change the session).
   *
   * @example
   * app.post('/login', async (req, res) => {
   *   const user = await checkPassword(req.body);
   *   req.session.regenerate(); // keeps the cart; the id the visitor had before login stops working
   *   req.session.set('user', user.id);
   *   res.redirect('/');
   * });
   */
  regenerate(options: RegenerateOptions = {}): void {
    // An undecodable cookie's data was never read: there is nothing to keep, and a new session
    // asked for explicitly is the app discarding that cookie on purpose, as with clear().
    if (options.keepData === false || this.#undecodable !== undefined) {
      this.#undecodable = undefined;
      this.#replaceData({});
      this.#writableSources().clear();
      this.#changed = 'all';
    }
    this.#regenerated = true;
    this.#accessed = true;
    this.#modified = true;
    this.#revision++;
  }

  /**
   * Refreshes the session's expiry at the response, without changing its data: the cookie store
   * re-signs the cookie with a fresh timestamp (with `Max-Age` if permanent), a server-side store
   * moves the record's expiry (and re-sends a permanent cookie's `Max-Age`). Like the automatic
   * refresh, it is skipped on an error response (status ≥ 400).
   *
   * @example
   * app.post('/keep-alive', (request) => {
   *   request.session.touch(); // "stay signed in" without changing anything
   *   return 'ok';
   * });
   */
  touch(): void {
    this.#touched = true;
    this.#accessed = true;
    this.#revision++;
  }

  /** True once {@link Session.regenerate} or {@link Session.destroy} was called and not yet done by the store. */
  get regenerated(): boolean {
    return this.#regenerated;
  }

  /** True once {@link Session.touch} was called. */
  get touched(): boolean {
    return this.#touched;
  }

  /** True when the session holds nothing (an empty session sends no cookie). */
  get isEmpty(): boolean {
    for (const key of Object.keys(this.#data)) if (this.#data[key] !== undefined) return false;
    return true;
  }

  /**
   * Whether the cookie outlives the browser session (stored as `_permanent`, like Flask).
   * A permanent cookie carries `Expires`/`Max-Age`; either way the server enforces the lifetime.
   */
  get permanent(): boolean {
    return this.#own(PERMANENT_KEY) === true;
  }

  set permanent(value: boolean) {
    if (this.permanent === value) return;
    this.#writableData()[PERMANENT_KEY] = value;
    this.#touch(PERMANENT_KEY);
  }

  /** Queues a message for the next page that shows flashes (Flask's `flash(message, category)`). */
  flash(category: string, message: string): void {
    const queued = this.#flashes();
    this.#writableData()[FLASHES_KEY] = [...queued, [category, message]];
    this.#touch(FLASHES_KEY);
  }

  /** Returns and removes the queued messages (Flask's `get_flashed_messages(with_categories=True)`). */
  consumeFlashes(): FlashMessage[] {
    const queued = this.#flashes();
    if (Object.hasOwn(this.#data, FLASHES_KEY)) (this as Session).delete(FLASHES_KEY);
    return queued;
  }

  /** A restore point for {@link Session.restore}: a shallow copy of the data and the flags. */
  snapshot(): SessionSnapshot {
    const changed = this.#changed === 'all' ? 'all' : new Set(this.#changed);
    return {
      data: { ...this.#data },
      modified: this.#modified,
      changed,
      sources: new Map(this.#sources),
      regenerated: this.#regenerated,
      touched: this.#touched,
      undecodable: this.#undecodable ?? null,
    };
  }

  /** Puts the session back as it was at `snapshot` (used when a change would not fit in the cookie). */
  restore(snapshot: SessionSnapshot): void {
    this.#replaceData(snapshot.data);
    this.#modified = snapshot.modified;
    const changed = snapshot.changed ?? new Set<string>();
    this.#changed = changed === 'all' ? 'all' : new Set(changed);
    this.#sources = new Map(snapshot.sources ?? []);
    this.#ownsSources = true;
    if (snapshot.regenerated !== undefined) this.#regenerated = snapshot.regenerated;
    if (snapshot.touched !== undefined) this.#touched = snapshot.touched;
    if (snapshot.undecodable !== undefined) this.#undecodable = snapshot.undecodable ?? undefined;
    // Still a new revision: anything computed from the discarded state must not be reused.
    this.#revision++;
  }

  /**
   * Set when the request's cookie verified but could not be decoded (see `UndecodableSession`):
   * the session is then empty, and stores refuse to save any change over that cookie (the change
   * fails with this error), until {@link Session.clear}, {@link Session.destroy} or
   * {@link Session.regenerate} discards it. Undefined otherwise.
   */
  get undecodable(): UndecodableSession | undefined {
    return this.#undecodable;
  }

  /**
   * Marks the session as standing for a cookie that verified but could not be decoded: called by
   * the store that opened it, on an empty session. See {@link Session.undecodable}.
   */
  keepUndecodable(error: UndecodableSession): void {
    this.#undecodable = error;
  }

  /** The data to serialise. Not a copy: do not mutate. */
  toJSON(): SessionData {
    return this.#data;
  }

  #flashes(): FlashMessage[] {
    this.#accessed = true;
    const raw: SessionValue | undefined = this.#own(FLASHES_KEY);
    if (!Array.isArray(raw)) return [];
    // The cookie was signed by us, but maybe by an older version: keep only well-formed pairs.
    return (raw as readonly SessionValue[]).filter(
      (item): item is readonly [string, string] =>
        Array.isArray(item) &&
        item.length === 2 &&
        typeof item[0] === 'string' &&
        typeof item[1] === 'string',
    );
  }
}
