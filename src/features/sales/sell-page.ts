/**
 * The sell form: the symbol's open lots to pick from (paged), the price, date and fee of the sale.
 * @module
 */
import { formatPrice, formatQuantity } from '../../domain/decimal.js';
import type { LotView } from '../../domain/gains.js';
import { amountOf } from '../../domain/ledger.js';
import { normalizeSymbol } from '../../domain/portfolio.js';
import {
  PICK_PREFIX,
  salePriceMessages,
  saleDateMessages,
  SALE_FIELD_NAMES,
} from '../../domain/sale-rules.js';
import { stockFields, UNSIGNED_NUMBER } from '../../domain/stock-fields.js';
import { errorSummary, type SummaryItem } from '../../web/error-summary.js';
import { html, type Html } from '../../web/html.js';
import { csrfField } from '../../web/layout.js';
import { feeField } from '../../web/stock-form.js';
import { formatCount, pageLinks, type Noun, type PageOf } from '../../web/page-links.js';
import { urlFor } from '../../web/urls.js';

/** The sell page's title and heading. */
export const SELL_TITLE = 'Sell stock';

/** What the sell form shows: entered values, a message per bad field, one for the whole form. */
export interface SaleFormState {
  readonly values: Readonly<Record<string, string>>;
  readonly errors: Readonly<Record<string, string>>;
  readonly formError?: string | undefined;
}

const LABELS: Readonly<Record<(typeof SALE_FIELD_NAMES)[number], string>> = {
  stock_symbol: 'Stock Symbol',
  number_of_shares: 'Number of Shares',
  sale_price: 'Sale Price ($)',
  sale_date: 'Sale Date (optional)',
  fee: 'Fee ($, optional)',
};

function textInput(
  name: string,
  label: string,
  value: string,
  error: string | undefined,
  attributes: Html,
): Html {
  const errorId = `${name}-error`;
  const invalid = error !== undefined;
  return html`<div class="${invalid ? 'field invalid' : 'field'}">
      <label for="${name}">${label}</label>
      <input id="${name}" name="${name}" value="${value}" autocomplete="off" ${attributes}${
        invalid && html` aria-invalid="true" aria-describedby="${errorId}"`
      } />
      ${invalid && html`<p class="field-error" id="${errorId}">${error}</p>`}
    </div>`;
}

/** A picked lot's shares: a number of shares, or empty. */
const PICK_PATTERN = `\\s*(?:${UNSIGNED_NUMBER})?\\s*`;

/** The hidden field that says which page of lots a posted form's picks came from. */
export const PICKS_PAGE_FIELD = 'picks_page';

/** What the pages of the lots to pick from are of, for their links. */
const OPEN_LOTS: Noun = { one: 'open lot', many: 'open lots' };

/** The sell form's URL for `symbol`, on `page` of its lots to pick from. */
export function sellUrl(symbol: string, page = 1): string {
  const url = urlFor('sell_stock');
  const query = new URLSearchParams();
  if (symbol !== '') query.set('symbol', symbol);
  if (page > 1) query.set('page', String(page));
  const text = query.toString();
  return text === '' ? url : `${url}?${text}`;
}

/** `first–last of total`, as the page links write where a page sits. */
function span(lots: PageOf<LotView>): string {
  const last = lots.first + lots.items.length - 1;
  return `${formatCount(lots.first)}–${formatCount(last)} of ${formatCount(lots.total)}`;
}

