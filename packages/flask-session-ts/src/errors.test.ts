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
  UnknownSession,
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
});
