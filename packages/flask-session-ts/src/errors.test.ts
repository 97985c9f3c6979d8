import { describe, expect, it } from 'vitest';
import {
  BadData,
  BadPayload,
  BadSignature,
  BadTimeSignature,
  SessionConfigError,
  SessionConflict,
  SessionTooLarge,
  SignatureExpired,
  StoreUnavailable,
  UndecodableSession,
  UnknownSession,
  UnstorableValue,
} from './errors.js';

describe('the error classes', () => {
  it('form itsdangerous’ hierarchy, so a caller can catch every unusable cookie as BadData', () => {
    const expired = new SignatureExpired('too old', 'payload', new Date(0));
    expect(expired).toBeInstanceOf(BadTimeSignature);
    expect(expired).toBeInstanceOf(BadSignature);
    expect(expired).toBeInstanceOf(BadData);
    expect(new BadPayload('x')).toBeInstanceOf(BadData);
    expect(new UnknownSession('x')).toBeInstanceOf(BadData);
    expect(new SessionTooLarge(1, 0)).not.toBeInstanceOf(BadData);
  });

  it.each<[Error, string]>([
    [new BadData('m'), 'BadData'],
    [new BadSignature('m'), 'BadSignature'],
    [new BadTimeSignature('m'), 'BadTimeSignature'],
    [new SignatureExpired('m'), 'SignatureExpired'],
    [new BadPayload('m'), 'BadPayload'],
    [new SessionTooLarge(1, 0), 'SessionTooLarge'],
    [new SessionConfigError('m'), 'SessionConfigError'],
    [new StoreUnavailable('m'), 'StoreUnavailable'],
    [new SessionConflict(3), 'SessionConflict'],
    [new UnknownSession('m'), 'UnknownSession'],
    [new UndecodableSession('bad-tag'), 'UndecodableSession'],
    [new UnstorableValue('k', 'cycle', 'k', 'm'), 'UnstorableValue'],
  ])('name %s after its class, for log lines', (error, name) => {
    expect(error.name).toBe(name);
  });

  it('carry their data: the unverified payload, the signing date, the original error', () => {
    const date = new Date(1000);
    const cause = new SyntaxError('bad');
    const timed = new BadTimeSignature('m', 'the payload', date);
    expect(timed.payload).toBe('the payload');
    expect(timed.dateSigned).toBe(date);
    expect(new BadPayload('m', cause).originalError).toBe(cause);
    expect(new StoreUnavailable('m', cause).originalError).toBe(cause);
  });

  it('say how large a refused session was, and what to do', () => {
    const error = new SessionTooLarge(5000, 4093);
    expect(error.sizeBytes).toBe(5000);
    expect(error.limitBytes).toBe(4093);
    expect(error.message).toBe(
      'The session cookie would be 5000 bytes, over the 4093-byte browser limit; it was not sent. ' +
        'Store less in the session or move to a server-side store.',
    );
  });

  it('say how many attempts an update lost', () => {
    const error = new SessionConflict(3);
    expect(error.attempts).toBe(3);
    expect(error.message).toBe('The session changed under 3 attempts to update it; nothing was saved.');
  });

  it('say an undecodable session is a BadPayload kept, with the reason and the decoder’s words', () => {
    const cause = new SyntaxError('bad');
    const error = new UndecodableSession('bad-json', cause, 'Session payload is not valid JSON');
    expect(error).toBeInstanceOf(BadPayload);
    expect(error.reason).toBe('bad-json');
    expect(error.originalError).toBe(cause);
    expect(error.message).toBe(
      'Undecodable session: not a JSON object (Session payload is not valid JSON). Its signature is valid, ' +
        'so it is kept unchanged: changes to this session are refused until session.clear(), destroy() or ' +
        'regenerate() discards it.',
    );
    expect(new UndecodableSession('bad-base64').message).toMatch(/^Undecodable session: not base64\. Its/);
    expect(new BadPayload('m').reason).toBe('bad-json');
  });

  it.each<[UndecodableSession['reason'], string]>([
    ['bad-base64', 'not base64'],
    ['bad-zlib', 'not zlib'],
    ['too-large', 'too large when inflated'],
    ['bad-json', 'not a JSON object'],
    ['too-deep', 'nested too deep'],
    ['bad-tag', 'a Flask tag holds the wrong value'],
  ])('say an undecodable session’s reason %s in words', (reason, words) => {
    expect(new UndecodableSession(reason).message).toContain(`Undecodable session: ${words}.`);
  });

  it('say an unstorable value is a TypeError carrying its key, path and reason', () => {
    const error = new UnstorableValue('cart', 'too-deep', 'cart.a', 'the message');
    expect(error).toBeInstanceOf(TypeError);
    expect(error).toMatchObject({ key: 'cart', path: 'cart.a', reason: 'too-deep', message: 'the message' });
  });
});
