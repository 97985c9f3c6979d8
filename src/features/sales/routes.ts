/**
 * Sales: the sell form (`/sales/new`), the list of sales with realized gain (`/sales`), and removing
 * one (`/sales/:sale_id/remove`). Every change goes through `store.update` and reads the ledger
 * inside it, so a server-side store re-runs it on fresher data (another tab saved first) and no
 * update is lost; a sale of more than is held, or from lots that cannot give the shares, is refused
 * with a message and nothing is saved. Each change is kept for the list page's undo.
 * @module
 */
import type { Context, Hono } from 'hono';
import { SessionTooLarge } from 'flask-session-ts';
import type { AppEnv, FeatureDeps } from '../../web/context.js';
import type { AppSession } from '../../session/data.js';
import { utcDate } from '../../domain/dates.js';
import { formatQuantity, formatSignedMoney } from '../../domain/decimal.js';
import { realizedTotals, viewLedger, type LotView } from '../../domain/gains.js';
import { recordSale, removeSale, withPrices } from '../../domain/ledger-changes.js';
import { amountOf, findSale, lotsOfSymbol, parseRecordId } from '../../domain/ledger.js';
import { normalizeSymbol } from '../../domain/portfolio.js';
import { parseSaleForm, SALE_FIELD_NAMES } from '../../domain/sale-rules.js';
import { purchaseDateBounds } from '../../domain/stock-fields.js';
import { matchSales, type LedgerProblem } from '../../domain/sales.js';
import { readLedger, readPriceBook, saveChange } from '../../session/ledger.js';
import { roomOf } from '../../session/storage.js';
import { flashIfRoom, updateFirstThatFits } from '../../session/updates.js';
import { readForm } from '../../web/form-body.js';
import { ledgerMessages, ledgerProblemMessage } from '../../web/ledger-messages.js';
import { renderPage } from '../../web/render.js';
import { honoPaths, urlFor } from '../../web/urls.js';
import { LOTS_PER_PAGE, pageCountOf, parsePageNumber } from '../../web/page-numbers.js';
import { pageOf, renderNoSuchPage } from '../../web/page-links.js';
import { SALES_TITLE, salesPage } from './sales-page.js';
import { PICKS_PAGE_FIELD, SELL_TITLE, sellPage, sellUrl, type SaleFormState } from './sell-page.js';
import { redirect } from '../../web/response.js';

/** Messages of the sales flow, defined once for the handlers and the tests. */
export const saleMessages = Object.freeze({
  recorded: (shares: string, symbol: string, gain: string) =>
    `Recorded the sale of ${shares} ${symbol} shares: realized gain ${gain}.`,
  removed: (symbol: string, date: string) => `Removed the sale of ${symbol} on ${date}.`,
  gone: ledgerMessages.saleGone,
  full: (room: string) => `Your portfolio is full: ${room} has no room for this sale. Nothing was saved.`,
});

/**
 * The open lots of `symbol`, oldest first, as the sell form offers them to pick from. Only that
 * symbol's lots and sales are replayed (sales match lots of their own symbol only), as on its lots
 * page: the form costs what the symbol holds, not what the whole portfolio does.
 */
function openLotsOf(session: AppSession, symbol: string, today: string): readonly LotView[] {
  const ledger = readLedger(session);
  const mine = {
    ...ledger,
    lots: lotsOfSymbol(ledger.lots, symbol),
    sales: ledger.sales.filter((sale) => sale.symbol === symbol),
  };
  const lots = viewLedger(mine, readPriceBook(session), today).positions[0]?.lots ?? [];
  return lots.filter((lot) => lot.remaining.units > 0n);
}

