/**
 * The "update prices" page: one form for the current prices of every held symbol (in pages of
 * {@link POSITIONS_PER_PAGE} symbols), one labelled field each, and one Save button.
 *
 * Why a page of its own rather than fields in the positions table (`form=` attributes): the table
 * stays a table of figures (no input in every row: lighter to send, and nothing to tab through on
 * the way to the lots), while this page is a plain form in document order, one label per field,
 * that a keyboard or a screen reader walks from top to bottom; a refused field gets its message
 * beside it and a link in the error summary, as on every other form of the app.
 *
 * A field holds the visitor's own price only, never a quote: a quote shown there would be saved
 * as a price "entered by you, as of today" the next time the visitor pressed Save. The price the
 * portfolio shows (a quote, or the visitor's own) is given as text beside the field.
 * @module
 */
import { currentPriceHints } from '../../domain/price-rules.js';
import { formatPrice, parseDecimal } from '../../domain/decimal.js';
import type { CurrentPrice, PriceBook, PriceSource } from '../../domain/price-book.js';
import { csrfField } from '../../web/layout.js';
import { errorSummary } from '../../web/error-summary.js';
import { html, type Html } from '../../web/html.js';
import { urlFor } from '../../web/urls.js';
import type { PositionSort } from '../../domain/positions.js';
import type { PageOf } from './paging.js';
import { pageLinks } from './paging-view.js';
import { listUrl } from './positions-view.js';

/** The page's title. */
export const UPDATE_PRICES_TITLE = 'Update prices';

/** Field names of the form, per symbol: defined once for the view, the handler and the tests. */
export const priceFields = Object.freeze({
  /** The price typed for `symbol`. */
  price: (symbol: string) => `current_price.${symbol}`,
  /**
   * What the field held when the page was sent: only a field the visitor changed is saved, so a
   * price another tab saved meanwhile is not overwritten by this page's older copy of it.
   */
  shown: (symbol: string) => `shown_price.${symbol}`,
  /** The checkbox that removes a symbol's price; its value is the symbol. */
  remove: 'remove_price',
  /** The page of symbols the form was on. */
  page: 'page',
  /** The portfolio's order the visitor came from (see {@link ListPlace}). */
  listSort: 'list_sort',
  /** The portfolio's page the visitor came from (see {@link ListPlace}). */
  listPage: 'list_page',
});

/**
 * The page of the portfolio, in its order, that the form returns to after a save: the one whose
 * "Update prices" link the visitor followed. It travels as a sort and a page number, each checked
 * where it is read (`prices.ts`), never as a URL, so the form cannot be made to send anyone elsewhere.
 */
export interface ListPlace {
  readonly sort: PositionSort;
  readonly page: number;
}

/** The query fields (and the form's hidden fields) that carry `place`; none without one. */
function listPlaceFields(place: ListPlace | undefined): Record<string, string> {
  if (place === undefined) return {};
  return {
    ...(place.sort === 'symbol' ? {} : { [priceFields.listSort]: place.sort }),
    [priceFields.listPage]: String(place.page),
  };
}

/** Where the form sends the visitor back to: the page they came from. */
export function listPlaceUrl(place: ListPlace): string {
  return listUrl(place.sort, place.page);
}

/** The id of `symbol`'s price field (also the target of the error summary's link). */
export function priceFieldId(symbol: string): string {
  return `price-${symbol}`;
}

/** One symbol's row as the form shows it. */
export interface PriceRow {
  readonly symbol: string;
  /** The visitor's own (manual) price, if any. */
  readonly mine?: CurrentPrice;
  /** The price the portfolio shows (the visitor's, or a quote when live quotes are on). */
  readonly shown?: CurrentPrice;
}

/** What the visitor sent for one symbol, shown again after a refusal. */
export interface SubmittedPrice {
  readonly value: string;
  /** What the field held when its page was sent; absent from the one-price form. */
  readonly shown?: string;
  readonly remove: boolean;
  readonly message?: string;
}

/** The form's state after a refused submit. */
export interface PricesFormState {
  readonly submitted: ReadonlyMap<string, SubmittedPrice>;
  /** A problem of the whole form (the portfolio is full; a symbol is no longer held). */
  readonly formMessage?: string;
}

const SOURCE_WORDS: Readonly<Record<PriceSource, string>> = {
  manual: 'your price',
  'alpha-vantage': 'Alpha Vantage quote',
};

/** A stored (canonical) price as the page writes it, e.g. `$310.50`. */
export function priceText(price: string): string {
  const value = parseDecimal(price);
  // The price book holds canonical decimals only; shown as stored should one ever not be.
  return value === undefined ? price : formatPrice(value);
}

/** The visitor's own price as the field shows it, e.g. `$310.50`; empty without one. */
export function ownPriceText(mine: CurrentPrice | undefined): string {
  return mine?.source === 'manual' ? priceText(mine.price) : '';
}

function shownText(shown: CurrentPrice | undefined): string {
  if (shown === undefined) return 'No current price.';
  const date = shown.asOf === undefined ? 'date not recorded' : `as of ${shown.asOf}`;
  return `Shown now: ${priceText(shown.price)} (${SOURCE_WORDS[shown.source]}, ${date}).`;
}

// The same on every field: escaped once, when the module loads.
const PRICE_HINTS = html`pattern="${currentPriceHints.pattern}" title="${currentPriceHints.title}"
          maxlength="${currentPriceHints.maxLength}"`;

