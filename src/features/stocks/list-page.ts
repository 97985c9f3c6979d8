/**
 * The portfolio's pages: the list (positions, lots, chart, capacity), page by page in the
 * visitor's order, and a symbol's own lots page. They only read the session.
 * @module
 */
import type { Context } from 'hono';
import type { AppEnv, FeatureDeps } from '../../web/context.js';
import { positionSort, positionsOfLedger } from '../../domain/positions.js';
import { utcDate } from '../../domain/dates.js';
import { viewLedger } from '../../domain/gains.js';
import { lotsOfSymbol } from '../../domain/ledger.js';
import { readLedger, readPriceBook, readUndo } from '../../session/ledger.js';
import { roomForMore } from '../../session/capacity.js';
import { capBytesOf, storageOf } from '../../session/storage.js';
import { renderPage } from '../../web/render.js';
import { renderNoSuchPage } from '../../web/page-links.js';
import { listUrl, lotsUrl } from './positions-view.js';
import {
  listStocksPage,
  lotsPage,
  lotsTitle,
  NO_SUCH_PAGE_TITLE,
  noLotsOf,
  PORTFOLIO_TITLE,
} from './view.js';
import { LOTS_PER_PAGE, pageCountOf, pageOf, parsePageNumber, POSITIONS_PER_PAGE } from './paging.js';
import { undoNotice } from './undo.js';
import { livePrices, type LivePrices } from './live-prices.js';
import { addHolding } from './add-holding.js';

/**
 * The list page: positions (sorted by `sort`, a query or form value), lots, chart and capacity.
 * Also answers a refused current price (422), with the message beside that position's field.
 * With live quotes on, the prices are the visitor's overlaid with quotes (`live-prices.ts`), and a
 * quote that could not be had is said in one notice; nothing is written to the session.
 */
export async function renderStockList(
  c: Context<AppEnv>,
  { store, now, quotes }: Pick<FeatureDeps, 'store' | 'now' | 'quotes'>,
  sort: string | undefined,
  pageText?: string,
) {
  const session = c.get('session');
  const ledger = readLedger(session);
  const manual = readPriceBook(session);
  const live: LivePrices =
    quotes === undefined
      ? { book: manual }
      : await livePrices(quotes, ledger, manual, { signal: c.req.raw.signal });
  const book = live.book;
  const order = positionSort(sort);
  const ledgerView = viewLedger(ledger, book, utcDate(now()));
  const view = positionsOfLedger(ledgerView, book, order);
  const shownPage = parsePageNumber(pageText);
  const pageCount = pageCountOf(view.positions.length, POSITIONS_PER_PAGE);
  if (shownPage === undefined || shownPage > pageCount) {
    return renderNoSuchPage(c, pageText ?? '', 'your portfolio', pageCount, (n) => listUrl(order, n));
  }
  const title = PORTFOLIO_TITLE;
  const status = 200;
  const notices = live.notice === undefined ? [] : [['info', live.notice] as [string, string]];
  return renderPage(c, { title, status, notices }, (page) => {
    // Measured after the page consumed its flashes: the cookie this response will send.
    const remaining = roomForMore(store, session, ledger.lots, addHolding, c.req.header('cookie'));
    return listStocksPage(
      view,
      {
        sort: positionSort(sort),
        remaining,
        storage: storageOf(store),
        undo: undoNotice(readUndo(session, ledger), ledger),
        salesCount: ledger.sales.length,
        capBytes: capBytesOf(store),
        page: shownPage,
        prices: book,
        realized: ledgerView.totals.realized.gain,
        liveQuotes: quotes !== undefined,
      },
      page.csrfToken ?? '',
    );
  });
}

/** A symbol's lots page: a 404 with a link back when the visitor holds none of it. */
export function renderLots(c: Context<AppEnv>, { now }: Pick<FeatureDeps, 'now'>) {
  const symbol = c.req.param('symbol') ?? '';
  const session = c.get('session');
  const ledger = readLedger(session);
  // The lots page shows no current price (it lists purchases), so no quote is asked for.
  const book = readPriceBook(session);
  // Only the symbol's lots are replayed and grouped: the page costs what that symbol holds.
  const mine = { ...ledger, lots: lotsOfSymbol(ledger.lots, symbol) };
  const sales = ledger.sales.filter((sale) => sale.symbol === symbol);
  const view = positionsOfLedger(viewLedger({ ...mine, sales }, book, utcDate(now())), book, 'symbol');
  const position = view.positions[0];
  if (position === undefined) {
    return renderPage(c, { title: NO_SUCH_PAGE_TITLE, status: 404, readOnly: true }, () => noLotsOf(symbol));
  }
  const pageText = c.req.query('page');
  const asked = parsePageNumber(pageText);
  const lots = asked === undefined ? undefined : pageOf(position.lots, asked, LOTS_PER_PAGE);
  if (lots === undefined) {
    const pageCount = pageCountOf(position.lots.length, LOTS_PER_PAGE);
    return renderNoSuchPage(c, pageText ?? '', `the lots of ${symbol}`, pageCount, (n) => lotsUrl(symbol, n));
  }
  return renderPage(c, { title: lotsTitle(symbol) }, (page) =>
    lotsPage(position, lots, page.csrfToken ?? '', undoNotice(readUndo(session, ledger), ledger)),
  );
}
