/**
 * The portfolio: add a holding, list them, remove one, clear all.
 * Every change goes through `store.update` and reads the holdings it changes inside it: a
 * server-side store may rerun it on fresher data (another tab saved first), and a change that
 * would not fit is refused with a message while what was saved before stays saved.
 * @module
 */
import type { Context, Hono } from 'hono';
import type { AppEnv } from '../env.js';
import { FIELD_NAMES, parseStockForm } from '../forms/stock.js';
import type { Logger } from '../logging.js';
import { decodePortfolio, encodePortfolio, summarize, type Holding } from '../portfolio/portfolio.js';
import { SessionTooLarge, type CookieSessionStore, type SessionStore } from 'flask-session-ts';
import { renderPage } from '../views/render.js';
import { addStockPage, EMPTY_FORM, listStocksPage, type StockFormState } from '../views/stocks.js';
import { readForm, textField } from './form.js';
import { honoPaths, urlFor } from './names.js';

/** What the stock routes need from the app. */
export interface StockRouteDeps {
  readonly store: SessionStore;
  readonly logger: Logger;
  /** Bytes one typical holding adds to the session, for "how many more fit". */
  readonly bytesPerHolding: number;
}

/** The message shown when the cookie cannot take one more holding. */
export function portfolioFullMessage(count: number): string {
  return `Your portfolio is full: ${count} holdings is the most a browser cookie can hold. Remove one to add another.`;
}

function holdingsOf(c: Context<AppEnv>): readonly Holding[] {
  return decodePortfolio(c.get('session').get('portfolio'));
}

function renderForm(c: Context<AppEnv>, form: StockFormState, status: 200 | 422) {
  return renderPage(c, { title: 'Add Stock', status }, (page) => addStockPage(form, page.csrfToken ?? ''));
}

/**
 * Bytes one typical holding adds to the cookie (4-letter symbol, whole shares, a price in cents),
 * measured once with the real codec on a deterministic sample, so "how many more fit" needs no
 * trial encodings per request.
 */
export function bytesPerHolding(store: CookieSessionStore): number {
  let seed = 42;
  const next = (n: number) => {
    seed = (seed * 1103515245 + 12345) % 2 ** 31;
    return seed % n;
  };
  const sample: Holding[] = Array.from({ length: 100 }, () => ({
    symbol: Array.from({ length: 4 }, () => String.fromCharCode(65 + next(26))).join(''),
    shares: String(1 + next(5000)),
    price: `${1 + next(2000)}.${String(next(100)).padStart(2, '0')}`,
  }));
  const empty = store.serializer.dumpPayload({ portfolio: [] }).length;
  const full = store.serializer.dumpPayload({ portfolio: encodePortfolio(sample) }).length;
  return Math.max(1, (full - empty) / sample.length);
}

/** Queues an error message, unless the session is too full to take it (nothing else changes then). */
async function flashIfRoom(store: SessionStore, session: AppEnv['Variables']['session'], message: string) {
  try {
    await store.update(session, (s) => s.flash('error', message));
  } catch (error) {
    if (!(error instanceof SessionTooLarge)) throw error;
  }
}

/** Registers the portfolio routes on `app`. */
export function registerStocks(
  app: Hono<AppEnv>,
  { store, logger, bytesPerHolding: perHolding }: StockRouteDeps,
): void {
  app.get(honoPaths.add_stock, (c) => renderForm(c, EMPTY_FORM, 200));

  app.post(honoPaths.add_stock, async (c) => {
    const form = await readForm(c);
    logger.debug(
      `add_stock form: ${JSON.stringify(Object.fromEntries(FIELD_NAMES.map((name) => [name, form[name] ?? null])))}`,
    );
    const result = parseStockForm(form);
    if (!result.ok) return renderForm(c, { values: result.values, errors: result.errors }, 422);

    const { symbol } = result.holding;
    try {
      await store.update(c.get('session'), (session) => {
        const holdings = decodePortfolio(session.get('portfolio'));
        session.set('portfolio', encodePortfolio([...holdings, result.holding]));
        session.flash('success', `Added new stock (${symbol})!`);
      });
    } catch (error) {
      if (!(error instanceof SessionTooLarge)) throw error;
      const values = {
        stock_symbol: symbol,
        number_of_shares: result.holding.shares,
        purchase_price: result.holding.price,
      };
      const count = holdingsOf(c).length;
      return renderForm(c, { values, errors: {}, formError: portfolioFullMessage(count) }, 422);
    }
    return c.redirect(urlFor('list_stocks'), 302);
  });

  app.get(honoPaths.list_stocks, (c) =>
    renderPage(c, { title: 'List of Stocks' }, (page) => {
      const summary = summarize(holdingsOf(c));
      // Measured after the page consumed its flashes: the cookie this response will send.
      const remaining = Math.max(
        0,
        Math.floor((store.maxSessionBytes - store.measure(c.get('session'))) / perHolding),
      );
      return listStocksPage(summary, remaining, page.csrfToken ?? '');
    }),
  );

  app.post(honoPaths.delete_stock, async (c) => {
    const form = await readForm(c);
    const index = Number(c.req.param('index'));
    const expectedSymbol = textField(form, 'symbol');
    const session = c.get('session');
    let removed: Holding | undefined;
    const removeIt = (s: typeof session) => {
      const holdings = decodePortfolio(s.get('portfolio'));
      const target = holdings[index];
      // The symbol guards against a stale page: in another tab the rows may have moved.
      removed = target !== undefined && target.symbol === expectedSymbol ? target : undefined;
      if (removed !== undefined) s.set('portfolio', encodePortfolio(holdings.filter((_, i) => i !== index)));
    };
    try {
      await store.update(session, (s) => {
        removeIt(s);
        if (removed !== undefined) s.flash('success', `Removed ${removed.symbol}.`);
      });
    } catch (error) {
      // A full cookie has room for the removal but maybe not for the message: the list shows it is gone.
      if (!(error instanceof SessionTooLarge)) throw error;
      await store.update(session, removeIt);
    }
    if (removed === undefined) {
      await flashIfRoom(
        store,
        session,
        'That holding was already removed or has moved (another tab?). Nothing was removed.',
      );
    }
    return c.redirect(urlFor('list_stocks'), 302);
  });

  app.post(honoPaths.clear_stocks, async (c) => {
    await store.update(c.get('session'), (session) => {
      session.delete('portfolio');
      session.flash('info', 'Your portfolio is now empty.');
    });
    return c.redirect(urlFor('list_stocks'), 302);
  });
}
