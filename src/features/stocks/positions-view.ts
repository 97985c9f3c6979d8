/**
 * The positions table: one row per symbol (shares, average cost, cost basis, the visitor's current
 * price, market value, gain) and its lots beneath in a `<details>`; prices are set on their own
 * page (`prices-view.ts`), linked from the page's actions. Sorting is a link per sortable column (`?sort=`): no script.
 * @module
 */
import {
  formatMoney,
  formatPercent,
  formatPrice,
  formatQuantity,
  formatSignedMoney,
  type Decimal,
} from '../../domain/decimal.js';
import type { Lot, Position, Positions, PositionSort, Return } from '../../domain/positions.js';
import type { CurrentPrice, PriceBook, PriceSource } from '../../domain/price-book.js';
import { indexedUrl, urlFor } from '../../web/urls.js';
import { INLINE_LOTS, type PageOf } from './paging.js';
import { formatCount, pageLinks } from './paging-view.js';
import { html, type Html } from '../../web/html.js';
import { alignedBlank, alignedFigure, decimalColumn, type DecimalColumn } from '../../web/figures.js';

const SOURCE_NAMES: Readonly<Record<PriceSource, string>> = {
  manual: 'entered by you',
  'alpha-vantage': 'Alpha Vantage',
};

/**
 * Where a current price came from and the day it is of, under the price: a typed price and a
 * quote look alike otherwise, and a price without a date may be stale without saying so.
 */
function priceSource(price: CurrentPrice | undefined): Html | undefined {
  if (price === undefined) return undefined;
  return html`<span class="price-source">${SOURCE_NAMES[price.source]}, ${price.asOf === undefined ? 'date not recorded' : `as of ${price.asOf}`}</span>`;
}

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

/** A dash for a figure that needs a price the visitor has not set: never a zero that looks real. */
const NOT_SET = html`<span aria-hidden="true">—</span><span class="visually-hidden">not set</span>`;

function gainClass(gain: Decimal): string {
  return gain.units > 0n ? 'num gain' : gain.units < 0n ? 'num loss' : 'num';
}

/** A value, gain and return as the table writes them, and the gain that colours them. */
interface ReturnFigures {
  readonly value: string;
  readonly gain: string;
  readonly percent: string;
  readonly gainClass: string;
}

function returnFigures(figures: Return | undefined): ReturnFigures | undefined {
  return (
    figures && {
      value: formatMoney(figures.value),
      gain: formatSignedMoney(figures.gain),
      percent: formatPercent(figures.gainPercent),
      gainClass: gainClass(figures.gain),
    }
  );
}

/**
 * The positions table's figure columns, each aligned on its decimal point (`web/figures.ts`) over
 * the rows and totals of the page shown.
 */
interface PositionColumns {
  readonly shares: DecimalColumn;
  readonly averageCost: DecimalColumn;
  readonly cost: DecimalColumn;
  readonly price: DecimalColumn;
  readonly value: DecimalColumn;
  readonly gain: DecimalColumn;
  readonly percent: DecimalColumn;
}

/** One position's figures, formatted once: they size the columns and fill the row. */
interface PositionFigures {
  readonly shares: string;
  readonly averageCost: string;
  readonly cost: string;
  readonly price: string | undefined;
  readonly return: ReturnFigures | undefined;
}

function positionFigures(position: Position): PositionFigures {
  return {
    shares: formatQuantity(position.shares),
    averageCost: formatPrice(position.averageCost),
    cost: formatMoney(position.cost),
    price: position.valuation && formatPrice(position.valuation.price),
    return: returnFigures(position.valuation),
  };
}

/** A figure cell's content: the figure aligned in its column, or the dash aligned as a whole number. */
function figure(text: string | undefined, column: DecimalColumn): Html {
  return text === undefined ? alignedBlank(NOT_SET, column) : alignedFigure(text, column);
}

