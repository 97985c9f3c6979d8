/**
 * Clearing the portfolio, after a confirmation page: one click on the list page never empties it.
 * @module
 */
import type { SessionStore } from 'flask-session-ts';
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
      return redirect(c, urlFor('list_stocks'), 302);
    }
    await store.update(c.get('session'), (session) => {
      // Sales go too; next_id stays, so no id is reused and stale pages stay stale.
      writeLedger(session, clearLedger(readLedger(session)));
      // Prices belong to holdings: an empty portfolio keeps none.
      session.delete('prices');
      session.delete('undo');
      session.flash('info', 'Your portfolio is now empty.');
    });
    return redirect(c, urlFor('list_stocks'), 302);
  });
}
