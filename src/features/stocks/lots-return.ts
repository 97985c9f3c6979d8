/**
 * Where a lot's Remove, and an Undo, return to: the page they were pressed on. That is a symbol's
 * lots page (that page, or the last one left when it is now past the end; the portfolio when the
 * symbol has no lots left) or a page of the portfolio in its order (that page, or the last one
 * left). The form says which by a symbol or a sort, and a page number (`placeInputs`), each
 * checked here: a symbol the visitor does not hold goes to the portfolio, an unknown sort is the
 * default order, so no URL is ever taken from the form. A form without them returns to the
 * portfolio's first page in symbol order.
 * @module
 */
import type { Ledger } from '../../domain/ledger.js';
import type { PriceBook } from '../../domain/price-book.js';
import { viewLedger } from '../../domain/gains.js';
import { positionSort, positionsOfLedger } from '../../domain/positions.js';
import { textField, type FormFields } from '../../web/form-body.js';
import { urlFor } from '../../web/urls.js';
import { LOTS_PER_PAGE, pageCountOf, parsePageNumber, POSITIONS_PER_PAGE } from './paging.js';
import { listPlaceFields, listUrl, lotsPlaceFields, lotsUrl } from './positions-view.js';

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

/** How many positions the portfolio lists (symbols with shares left), each a row of the list. */
function positionCountOf(ledger: Ledger, today: string): number {
  return positionsOfLedger(viewLedger(ledger, NO_PRICES, today), NO_PRICES, 'symbol').positions.length;
}

/**
 * The URL a Remove or an Undo redirects to, from its form and the ledger as saved after it
 * (`today` as the pages replay it).
 */
export function afterChangeUrl(form: FormFields, ledger: Ledger, today: string): string {
  const symbol = textField(form, lotsPlaceFields.symbol);
  if (symbol !== undefined) {
    const page = parsePageNumber(textField(form, lotsPlaceFields.page)) ?? 1;
    const open = openLotsOf(ledger, symbol, today);
    if (open === 0) return urlFor('list_stocks');
    return lotsUrl(symbol, Math.min(page, pageCountOf(open, LOTS_PER_PAGE)));
  }
  const sort = positionSort(textField(form, listPlaceFields.sort));
  const page = parsePageNumber(textField(form, listPlaceFields.page)) ?? 1;
  // Page 1 always exists: the portfolio is replayed only to bring a later page back within the end.
  if (page === 1) return listUrl(sort);
  return listUrl(sort, Math.min(page, pageCountOf(positionCountOf(ledger, today), POSITIONS_PER_PAGE)));
}