function returnCells(figures: ReturnFigures | undefined, columns: PositionColumns): Html {
  if (figures === undefined) {
    return html`<td class="num" data-label="Market Value">${figure(undefined, columns.value)}</td><td class="num" data-label="Gain/Loss">${figure(undefined, columns.gain)}</td><td class="num" data-label="Return">${figure(undefined, columns.percent)}</td>`;
  }
  return html`<td class="num" data-label="Market Value">${figure(figures.value, columns.value)}</td>
        <td class="${figures.gainClass}" data-label="Gain/Loss">${figure(figures.gain, columns.gain)}</td>
        <td class="${figures.gainClass}" data-label="Return">${figure(figures.percent, columns.percent)}</td>`;
}

const SORTABLE: Readonly<Record<PositionSort, { label: string; direction: 'ascending' | 'descending' }>> = {
  symbol: { label: 'Symbol', direction: 'ascending' },
  value: { label: 'Market Value', direction: 'descending' },
  gain: { label: 'Gain/Loss', direction: 'descending' },
};

/** A column header that sorts by `by`: the current order is marked with aria-sort and not a link. */
function sortHeader(by: PositionSort, current: PositionSort, scope: 'col'): Html {
  const { label, direction } = SORTABLE[by];
  if (by === current) {
    return html`<th scope="${scope}" class="${by === 'symbol' ? '' : 'num'}" aria-sort="${direction}">${label} <span class="sort-mark" aria-hidden="true">${direction === 'ascending' ? '▲' : '▼'}</span></th>`;
  }
  return html`<th scope="${scope}" class="${by === 'symbol' ? '' : 'num'}"><a href="${listUrl(by)}" aria-label="${label}: sort by ${label.toLowerCase()}">${label}</a></th>`;
}

// Built once: a row's links are the fixed path around its lot id.
const editUrl = indexedUrl('edit_lot');
const removeUrl = indexedUrl('remove_lot');

/** The head row of a table of lots: the inline list under a position and a symbol's lots page. */
export const LOTS_TABLE_HEAD = html`<thead>
                <tr>
                  <th scope="col">Symbol</th>
                  <th scope="col">Purchase Date</th>
                  <th scope="col" class="num">Shares</th>
                  <th scope="col" class="num">Purchase Price</th>
                  <th scope="col" class="num">Cost Basis</th>
                  <th scope="col"><span class="visually-hidden">Actions</span></th>
                </tr>
              </thead>`;

/**
 * The fields of a Remove pressed on a symbol's lots page, saying which page (`lots-return.ts`
 * returns there): the symbol, and the page number.
 */
export const lotsPlaceFields = Object.freeze({ symbol: 'lots_of', page: 'lots_page' });

/** A page of a symbol's lots page, which its Remove buttons return to. */
export interface LotsPlace {
  readonly symbol: string;
  readonly page: number;
}

/** A lot's figures as its row writes them. */
interface LotFigures {
  readonly lot: Lot;
  readonly shares: string;
  readonly price: string;
  readonly cost: string;
}

/** The figure columns of a table of lots. */
interface LotColumns {
  readonly shares: DecimalColumn;
  readonly price: DecimalColumn;
  readonly cost: DecimalColumn;
}

/**
 * The rows of a table of lots (the list's details and the lots page), each with its edit link and
 * remove button, the figures aligned on their decimal points over these rows. On a lots page,
 * `place` is that page: its Remove buttons return there.
 */
export function lotRows(lots: readonly Lot[], token: Html, place?: LotsPlace): Html[] {
  const formFields =
    place === undefined
      ? token
      : html`${token}
                  <input type="hidden" name="${lotsPlaceFields.symbol}" value="${place.symbol}" />
                  <input type="hidden" name="${lotsPlaceFields.page}" value="${place.page}" />`;
  const figures = lots.map((lot): LotFigures => ({
    lot,
    shares: formatQuantity(lot.shares),
    price: formatPrice(lot.price),
    cost: formatMoney(lot.cost),
  }));
  const columns: LotColumns = {
    shares: decimalColumn(figures.map((row) => row.shares)),
    price: decimalColumn(figures.map((row) => row.price)),
    cost: decimalColumn(figures.map((row) => row.cost)),
  };
  return figures.map((row) => lotRow(row, columns, formFields));
}

