/**
 * Setting a position's current price: one field per position, stored per symbol in the session.
 * There is no quote service; the price is the visitor's own figure.
 * @module
 */
import { SessionTooLarge } from 'flask-session-ts';
import type { Hono } from 'hono';
import type { AppEnv, FeatureDeps } from '../../web/context.js';
import { CURRENT_PRICE_FIELD, parseCurrentPrice, REMOVE_PRICE_FIELD } from '../../domain/price-rules.js';
import { formatPrice, parseDecimal } from '../../domain/decimal.js';
import { positionSort } from '../../domain/positions.js';
import { keepHeldPrices } from '../../domain/price-book.js';
import { utcDate } from '../../domain/dates.js';
import { readLedger, readPriceBook, writePriceBook } from '../../session/ledger.js';
import { listUrl } from './positions-view.js';
import { readForm, textField } from '../../web/form-body.js';
import { honoPaths } from '../../web/urls.js';
import { renderStockList } from './routes.js';
import { parsePageNumber } from './paging.js';
import { redirect } from '../../web/response.js';

/** Messages of the price form, defined once for the handler and the tests. */
export const priceFlashes = Object.freeze({
  full: 'Your browser cookie is full, so the price was not saved. Remove a holding to make room.',
  saved: (symbol: string, price: string) => `Saved the current price of ${symbol}: ${price}.`,
  removed: (symbol: string) => `Removed the current price of ${symbol}.`,
  notHeld: 'You hold none of that stock any more (another tab?), so no price was saved.',
  confirmRemove: (symbol: string) =>
    `The price is empty. Enter the current price of ${symbol}, or remove its price with the button below.`,
});

/** Registers `set_price` on `app`. */
export function registerPrices(app: Hono<AppEnv>, deps: Pick<FeatureDeps, 'store' | 'now' | 'quotes'>): void {
  const { store, now } = deps;
  app.post(honoPaths.set_price, async (c) => {
    const form = await readForm(c);
    const symbol = textField(form, 'symbol') ?? '';
    const sort = positionSort(textField(form, 'sort'));
    // The page of positions the form was on (absent: page 1), so the answer shows the same page.
    const page = textField(form, 'page');
    const pageNumber = parsePageNumber(page) ?? 1;
    const remove = textField(form, REMOVE_PRICE_FIELD) === 'yes';
    const result = remove
      ? ({ ok: true, price: null } as const)
      : parseCurrentPrice(form[CURRENT_PRICE_FIELD]);
    if (!result.ok) {
      const value = textField(form, CURRENT_PRICE_FIELD) ?? '';
      // An empty field never deletes: with a price to lose, the visitor is asked to confirm.
      const priced = result.blank === true && readPriceBook(c.get('session')).has(symbol);
      const message = priced ? priceFlashes.confirmRemove(symbol) : result.message;
      return renderStockList(c, deps, sort, { symbol, value, message, confirmRemoval: priced }, page);
    }
    const update = store.update(c.get('session'), (session) => {
      const ledger = readLedger(session);
      if (!ledger.lots.some((lot) => lot.symbol === symbol)) {
        session.flash('error', priceFlashes.notHeld);
        return;
      }
      const book = new Map(readPriceBook(session));
      // A typed price is as of today: the page shows its source and date.
      if (result.price === null) book.delete(symbol);
      else book.set(symbol, { price: result.price, source: 'manual', asOf: utcDate(now()) });
      writePriceBook(session, keepHeldPrices(book, ledger).book);
      const shown = result.price === null ? undefined : parseDecimal(result.price);
      session.flash(
        'success',
        shown === undefined ? priceFlashes.removed(symbol) : priceFlashes.saved(symbol, formatPrice(shown)),
      );
    });
    try {
      await update;
    } catch (error) {
      if (!(error instanceof SessionTooLarge)) throw error;
      const value = textField(form, CURRENT_PRICE_FIELD) ?? '';
      return renderStockList(
        c,
        deps,
        sort,
        {
          symbol,
          value,
          message: priceFlashes.full,
          confirmRemoval: false,
        },
        page,
      );
    }
    return redirect(c, listUrl(sort, pageNumber), 302);
  });
}
