/**
 * Typed errors of the session layer, modelled on itsdangerous' hierarchy.
 * Callers decide what happened by class (`instanceof`), never by message text.
 *
 * ```
 * BadData
 * ├── BadSignature            the signature does not match any key
 * │   └── BadTimeSignature    the timestamp is missing or malformed
 * │       └── SignatureExpired  valid signature, but too old or from the future
 * ├── BadPayload              verified, but the payload cannot be decoded
 * │   └── UndecodableSession  …said of a whole session: it is kept, never overwritten unasked
 * └── UnknownSession          a validly signed session id the server-side store does not hold
 * SessionTooLarge             the session to write exceeds the cookie's or the store's limit
 * UnstorableValue (TypeError) a value the session cannot hold (a Map, a cycle, too deep, …)
 * SessionConfigError          the options can never work (thrown at construction)
 * StoreUnavailable            a server-side store cannot be reached (a 503, not the visitor's fault)
 * SessionConflict             an update kept losing races with other writers (a 503)
 * SessionAlreadyCommitted     the session changed after its headers were taken for a response
 * ```
 * @module
 */

/** Base of every "this cookie is not usable" error: normal traffic, never a 5xx. */
export class BadData extends Error {
  override name = 'BadData';
}

/** The signature did not verify with any key. `payload` is the unverified text, for debugging only. */
export class BadSignature extends BadData {
  override name = 'BadSignature';
  constructor(
    message: string,
    /** The text the signature was supposed to cover. Untrusted. */
    readonly payload?: string,
  ) {
    super(message);
  }
}

/** The timestamp part is missing, malformed, or the signature over it is wrong. */
export class BadTimeSignature extends BadSignature {
  override name = 'BadTimeSignature';
  constructor(
    message: string,
    payload?: string,
    /** When the value claims to have been signed, if that could be read. */
    readonly dateSigned?: Date,
  ) {
    super(message, payload);
  }
}

/**
 * The signature is valid but its age is over the maximum, or negative (signed in the future).
 * Thrown after a key verified, so it ends the search through fallback keys.
 */
export class SignatureExpired extends BadTimeSignature {
  override name = 'SignatureExpired';
}

/**
 * Why a payload could not be decoded:
 * - `bad-base64`: not URL-safe base64;
 * - `bad-zlib`: marked compressed but not zlib;
 * - `too-large`: inflates past the cap (`maxInflatedBytes`);
 * - `bad-json`: not JSON, or not a JSON object;
 * - `too-deep`: nested deeper than the reader follows (511 levels, see `MAX_DEPTH`);
 * - `bad-tag`: a Flask tag holds the wrong thing (`{" d": "not a date"}`).
 */
export type PayloadProblem = 'bad-base64' | 'bad-zlib' | 'too-large' | 'bad-json' | 'too-deep' | 'bad-tag';

/** The signature verified but the payload could not be decoded (base64, zlib, JSON or a tag). */
export class BadPayload extends BadData {
  override name = 'BadPayload';
  constructor(
    message: string,
    /** The lower-level error, when there was one. */
    readonly originalError?: unknown,
    /** What was wrong with it. */
    readonly reason: PayloadProblem = 'bad-json',
  ) {
    super(message);
  }
}

const PROBLEMS: Readonly<Record<PayloadProblem, string>> = {
  'bad-base64': 'not base64',
  'bad-zlib': 'not zlib',
  'too-large': 'too large when inflated',
  'bad-json': 'not a JSON object',
  'too-deep': 'nested too deep',
  'bad-tag': 'a Flask tag holds the wrong value',
};

/**
 * A session whose signature verified (so whoever holds the secret key wrote it: Flask, this
 * library, another service) but whose data cannot be decoded here. It is valid data that this
 * side cannot read, so it is never overwritten unasked: the session opens empty and marked
 * (`session.undecodable`); any change made to it fails the request with this error (from
 * `update`, or through the framework's error path at commit), and no `Set-Cookie` replaces the
 * cookie, until the handler calls `session.clear()`, `destroy()` or `regenerate()` to discard it
 * on purpose.
 */
