/**
 * Current prices typed by the visitor: the "update prices" form (`update_prices`, one field per
 * held symbol, `prices-view.ts`) and, for pages sent before it, the one-price form (`set_price`).
 *
 * The rules, the same for both:
 * - **All or nothing per submit**: if one field is refused, nothing is saved and the form comes
 *   back (422) with each message beside its field.
 * - **Only what changed is saved**: a field still holding what the page showed is left alone, so
 *   saving one price neither re-dates the others nor overwrites a price another tab saved since.
 * - **A blank field never deletes**: emptied on a symbol with a price, it is refused with a
 *   message pointing at the "remove my price" box; removing is that explicit box (`set_price`'s
 *   `remove_price=yes` button).
 * - A saved price is `manual`, dated today (UTC), written through `store.update` (no lost update).
 * @module
 */
import { SessionTooLarge } from 'flask-session-ts';
import type { Context, Hono } from 'hono';
import type { AppEnv, FeatureDeps } from '../../web/context.js';
import { CURRENT_PRICE_FIELD, parseCurrentPrice, REMOVE_PRICE_FIELD } from '../../domain/price-rules.js';
import { positionSort } from '../../domain/positions.js';
import { keepHeldPrices, type PriceBook } from '../../domain/price-book.js';
import { utcDate } from '../../domain/dates.js';
import type { Ledger } from '../../domain/ledger.js';
import { readLedger, readPriceBook, writePriceBook } from '../../session/ledger.js';
import { roomOf } from '../../session/storage.js';
import { readForm, textField, type FormFields } from '../../web/form-body.js';
import { honoPaths } from '../../web/urls.js';
import { renderPage } from '../../web/render.js';
import { redirect } from '../../web/response.js';
import { listUrl } from './positions-view.js';
import { pageOf, parsePageNumber, POSITIONS_PER_PAGE } from './paging.js';
import { livePrices } from './live-prices.js';
import {
  listPlaceUrl,
  priceFields,
  priceRows,
  priceText,
  updatePricesPage,
  updatePricesUrl,
  UPDATE_PRICES_TITLE,
  type ListPlace,
  type PricesFormState,
  type SubmittedPrice,
} from './prices-view.js';
import { renderNoSuchPage } from '../../web/page-links.js';

/** Messages of the price forms, defined once for the handler and the tests. */
export const priceFlashes = Object.freeze({
  full: (room: string) =>
    `Your portfolio is full: ${room} has no room for this price, so no price was saved. Remove a holding to make room.`,
  saved: (symbol: string, price: string) => `Saved the current price of ${symbol}: ${price}.`,
  savedMany: (list: string) => `Saved the current prices of ${list}.`,
  removed: (symbol: string) => `Removed the current price of ${symbol}.`,
  removedMany: (list: string) => `Removed the current prices of ${list}.`,
  unchanged: 'No price changed: every field holds what it held before.',
  notHeld: (symbols: string) =>
    `You hold none of ${symbols} any more (another tab?), so no price was saved. Here are the prices of what you hold now.`,
  confirmRemove: (symbol: string) =>
    `The price of ${symbol} is empty. Enter its current price, or tick “Remove my price of ${symbol}” to remove it.`,
});

/** One symbol's field as submitted: `shown` is absent for the one-price form, which has none. */
interface PriceInput {
  readonly symbol: string;
  readonly value: string;
  readonly shown?: string;
  readonly remove: boolean;
}

/** The change a submit asks for: a canonical price, or `null` to remove the symbol's price. */
type Changes = Map<string, string | null>;

