/**
 * Where a form returns to: the page it was sent from. A lot's Edit, Remove and the Undo are
 * offered on a symbol's lots page and under each position of the portfolio's pages, in any of its
 * orders; after the change the visitor is back on that page (or the last one left when it is now
 * past the end; the portfolio when the symbol has no lots left), not on the portfolio's first page.
 *
 * The place travels as a symbol or a sort, and a page number, in hidden fields
 * ({@link placeInputs}) or a link's query ({@link placeQuery}), never as a URL: each is checked
 * where it is read ({@link placeOf}: a symbol the visitor holds, a known sort, a positive page
 * number), and the URL is built from them, so no form or link can send anyone elsewhere. The
 * portfolio's first page in symbol order needs no fields: a form without them returns there.
 * @module
 */
import type { Ledger } from '../domain/ledger.js';
import type { PriceBook } from '../domain/price-book.js';
import { viewLedger } from '../domain/gains.js';
import { positionSort, positionsOfLedger, type PositionSort } from '../domain/positions.js';
import { textField, type FormFields } from './form-body.js';
import { html, type Html } from './html.js';
import { LOTS_PER_PAGE, pageCountOf, parsePageNumber, POSITIONS_PER_PAGE } from './page-numbers.js';
import { urlFor } from './urls.js';

const LIST_URL = urlFor('list_stocks');

/** The URL of the list sorted by `sort`, at `page`; the default order and page 1 need no parameter. */
export function listUrl(sort: PositionSort, page = 1): string {
  const query = [sort === 'symbol' ? '' : `sort=${sort}`, page > 1 ? `page=${page}` : '']
    .filter((part) => part !== '')
    .join('&');
  return query === '' ? LIST_URL : `${LIST_URL}?${query}`;
}

/** The URL of `symbol`'s lots page, at `page`. */
export function lotsUrl(symbol: string, page = 1): string {
  const url = urlFor('list_lots', { symbol });
  return page > 1 ? `${url}?page=${page}` : url;
}

/** The fields saying which page of a symbol's lots page a form was sent from: the symbol, the page. */
export const lotsPlaceFields = Object.freeze({ symbol: 'lots_of', page: 'lots_page' });

/** A page of a symbol's lots page. */
export interface LotsPlace {
  readonly symbol: string;
  readonly page: number;
}

/**
 * The fields saying which page of the portfolio, in which order, a form was sent from (the prices
 * form uses them too).
 */
export const listPlaceFields = Object.freeze({ sort: 'list_sort', page: 'list_page' });

/** A page of the portfolio, in its order. */
export interface ListPlace {
  readonly sort: PositionSort;
  readonly page: number;
}

/** A page a form returns to. */
export type ReturnPlace = LotsPlace | ListPlace;

/** The fields that carry `place`, name and value; none for the portfolio's first page in symbol order. */
function placeFields(place: ReturnPlace | undefined): [string, string][] {
  if (place === undefined) return [];
  if ('symbol' in place) {
    return [
      [lotsPlaceFields.symbol, place.symbol],
      [lotsPlaceFields.page, String(place.page)],
    ];
  }
  return [
    ...(place.sort === 'symbol' ? [] : [[listPlaceFields.sort, place.sort] as [string, string]]),
    ...(place.page === 1 ? [] : [[listPlaceFields.page, String(place.page)] as [string, string]]),
  ];
}

/**
 * The hidden fields that carry `place` in a form; none for the portfolio's first page in symbol
 * order, so that page is byte for byte what it was before places travelled.
 */
export function placeInputs(place: ReturnPlace | undefined): Html | undefined {
  const fields = placeFields(place);
  if (fields.length === 0) return undefined;
  return html`${fields.map(
    ([name, value]) => html`
                  <input type="hidden" name="${name}" value="${value}" />`,
  )}`;
}

/** The query (`?lots_of=AAPL&lots_page=2`) that carries `place` in a link; empty when none is needed. */
export function placeQuery(place: ReturnPlace | undefined): string {
  const fields = placeFields(place);
  return fields.length === 0 ? '' : `?${new URLSearchParams(fields).toString()}`;
}

/**
 * The place a form (or a link's query) says, checked: a lots page of a symbol `ledger` holds, or a
 * page of the portfolio in a known order (an unknown sort is the default order); the page number
 * a positive integer, else 1. None when it says none, or names a symbol not held.
 */
export function placeOf(fields: FormFields, ledger: Ledger): ReturnPlace | undefined {
  const symbol = textField(fields, lotsPlaceFields.symbol);
  if (symbol !== undefined) {
    if (!ledger.lots.some((lot) => lot.symbol === symbol)) return undefined;
    return { symbol, page: parsePageNumber(textField(fields, lotsPlaceFields.page)) ?? 1 };
  }
  const sort = textField(fields, listPlaceFields.sort);
  const page = textField(fields, listPlaceFields.page);
  if (sort === undefined && page === undefined) return undefined;
  return { sort: positionSort(sort), page: parsePageNumber(page) ?? 1 };
}

/** The URL of `place` as it was (a Cancel link: nothing changed); the portfolio without one. */
export function placeUrl(place: ReturnPlace | undefined): string {
  if (place === undefined) return LIST_URL;
  return 'symbol' in place ? lotsUrl(place.symbol, place.page) : listUrl(place.sort, place.page);
}

const NO_PRICES: PriceBook = new Map();

/**
 * The positions `ledger` shows (`mine` narrowed to one symbol: its lots page), prices aside: the
 * rows of the portfolio, and the lots with shares left (sold-out lots are not shown).
 */
function positionsOf(ledger: Ledger, today: string) {
  return positionsOfLedger(viewLedger(ledger, NO_PRICES, today), NO_PRICES, 'symbol').positions;
}

/** How many lots `symbol`'s lots page lists. */
function openLotsOf(ledger: Ledger, symbol: string, today: string): number {
  const mine: Ledger = {
    ...ledger,
    lots: ledger.lots.filter((lot) => lot.symbol === symbol),
    sales: ledger.sales.filter((sale) => sale.symbol === symbol),
  };
  return positionsOf(mine, today)[0]?.lots.length ?? 0;
}

/**
 * The URL a change (a lot's Edit or Remove, an Undo) redirects to, from its form and the ledger as
 * saved after it (`today` as the pages replay it): the place the form says, or the last page left
 * when it is now past the end; the portfolio when the symbol has no lots left, or without a place.
 */
export function afterChangeUrl(form: FormFields, ledger: Ledger, today: string): string {
  const place = placeOf(form, ledger);
  if (place === undefined) return LIST_URL;
  if ('symbol' in place) {
    const open = openLotsOf(ledger, place.symbol, today);
    if (open === 0) return LIST_URL;
    return lotsUrl(place.symbol, Math.min(place.page, pageCountOf(open, LOTS_PER_PAGE)));
  }
  // Page 1 always exists: the portfolio is replayed only to bring a later page back within the end.
  if (place.page === 1) return listUrl(place.sort);
  const pageCount = pageCountOf(positionsOf(ledger, today).length, POSITIONS_PER_PAGE);
  return listUrl(place.sort, Math.min(place.page, pageCount));
}
