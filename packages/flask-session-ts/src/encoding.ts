/**
 * The byte encodings itsdangerous uses: URL-safe base64 without padding, and integers as
 * big-endian bytes with leading zero bytes removed.
 * @module
 */
import { BadData } from './errors.js';

// The URL-safe alphabet (RFC 4648 §5). A length of 4n+1 can never come out of an encoder.
const BASE64URL = /^[A-Za-z0-9_-]*$/;

/** URL-safe base64 of `bytes`, with the `=` padding stripped. */
export function base64UrlEncode(bytes: Uint8Array | string): string {
  return (typeof bytes === 'string' ? Buffer.from(bytes, 'utf8') : toBuffer(bytes)).toString('base64url');
}

/**
 * `text` without its "=" padding, or undefined when it cannot be URL-safe base64 at all (a character
 * outside the alphabet, or a length no encoder produces). Whether it is the *canonical* encoding of
 * its bytes is left to the caller: comparing with an encoder's output checks that for free.
 */
export function unpaddedBase64Url(text: string): string | undefined {
  const unpadded = text.endsWith('==') ? text.slice(0, -2) : text.endsWith('=') ? text.slice(0, -1) : text;
  return BASE64URL.test(unpadded) && unpadded.length % 4 !== 1 ? unpadded : undefined;
}

/**
 * Decodes URL-safe base64, padded or not.
 * @throws BadData for any character outside the alphabet or an impossible length; Node's own
 *   decoder would silently skip such characters, which would let two texts verify as one.
 */
export function base64UrlDecode(text: string): Buffer {
  const unpadded = unpaddedBase64Url(text);
  if (unpadded === undefined) throw new BadData('Invalid base64-encoded data');
  const bytes = Buffer.from(unpadded, 'base64url');
  // Non-canonical trailing bits (e.g. "AB" vs "AA") decode alike; refuse all but the canonical form.
  if (bytes.toString('base64url') !== unpadded) throw new BadData('Invalid base64-encoded data');
  return bytes;
}

/** `int_to_bytes`: big-endian, no leading zero bytes (0 is the empty string). */
export function intToBytes(value: number): Buffer {
  if (!Number.isSafeInteger(value) || value < 0)
    throw new RangeError(`Not a non-negative safe integer: ${value}`);
  const bytes: number[] = [];
  for (let n = value; n > 0; n = Math.floor(n / 256)) bytes.unshift(n % 256);
  return Buffer.from(bytes);
}

/**
 * `bytes_to_int`: big-endian.
 * @throws BadData beyond 6 bytes, which no timestamp this side of the year 10,000 needs.
 */
export function bytesToInt(bytes: Uint8Array): number {
  if (bytes.length > 6) throw new BadData('Integer too large');
  let n = 0;
  for (const byte of bytes) n = n * 256 + byte;
  return n;
}

function toBuffer(bytes: Uint8Array): Buffer {
  return Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}
