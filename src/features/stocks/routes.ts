/**
 * The portfolio's routes: add a holding, list them (the pages are `list-page.ts`'s), remove one
 * (`undo.ts` puts it back; `clear.ts` clears).
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
import { utcDate } from '../../domain/dates.js';
import { removeLot, withPrices, type LotFields } from '../../domain/ledger-changes.js';
import { parseRecordId } from '../../domain/ledger.js';
import { FEE_FIELD, parseFee } from '../../domain/sale-rules.js';
import { readHoldings } from '../../session/portfolio.js';
import { readLedger, readPriceBook, saveChange, saveChangeWithoutIds } from '../../session/ledger.js';
import { ledgerMessages, ledgerProblemMessage } from '../../web/ledger-messages.js';
import { Session, SessionTooLarge, type SessionStore } from 'flask-session-ts';
import { flashIfRoom, updateFirstThatFits } from '../../session/updates.js';
import { renderPage } from '../../web/render.js';
import { ADD_STOCK_TITLE, addStockPage } from './view.js';
import { EMPTY_FORM, formHasErrors, type StockFormState } from '../../web/stock-form.js';
import { formatBytes } from '../../session/storage.js';
import { readForm, textField } from '../../web/form-body.js';
import { honoPaths, urlFor } from '../../web/urls.js';
import { redirect } from '../../web/response.js';
import { afterChangeUrl } from '../../web/return-place.js';
import { capBytesOf, storageOf } from '../../session/storage.js';
import { addHolding } from './add-holding.js';
import { renderLots, renderStockList } from './list-page.js';

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

/** The fee field as the add form shows it: the entered value and its message. */
export interface FeeState {
  readonly value: string;
  readonly error?: string | undefined;
}

function renderForm(
  c: Context<AppEnv>,
  form: StockFormState,
  status: 200 | 422,
  now: () => number,
  fee: FeeState = { value: '' },
) {
  const { latest } = purchaseDateBounds(now());
  const title =
    formHasErrors(form) || fee.error !== undefined ? `Error: ${ADD_STOCK_TITLE}` : ADD_STOCK_TITLE;
  return renderPage(c, { title, status }, (page) => addStockPage(form, page.csrfToken ?? '', latest, fee));
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
    // Tested first: the line and the request's logger were built on every add, debug on or off.
    if (logger.debugEnabled) {
      logger
        .forRequest(c.get('head').requestId)
        .debug(
          `add_stock form: ${JSON.stringify(Object.fromEntries(FIELD_NAMES.map((name) => [name, form[name] ?? null])))}`,
        );
    }
    const result = parseStockForm(form, purchaseDateBounds(now()));
    const fee = parseFee(form[FEE_FIELD]);
    const feeState: FeeState = {
      value: textField(form, FEE_FIELD) ?? '',
      ...(fee.ok ? {} : { error: fee.message }),
    };
    if (!result.ok)
      return renderForm(c, { values: result.values, errors: result.errors }, 422, now, feeState);
    if (!fee.ok) {
      const values = {
        stock_symbol: textField(form, 'stock_symbol') ?? '',
        number_of_shares: textField(form, 'number_of_shares') ?? '',
        purchase_price: textField(form, 'purchase_price') ?? '',
        purchase_date: textField(form, 'purchase_date') ?? '',
      };
      return renderForm(c, { values, errors: {} }, 422, now, feeState);
    }
    const lot: LotFields = fee.value === undefined ? result.holding : { ...result.holding, fee: fee.value };

    try {
      await store.update(c.get('session'), addHolding(lot));
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
        feeState,
      );
    }
    return redirect(c, urlFor('list_stocks'), 302);
  });

  app.get(honoPaths.list_stocks, (c) => renderStockList(c, deps, c.req.query('sort'), c.req.query('page')));
  app.get(honoPaths.list_lots, (c) => renderLots(c, deps));

  // Pages from before lots had ids post here: their index may name another lot now.
  app.post(honoPaths.delete_stock, async (c) => {
    await flashIfRoom(store, c.get('session'), 'error', ledgerMessages.stalePage);
    return redirect(c, urlFor('list_stocks'), 302);
  });

  app.post(honoPaths.remove_lot, async (c) => {
    const lotId = parseRecordId(c.req.param('lot_id'));
    const session = c.get('session');
    const outcome: { problem?: string | undefined } = { problem: ledgerMessages.lotGone };
    let symbol = '';
    const removeIt = (s: typeof session, keepUndo: boolean, say: boolean, withoutIds = false) => {
      const ledger = readLedger(s);
      const change =
        lotId === undefined
          ? ({ ok: false, problem: { kind: 'unknown-lot', lotId: 0 } } as const)
          : withPrices(removeLot(ledger, lotId), readPriceBook(s));
      if (!change.ok) {
        outcome.problem = ledgerProblemMessage(change.problem);
        return;
      }
      outcome.problem = undefined;
      symbol = ledger.lots.find((lot) => lot.id === lotId)?.symbol ?? '';
      if (!withoutIds || !saveChangeWithoutIds(s, change)) saveChange(s, change, { keepUndo });
      if (say) s.flash('success', `Removed ${symbol}.`);
    };
    await updateFirstThatFits(store, session, [
      (s) => removeIt(s, true, false),
      (s) => removeIt(s, false, true),
      (s) => removeIt(s, false, false),
      // A full cookie from before lot ids: saved in its own layout (see saveChangeWithoutIds).
      (s) => removeIt(s, false, true, true),
      (s) => removeIt(s, false, false, true),
    ]);
    if (outcome.problem !== undefined) await flashIfRoom(store, session, 'error', outcome.problem);
    // Back to the page it was pressed on (the ledger as saved: store.update's contract).
    return redirect(c, afterChangeUrl(await readForm(c), readLedger(session), utcDate(now())), 302);
  });
}
