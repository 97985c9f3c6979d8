/**
 * Clearing the portfolio, after a confirmation page: one click on the list page never empties it.
 * With a server-side store (SQLite, Redis) a cleared or newly started portfolio also gets a new
 * session id and the old record is deleted, so a copy of the cookie taken before (another device,
 * a shared computer) opens an empty session, never the new one. With the cookie store nothing
 * changes: a signed cookie cannot be revoked (as in Flask), and a Flask app sharing it reads on.
 * @module
 */
import { ServerSessionStore, type SessionStore } from 'flask-session-ts';
import type { AppSession } from '../../session/data.js';
import type { Hono } from 'hono';
import type { AppEnv } from '../../web/context.js';
import { summarize } from '../../domain/portfolio.js';
import { readHoldings } from '../../session/portfolio.js';
import { readLedger, writeLedger } from '../../session/ledger.js';
import { clearLedger } from '../../domain/ledger-changes.js';
import { REPLACED_MESSAGE } from '../../session/unreadable.js';
import { clearConfirmationPage, CONFIRM_FIELD, CONFIRM_VALUE, startNewPage } from './view.js';
import { renderPage } from '../../web/render.js';
import { readForm, textField } from '../../web/form-body.js';
import { honoPaths, urlFor } from '../../web/urls.js';
import { redirect } from '../../web/response.js';

/** Registers `clear_stocks` (GET: the question; POST: the answer) on `app`. */
export function registerClear(app: Hono<AppEnv>, store: SessionStore): void {
  app.get(honoPaths.clear_stocks, (c) => {
    // A session that could not be read is not cleared but replaced: asked as such.
    if (c.get('unreadableNotice').unreadable) {
      return renderPage(c, { title: 'Start a new portfolio?' }, (page) => startNewPage(page.csrfToken ?? ''));
    }
    return renderPage(c, { title: 'Clear your portfolio?' }, (page) =>
      clearConfirmationPage(summarize(readHoldings(c.get('session'))), page.csrfToken ?? ''),
    );
  });

  app.post(honoPaths.clear_stocks, async (c) => {
    // An old page's one-click form (or a hand-made post) gets the question first.
    if (textField(await readForm(c), CONFIRM_FIELD) !== CONFIRM_VALUE) {
      return redirect(c, urlFor('clear_stocks'), 303);
    }
    const notice = c.get('unreadableNotice');
    if (notice.unreadable) {
      // The one request allowed to replace a session that could not be read: confirmed above.
      notice.allowReplacement();
      const session = c.get('session');
      // A cookie that verified but could not be decoded is kept by the library until it is
      // discarded on purpose: this confirmed answer is that purpose.
      session.clear();
      await store.update(session, (s) => s.flash('info', REPLACED_MESSAGE));
      await retireId(store, session);
      return redirect(c, urlFor('list_stocks'), 302);
    }
    const session = c.get('session');
    await store.update(session, (s) => {
      // Sales go too; next_id stays, so no id is reused and stale pages stay stale.
      writeLedger(s, clearLedger(readLedger(s)));
      // Prices belong to holdings: an empty portfolio keeps none.
      s.delete('prices');
      s.delete('undo');
      s.flash('info', 'Your portfolio is now empty.');
    });
    await retireId(store, session);
    return redirect(c, urlFor('list_stocks'), 302);
  });
}

/**
 * After a confirmed clear (or a new portfolio), with a server-side store: the saved session moves
 * to a new id and the old record is deleted, so the old id stops working. Done after the clear
 * was saved by compare-and-set, not instead of it: the move keeps the latest stored data (with
 * `next_id`, so ids stay unique against pages still open), carrying over anything another tab
 * saved meanwhile. If the move fails (`StoreUnavailable`, `SessionConflict`), the error answers
 * the request (a 503); the clear itself is saved under the old id, and its message is waiting on
 * the next page. The cookie store is left as it is: Flask-compatible, and its cookie cannot be
 * revoked anyway.
 */
async function retireId(store: SessionStore, session: AppSession): Promise<void> {
  if (store instanceof ServerSessionStore) await store.regenerate(session, { keepData: true });
}
