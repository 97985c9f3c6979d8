/**
 * A store that fails on cue, as a server-side store does when its database is down, so the
 * adapters' answer to an outage can be tested: `open` fails with {@link StoreUnavailable} for a
 * request whose `Cookie` header carries `outage=1`, and `commit` answers `failed` for a session
 * holding `unsaveable: true`. Otherwise it is the store it wraps, answering at once or later as
 * that store does.
 * @module
 */
import { readCookie } from '../../src/cookie.js';
import { StoreUnavailable } from '../../src/errors.js';
import type { Session } from '../../src/session.js';
import type { CookieAction, MaybePromise, Opened, SessionStore } from '../../src/store.js';
import type { StorableData } from '../../src/storable.js';
import type { SessionData } from '../../src/tagged-json.js';

export class FaultyStore implements SessionStore {
  constructor(readonly inner: SessionStore) {}

  get cookieName(): string {
    return this.inner.cookieName;
  }

  get maxSessionBytes(): number {
    return this.inner.maxSessionBytes;
  }

  open<T extends StorableData<T> = SessionData>(cookieHeader: string | undefined): MaybePromise<Opened<T>> {
    const opened = this.inner.open<T>(cookieHeader);
    if (readCookie(cookieHeader, 'outage') !== '1') return opened;
    const error = new StoreUnavailable('The session store is down (outage=1).');
    if (opened instanceof Promise) {
      return opened.then(() => {
        throw error;
      });
    }
    throw error;
  }

  update<T extends StorableData<T>>(
    session: Session<T>,
    change: (session: Session<T>) => void,
  ): MaybePromise<void> {
    return this.inner.update(session, change);
  }

  commit(session: Session, status?: number): MaybePromise<CookieAction> {
    const answer = this.inner.commit(session, status);
    // toJSON, not get: looking must not mark the session accessed.
    if (session.toJSON()['unsaveable'] !== true) return answer;
    const failed: CookieAction = {
      kind: 'failed',
      error: new StoreUnavailable('The session store could not save (unsaveable).'),
    };
    return answer instanceof Promise ? answer.then(() => failed) : failed;
  }

  measure(session: Session): number {
    return this.inner.measure(session);
  }
}
