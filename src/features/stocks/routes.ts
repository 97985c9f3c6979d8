/**
 * The portfolio: add a holding, list them, remove one (`undo.ts` puts it back; `clear.ts` clears).
 * Every change goes through `store.update` and reads the holdings it changes inside it: a
 * server-side store may rerun it on fresher data (another tab saved first), and a change that
 * would not fit is refused with a message while what was saved before stays saved.
 * @module
 */
import type { Context, Hono } from 'hono';
import type { AppEnv, FeatureDeps } from '../../web/context.js';
import { parseStockForm } from '../../domain/stock-rules.js';
import { FIELD_NAMES, purchaseDateBounds } from '../../domain/stock-fields.js';
import { encodePortfolio, type Holding } from '../../domain/portfolio.js';
import { buildPositions, positionSort } from '../../domain/positions.js';
import { decodePrices } from '../../domain/prices.js';
import { readHoldings, writeHoldings } from '../../session/portfolio.js';
import {
  CookieSessionStore,
  ServerSessionStore,
  Session,
  SessionTooLarge,
  type SessionStore,
} from 'flask-session-ts';
import { flashIfRoom, updateFirstThatFits } from '../../session/updates.js';
import { renderPage } from '../../web/render.js';
import type { PriceFormError } from './positions-view.js';
import { ADD_STOCK_TITLE, addStockPage, listStocksPage, PORTFOLIO_TITLE } from './view.js';
import { EMPTY_FORM, formHasErrors, type StockFormState } from '../../web/stock-form.js';
import { roomForMore } from '../../session/capacity.js';
import { formatBytes } from '../../session/storage.js';
import { readForm, textField } from '../../web/form-body.js';
import { rememberRemoval, undoOffer } from './undo.js';
import { honoPaths, urlFor } from '../../web/urls.js';
import { redirect } from '../../web/response.js';

/** The message shown when the session cannot take one more holding: the cookie's, or the server store's cap. */
export function portfolioFullMessage(
  count: number,
  where: 'cookie' | 'server' = 'cookie',
  capBytes?: number,
): string {
  const most =
    where === 'cookie'
      ? 'a browser cookie can hold'
      : `the server keeps for one portfolio${capBytes === undefined ? '' : ` (${formatBytes(capBytes)})`}`;
  return `Your portfolio is full: ${count} holdings is the most ${most}. Remove one to add another.`;
}

/** A server store's cap on one session, in bytes; undefined for the cookie. */
export function capBytesOf(store: SessionStore): number | undefined {
  return store instanceof ServerSessionStore ? store.maxSessionBytes : undefined;
}

/** Where the session lives, for messages: in the cookie itself, or on the server. */
export function storageOf(store: SessionStore): 'cookie' | 'server' {
  return store instanceof CookieSessionStore ? 'cookie' : 'server';
}

/** The flash after an add. */
export function addedMessage(symbol: string): string {
  return `Added new stock (${symbol})!`;
}

/** The add-stock change: the one the handler saves and the one "how many more fit" measures. */
export function addHolding(holding: Holding) {
  return (session: AppEnv['Variables']['session']): void => {
    writeHoldings(session, [...readHoldings(session), holding]);
    session.flash('success', addedMessage(holding.symbol));
  };
}

function renderForm(c: Context<AppEnv>, form: StockFormState, status: 200 | 422, now: () => number) {
  const { latest } = purchaseDateBounds(now());
  const title = formHasErrors(form) ? `Error: ${ADD_STOCK_TITLE}` : ADD_STOCK_TITLE;
  return renderPage(c, { title, status }, (page) => addStockPage(form, page.csrfToken ?? '', latest));
}

/**
 * The list page: positions (sorted by `sort`, a query or form value), lots, chart and capacity.
 * Also answers a refused current price (422), with the message beside that position's field.
 */
export function renderStockList(
  c: Context<AppEnv>,
  { store }: Pick<FeatureDeps, 'store'>,
  sort: string | undefined,
  priceError?: PriceFormError,
) {
  const title = priceError === undefined ? PORTFOLIO_TITLE : `Error: ${PORTFOLIO_TITLE}`;
  return renderPage(c, { title, status: priceError === undefined ? 200 : 422 }, (page) => {
    const session = c.get('session');
    const holdings = readHoldings(session);
    const view = buildPositions(holdings, decodePrices(session.get('prices')), positionSort(sort));
    // After the page consumed its flashes: the session as this response will send it.
    const remaining = roomForMore(store, session, holdings, addHolding, c.req.header('cookie'));
    return listStocksPage(
      view,
      {
        sort: positionSort(sort),
        remaining,
        priceError,
        storage: storageOf(store),
        capBytes: capBytesOf(store),
        removed: undoOffer(session)?.holding,
      },
      page.csrfToken ?? '',
    );
  });
}

