/**
 * Editing a holding: a form filled in with it, checked by the add-stock form's rules, saved in one
 * `store.update` that finds the holding by its fields (see `forms/edit.ts` for why), so an edit
 * lands on the right row even when another tab moved it, and on no row when another tab changed it.
 * @module
 */
import type { Context, Hono } from 'hono';
import type { AppEnv, FeatureDeps } from '../../web/context.js';
import { findHolding, readOriginal } from './form.js';
import { parseStockForm } from '../../domain/stock-rules.js';
import { purchaseDateBounds } from '../../domain/stock-fields.js';
import type { Holding } from '../../domain/portfolio.js';
import { readHoldings, writeHoldings } from '../../session/portfolio.js';
import { SessionTooLarge } from 'flask-session-ts';
import { editFormState, editStockPage } from './view.js';
import { renderPage } from '../../web/render.js';
import { formHasErrors, type StockFormState } from '../../web/stock-form.js';
import { readForm } from '../../web/form-body.js';
import { honoPaths, urlFor } from '../../web/urls.js';
import { redirect } from '../../web/response.js';

/** Messages of the edit flow, defined once for the handler and the tests. */
export const editMessages = Object.freeze({
  saved: (symbol: string) => `Saved your changes to ${symbol}.`,
  gone: 'That holding was changed or removed in another tab, so nothing was saved. Here is the portfolio as it is now.',
  missing: 'There is no holding at this address. It may have been removed; start again from the list.',
  full: 'Your portfolio is full: this change makes the holding longer than the browser cookie has room for. Nothing was saved.',
});

/** Registers `edit_stock` (GET the form, POST the change) on `app`. */
export function registerEdit(app: Hono<AppEnv>, { store, now }: Pick<FeatureDeps, 'store' | 'now'>): void {
  const render = (
    c: Context<AppEnv>,
    index: number,
    original: Holding,
    form: StockFormState,
    status: 200 | 422,
  ) =>
    renderPage(
      c,
      { title: `${formHasErrors(form) ? 'Error: ' : ''}Edit ${original.symbol}`, status },
      (page) => editStockPage(index, original, form, page.csrfToken ?? '', purchaseDateBounds(now()).latest),
    );

  app.get(honoPaths.edit_stock, (c) => {
    const index = Number(c.req.param('index'));
    const holding = readHoldings(c.get('session'))[index];
    if (holding === undefined) return c.notFound();
    return render(c, index, holding, editFormState(holding), 200);
  });

  app.post(honoPaths.edit_stock, async (c) => {
    const form = await readForm(c);
    const index = Number(c.req.param('index'));
    const original = readOriginal(form);
    if (original === undefined) return c.notFound();
    const result = parseStockForm(form, purchaseDateBounds(now()));
    if (!result.ok) return render(c, index, original, { values: result.values, errors: result.errors }, 422);

    const session = c.get('session');
    let saved = false;
    try {
      await store.update(session, (s) => {
        const holdings = readHoldings(s);
        const at = findHolding(holdings, original, index);
        saved = at >= 0;
        if (saved) {
          writeHoldings(
            s,
            holdings.map((h, i) => (i === at ? result.holding : h)),
          );
          s.flash('success', editMessages.saved(result.holding.symbol));
        } else {
          s.flash('error', editMessages.gone);
        }
      });
    } catch (error) {
      if (!(error instanceof SessionTooLarge)) throw error;
      const values = editFormState(result.holding).values;
      return render(c, index, original, { values, errors: {}, formError: editMessages.full }, 422);
    }
    return redirect(c, urlFor('list_stocks'), 302);
  });
}
