/**
 * A store that answers like a server-side one: later, after a turn of the event loop. It keeps
 * the data in a {@link CookieSessionStore}, so any behaviour test of the cookie store holds for it,
 * and an adapter that does not wait for `open` or `commit` fails those tests.
 * @module
 */
import { setImmediate as nextTurn } from 'node:timers/promises';
import type { CookieSessionStore } from '../../src/cookie-store.js';
import type { Session } from '../../src/session.js';
import type { CookieAction, Opened, SessionStore } from '../../src/store.js';
import type { StorableData } from '../../src/storable.js';
import type { SessionData } from '../../src/tagged-json.js';

export class AsyncStore implements SessionStore {
  constructor(readonly inner: CookieSessionStore) {}

  get cookieName(): string {
    return this.inner.cookieName;
  }

  get maxSessionBytes(): number {
    return this.inner.maxSessionBytes;
  }

  async open<T extends StorableData<T> = SessionData>(cookieHeader: string | undefined): Promise<Opened<T>> {
    await nextTurn();
    return this.inner.open<T>(cookieHeader);
  }

  async update<T extends StorableData<T>>(
    session: Session<T>,
    change: (session: Session<T>) => void,
  ): Promise<void> {
    await nextTurn();
    this.inner.update(session, change);
  }

  async commit(session: Session, status?: number): Promise<CookieAction> {
    await nextTurn();
    return this.inner.commit(session, status);
  }

  measure(session: Session): number {
    return this.inner.measure(session);
  }
}
