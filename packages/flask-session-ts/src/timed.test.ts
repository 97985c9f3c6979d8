import { describe, expect, it } from 'vitest';

import { base64UrlEncode } from './encoding.js';
import { BadSignature, BadTimeSignature, SignatureExpired } from './errors.js';
import { Signer } from './signer.js';
import { TimestampSigner } from './timed.js';
import { thrown } from '../test/support/thrown.js';

// The Signer contract is rerun against TimestampSigner in signer.test.ts; these are the timed extras.

const T = 1_700_000_000;
const HOUR = 3600;

/** A fake clock fixed at `seconds` (plus `extraMs` within that second). */
function clockAt(seconds: number, extraMs = 0): () => number {
  return () => seconds * 1000 + extraMs;
}

describe('TimestampSigner.sign', () => {
  it('writes value.timestamp.signature, the signature covering value and timestamp', () => {
    const signed = new TimestampSigner(['secret'], { now: clockAt(T) }).sign('hello');
    expect(signed).toBe(new Signer(['secret']).sign('hello.ZVPxAA'));
  });

  it('uses whole seconds of the injected clock', () => {
    const signer = new TimestampSigner(['secret'], { now: clockAt(T, 999) });
    expect(signer.nowSeconds()).toBe(T);
    expect(signer.sign('hello').split('.')[1]).toBe('ZVPxAA');
  });

  it('signs with an explicit timestamp when given one', () => {
    const signer = new TimestampSigner(['secret'], { now: clockAt(T) });
    expect(signer.unsign(signer.sign('hello', 12_345)).timestampSeconds).toBe(12_345);
  });
});