export class UndecodableSession extends BadPayload {
  override name = 'UndecodableSession';
  constructor(
    reason: PayloadProblem,
    /** The decoder's error. */
    originalError?: unknown,
    /** The decoder's own words, added in brackets. */
    detail?: string,
  ) {
    super(
      `Undecodable session: ${PROBLEMS[reason]}${detail === undefined ? '' : ` (${detail})`}. ` +
        'Its signature is valid, so it is kept unchanged: changes to this session are refused until ' +
        'session.clear(), destroy() or regenerate() discards it.',
      originalError,
      reason,
    );
  }
}

/**
 * Why a value cannot be stored in a session:
 * - `unsupported-type`: not one of null, boolean, number, bigint, string, Uint8Array, a valid
 *   Date, Uuid, an array or a plain object (a Map, Set, class instance, function, symbol, boxed
 *   `new String()`, typed array other than Uint8Array…); an object with `toJSON` is refused too,
 *   since Flask would not get what `toJSON` says;
 * - `invalid-date`: `new Date(NaN)`;
 * - `cycle`: the value contains itself;
 * - `too-deep`: nested deeper than `MAX_WRITE_DEPTH` (128), which Flask could not read back.
 */
export type UnstorableReason = 'unsupported-type' | 'invalid-date' | 'cycle' | 'too-deep';

/**
 * A value the session cannot hold, refused before anything is written: a programming error,
 * caught by class. Thrown by `Session.set` for the value given, and at commit (turned into the
 * request's error, never a crash) for a value changed in place after it was set.
 */
export class UnstorableValue extends TypeError {
  override name = 'UnstorableValue';
  constructor(
    /** The session key holding it; undefined when the whole session was the problem. */
    readonly key: string | undefined,
    readonly reason: UnstorableReason,
    /** Where in the value, as `key.member[2]`. */
    readonly path: string,
    message: string,
  ) {
    super(message);
  }
}

/**
 * The cookie's session id is ours (the signature verified) but the store does not hold it: it
 * expired, was removed by `regenerate`, or the store was emptied. Strict mode: the visitor gets a
 * new session with a new id; the old id is never adopted.
 */
export class UnknownSession extends BadData {
  override name = 'UnknownSession';
}

/** A session would not fit (in one cookie, or under a store's cap); nothing was saved or sent. */
export class SessionTooLarge extends Error {
  override name = 'SessionTooLarge';
  constructor(
    /** Length in bytes of the `Set-Cookie` header value that was refused. */
    readonly sizeBytes: number,
    /** The largest accepted length. */
    readonly limitBytes: number,
    /** Said instead of the cookie's explanation, by a server-side store. */
    message?: string,
  ) {
    super(
      message ??
        `The session cookie would be ${sizeBytes} bytes, over the ${limitBytes}-byte browser limit; ` +
          'it was not sent. Store less in the session or move to a server-side store.',
    );
  }
}

/** Options that can never work, e.g. an empty secret or `SameSite=None` without `Secure`. */
export class SessionConfigError extends Error {
  override name = 'SessionConfigError';
}

/**
 * A server-side store could not be reached or answered with an error: nothing was read or
 * saved. Adapters and apps answer 503 ("try again"); the visitor's data is untouched.
 */
export class StoreUnavailable extends Error {
  override name = 'StoreUnavailable';
  constructor(
    message: string,
    /** The client's error, when there was one. */
    readonly originalError?: unknown,
  ) {
    super(message);
  }
}

/**
 * An `update` lost the race to other writers of the same session more times than the store
 * retries: nothing was saved. Rare, and worth a 503 that asks the visitor to try again.
 */
export class SessionConflict extends Error {
  override name = 'SessionConflict';
  constructor(
    /** How many times the change was tried. */
    readonly attempts: number,
  ) {
    super(`The session changed under ${attempts} attempts to update it; nothing was saved.`);
  }
}

/**
 * The session changed after its response headers were computed (`commitSession` in
 * `flask-session-ts/hono`): the change would be silently lost, so it fails loudly instead. A
 * programming error: make every change before building the response.
 */
export class SessionAlreadyCommitted extends Error {
  override name = 'SessionAlreadyCommitted';
  constructor() {
    super(
      'The session was changed after its headers were committed to the response; the change was not saved. ' +
        'Change the session before calling commitSession().',
    );
  }
}