/** The symbols with lots, in symbol order (the positions table's default order). */
function pricedSymbolsOf(ledger: Ledger): string[] {
  return [...new Set(ledger.lots.map((lot) => lot.symbol))].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

function readInputs(form: FormFields): PriceInput[] {
  const removed = new Set([form[priceFields.remove] ?? []].flat().filter((v) => typeof v === 'string'));
  const prefix = priceFields.price('');
  return Object.keys(form)
    .filter((name) => name.startsWith(prefix))
    .map((name) => {
      const symbol = name.slice(prefix.length);
      const shown = textField(form, priceFields.shown(symbol));
      return {
        symbol,
        value: textField(form, name) ?? '',
        ...(shown === undefined ? {} : { shown }),
        remove: removed.has(symbol),
      };
    });
}

/** The changes the inputs ask for, or each refused field's message (then nothing is saved). */
function changesOf(
  inputs: readonly PriceInput[],
  book: PriceBook,
): { ok: true; changes: Changes } | { ok: false; messages: Map<string, string> } {
  const changes: Changes = new Map();
  const messages = new Map<string, string>();
  for (const { symbol, value, shown, remove } of inputs) {
    if (remove) {
      changes.set(symbol, null);
      continue;
    }
    if (shown !== undefined && value.trim() === shown.trim()) continue;
    const result = parseCurrentPrice(value);
    if (result.ok) changes.set(symbol, result.price);
    else {
      // Emptied on a symbol with a price: asked, never read as "remove".
      const priced = result.blank === true && (shown === undefined ? book.has(symbol) : shown.trim() !== '');
      messages.set(symbol, priced ? priceFlashes.confirmRemove(symbol) : result.message);
    }
  }
  return messages.size === 0 ? { ok: true, changes } : { ok: false, messages };
}

/** "AAPL ($310.50), MSFT ($2.00)" and "TSLA" for the flash. */
function savedMessage(changes: Changes): string {
  const saved = [...changes].filter((entry): entry is [string, string] => entry[1] !== null);
  const removed = [...changes].filter(([, price]) => price === null).map(([symbol]) => symbol);
  const [first] = saved;
  const savedText =
    saved.length === 0
      ? ''
      : saved.length === 1 && first !== undefined
        ? priceFlashes.saved(first[0], priceText(first[1]))
        : priceFlashes.savedMany(
            saved.map(([symbol, price]) => `${symbol} (${priceText(price)})`).join(', '),
          );
  const [only] = removed;
  const removedText =
    removed.length === 0
      ? ''
      : removed.length === 1 && only !== undefined
        ? priceFlashes.removed(only)
        : priceFlashes.removedMany(removed.join(', '));
  return [savedText, removedText].filter((text) => text !== '').join(' ');
}

type Deps = Pick<FeatureDeps, 'store' | 'now' | 'quotes'>;

/**
 * The portfolio's page the visitor came from, from the query or the form: a known sort (anything
 * else is the default order) and a page number (anything but a positive integer is page 1); none
 * when neither field is there. Only these two values go into the URL the form returns to.
 */
function listPlaceOf(sort: string | undefined, page: string | undefined): ListPlace | undefined {
  if (sort === undefined && page === undefined) return undefined;
  return { sort: positionSort(sort), page: parsePageNumber(page) ?? 1 };
}

/** Renders the form at `page` (or the page holding `symbol`), with `state` after a refusal. */
async function renderPricesForm(
  c: Context<AppEnv>,
  { quotes }: Deps,
  pageText: string | undefined,
  place: ListPlace | undefined,
  state?: PricesFormState,
  symbol?: string,
) {
  const session = c.get('session');
  const ledger = readLedger(session);
  const mine = readPriceBook(session);
  const shown =
    quotes === undefined ? mine : (await livePrices(quotes, ledger, mine, { signal: c.req.raw.signal })).book;
  const symbols = pricedSymbolsOf(ledger);
  const at = symbol === undefined ? -1 : symbols.indexOf(symbol);
  const asked = at >= 0 ? Math.floor(at / POSITIONS_PER_PAGE) + 1 : parsePageNumber(pageText);
  const rows =
    asked === undefined ? undefined : pageOf(priceRows(symbols, mine, shown), asked, POSITIONS_PER_PAGE);
  if (rows === undefined) {
    const pageCount = Math.max(1, Math.ceil(symbols.length / POSITIONS_PER_PAGE));
    return renderNoSuchPage(c, pageText ?? '', 'your prices', pageCount, (page) =>
      updatePricesUrl(page, place),
    );
  }
  const refused = state !== undefined;
  return renderPage(
    c,
    { title: refused ? `Error: ${UPDATE_PRICES_TITLE}` : UPDATE_PRICES_TITLE, status: refused ? 422 : 200 },
    (page) => updatePricesPage(rows, page.csrfToken ?? '', quotes !== undefined, state, place),
  );
}

/**
 * Saves `inputs` all or nothing, then redirects to `done`; a refusal renders the form again (422),
 * still returning to `place`.
 */
async function savePrices(
  c: Context<AppEnv>,
  deps: Deps,
  inputs: readonly PriceInput[],
  pageText: string | undefined,
  done: string,
  place?: ListPlace,
) {
  const { store, now } = deps;
  const session = c.get('session');
  const submitted = (messages: ReadonlyMap<string, string>) =>
    new Map(
      inputs.map(({ symbol, value, shown, remove }): [string, SubmittedPrice] => {
        const message = messages.get(symbol);
        return [
          symbol,
          {
            value,
            remove,
            ...(shown === undefined ? {} : { shown }),
            ...(message === undefined ? {} : { message }),
          },
        ];
      }),
    );
  const asked = changesOf(inputs, readPriceBook(session));
  // The one-price form names its symbol: its refusal shows the page that holds that field.
  const single = inputs.length === 1 && inputs[0]?.shown === undefined ? inputs[0]?.symbol : undefined;
  if (!asked.ok) {
    return renderPricesForm(c, deps, pageText, place, { submitted: submitted(asked.messages) }, single);
  }
  if (asked.changes.size === 0) {
    session.flash('info', priceFlashes.unchanged);
    return redirect(c, done, 302);
  }
  const outcome = { notHeld: [] as string[] };
  try {
    await store.update(session, (fresh) => {
      const ledger = readLedger(fresh);
      const held = new Set(ledger.lots.map((lot) => lot.symbol));
      outcome.notHeld = [...asked.changes.keys()].filter((symbol) => !held.has(symbol));
      if (outcome.notHeld.length > 0) {
        fresh.flash('error', priceFlashes.notHeld(outcome.notHeld.join(', ')));
        return;
      }
      const book = new Map(readPriceBook(fresh));
      // A typed price is as of today: the page shows its source and date.
      const today = utcDate(now());
      for (const [symbol, price] of asked.changes) {
        if (price === null) book.delete(symbol);
        else book.set(symbol, { price, source: 'manual', asOf: today });
      }
      writePriceBook(fresh, keepHeldPrices(book, ledger).book);
      fresh.flash('success', savedMessage(asked.changes));
    });
  } catch (error) {
    if (!(error instanceof SessionTooLarge)) throw error;
    return renderPricesForm(
      c,
      deps,
      pageText,
      place,
      { submitted: submitted(new Map()), formMessage: priceFlashes.full(roomOf(store)) },
      single,
    );
  }
  // Nothing saved: the form again, listing what is held now.
  if (outcome.notHeld.length > 0) {
    return redirect(c, updatePricesUrl(parsePageNumber(pageText) ?? 1, place), 302);
  }
  return redirect(c, done, 302);
}

/** Registers `update_prices` (GET and POST) and `set_price` on `app`. */
export function registerPrices(app: Hono<AppEnv>, deps: Deps): void {
  app.get(honoPaths.update_prices, (c) =>
    renderPricesForm(
      c,
      deps,
      c.req.query('page'),
      listPlaceOf(c.req.query(priceFields.listSort), c.req.query(priceFields.listPage)),
    ),
  );

  app.post(honoPaths.update_prices, async (c) => {
    const form = await readForm(c);
    const page = textField(form, priceFields.page);
    const place = listPlaceOf(textField(form, priceFields.listSort), textField(form, priceFields.listPage));
    // Back to the portfolio's page the visitor came from; without one, to the page of the
    // portfolio (sorted by symbol, as this form is) that lists this page's symbols.
    const done = place === undefined ? listUrl('symbol', parsePageNumber(page) ?? 1) : listPlaceUrl(place);
    return savePrices(c, deps, readInputs(form), page, done, place);
  });

  app.post(honoPaths.set_price, async (c) => {
    const form = await readForm(c);
    const symbol = textField(form, 'symbol') ?? '';
    const page = textField(form, 'page');
    const input: PriceInput = {
      symbol,
      value: textField(form, CURRENT_PRICE_FIELD) ?? '',
      remove: textField(form, REMOVE_PRICE_FIELD) === 'yes',
    };
    const done = listUrl(positionSort(textField(form, 'sort')), parsePageNumber(page) ?? 1);
    return savePrices(c, deps, [input], undefined, done);
  });
}