describe('TimestampSigner.unsign', () => {
  it('gives back the value, the key index and the timestamp', () => {
    const signer = new TimestampSigner(['secret'], { now: clockAt(T) });
    expect(signer.unsign(signer.sign('hello'))).toEqual({ value: 'hello', keyIndex: 0, timestampSeconds: T });
  });

  it('verifies with the current key first, then the fallbacks, and reports which key matched', () => {
    const oldSigned = new TimestampSigner(['old'], { now: clockAt(T) }).sign('hello');
    const newSigned = new TimestampSigner(['new'], { now: clockAt(T) }).sign('hello');
    const signer = new TimestampSigner(['new', 'old'], { now: clockAt(T) });
    expect(signer.unsign(newSigned).keyIndex).toBe(0);
    expect(signer.unsign(oldSigned).keyIndex).toBe(1);
  });

  it('rejects another key’s signature with BadTimeSignature, a kind of BadSignature', () => {
    const signed = new TimestampSigner(['other'], { now: clockAt(T) }).sign('hello');
    const error = thrown(() => new TimestampSigner(['secret'], { now: clockAt(T) }).unsign(signed));
    expect(error).toBeInstanceOf(BadTimeSignature);
    expect(error).toBeInstanceOf(BadSignature);
    expect(error).not.toBeInstanceOf(SignatureExpired);
  });

  it('reports the claimed signing date and the value when another key signed', () => {
    const signed = new TimestampSigner(['other'], { now: clockAt(T) }).sign('hello');
    const error = thrown(() => new TimestampSigner(['secret'], { now: clockAt(T) }).unsign(signed));
    expect(error).toMatchObject({ payload: 'hello', dateSigned: new Date(T * 1000) });
  });

  it('accepts a signature exactly as old as the maximum age', () => {
    const signed = new TimestampSigner(['secret'], { now: clockAt(T) }).sign('hello');
    const later = new TimestampSigner(['secret'], { now: clockAt(T + HOUR, 999) });
    expect(later.unsign(signed, HOUR).value).toBe('hello');
  });

  it('rejects a signature one second older than the maximum age with SignatureExpired', () => {
    const signed = new TimestampSigner(['secret'], { now: clockAt(T) }).sign('hello');
    const later = new TimestampSigner(['secret'], { now: clockAt(T + HOUR + 1) });
    expect(() => later.unsign(signed, HOUR)).toThrow(SignatureExpired);
  });

  it('reports the signing date and the value in SignatureExpired', () => {
    const signed = new TimestampSigner(['secret'], { now: clockAt(T) }).sign('hello');
    const later = new TimestampSigner(['secret'], { now: clockAt(T + HOUR + 1) });
    const error = thrown(() => later.unsign(signed, HOUR));
    expect(error).toBeInstanceOf(SignatureExpired);
    expect(error).toMatchObject({ payload: 'hello', dateSigned: new Date(T * 1000) });
  });

  it('rejects a signature from the future with SignatureExpired', () => {
    const signed = new TimestampSigner(['secret'], { now: clockAt(T + 1) }).sign('hello');
    const earlier = new TimestampSigner(['secret'], { now: clockAt(T) });
    const error = thrown(() => earlier.unsign(signed, HOUR));
    expect(error).toBeInstanceOf(SignatureExpired);
    expect(error).toMatchObject({ payload: 'hello', dateSigned: new Date((T + 1) * 1000) });
  });

  it('enforces no age when no maximum is given', () => {
    const signed = new TimestampSigner(['secret'], { now: clockAt(0) }).sign('hello');
    expect(new TimestampSigner(['secret'], { now: clockAt(T) }).unsign(signed).timestampSeconds).toBe(0);
  });

  it('stops at SignatureExpired from a fallback key instead of trying the keys after it', () => {
    const signed = new TimestampSigner(['old'], { now: clockAt(T - 2 * HOUR) }).sign('hello');
    const signer = new TimestampSigner(['new', 'old', 'oldest'], { now: clockAt(T) });
    expect(() => signer.unsign(signed, HOUR)).toThrow(SignatureExpired);
  });

  it('rejects a genuinely signed but unreadable timestamp with BadTimeSignature', () => {
    const signed = new Signer(['secret']).sign('hello.*not-base64*');
    const error = thrown(() => new TimestampSigner(['secret'], { now: clockAt(T) }).unsign(signed, HOUR));
    expect(error).toBeInstanceOf(BadTimeSignature);
    expect(error).not.toBeInstanceOf(SignatureExpired);
    expect((error as BadTimeSignature).dateSigned).toBeUndefined();
  });

  it('rejects a genuinely signed timestamp longer than six bytes with BadTimeSignature', () => {
    const signed = new Signer(['secret']).sign('hello.' + base64UrlEncode(new Uint8Array(7).fill(1)));
    const signer = new TimestampSigner(['secret'], { now: clockAt(T) });
    expect(() => signer.unsign(signed)).toThrow(BadTimeSignature);
  });

  it('rejects a genuinely signed value without a timestamp with BadTimeSignature', () => {
    const signed = new Signer(['secret']).sign('hello');
    const signer = new TimestampSigner(['secret'], { now: clockAt(T) });
    expect(() => signer.unsign(signed)).toThrow(BadTimeSignature);
  });

  it('says the timestamp is missing from a genuinely signed value without one, and gives the value', () => {
    const signed = new Signer(['secret']).sign('hello');
    const error = thrown(() => new TimestampSigner(['secret'], { now: clockAt(T) }).unsign(signed));
    expect(error).toMatchObject({ message: 'Timestamp missing', payload: 'hello' });
  });

  it('says a genuinely signed timestamp is malformed', () => {
    const signed = new Signer(['secret']).sign('hello.*not-base64*');
    const error = thrown(() => new TimestampSigner(['secret'], { now: clockAt(T) }).unsign(signed));
    expect(error).toMatchObject({ message: 'Malformed timestamp', payload: 'hello' });
  });

  it('rethrows the plain BadSignature when the text has no separator at all', () => {
    const error = thrown(() => new TimestampSigner(['secret'], { now: clockAt(T) }).unsign('hello'));
    expect(error).toBeInstanceOf(BadSignature);
    expect(error).not.toBeInstanceOf(BadTimeSignature);
    expect((error as Error).message).toBe('No "." found in value');
  });

  it('rethrows the plain BadSignature for a wrongly signed value without a timestamp', () => {
    const signed = new Signer(['other']).sign('hello');
    const error = thrown(() => new TimestampSigner(['secret'], { now: clockAt(T) }).unsign(signed));
    expect(error).toBeInstanceOf(BadSignature);
    expect(error).not.toBeInstanceOf(BadTimeSignature);
    expect(error).toMatchObject({ message: 'Signature does not match', payload: 'hello' });
  });

  it('keeps the signature’s own reason, and no date, when both signature and timestamp are bad', () => {
    const error = thrown(() =>
      new TimestampSigner(['secret'], { now: clockAt(T) }).unsign('hello.*not-base64*.*bad-signature*'),
    );
    expect(error).toBeInstanceOf(BadTimeSignature);
    expect(error).toMatchObject({ message: 'Signature is not valid base64', payload: 'hello' });
    expect((error as BadTimeSignature).dateSigned).toBeUndefined();
  });

  it('says by how much a signature is too old, or from the future', () => {
    const signed = new TimestampSigner(['secret'], { now: clockAt(T) }).sign('hello');
    const later = new TimestampSigner(['secret'], { now: clockAt(T + HOUR + 5) });
    expect((thrown(() => later.unsign(signed, HOUR)) as Error).message).toBe(
      `Signature age ${HOUR + 5} > ${HOUR} seconds`,
    );
    const earlier = new TimestampSigner(['secret'], { now: clockAt(T - 3) });
    expect((thrown(() => earlier.unsign(signed, HOUR)) as Error).message).toBe(
      'Signature age -3 < 0 seconds',
    );
  });

  it('accepts a signature from the future when no maximum age is given', () => {
    const signed = new TimestampSigner(['secret'], { now: clockAt(T + HOUR) }).sign('hello');
    expect(new TimestampSigner(['secret'], { now: clockAt(T) }).unsign(signed).timestampSeconds).toBe(
      T + HOUR,
    );
  });
});