/**
 * Bytes one typical holding adds to the session as `store` keeps it (4-letter symbol, whole shares,
 * a price in cents, a date), measured with the store's own `measure` on a deterministic sample: an
 * estimate for tests and tools that fill a portfolio; the page itself uses {@link roomForMore}.
 */
export function bytesPerHolding(store: SessionStore): number {
  let seed = 42;
  const next = (n: number) => {
    seed = (seed * 1103515245 + 12345) % 2 ** 31;
    return seed % n;
  };
  const sample: Holding[] = Array.from({ length: 100 }, () => ({
    symbol: Array.from({ length: 4 }, () => String.fromCharCode(65 + next(26))).join(''),
    shares: String(1 + next(5000)),
    price: `${1 + next(2000)}.${String(next(100)).padStart(2, '0')}`,
    // Every holding added through the form has a date; a spread of days, as a real portfolio has.
    date: `20${String(10 + next(16))}-${String(1 + next(12)).padStart(2, '0')}-${String(1 + next(28)).padStart(2, '0')}`,
  }));
  // measure() works on any session; these two were never opened, so nothing is saved.
  const empty = store.measure(new Session({ portfolio: [] }));
  const full = store.measure(new Session({ portfolio: encodePortfolio(sample) }));
  return Math.max(1, (full - empty) / sample.length);
}

/** Registers the portfolio routes on `app`. */
export function registerStocks(app: Hono<AppEnv>, deps: FeatureDeps): void {
  const { store, logger, now } = deps;
  app.get(honoPaths.add_stock, (c) => renderForm(c, EMPTY_FORM, 200, now));

  app.post(honoPaths.add_stock, async (c) => {
    const form = await readForm(c);
    logger
      .forRequest(c.get('head').requestId)
      .debug(
        `add_stock form: ${JSON.stringify(Object.fromEntries(FIELD_NAMES.map((name) => [name, form[name] ?? null])))}`,
      );
    const result = parseStockForm(form, purchaseDateBounds(now()));
    if (!result.ok) return renderForm(c, { values: result.values, errors: result.errors }, 422, now);

    try {
      await store.update(c.get('session'), addHolding(result.holding));
    } catch (error) {
      if (!(error instanceof SessionTooLarge)) throw error;
      const values = {
        stock_symbol: result.holding.symbol,
        number_of_shares: result.holding.shares,
        purchase_price: result.holding.price,
        purchase_date: result.holding.date ?? '',
      };
      const count = readHoldings(c.get('session')).length;
      return renderForm(
        c,
        { values, errors: {}, formError: portfolioFullMessage(count, storageOf(store), capBytesOf(store)) },
        422,
        now,
      );
    }
    return redirect(c, urlFor('list_stocks'), 302);
  });

  app.get(honoPaths.list_stocks, (c) => renderStockList(c, deps, c.req.query('sort')));

  app.post(honoPaths.delete_stock, async (c) => {
    const form = await readForm(c);
    const index = Number(c.req.param('index'));
    const expectedSymbol = textField(form, 'symbol');
    const session = c.get('session');
    let removed: Holding | undefined;
    const removeIt = (s: typeof session) => {
      const holdings = readHoldings(s);
      const target = holdings[index];
      // The symbol guards against a stale page: in another tab the rows may have moved.
      removed = target !== undefined && target.symbol === expectedSymbol ? target : undefined;
      if (removed !== undefined)
        writeHoldings(
          s,
          holdings.filter((_, i) => i !== index),
        );
    };
    await updateFirstThatFits(store, session, [
      (s) => {
        removeIt(s);
        if (removed !== undefined) rememberRemoval(s, index, removed);
      },
      (s) => {
        removeIt(s);
        s.delete('undo');
        if (removed !== undefined) s.flash('success', `Removed ${removed.symbol}.`);
      },
      (s) => {
        removeIt(s);
        s.delete('undo');
      },
    ]);
    if (removed === undefined) {
      await flashIfRoom(
        store,
        session,
        'error',
        'That holding was already removed or has moved (another tab?). Nothing was removed.',
      );
    }
    return redirect(c, urlFor('list_stocks'), 302);
  });
}
