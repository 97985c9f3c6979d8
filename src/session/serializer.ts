/**
 * The whole cookie value, as itsdangerous' `URLSafeTimedSerializer` with Flask's session
 * options: tagged JSON → optional zlib (marked by a leading ".") → URL-safe base64 → timed signature.
 * @module
 */
import { deflateSync, inflateSync } from 'node:zlib';
import { base64UrlDecode, base64UrlEncode } from './encoding.js';
import { BadData, BadPayload } from './errors.js';
import { dumps, loads, type SessionData } from './tagged-json.js';
import { TimestampSigner, type TimestampSignerOptions } from './timed.js';
import type { Secret } from './signer.js';

/** Options of {@link SessionSerializer}. */
export interface SessionSerializerOptions extends TimestampSignerOptions {
  /** Refuse payloads that inflate to more than this. Default 64 KiB: no cookie needs more. */
  readonly maxInflatedBytes?: number;
}

/** A verified, decoded cookie. */
export interface Loaded {
  readonly data: SessionData;
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

  constructor(secrets: readonly Secret[], options: SessionSerializerOptions = {}) {
    this.signer = new TimestampSigner(secrets, options);
    this.#maxInflatedBytes = options.maxInflatedBytes ?? 64 * 1024;
  }

  /** Encodes data as the payload part: base64url(JSON), or "." + base64url(zlib(JSON)) when that is shorter. */
  dumpPayload(data: SessionData): string {
    // ensure_ascii output is pure ASCII, so latin1 is a lossless and fast byte view.
    const json = Buffer.from(dumps(data), 'latin1');
    const compressed = deflateSync(json);
    // itsdangerous keeps zlib only when it saves more than the one byte the "." marker costs.
    if (compressed.length < json.length - 1) return '.' + base64UrlEncode(compressed);
    return base64UrlEncode(json);
  }

  /**
   * Decodes a payload part.
   * @throws BadPayload when it is not base64, not zlib, inflates past the cap, or is not tagged JSON.
   */
  loadPayload(payload: string): SessionData {
    const compressed = payload.startsWith('.');
    let bytes: Buffer;
    try {
      bytes = base64UrlDecode(compressed ? payload.slice(1) : payload);
    } catch (error) {
      if (!(error instanceof BadData)) throw error;
      throw new BadPayload('Could not base64 decode the payload', error);
    }
    if (compressed) {
      try {
        // maxOutputLength stops inflating at the cap: a zlib bomb costs 64 KiB, not gigabytes.
        bytes = inflateSync(bytes, { maxOutputLength: this.#maxInflatedBytes });
      } catch (error) {
        throw new BadPayload('Could not zlib decompress the payload', error);
      }
    }
    return loads(bytes.toString('utf8'));
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
   * @throws BadSignature (and subclasses) or BadPayload; all are {@link BadData}.
   */
  loads(cookie: string, maxAgeSeconds?: number): Loaded {
    const { value, keyIndex, timestampSeconds } = this.signer.unsign(cookie, maxAgeSeconds);
    return { data: this.loadPayload(value), payload: value, keyIndex, timestampSeconds };
  }
}
