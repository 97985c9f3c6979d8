/**
 * The whole cookie value, as itsdangerous' `URLSafeTimedSerializer` with Flask's session
 * options: tagged JSON → optional zlib (marked by a leading ".") → URL-safe base64 → timed signature.
 * @module
 */
import { deflateSync, inflateSync } from 'node:zlib';
import { base64UrlDecode, base64UrlEncode } from './encoding.js';
import { BadData, BadPayload, SessionConfigError, UndecodableSession } from './errors.js';
import { dumps, loadsWithSources, type LoadedData, type SessionData } from './tagged-json.js';
import { TimestampSigner, type TimestampSignerOptions } from './timed.js';
import type { Secret } from './signer.js';

/** Options of {@link SessionSerializer}. */
export interface SessionSerializerOptions extends TimestampSignerOptions {
  /**
   * Refuse payloads that inflate to more than this many bytes of JSON, as
   * {@link UndecodableSession} with reason `too-large`. Default 64 KiB ({@link MAX_INFLATED_BYTES}):
   * a 4 KB cookie of sessions that real apps keep inflates to far less, while a zlib bomb stops
   * there. Flask has no cap: a long repeated string makes a 171-byte cookie inflate past 64 KiB.
   * A whole number from 1 KiB to 64 MiB.
   */
  readonly maxInflatedBytes?: number;
  /**
   * Send payloads whose JSON is at most this many bytes as plain base64, without trying zlib.
   * Default 0: always try, as itsdangerous does, so cookies match Flask's byte for byte. Flask reads
   * both forms (the "." marks a compressed one), so a threshold changes only the bytes: deflating a
   * 329-byte session costs ~7 HMACs, while the payload grows by about a third (bench/README.md).
   */
  readonly compressAboveBytes?: number;
}

/** Default of `maxInflatedBytes`: 64 KiB. */
export const MAX_INFLATED_BYTES = 64 * 1024;

/**
 * `maxInflatedBytes` as given, or the default.
 * @throws SessionConfigError unless it is a whole number from 1 KiB to 64 MiB.
 */
export function resolveMaxInflatedBytes(value: number | undefined): number {
  const bytes = value ?? MAX_INFLATED_BYTES;
  if (!Number.isSafeInteger(bytes) || bytes < 1024 || bytes > 64 * 1024 * 1024) {
    throw new SessionConfigError(
      `maxInflatedBytes must be a whole number of bytes from 1024 (1 KiB) to 67108864 (64 MiB), not ${value}.`,
    );
  }
  return bytes;
}

/** A verified, decoded cookie. */
export interface Loaded extends LoadedData {
  /** The payload part as received (already encoded), so an unchanged session can be re-signed without re-serialising. */
  readonly payload: string;
  /** 0 when the current key verified; more when a fallback did and the cookie should be re-signed. */
  readonly keyIndex: number;
  readonly timestampSeconds: number;
}

/**
 * Reads and writes Flask session cookies.
 *
 * @example
 * const serializer = new SessionSerializer(['dev-secret-key']);
 * const cookie = serializer.dumps({ user_id: 42 });
 * serializer.loads(cookie, 31 * 86400).data; // { user_id: 42 }
 */
export class SessionSerializer {
  readonly signer: TimestampSigner;
  readonly #maxInflatedBytes: number;
  readonly #compressAboveBytes: number;
  /**
   * Recently verified payloads, most recent last, each with its decoded data or {@link SEEN}. A
   * visitor's successive requests carry the same payload (only the timestamp and signature change
   * when a session is refreshed), so a hit skips base64, zlib, JSON and untagging: most of the cost
   * of a decode (see `npm run bench:session`). Data is kept from a payload's second sighting on:
   * with more visitors than entries, each payload comes once per round, and keeping its data only
   * to evict it unread costs the garbage collector (the objects outlive young collections): over
   * 1,000 rotating bench cookies a miss took 40 µs when every decode was kept, 29 µs now. One map
   * holds both, so one bound covers them: a payload seen once costs an entry, not its data. Only
   * verified payloads enter, and kept data is deeply frozen.
   */
  readonly #decoded = new Map<string, LoadedData | typeof SEEN>();

  /** @throws SessionConfigError for a `maxInflatedBytes` out of range, or bad signer options. */
  constructor(secrets: readonly Secret[], options: SessionSerializerOptions = {}) {
    this.signer = new TimestampSigner(secrets, options);
    this.#maxInflatedBytes = resolveMaxInflatedBytes(options.maxInflatedBytes);
    this.#compressAboveBytes = options.compressAboveBytes ?? 0;
  }