function lotPicks(lots: PageOf<LotView>, form: SaleFormState): Html | undefined {
  if (lots.items.length === 0) return undefined;
  const paged = lots.pageCount > 1;
  return html`<fieldset class="picks">
      <legend>Which lots${paged && `, of open lots ${span(lots)}`} (optional: leave empty to sell the oldest first)</legend>
      ${paged && html`<input type="hidden" name="${PICKS_PAGE_FIELD}" value="${lots.page}" />`}
      ${lots.items.map((lot) => {
        const name = `${PICK_PREFIX}${lot.lot.id}`;
        const bought = lot.lot.date === undefined ? 'no date' : `bought ${lot.lot.date}`;
        return textInput(
          name,
          `Lot #${lot.lot.id}, ${bought} at ${formatPrice(amountOf(lot.lot.price))}: ${formatQuantity(lot.remaining)} shares left`,
          form.values[name] ?? '',
          form.errors[name],
          html`type="text" inputmode="decimal" pattern="${PICK_PATTERN}" maxlength="64"`,
        );
      })}
    </fieldset>`;
}

/**
 * What a sell form whose lots take more than one page says above the form: which lots the picks
 * apply to, how to reach the others, and that a sale without picks still sells from all of them.
 * The links are outside the form: their "go to page" form may not sit inside another form.
 */
function picksPages(symbol: string, lots: PageOf<LotView>): Html | undefined {
  if (lots.pageCount <= 1) return undefined;
  const total = formatCount(lots.total);
  return html`<p class="note" id="picks-pages">${symbol} has ${total} open lots, too many for one page: this page lists open lots ${span(lots)} to pick from, and picks apply to those only.
    To pick from other lots, go to their page first (changing page starts this form again).
    A sale without picks sells the oldest shares first, from all ${total} lots.</p>
  ${pageLinks(lots, OPEN_LOTS, (page) => sellUrl(symbol, page), urlFor('sell_stock'), { symbol })}`;
}

/**
 * The sell form: the add form's fields with `sale_` names, the fee, and, when the symbol is held,
 * one field per open lot to pick the shares from: a page of them (`LOTS_PER_PAGE`) when there are
 * more, with links to the other pages.
 * @param lots the page of the symbol's open lots to list (of none when it holds none).
 */
export function sellPage(
  form: SaleFormState,
  lots: PageOf<LotView>,
  csrfToken: string,
  latestDate: string,
): Html {
  const items: SummaryItem[] = Object.entries(form.errors).map(([fieldId, message]) => ({
    message,
    fieldId,
  }));
  if (form.formError !== undefined) items.unshift({ message: form.formError });
  const value = (name: string) => form.values[name] ?? '';
  const symbol = stockFields.stock_symbol;
  const shares = stockFields.number_of_shares;
  return html`<section>
  <h1>${SELL_TITLE}</h1>
  ${errorSummary(items)}
  ${picksPages(normalizeSymbol(value('stock_symbol')), lots)}
  <form method="post" action="${urlFor('sell_stock')}" class="stock-form">
    ${csrfField(csrfToken)}
    ${textInput('stock_symbol', LABELS.stock_symbol, value('stock_symbol'), form.errors['stock_symbol'], html`type="text" required pattern="${symbol.pattern}" title="${symbol.title}" maxlength="${symbol.maxLength}" autocapitalize="characters" placeholder="AAPL"`)}
    ${textInput('number_of_shares', LABELS.number_of_shares, value('number_of_shares'), form.errors['number_of_shares'], html`type="text" required pattern="${shares.pattern}" title="${shares.title}" maxlength="64" inputmode="decimal" placeholder="15"`)}
    ${textInput('sale_price', LABELS.sale_price, value('sale_price'), form.errors['sale_price'], html`type="text" required pattern="${stockFields.purchase_price.pattern}" title="${salePriceMessages.invalid}" maxlength="64" inputmode="decimal" placeholder="310.50"`)}
    ${textInput('sale_date', LABELS.sale_date, value('sale_date'), form.errors['sale_date'], html`type="date" pattern="${stockFields.purchase_date.pattern}" title="${saleDateMessages.invalid}" maxlength="64" max="${latestDate}" placeholder="YYYY-MM-DD"`)}
    ${feeField(value('fee'), form.errors['fee'])}
    ${lotPicks(lots, form)}
    <div class="actions">
      <button type="submit">Record sale</button>
      <a href="${urlFor('list_stocks')}">Cancel</a>
    </div>
  </form>
</section>`;
}
