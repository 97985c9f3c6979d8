/**
 * Saving when the cookie may be full: helpers for handlers whose change can shrink to fit.
 * @module
 */
import { SessionTooLarge, type SessionStore } from 'flask-session-ts';
import type { AppSession } from './data.js';

/** Queues a message, unless the session is too full to take it (nothing else changes then). */
export async function flashIfRoom(
  store: SessionStore,
  session: AppSession,
  category: string,
  message: string,
): Promise<void> {
  try {
    await store.update(session, (s) => s.flash(category, message));
  } catch (error) {
    if (!(error instanceof SessionTooLarge)) throw error;
  }
}

/**
 * Saves the first of `changes` that fits: the full change first, then ones that say or keep less
 * (a full cookie has room for a removal, maybe not for its message or its undo).
 * @throws SessionTooLarge when not even the last fits.
 */
export async function updateFirstThatFits(
  store: SessionStore,
  session: AppSession,
  changes: readonly ((s: AppSession) => void)[],
): Promise<void> {
  for (const [i, change] of changes.entries()) {
    try {
      await store.update(session, change);
      return;
    } catch (error) {
      if (!(error instanceof SessionTooLarge) || i === changes.length - 1) throw error;
    }
  }
}
