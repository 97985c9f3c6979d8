/**
 * The portfolio: add a holding, list them, remove one (`undo.ts` puts it back; `clear.ts` clears).
 * Every change goes through `store.update` and reads the holdings it changes inside it: a
 * server-side store may rerun it on fresher data (another tab saved first), and a change that
 * would not fit is refused with a message while what was saved before stays saved.
 * @module
 */
import type { Context, Hono } from 'hono';
import type { AppEnv } from '../env.js';
import { FIELD_NAMES, parseStockForm } from '../forms/stock.js';
import type { Logger } from '../logging.js';
import { summarize, type Holding } from '../portfolio/portfolio.js';
import { readHoldings, writeHoldings } from '../portfolio/session-portfolio.js';
import { SessionTooLarge, type SessionStore } from 'flask-session-ts';
import { flashIfRoom, updateFirstThatFits } from './updates.js';
import { renderPage } from '../views/render.js';
import {
  ADD_STOCK_TITLE,
  addStockPage,
  EMPTY_FORM,
  formHasErrors,
  listStocksPage,
  PORTFOLIO_TITLE,
  type StockFormState,
} from '../views/stocks.js';
import { roomForMore } from './capacity.js';
import { readForm, textField } from './form.js';
import { rememberRemoval, undoOffer } from './undo.js';
import { honoPaths, urlFor } from './names.js';

/** What the stock routes need from the app. */
export interface StockRouteDeps {
  readonly store: SessionStore;
  readonly logger: Logger;
}

/** The message shown when the cookie cannot take one more holding. */
export function portfolioFullMessage(count: number): string {
  return `Your portfolio is full: ${count} holdings is the most a browser cookie can hold. Remove one to add another.`;
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

function renderForm(c: Context<AppEnv>, form: StockFormState, status: 200 | 422) {
  const title = formHasErrors(form) ? `Error: ${ADD_STOCK_TITLE}` : ADD_STOCK_TITLE;
  return renderPage(c, { title, status }, (page) => addStockPage(form, page.csrfToken ?? ''));
}

/** Registers the portfolio routes on `app`. */
export function registerStocks(app: Hono<AppEnv>, { store, logger }: StockRouteDeps): void {
  app.get(honoPaths.add_stock, (c) => renderForm(c, EMPTY_FORM, 200));

  app.post(honoPaths.add_stock, async (c) => {
    const form = await readForm(c);
    logger.debug(
      `add_stock form: ${JSON.stringify(Object.fromEntries(FIELD_NAMES.map((name) => [name, form[name] ?? null])))}`,
    );
    const result = parseStockForm(form);
    if (!result.ok) return renderForm(c, { values: result.values, errors: result.errors }, 422);

    try {
      await store.update(c.get('session'), addHolding(result.holding));
    } catch (error) {
      if (!(error instanceof SessionTooLarge)) throw error;
      const values = {
        stock_symbol: result.holding.symbol,
        number_of_shares: result.holding.shares,
        purchase_price: result.holding.price,
      };
      const count = readHoldings(c.get('session')).length;
      return renderForm(c, { values, errors: {}, formError: portfolioFullMessage(count) }, 422);
    }
    return c.redirect(urlFor('list_stocks'), 302);
  });

  app.get(honoPaths.list_stocks, (c) =>
    renderPage(c, { title: PORTFOLIO_TITLE }, (page) => {
      const session = c.get('session');
      const summary = summarize(readHoldings(session));
      // Measured after the page consumed its flashes: the cookie this response will send.
      const remaining = roomForMore(store, session, addHolding);
      return listStocksPage(summary, remaining, page.csrfToken ?? '', undoOffer(session)?.holding);
    }),
  );

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
    return c.redirect(urlFor('list_stocks'), 302);
  });
}
