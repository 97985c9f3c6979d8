/**
 * Where a lot's Remove returns to: the symbol's lots page it was pressed on (that page, or the last
 * one left when it is now past the end), or the portfolio when the form came from elsewhere (the
 * list's inline lots) or the symbol has no lots left. The form says which lots page by a symbol and
 * a page number (`lotsPlaceFields`), each checked here; a symbol the visitor does not hold goes to
 * the portfolio, so no URL is ever taken from the form.
 * @module
 */
import type { Ledger } from '../../domain/ledger.js';
import type { PriceBook } from '../../domain/price-book.js';
import { viewLedger } from '../../domain/gains.js';
import { positionsOfLedger } from '../../domain/positions.js';
import { textField, type FormFields } from '../../web/form-body.js';
import { urlFor } from '../../web/urls.js';
import { LOTS_PER_PAGE, pageCountOf, parsePageNumber } from './paging.js';
import { lotsPlaceFields, lotsUrl } from './positions-view.js';

const NO_PRICES: PriceBook = new Map();

/** How many lots `symbol`'s lots page lists: those with shares left (sold-out lots are not shown). */
function openLotsOf(ledger: Ledger, symbol: string, today: string): number {
  const mine: Ledger = {
    ...ledger,
    lots: ledger.lots.filter((lot) => lot.symbol === symbol),
    sales: ledger.sales.filter((sale) => sale.symbol === symbol),
  };
  return (
    positionsOfLedger(viewLedger(mine, NO_PRICES, today), NO_PRICES, 'symbol').positions[0]?.lots.length ?? 0
  );
}

/**
 * The URL a Remove redirects to, from its form and the ledger as saved after it (`today` as the
 * lots page replays it).
 */
export function afterRemoveUrl(form: FormFields, ledger: Ledger, today: string): string {
  const symbol = textField(form, lotsPlaceFields.symbol);
  const page = parsePageNumber(textField(form, lotsPlaceFields.page)) ?? 1;
  const open = symbol === undefined ? 0 : openLotsOf(ledger, symbol, today);
  if (symbol === undefined || open === 0) return urlFor('list_stocks');
  return lotsUrl(symbol, Math.min(page, pageCountOf(open, LOTS_PER_PAGE)));
}
