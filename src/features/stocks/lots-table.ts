/**
 * A table of lots: its head row and its rows, each with the lot's figures aligned on their decimal
 * points, its Edit link and its Remove button. Used under each position on the list and on a
 * symbol's lots page.
 * @module
 */
import { formatMoney, formatPrice, formatQuantity } from '../../domain/decimal.js';
import type { Lot } from '../../domain/positions.js';
import { alignedFigure, decimalColumn, type DecimalColumn } from '../../web/figures.js';
import { html, type Html } from '../../web/html.js';
import { placeInputs, placeQuery, type ListPlace, type LotsPlace } from '../../web/return-place.js';
import { indexedUrl } from '../../web/urls.js';

/**
 * A dash for a figure that needs a price the visitor has not set: never a zero that looks real.
 * Written `&mdash;`, as every character beyond ASCII in this page's templates: one character beyond
 * Latin-1 makes V8 hold the whole page as a two-byte string (about 50 µs more CPU a request to build,
 * flatten and encode the 34 KB page, `npm run bench -- --quick`), and one beyond ASCII (a `·`) makes
 * its UTF-8 encoding a conversion instead of a copy (5–10 µs of the page's build and encoding).
 */
export const NOT_SET = html`<span aria-hidden="true">&mdash;</span><span class="visually-hidden">not set</span>`;

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

/** What every lot row of a page carries in its Edit link and Remove form: made once per page. */
export interface LotActions {
  /** The Remove form's hidden fields: the CSRF token and the page to return to. */
  readonly formFields: Html;
  /** The Edit link's query: the edit form returns to this page too. */
  readonly editQuery: string;
}

/**
 * The lot rows' actions on a page: `place` is the page they are on (a lots page, or a page of the
 * portfolio in its order), where their Edit and Remove return.
 */
export function lotActions(token: Html, place?: LotsPlace | ListPlace): LotActions {
  const inputs = placeInputs(place);
  return {
    formFields: inputs === undefined ? token : html`${token}${inputs}`,
    editQuery: placeQuery(place),
  };
}

/**
 * The rows of a table of lots (the list's details and the lots page), each with its edit link and
 * remove button ({@link lotActions}), the figures aligned on their decimal points over these rows.
 */
export function lotRows(lots: readonly Lot[], { formFields, editQuery }: LotActions): Html[] {
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
  return figures.map((row) => lotRow(row, columns, formFields, editQuery));
}

function lotRow(figures: LotFigures, columns: LotColumns, formFields: Html, editQuery: string): Html {
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
                <a href="${editUrl(id)}${editQuery}" aria-label="Edit ${symbol}, ${shares} shares${date === undefined ? '' : ` bought ${date}`}">Edit</a>
                <form method="post" action="${removeUrl(id)}" class="inline">
                  ${formFields}
                  <button type="submit" class="link" aria-label="Remove ${symbol} lot ${date === undefined ? `of ${shares} shares` : `bought ${date} (${shares} shares)`}">Remove</button>
                </form>
              </td>
            </tr>`;
}