function lotRow(figures: LotFigures, columns: LotColumns, formFields: Html): Html {
  const { lot, shares } = figures;
  const { symbol, date } = lot.holding;
  const { id } = lot;
  return html`<tr class="lot">
              <th scope="row">${symbol}</th>
              <td data-label="Purchase Date">${date ?? NOT_SET}</td>
              <td class="num" data-label="Shares">${alignedFigure(shares, columns.shares)}</td>
              <td class="num" data-label="Purchase Price">${alignedFigure(figures.price, columns.price)}</td>
              <td class="num" data-label="Cost Basis">${alignedFigure(figures.cost, columns.cost)}</td>
              <td class="lot-actions row-actions">
                <a href="${editUrl(id)}" aria-label="Edit ${symbol}, ${shares} shares${date === undefined ? '' : ` bought ${date}`}">Edit</a>
                <form method="post" action="${removeUrl(id)}" class="inline">
                  ${formFields}
                  <button type="submit" class="link" aria-label="Remove ${symbol} lot ${date === undefined ? `of ${shares} shares` : `bought ${date} (${shares} shares)`}">Remove</button>
                </form>
              </td>
            </tr>`;
}

/** The position's realized gain, when it has sales, and the link that sells it. */
function positionSales(position: Position): Html {
  const sell = html`<a href="${urlFor('sell_stock')}?symbol=${encodeURIComponent(position.symbol)}">Sell ${position.symbol}</a>`;
  if (position.realized === undefined) return html`<p class="position-sales">${sell}</p>`;
  return html`<p class="position-sales">Realized gain on sales of ${position.symbol}: <span class="${gainClass(position.realized)}">${formatSignedMoney(position.realized)}</span>
            (<a href="${urlFor('list_sales')}#sales-${position.symbol}">see the sales</a>) · ${sell}</p>`;
}

/** Past {@link INLINE_LOTS}, the link to the position's own lots page, which lists them all. */
function moreLots(position: Position): Html | undefined {
  const lots = position.lots.length;
  if (lots <= INLINE_LOTS) return undefined;
  return html`
            <p class="more-lots">The first ${INLINE_LOTS} of ${formatCount(lots)} lots. <a href="${lotsUrl(position.symbol)}">All ${formatCount(lots)} lots of ${position.symbol}</a></p>`;
}

function positionRows(
  position: Position,
  figures: PositionFigures,
  columns: PositionColumns,
  token: Html,
  prices: PriceBook | undefined,
): Html {
  const lots = position.lots.length;
  const shown = lots <= INLINE_LOTS ? position.lots : position.lots.slice(0, INLINE_LOTS);
  return html`<tbody class="position">
      <tr class="position-row">
        <th scope="row">${position.symbol}</th>
        <td class="num" data-label="Shares">${alignedFigure(figures.shares, columns.shares)}</td>
        <td class="num" data-label="Average Cost">${alignedFigure(figures.averageCost, columns.averageCost)}</td>
        <td class="num" data-label="Cost Basis">${alignedFigure(figures.cost, columns.cost)}</td>
        <td class="num" data-label="Current Price">${figures.price === undefined ? figure(undefined, columns.price) : html`<span class="price-cell">${alignedFigure(figures.price, columns.price)}${priceSource(prices?.get(position.symbol))}</span>`}</td>
        ${returnCells(figures.return, columns)}
      </tr>
      <tr class="position-detail">
        <td colspan="8" class="position-detail-cell">
          <details>
            <summary>${lots} ${lots === 1 ? 'lot' : 'lots'} of ${position.symbol}</summary>
            <table class="lots stacking">
              ${LOTS_TABLE_HEAD}
              <tbody>
            ${lotRows(shown, token)}
              </tbody>
            </table>${moreLots(position)}
          </details>
          ${positionSales(position)}
        </td>
      </tr>
    </tbody>`;
}