function priceRow(row: PriceRow, sent: SubmittedPrice | undefined): Html {
  const { symbol } = row;
  const id = priceFieldId(symbol);
  const own = ownPriceText(row.mine);
  const value = sent?.value ?? own;
  const shown = sent?.shown ?? own;
  const described = [`${id}-shown`, ...(sent?.message === undefined ? [] : [`${id}-error`])].join(' ');
  return html`<div class="price-row">
        <label for="${id}">Current price of ${symbol} ($)</label>
        <input id="${id}" name="${priceFields.price(symbol)}" type="text" value="${value}" inputmode="decimal"
          ${PRICE_HINTS} autocomplete="off" size="12" aria-describedby="${described}"${
            sent?.message !== undefined && html` aria-invalid="true"`
          } />
        <input type="hidden" name="${priceFields.shown(symbol)}" value="${shown}" />
        <p class="price-now" id="${id}-shown">${shownText(row.shown)}</p>${
          sent?.message !== undefined &&
          html`
        <p class="field-error" id="${id}-error">${sent.message}</p>`
        }${
          own !== '' &&
          html`
        <p class="price-remove"><input type="checkbox" id="${id}-remove" name="${priceFields.remove}" value="${symbol}"${sent?.remove === true && html` checked`} />
          <label for="${id}-remove">Remove my price of ${symbol}</label></p>`
        }
      </div>`;
}

const UPDATE_PRICES_URL = urlFor('update_prices');
const LIST_URL = urlFor('list_stocks');
const PRICE_NOUN = { one: 'symbol', many: 'symbols' } as const;

/** The URL of the form's page `page`, returning to `place` after a save when there is one. */
export function updatePricesUrl(page = 1, place?: ListPlace): string {
  const query = new URLSearchParams({
    ...(page > 1 ? { page: String(page) } : {}),
    ...listPlaceFields(place),
  });
  return query.size === 0 ? UPDATE_PRICES_URL : `${UPDATE_PRICES_URL}?${query.toString()}`;
}

/**
 * The "Update prices" link of the portfolio's page `place`: in symbol order it opens the form's
 * page of the same number (both list 100 symbols a page in that order, so the same symbols unless
 * some symbol is sold out: the form lists those too), and the form returns to `place` after a
 * save. From the first page in symbol order, the form's own default.
 */
export function updatePricesLink(place: ListPlace): string {
  if (place.sort === 'symbol' && place.page === 1) return UPDATE_PRICES_URL;
  return updatePricesUrl(place.sort === 'symbol' ? place.page : 1, place);
}

/** The page: the held symbols of `rows`'s page, one field each, and one Save button. */
export function updatePricesPage(
  rows: PageOf<PriceRow>,
  csrfToken: string,
  live: boolean,
  state?: PricesFormState,
  place?: ListPlace,
): Html {
  const back = place === undefined ? LIST_URL : listPlaceUrl(place);
  const placeFields = listPlaceFields(place);
  const problems = [
    ...(state?.formMessage === undefined ? [] : [{ message: state.formMessage }]),
    ...rows.items.flatMap(({ symbol }) => {
      const message = state?.submitted.get(symbol)?.message;
      return message === undefined ? [] : [{ message, fieldId: priceFieldId(symbol) }];
    }),
  ];
  const source = live
    ? html`Quotes from Alpha Vantage are shown beside each field; a field holds only a price you entered.
    Whichever of the two is newer is the one the portfolio uses.`
    : html`There is no quote service here: the portfolio uses the prices you enter.`;
  return html`<section>
  <h1>${UPDATE_PRICES_TITLE}</h1>
  ${errorSummary(problems)}
  <p class="note" id="update-prices-note">${source} A saved price is dated today. Only the fields you change are saved,
    all of them or, if one is refused, none. To remove a price, tick its box.</p>
  ${
    rows.total === 0
      ? html`<p>You hold no stock, so there is no price to set. <a href="${urlFor('add_stock')}">Add a stock</a></p>`
      : html`${pageLinks(rows, PRICE_NOUN, (page) => updatePricesUrl(page, place), UPDATE_PRICES_URL, placeFields)}
  <form method="post" action="${UPDATE_PRICES_URL}" class="prices-form" aria-describedby="update-prices-note">
    ${csrfField(csrfToken)}${
      rows.page > 1 &&
      html`
    <input type="hidden" name="${priceFields.page}" value="${rows.page}" />`
    }${Object.entries(placeFields).map(
      ([name, value]) => html`
    <input type="hidden" name="${name}" value="${value}" />`,
    )}
    <fieldset>
      <legend>Current prices per share</legend>
      ${rows.items.map((row) => priceRow(row, state?.submitted.get(row.symbol)))}
    </fieldset>
    <div class="actions">
      <button type="submit">Save prices</button>
      <a class="button secondary" href="${back}">Back to the portfolio</a>
    </div>
  </form>`
  }
</section>`;
}

/** The rows of `symbols`: each with the visitor's own price and the one the portfolio shows. */
export function priceRows(symbols: readonly string[], mine: PriceBook, shown: PriceBook): PriceRow[] {
  return symbols.map((symbol) => {
    const own = mine.get(symbol);
    const now = shown.get(symbol);
    return {
      symbol,
      ...(own?.source === 'manual' ? { mine: own } : {}),
      ...(now === undefined ? {} : { shown: now }),
    };
  });
}
