/**
 * The portfolio pages: the add-stock form (whose fields the edit form shares) and the list.
 * @module
 */
import type { Position, Positions, PositionSort } from '../../domain/positions.js';
import type { PriceBook } from '../../domain/price-book.js';

import { formatBytes } from '../../session/storage.js';
import { urlFor } from '../../web/urls.js';
import { html, type Html } from '../../web/html.js';
import { signClass } from '../../web/figures.js';
import { allocationChart } from './chart.js';
import { csrfField } from '../../web/layout.js';
import { feeField, stockFormFields, stockFormSummary, type StockFormState } from '../../web/stock-form.js';
import { lotActions, lotRows, LOTS_TABLE_HEAD, NOT_SET } from './lots-table.js';
import { lotsUrl, placeInputs, positionsSection, type ListPlace, type LotsPlace } from './positions-view.js';
import { pageOf, POSITIONS_PER_PAGE, type PageOf } from './paging.js';
import { formatCount, pageLinks } from './paging-view.js';
import { NO_SUCH_PAGE_TITLE } from '../../web/page-links.js';

// Defined a layer down, where every paged list's route answers a page that does not exist.
export { NO_SUCH_PAGE_TITLE, noSuchPage } from '../../web/page-links.js';
import { updatePricesLink } from './prices-view.js';
import {
  formatMoney,
  formatPercent,
  formatPrice,
  formatQuantity,
  formatSignedMoney,
  ZERO,
  type Decimal,
} from '../../domain/decimal.js';

/** The add-stock page's title and heading. */
export const ADD_STOCK_TITLE = 'Add a stock';

/** The add-stock page: the form, with the visitor's values and messages after a refused post. */
export function addStockPage(
  form: StockFormState,
  csrfToken: string,
  latestDate: string,
  fee: { readonly value: string; readonly error?: string | undefined } = { value: '' },
): Html {
  const fields = [...stockFormFields(form, latestDate), feeField(fee.value, fee.error)];
  return html`<section>
  <h1>${ADD_STOCK_TITLE}</h1>
  ${stockFormSummary(form, fee.error)}
  <form method="post" action="${urlFor('add_stock')}" class="stock-form">
    ${csrfField(csrfToken)}
    ${fields}
    <button type="submit">Add stock</button>
  </form>
</section>`;
}

/** The list page's title and heading: "portfolio" is the one word for the collection everywhere. */
export const PORTFOLIO_TITLE = 'Your portfolio';

const EMPTY_STATE = html`<div class="empty-state">
    <p>Your portfolio is empty.</p>
    <p><a class="button" href="${urlFor('add_stock')}">Add your first stock</a> <a class="button secondary" href="${urlFor('import_stocks')}">Import a CSV file</a></p>
  </div>`;

/**
 * "Removed AAPL (15 shares at $302.17)." with the button that reverts it, and returns to `place`,
 * the page it is on.
 */
function undoNoticeView(
  undo: { readonly said: string; readonly button: string },
  token: Html,
  place: LotsPlace | ListPlace,
): Html {
  return html`<div class="notice" role="status">
    <p>${undo.said}</p>
    <form method="post" action="${urlFor('undo_remove')}" class="inline">
      ${token}${placeInputs(place)}
      <button type="submit" class="secondary">${undo.button}</button>
    </form>
  </div>`;
}

/** What the list page shows besides the positions: how many more fit, the undo. */
export interface ListOptions {
  readonly sort: PositionSort;
  /** Holdings that still fit in the session (at least 1 is exact: see `session/capacity.ts`). */
  readonly remaining: number;
  /** Where the session lives, for the "how many more fit" hint. Default: the cookie. */
  readonly storage?: 'cookie' | 'server';
  /** The server store's cap on one portfolio, in bytes, said beside the hint. */
  readonly capBytes?: number | undefined;
  /** The last change, when it can still be undone: what it was and the button's text. */
  readonly undo?: { readonly said: string; readonly button: string } | undefined;
  /** How many sales are recorded: the page links to them when there are any. */
  readonly salesCount?: number;
  /** Realized gain of every sale recorded (closed positions too), for the summary; default none. */
  readonly realized?: Decimal | undefined;
  /** Each current price with its source and date, shown under the price. */
  readonly prices?: PriceBook | undefined;
  /** Which page of the positions to show (`paging.ts`); default 1. The route checks it exists. */
  readonly page?: number;
  /** Whether live quotes are on: the note under the table says where prices come from. */
  readonly liveQuotes?: boolean;
}

