/**
 * Timestamped signatures, as itsdangerous' `TimestampSigner`:
 * `value + "." + base64url(seconds) + "." + base64url(HMAC(value + "." + base64url(seconds)))`.
 * @module
 */
import { base64UrlDecode, base64UrlEncode, bytesToInt, intToBytes } from './encoding.js';
import { BadData, BadSignature, BadTimeSignature, SignatureExpired } from './errors.js';
import { Signer, type Secret, type SignerOptions, type Verified } from './signer.js';

/** Options of {@link TimestampSigner}. */
export interface TimestampSignerOptions extends SignerOptions {
  /** The clock, in milliseconds since the epoch. Default `Date.now`. Inject one to test expiry. */
  readonly now?: () => number;
}

/** A verified timestamped value. */
export interface TimedVerified extends Verified {
  /** When it was signed, in whole seconds since the epoch. */
  readonly timestampSeconds: number;
}

/**
 * A {@link Signer} that also signs the time, so a value's age can be enforced on the server.
 *
 * @example
 * const signer = new TimestampSigner(['key']);
 * const signed = signer.sign('hello');
 * signer.unsign(signed, 3600).value; // 'hello', or SignatureExpired after an hour
 */
export class TimestampSigner extends Signer {
  readonly #now: () => number;

  constructor(secrets: readonly Secret[], options: TimestampSignerOptions = {}) {
    super(secrets, options);
    this.#now = options.now ?? Date.now;
  }

  /** The current time in whole seconds. */
  nowSeconds(): number {
    return Math.floor(this.#now() / 1000);
  }

  /** Signs `value` with the current time (or `timestampSeconds`) and the current key. */
  override sign(value: string, timestampSeconds = this.nowSeconds()): string {
    return super.sign(value + this.separator + base64UrlEncode(intToBytes(timestampSeconds)));
  }

  /**
   * Verifies the signature, then the age.
   * @param maxAgeSeconds when given, an age above it, or below 0 (signed in the future), is refused.
   * @throws BadSignature / BadTimeSignature when no key matches or the timestamp is unreadable.
   * @throws SignatureExpired when a key matched but the age is out of range: since the
   *   signature was genuine, no other key is tried.
   */
  override unsign(signed: string, maxAgeSeconds?: number): TimedVerified {
    let verified: Verified;
    try {
      verified = super.unsign(signed);
    } catch (error) {
      if (!(error instanceof BadSignature)) throw error;
      // As itsdangerous does, say what the value claims (untrusted): its text and signing date.
      const claimed = error.payload === undefined ? undefined : this.#split(error.payload);
      if (claimed === undefined) throw error;
      throw new BadTimeSignature(error.message, claimed.value, dateOf(claimed.timestampSeconds));
    }
    const parts = this.#split(verified.value);
    if (parts === undefined) throw new BadTimeSignature('Timestamp missing', verified.value);
    const { value, timestampSeconds } = parts;
    if (timestampSeconds === undefined) throw new BadTimeSignature('Malformed timestamp', value);
    const dateSigned = new Date(timestampSeconds * 1000);
    if (maxAgeSeconds !== undefined) {
      const age = this.nowSeconds() - timestampSeconds;
      if (age > maxAgeSeconds) {
        throw new SignatureExpired(`Signature age ${age} > ${maxAgeSeconds} seconds`, value, dateSigned);
      }
      if (age < 0) throw new SignatureExpired(`Signature age ${age} < 0 seconds`, value, dateSigned);
    }
    return { value, keyIndex: verified.keyIndex, timestampSeconds };
  }

  /**
   * The value and timestamp parts of `text`, or undefined when it has no separator; the
   * timestamp is undefined when it is not a readable integer.
   */
  #split(text: string): { value: string; timestampSeconds: number | undefined } | undefined {
    const at = text.lastIndexOf(this.separator);
    if (at < 0) return undefined;
    const value = text.slice(0, at);
    try {
      return { value, timestampSeconds: bytesToInt(base64UrlDecode(text.slice(at + this.separator.length))) };
    } catch (error) {
      if (!(error instanceof BadData)) throw error;
      return { value, timestampSeconds: undefined };
    }
  }
}

function dateOf(timestampSeconds: number | undefined): Date | undefined {
  return timestampSeconds === undefined ? undefined : new Date(timestampSeconds * 1000);
}