/** Registers the sales routes on `app`. */
export function registerSales(app: Hono<AppEnv>, { store, now }: Pick<FeatureDeps, 'store' | 'now'>): void {
  /**
   * The sell form of `form`, listing the page `page` of the symbol's open lots to pick from; a
   * page number that is not a page of them (`undefined`) gets the 404 of a missing page.
   */
  const render = (
    c: Context<AppEnv>,
    form: SaleFormState,
    status: 200 | 422,
    page: { readonly asked: string | undefined; readonly orFirst: boolean } = {
      asked: undefined,
      orFirst: true,
    },
  ) => {
    const refused = form.formError !== undefined || Object.keys(form.errors).length > 0;
    const symbol = normalizeSymbol(form.values['stock_symbol'] ?? '');
    const open = openLotsOf(c.get('session'), symbol, utcDate(now()));
    const number = parsePageNumber(page.asked);
    const lots =
      (number === undefined ? undefined : pageOf(open, number, LOTS_PER_PAGE)) ??
      (page.orFirst ? pageOf(open, 1, LOTS_PER_PAGE) : undefined);
    if (lots === undefined) {
      const pageCount = pageCountOf(open.length, LOTS_PER_PAGE);
      const what = symbol === '' ? 'the lots to sell from' : `the open lots of ${symbol}`;
      return renderNoSuchPage(c, page.asked ?? '', what, pageCount, (n) => sellUrl(symbol, n));
    }
    return renderPage(c, { title: `${refused ? 'Error: ' : ''}${SELL_TITLE}`, status }, (rendered) =>
      sellPage(form, lots, rendered.csrfToken ?? '', purchaseDateBounds(now()).latest),
    );
  };

  app.get(honoPaths.sell_stock, (c) => {
    const symbol = c.req.query('symbol') ?? '';
    const values = Object.fromEntries(SALE_FIELD_NAMES.map((name) => [name, '']));
    // Only a plausible symbol is echoed into the form; anything else starts it empty.
    values['stock_symbol'] = /^[A-Za-z0-9.-]{1,10}$/.test(symbol) ? normalizeSymbol(symbol) : '';
    return render(c, { values, errors: {} }, 200, { asked: c.req.query('page'), orFirst: false });
  });

  app.post(honoPaths.sell_stock, async (c) => {
    const form = await readForm(c);
    // A refused form is drawn again on the page of lots its picks came from, if that is still a
    // page of them (lots sold in another tab, or another symbol typed), and otherwise on the first.
    const posted = form[PICKS_PAGE_FIELD];
    const page = { asked: typeof posted === 'string' ? posted : undefined, orFirst: true };
    const result = parseSaleForm(form, purchaseDateBounds(now()));
    if (!result.ok) return render(c, { values: result.values, errors: result.errors }, 422, page);
    const fields = result.sale;
    const values = Object.fromEntries(
      Object.entries(form).filter((entry): entry is [string, string] => typeof entry[1] === 'string'),
    );
    // Set by the change, which a server-side store may re-run: the last run's outcome counts.
    const outcome: { problem?: LedgerProblem | undefined } = {};
    try {
      await store.update(c.get('session'), (s) => {
        const change = recordSale(readLedger(s), fields);
        outcome.problem = change.ok ? undefined : change.problem;
        if (!change.ok) return;
        const priced = withPrices(change, readPriceBook(s));
        if (!priced.ok) return;
        saveChange(s, priced);
        const gain = matchSales(change.ledger).sales.find((r) => r.sale.id === change.saleId)?.gain;
        const said = saleMessages.recorded(
          formatQuantity(amountOf(fields.shares)),
          fields.symbol,
          gain === undefined ? '' : formatSignedMoney(gain),
        );
        s.flash('success', said);
      });
    } catch (error) {
      if (!(error instanceof SessionTooLarge)) throw error;
      return render(c, { values, errors: {}, formError: saleMessages.full(roomOf(store)) }, 422, page);
    }
    const refused = outcome.problem;
    if (refused !== undefined) {
      return render(c, { values, errors: {}, formError: ledgerProblemMessage(refused) }, 422, page);
    }
    return redirect(c, urlFor('list_stocks'), 302);
  });

  app.get(honoPaths.list_sales, (c) =>
    renderPage(c, { title: SALES_TITLE }, (page) => {
      // The sales and their gains only: no position's view is built (issue 18: every page of the
      // biggest portfolio within 0.5 s).
      const matching = matchSales(readLedger(c.get('session')));
      return salesPage(matching.sales, realizedTotals(matching), page.csrfToken ?? '');
    }),
  );

  app.post(honoPaths.remove_sale, async (c) => {
    const saleId = parseRecordId(c.req.param('sale_id'));
    const session = c.get('session');
    const outcome: { message?: string | undefined } = { message: saleMessages.gone };
    const removeIt = (s: typeof session, keepUndo: boolean, say: boolean) => {
      const ledger = readLedger(s);
      const sale = saleId === undefined ? undefined : findSale(ledger, saleId);
      if (saleId === undefined || sale === undefined) {
        outcome.message = saleMessages.gone;
        return;
      }
      const change = withPrices(removeSale(ledger, saleId), readPriceBook(s));
      if (!change.ok) {
        outcome.message = ledgerProblemMessage(change.problem);
        return;
      }
      outcome.message = undefined;
      saveChange(s, change, { keepUndo });
      if (say) s.flash('success', saleMessages.removed(sale.symbol, sale.date));
    };
    await updateFirstThatFits(store, session, [
      (s) => removeIt(s, true, true),
      (s) => removeIt(s, false, false),
    ]);
    if (outcome.message !== undefined) await flashIfRoom(store, session, 'error', outcome.message);
    return redirect(c, urlFor('list_stocks'), 302);
  });
}