/**
 * The totals of every position, on every page: said so when the table shows one page of many.
 * When some positions have a price and some not, value and gain are totals of the priced ones
 * only: they get a row of their own beside their own cost basis, so no figure sets the value of
 * some positions against the cost of all.
 */
/** The totals' figures: one row, or the priced positions' row above the row of all of them. */
interface TotalsFigures {
  readonly cost: string;
  readonly priced?: { readonly cost: string; readonly return: ReturnFigures | undefined };
  readonly return: ReturnFigures | undefined;
}

function totalsFigures({ totals, positions }: Positions): TotalsFigures {
  const { priced } = totals;
  const cost = formatMoney(totals.cost);
  if (priced === undefined || totals.pricedCount === positions.length) {
    return { cost, return: returnFigures(priced) };
  }
  return {
    cost,
    priced: { cost: formatMoney(priced.cost), return: returnFigures(priced) },
    return: undefined,
  };
}

function totalsRow(
  { totals, positions }: Positions,
  figures: TotalsFigures,
  columns: PositionColumns,
  paged: boolean,
): Html {
  const all = paged ? html` of all ${formatCount(positions.length)} positions` : undefined;
  const { priced } = figures;
  if (priced === undefined) {
    return html`<tfoot>
      <tr>
        <th scope="row" colspan="3">Total${all}</th>
        <td class="num" data-label="Total Cost Basis">${alignedFigure(figures.cost, columns.cost)}</td>
        <td></td>
        ${returnCells(figures.return, columns)}
      </tr>
    </tfoot>`;
  }
  return html`<tfoot>
      <tr>
        <th scope="row" colspan="3">Total of the ${totals.pricedCount === 1 ? 'priced position' : `${formatCount(totals.pricedCount)} priced positions`}</th>
        <td class="num" data-label="Priced Cost Basis">${alignedFigure(priced.cost, columns.cost)}</td>
        <td></td>
        ${returnCells(priced.return, columns)}
      </tr>
      <tr>
        <th scope="row" colspan="3">Total${all ?? html` of all ${formatCount(positions.length)} positions`}</th>
        <td class="num" data-label="Total Cost Basis">${alignedFigure(figures.cost, columns.cost)}</td>
        <td></td>
        ${returnCells(undefined, columns)}
      </tr>
    </tfoot>`;
}

/** The figure columns over the rows of the page and the totals under them. */
function positionColumns(rows: readonly PositionFigures[], totals: TotalsFigures): PositionColumns {
  const returns = [...rows.map((row) => row.return), totals.return, totals.priced?.return];
  const of = (pick: (figures: ReturnFigures) => string) =>
    decimalColumn(returns.flatMap((figures) => (figures === undefined ? [] : [pick(figures)])));
  return {
    shares: decimalColumn(rows.map((row) => row.shares)),
    averageCost: decimalColumn(rows.map((row) => row.averageCost)),
    cost: decimalColumn([...rows.map((row) => row.cost), totals.cost, totals.priced?.cost ?? '']),
    price: decimalColumn(rows.flatMap((row) => (row.price === undefined ? [] : [row.price]))),
    value: of((figures) => figures.value),
    gain: of((figures) => figures.gain),
    percent: of((figures) => figures.percent),
  };
}

/**
 * The sort order as a line of links, shown on phones only: there the table's header row, which
 * holds the sorting links, is hidden (each cell carries its column's name instead).
 */
function sortLinks(current: PositionSort): Html {
  const links = (Object.keys(SORTABLE) as PositionSort[]).map((by) =>
    by === current
      ? html`<a href="${listUrl(by)}" aria-current="true">${SORTABLE[by].label}</a>`
      : html`<a href="${listUrl(by)}">${SORTABLE[by].label}</a>`,
  );
  return html`<p class="sort-links">Sort by: ${links}</p>`;
}

