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
} from '../../domain/decimal.js';
import type { Position, Positions, PositionSort, Return } from '../../domain/positions.js';
import type { CurrentPrice, PriceBook, PriceSource } from '../../domain/price-book.js';
import { urlFor } from '../../web/urls.js';
import { listUrl, lotsUrl } from '../../web/return-place.js';
import { INLINE_LOTS, type PageOf } from './paging.js';
import { formatCount, pageLinks } from './paging-view.js';
import { html, type Html } from '../../web/html.js';
import { lotActions, lotRows, LOTS_TABLE_HEAD, NOT_SET, type LotActions } from './lots-table.js';
import { TABLE_STARTS } from './positions-head.js';
import {
  alignedBlank,
  alignedFigure,
  decimalColumn,
  numClass,
  type DecimalColumn,
} from '../../web/figures.js';

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

// Defined a layer down, where every form that returns to a page (the edit form's too) reads them.
export {
  listPlaceFields,
  listUrl,
  lotsPlaceFields,
  lotsUrl,
  placeInputs,
  type ListPlace,
  type LotsPlace,
} from '../../web/return-place.js';

const LIST_URL = urlFor('list_stocks');

/** A value, gain and return as the table writes them. */
interface ReturnFigures {
  readonly value: string;
  readonly gain: string;
  readonly percent: string;
}

function returnFigures(figures: Return | undefined): ReturnFigures | undefined {
  return (
    figures && {
      value: formatMoney(figures.value),
      gain: formatSignedMoney(figures.gain),
      percent: formatPercent(figures.gainPercent),
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
function figure(text: string | undefined, column: DecimalColumn): Html | string {
  return text === undefined ? alignedBlank(NOT_SET, column) : alignedFigure(text, column);
}

function returnCells(figures: ReturnFigures | undefined, columns: PositionColumns): Html {
  if (figures === undefined) {
    return html`<td class="num" data-label="Market Value">${figure(undefined, columns.value)}</td><td class="num" data-label="Gain/Loss">${figure(undefined, columns.gain)}</td><td class="num" data-label="Return">${figure(undefined, columns.percent)}</td>`;
  }
  return html`<td class="num" data-label="Market Value">${figure(figures.value, columns.value)}</td>
        <td class="${numClass(figures.gain)}" data-label="Gain/Loss">${figure(figures.gain, columns.gain)}</td>
        <td class="${numClass(figures.percent)}" data-label="Return">${figure(figures.percent, columns.percent)}</td>`;
}

const SELL_URL = urlFor('sell_stock');
const SALES_URL = urlFor('list_sales');

/** The position's realized gain, when it has sales, and the link that sells it. */
function positionSales(position: Position): Html {
  const sell = html`<a href="${SELL_URL}?symbol=${encodeURIComponent(position.symbol)}">Sell ${position.symbol}</a>`;
  if (position.realized === undefined) return html`<p class="position-sales">${sell}</p>`;
  const realized = formatSignedMoney(position.realized);
  return html`<p class="position-sales">Realized gain on sales of ${position.symbol}: <span class="${numClass(realized)}">${realized}</span>
            (<a href="${SALES_URL}#sales-${position.symbol}">see the sales</a>) &middot; ${sell}</p>`;
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
  actions: LotActions,
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
            ${lotRows(shown, actions)}
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
  const actions = lotActions(token, { sort, page: shown.page });
  return html`${pages}${TABLE_STARTS[live ? 'live' : 'manual'][sort]}
      ${rows.map(({ position, figures }) => positionRows(position, figures, columns, actions, prices))}
      ${totalsRow(view, totals, columns, shown.pageCount > 1)}
    </table>
  </div>
  ${totalsNote(view)}`;
}
