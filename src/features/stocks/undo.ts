/**
 * Undoing a removal, once: the removed holding and its place wait in the session under `undo`
 * until they are put back, another holding is removed, or the portfolio is cleared.
 * @module
 */
import type { SessionStore } from 'flask-session-ts';
import type { Hono } from 'hono';
import type { AppEnv } from '../../web/context.js';
import { decodePortfolio, encodePortfolio, type Holding } from '../../domain/portfolio.js';
import { readHoldings, writeHoldings } from '../../session/portfolio.js';
import { honoPaths, urlFor } from '../../web/urls.js';
import { flashIfRoom, updateFirstThatFits } from '../../session/updates.js';
import { redirect } from '../../web/response.js';

type AppSession = AppEnv['Variables']['session'];

/** The message when there is nothing to put back (used already, or another tab did). */
export const NOTHING_TO_UNDO = 'There is nothing to undo: the removal was already undone or replaced.';

/** Keeps `holding`, removed from `index`, so it can be put back (call inside `store.update`). */
export function rememberRemoval(session: AppSession, index: number, holding: Holding): void {
  const [entry] = encodePortfolio([holding]);
  if (entry !== undefined) session.set('undo', [index, entry]);
}

/** The removal that can be undone, if any: the holding and where it was. */
export function undoOffer(session: AppSession): { index: number; holding: Holding } | undefined {
  const raw: unknown = session.get('undo');
  if (!Array.isArray(raw) || raw.length !== 2) return undefined;
  const [index, entry] = raw as unknown[];
  const [holding] = decodePortfolio([entry]);
  if (!Number.isSafeInteger(index) || (index as number) < 0 || holding === undefined) return undefined;
  return { index: index as number, holding };
}

/** Registers `undo_remove` on `app`. */
export function registerUndo(app: Hono<AppEnv>, store: SessionStore): void {
  app.post(honoPaths.undo_remove, async (c) => {
    const session = c.get('session');
    let restored: Holding | undefined;
    const putBack = (s: AppSession) => {
      const offer = undoOffer(s);
      restored = offer?.holding;
      if (offer === undefined) return;
      const holdings = [...readHoldings(s)];
      holdings.splice(Math.min(offer.index, holdings.length), 0, offer.holding);
      writeHoldings(s, holdings);
      s.delete('undo');
    };
    await updateFirstThatFits(store, session, [
      (s) => {
        putBack(s);
        if (restored !== undefined) s.flash('success', `Put back ${restored.symbol}.`);
      },
      putBack,
    ]);
    if (restored === undefined) await flashIfRoom(store, session, 'error', NOTHING_TO_UNDO);
    return redirect(c, urlFor('list_stocks'), 302);
  });
}