/** The sentence under the table that says what the totals count. */
function totalsNote({ totals, positions }: Positions): Html | undefined {
  if (totals.pricedCount === positions.length) return undefined;
  if (totals.pricedCount === 0) {
    return html`<p class="note">Set a current price to see market value and gain.</p>`;
  }
  const unpriced = positions.length - totals.pricedCount;
  return html`<p class="note">${unpriced} of ${positions.length} positions ${unpriced === 1 ? 'has' : 'have'} no current price:
    value, gain and return are totalled over the ${totals.pricedCount === 1 ? 'priced position' : `${totals.pricedCount} priced positions`} only, beside ${totals.pricedCount === 1 ? 'its' : 'their'} own cost basis.</p>`;
}

/** The positions table's fixed part for one sort order: the notes, sort links and header row. */
function tableStart(sort: PositionSort, live: boolean): Html {
  const source = live
    ? html`Current prices are quotes from Alpha Vantage or the ones you enter, whichever is newer; each says which
    and the day it is of.`
    : html`There is no quote service here: current prices are the ones you enter, and
    they stay as you set them.`;
  return html`<p class="note" id="prices-note">${source} Figures are computed exactly and rounded half-up only for display: money to
    the cent, average cost to 4 decimal places, percentages to 2.</p>
  ${sortLinks(sort)}
  <div class="table-wrap">
    <table id="positions-table" class="stacking" aria-describedby="prices-note">
      <caption class="visually-hidden">Positions, sorted by ${SORTABLE[sort].label.toLowerCase()}</caption>
      <thead>
        <tr>
          ${sortHeader('symbol', sort, 'col')}
          <th scope="col" class="num">Shares</th>
          <th scope="col" class="num">Average Cost</th>
          <th scope="col" class="num">Cost Basis</th>
          <th scope="col" class="num">Current Price</th>
          ${sortHeader('value', sort, 'col')}
          ${sortHeader('gain', sort, 'col')}
          <th scope="col" class="num">Return</th>
        </tr>
      </thead>`;
}

// One per sort order and price source, built when the module loads: nothing in them depends on the visitor.
const tableStarts = (live: boolean) =>
  Object.fromEntries(
    (Object.keys(SORTABLE) as PositionSort[]).map((sort) => [sort, tableStart(sort, live)]),
  ) as Readonly<Record<PositionSort, Html>>;
const TABLE_STARTS = { manual: tableStarts(false), live: tableStarts(true) } as const;

const POSITION_NOUN = { one: 'position', many: 'positions' } as const;

/**
 * The positions table (the page `shown` of them), the totals of all of them, the links between
 * pages, and the notes on prices and rounding.
 */
export function positionsSection(
  view: Positions,
  sort: PositionSort,
  token: Html,
  prices?: PriceBook,
  shown: PageOf<Position> = {
    items: view.positions,
    page: 1,
    pageCount: 1,
    first: 1,
    total: view.positions.length,
  },
  live = false,
): Html {
  const pages = pageLinks(
    shown,
    POSITION_NOUN,
    (page) => listUrl(sort, page),
    LIST_URL,
    sort === 'symbol' ? {} : { sort },
  );
  const rows = shown.items.map((position) => ({ position, figures: positionFigures(position) }));
  const totals = totalsFigures(view);
  const columns = positionColumns(
    rows.map((row) => row.figures),
    totals,
  );
  return html`${pages}${TABLE_STARTS[live ? 'live' : 'manual'][sort]}
      ${rows.map(({ position, figures }) => positionRows(position, figures, columns, token, prices))}
      ${totalsRow(view, totals, columns, shown.pageCount > 1)}
    </table>
  </div>
  ${totalsNote(view)}`;
}