  /**
   * Encodes data as the payload part: base64url(JSON), or "." + base64url(zlib(JSON)) when that is
   * shorter (and the JSON is over `compressAboveBytes`).
   * @param sources JSON text to write verbatim for unchanged top-level keys (see `dumps`).
   */
  dumpPayload(data: SessionData, sources?: ReadonlyMap<string, string>): string {
    // ensure_ascii output is pure ASCII, so latin1 is a lossless and fast byte view.
    const json = Buffer.from(dumps(data, sources), 'latin1');
    if (json.length <= this.#compressAboveBytes) return base64UrlEncode(json);
    const compressed = deflateSync(json);
    // itsdangerous keeps zlib only when it saves more than the one byte the "." marker costs.
    if (compressed.length < json.length - 1) return '.' + base64UrlEncode(compressed);
    return base64UrlEncode(json);
  }

  /**
   * Decodes a payload part.
   * @throws BadPayload when it is not base64, not zlib, inflates past the cap, or is not tagged
   *   JSON; its `reason` says which.
   */
  loadPayload(payload: string): SessionData {
    return this.#decode(payload).data;
  }

  #decode(payload: string): LoadedData {
    const compressed = payload.startsWith('.');
    let bytes: Buffer;
    try {
      bytes = base64UrlDecode(compressed ? payload.slice(1) : payload);
    } catch (error) {
      if (!(error instanceof BadData)) throw error;
      throw new BadPayload('Could not base64 decode the payload', error, 'bad-base64');
    }
    if (compressed) {
      try {
        // maxOutputLength stops inflating at the cap: a zlib bomb costs 64 KiB, not gigabytes.
        bytes = inflateSync(bytes, { maxOutputLength: this.#maxInflatedBytes });
      } catch (error) {
        // Valid zlib that only runs past the cap is said as such, not as damage.
        if ((error as { code?: unknown }).code === 'ERR_BUFFER_TOO_LARGE') {
          throw new BadPayload(
            `The payload inflates to more than ${this.#maxInflatedBytes} bytes (maxInflatedBytes)`,
            error,
            'too-large',
          );
        }
        throw new BadPayload('Could not zlib decompress the payload', error, 'bad-zlib');
      }
    }
    return loadsWithSources(bytes.toString('utf8'));
  }

  /** Signs an already encoded payload with the current key and time. */
  signPayload(payload: string, timestampSeconds?: number): string {
    return this.signer.sign(payload, timestampSeconds);
  }

  /** The cookie value for `data`, signed now with the current key. */
  dumps(data: SessionData, timestampSeconds?: number): string {
    return this.signPayload(this.dumpPayload(data), timestampSeconds);
  }

  /**
   * Verifies and decodes a cookie value.
   * @throws BadSignature (and subclasses) when it does not verify; {@link UndecodableSession} (a
   *   BadPayload, carrying the `reason`) when it verifies but cannot be decoded. All are {@link BadData}.
   */
  loads(cookie: string, maxAgeSeconds?: number): Loaded {
    const { value, keyIndex, timestampSeconds } = this.signer.unsign(cookie, maxAgeSeconds);
    let loaded: LoadedData;
    try {
      loaded = this.#loadVerified(value);
    } catch (error) {
      if (!(error instanceof BadPayload)) throw error;
      throw new UndecodableSession(error.reason, error.originalError, error.message);
    }
    const { data, sources } = loaded;
    // Not `{ ...loaded, payload, … }`: V8 (Node 20) takes a slow path for a spread followed by more
    // properties, 2 µs here, a quarter of a warm decode (`npm run bench:session`).
    return { data, sources, payload: value, keyIndex, timestampSeconds };
  }

  #loadVerified(payload: string): LoadedData {
    const cached = this.#decoded.get(payload);
    if (cached !== undefined) this.#decoded.delete(payload);
    if (cached !== undefined && cached !== SEEN) {
      this.#decoded.set(payload, cached);
      return cached;
    }
    const loaded = this.#decode(payload);
    // Frozen on every sighting, not only when kept: an in-place change must fail on the first
    // request too, not go unsaved there and fail from the second on. Dates and byte arrays cannot
    // be frozen, so sessions holding them are decoded every time.
    if (payload.length <= MAX_CACHED_PAYLOAD_CHARS && deepFreeze(loaded.data)) {
      // Kept from a decode of its own, frozen before anyone saw it.
      this.#decoded.set(payload, cached === SEEN ? loaded : SEEN);
      if (this.#decoded.size > DECODED_CACHE_ENTRIES) {
        const oldest = this.#decoded.keys().next();
        if (oldest.done !== true) this.#decoded.delete(oldest.value);
      }
    }
    return loaded;
  }
}

/** Marks a payload of {@link SessionSerializer}'s cache seen once, its data not kept. */
const SEEN = Symbol('seen once');

/** At most 256 × 8 KiB of payload text, plus its data: a few MiB at worst. */
const DECODED_CACHE_ENTRIES = 256;
const MAX_CACHED_PAYLOAD_CHARS = 8 * 1024;

/**
 * Freezes arrays and plain objects all the way down, so a handler that mutates a decoded value
 * in place (instead of `session.set`) fails loudly instead of changing a shared cache entry.
 * Two walks that allocate nothing, arrays by index (`for…in` over an array is slow): half the time
 * of one walk collecting `Object.values` (1.1 µs instead of 2.3 µs for the benchmark's session).
 * @returns false, having frozen nothing, when the data holds a Date or Uint8Array (not freezable).
 */
function deepFreeze(data: SessionData): boolean {
  if (holdsUnfreezable(data)) return false;
  freezeAll(data);
  return true;
}

// Decoded data is at most MAX_DEPTH levels deep (the decoder refuses more): recursion is safe.
function holdsUnfreezable(value: unknown): boolean {
  if (value === null || typeof value !== 'object') return false;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) if (holdsUnfreezable(value[i])) return true;
    return false;
  }
  if (value instanceof Date || value instanceof Uint8Array) return true;
  const object = value as Record<string, unknown>;
  for (const key in object) if (holdsUnfreezable(object[key])) return true;
  return false;
}

function freezeAll(value: unknown): void {
  if (value === null || typeof value !== 'object') return;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) freezeAll(value[i]);
  } else {
    const object = value as Record<string, unknown>;
    for (const key in object) freezeAll(object[key]);
  }
  Object.freeze(value);
}