const SALES_URL = urlFor('list_sales');

/** The link to the recorded sales, when there are any. */
function salesLink(count: number | undefined): Html | undefined {
  if (count === undefined || count === 0) return undefined;
  return html`<a class="button secondary" href="${SALES_URL}">Sales and realized gain (${count})</a>`;
}

// The page's actions: the same for every visitor, built once around the parts that vary, the
// link to the recorded sales and, past the first page or in another order, the prices form's
// link, which returns to that page and order.
const actionsStart = (prices: string) => html`<div class="actions">
    <a class="button" href="${urlFor('add_stock')}">Add stock</a>
    <a class="button" href="${urlFor('sell_stock')}">Sell stock</a>
    <a class="button" href="${prices}">Update prices</a>`;
const ACTIONS_START = actionsStart(urlFor('update_prices'));
const ACTIONS_END = html`
    <a class="button secondary" href="${urlFor('export_stocks')}" download>Export CSV</a>
    <a class="button secondary" href="${urlFor('import_stocks')}">Import CSV</a>
    <a class="button secondary" href="${urlFor('clear_stocks')}">Clear portfolio&hellip;</a>
  </div>`;

function capacityText(
  remaining: number,
  storage: 'cookie' | 'server' | undefined,
  capBytes?: number,
): string {
  if (remaining <= 0) {
    // The cap in bytes is said where there is one to say: the server's (a cookie's is the browser's).
    return storage === 'server' && capBytes !== undefined
      ? `Your portfolio is full: this server keeps up to ${formatBytes(capBytes)} for one portfolio. Remove a holding to add another.`
      : 'Your portfolio is full: remove a holding to add another.';
  }
  const room =
    storage !== 'server'
      ? "your browser's cookie"
      : capBytes === undefined
        ? 'your saved portfolio'
        : `your saved portfolio, which this server keeps up to ${formatBytes(capBytes)}`;
  return remaining === 1 ? `1 more fits in ${room}.` : `About ${remaining} more fit in ${room}.`;
}

/**
 * A gain or return in the gain or loss colour of the sign it is written with (which says the same
 * without colour); a figure written as zero, plain.
 */
function signed(text: string): Html | string {
  const sign = signClass(text);
  return sign === undefined ? text : html`<span class="${sign}">${text}</span>`;
}

/**
 * The portfolio at a glance, above the table: value, cost, unrealized and realized gain, return,
 * and how many positions have no price. Value, unrealized gain and return count the priced
 * positions only, and say so whenever some are not priced.
 */
function summary({ totals, positions }: Positions, realized: Decimal | undefined): Html {
  const { priced, pricedCount } = totals;
  const unpriced = positions.length - pricedCount;
  const partial =
    priced !== undefined &&
    unpriced > 0 &&
    html`<span class="summary-note">of the ${pricedCount === 1 ? 'priced position' : `${formatCount(pricedCount)} priced positions`} (cost ${formatMoney(priced.cost)})</span>`;
  return html`<dl class="summary">
    <div><dt>Market value</dt><dd>${priced === undefined ? NOT_SET : formatMoney(priced.value)}${partial}</dd></div>
    <div><dt>Cost basis</dt><dd>${formatMoney(totals.cost)}</dd></div>
    <div><dt>Unrealized gain</dt><dd>${priced === undefined ? NOT_SET : signed(formatSignedMoney(priced.gain))}${partial}</dd></div>
    <div><dt>Realized gain</dt><dd>${realized === undefined ? 'no sales yet' : signed(formatSignedMoney(realized))}</dd></div>
    <div><dt>Return</dt><dd>${priced === undefined ? NOT_SET : signed(formatPercent(priced.gainPercent))}${partial}</dd></div>
    <div><dt>Without a current price</dt><dd>${unpriced === 0 ? 'none' : `${formatCount(unpriced)} of ${formatCount(positions.length)} ${positions.length === 1 ? 'position' : 'positions'}`}</dd></div>
  </dl>`;
}

/** The page of positions to show: page 1 unless the route asked for another (and checked it exists). */
function positionsPage(view: Positions, page = 1): PageOf<Position> {
  const shown = pageOf(view.positions, page, POSITIONS_PER_PAGE);
  if (shown === undefined) throw new RangeError(`There is no page ${page} of positions`);
  return shown;
}

/**
 * The positions with their lots, the allocation chart, how many more fit, the page's actions, and
 * the removal that can still be undone.
 */
export function listStocksPage(view: Positions, options: ListOptions, csrfToken: string): Html {
  const count = view.positions.reduce((n, p) => n + p.lots.length, 0);
  const page = options.page ?? 1;
  const token = csrfField(csrfToken);
  const undo =
    options.undo !== undefined && undoNoticeView(options.undo, token, { sort: options.sort, page });
  if (count === 0) {
    const sales = salesLink(options.salesCount);
    return html`<section>
  <h1>${PORTFOLIO_TITLE}</h1>
  ${undo}
  ${EMPTY_STATE}${
    sales &&
    html`
  <p>${sales}</p>`
  }
</section>`;
  }
  return html`<section>
  <h1>${PORTFOLIO_TITLE}</h1>
  ${undo}
  ${summary(view, (options.salesCount ?? 0) === 0 ? undefined : (options.realized ?? ZERO))}
  ${positionsSection(view, options.sort, token, options.prices, positionsPage(view, page), options.liveQuotes)}
  <p class="capacity">${count} ${count === 1 ? 'holding' : 'holdings'}. ${capacityText(options.remaining, options.storage, options.capBytes)}</p>
  ${page === 1 && options.sort === 'symbol' ? ACTIONS_START : actionsStart(updatePricesLink({ sort: options.sort, page }))}${salesLink(options.salesCount)}${ACTIONS_END}
</section>
${allocationChart(view)}`;
}

/** The lots page's title: one symbol's lots. */
export function lotsTitle(symbol: string): string {
  return `Lots of ${symbol}`;
}

const LOT_NOUN = { one: 'lot', many: 'lots' } as const;

/**
 * One symbol's lots, a page of them (`paging.ts`) (`lots.page` of them), with the position's
 * figures and each lot's edit and remove: the list page shows only a position's first few. A
 * Remove returns here, so the page shows the removal that can still be undone, as the list does.
 */
export function lotsPage(
  position: Position,
  lots: PageOf<Position['lots'][number]>,
  csrfToken: string,
  undo?: ListOptions['undo'],
): Html {
  const token = csrfField(csrfToken);
  const { symbol } = position;
  const count = position.lots.length;
  return html`<section>
  <h1>${lotsTitle(symbol)}</h1>${
    undo !== undefined &&
    html`
  ${undoNoticeView(undo, token, { symbol, page: lots.page })}`
  }
  <p class="lots-summary">${formatCount(count)} ${count === 1 ? 'lot' : 'lots'}: ${formatQuantity(position.shares)} shares, cost basis ${formatMoney(position.cost)}, average cost ${formatPrice(position.averageCost)}.</p>
  ${pageLinks(lots, LOT_NOUN, (page) => lotsUrl(symbol, page), lotsUrl(symbol))}
  <div class="table-wrap">
    <table class="lots stacking">
      <caption class="visually-hidden">Lots of ${symbol}, in the order they were added</caption>
      ${LOTS_TABLE_HEAD}
      <tbody>
        ${lotRows(lots.items, lotActions(token, { symbol, page: lots.page }))}
      </tbody>
    </table>
  </div>
  <p><a href="${urlFor('list_stocks')}">Back to your portfolio</a></p>
</section>`;
}

/** The answer (a 404) to the lots page of a symbol the visitor holds none of. */
export function noLotsOf(symbol: string): Html {
  return html`<section class="error-page">
  <h1>${NO_SUCH_PAGE_TITLE}</h1>
  <p>Your portfolio holds no ${symbol} (removed or sold in another tab?).</p>
  <p><a href="${urlFor('list_stocks')}">Back to your portfolio</a></p>
</section>`;
}
