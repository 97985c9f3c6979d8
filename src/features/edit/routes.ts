/**
 * Editing a lot, by its id: a form filled in with it, checked by the add-stock form's rules, saved
 * in one `store.update` that reads the ledger afresh (a server-side store re-runs it on newer data),
 * so an edit lands on that lot or, when another tab removed it, on none ("already removed or moved").
 * @module
 */
import type { Context, Hono } from 'hono';
import type { AppEnv, FeatureDeps } from '../../web/context.js';
import { CONFIRM_FIELD, CONFIRM_VALUE } from './form.js';
import { parseStockForm } from '../../domain/stock-rules.js';
import { purchaseDateBounds } from '../../domain/stock-fields.js';
import { editLot, withPrices, type LotFields } from '../../domain/ledger-changes.js';
import { findLot, parseRecordId } from '../../domain/ledger.js';
import { FEE_FIELD, parseFee } from '../../domain/sale-rules.js';
import type { LedgerProblem } from '../../domain/sales.js';
import { readLedger, readPriceBook, saveChange } from '../../session/ledger.js';
import { roomOf } from '../../session/storage.js';
import { flashIfRoom } from '../../session/updates.js';
import { SessionTooLarge } from 'flask-session-ts';
import { editFormState, editStockPage, type EditExtras } from './view.js';
import { renderPage } from '../../web/render.js';
import { formHasErrors, type StockFormState } from '../../web/stock-form.js';
import { readForm, textField, type FormFields } from '../../web/form-body.js';
import { afterChangeUrl, placeOf, type ReturnPlace } from '../../web/return-place.js';
import { utcDate } from '../../domain/dates.js';
import { ledgerMessages, ledgerProblemMessage } from '../../web/ledger-messages.js';
import { honoPaths, urlFor } from '../../web/urls.js';
import { redirect } from '../../web/response.js';

/** Messages of the edit flow, defined once for the handler and the tests. */
export const editMessages = Object.freeze({
  saved: (symbol: string) => `Saved your changes to ${symbol}.`,
  gone: ledgerMessages.lotGone,
  full: (room: string) =>
    `Your portfolio is full: this change makes the holding longer than ${room} has room for. Nothing was saved.`,
});

/** Registers `edit_lot` (GET the form, POST the change), and `edit_stock` for old pages, on `app`. */
export function registerEdit(app: Hono<AppEnv>, { store, now }: Pick<FeatureDeps, 'store' | 'now'>): void {
  const render = (
    c: Context<AppEnv>,
    lotId: number,
    symbol: string,
    form: StockFormState,
    extras: EditExtras,
    status: 200 | 422,
    place: ReturnPlace | undefined,
  ) =>
    renderPage(
      c,
      {
        title: `${formHasErrors(form) || extras.feeError !== undefined ? 'Error: ' : ''}Edit ${symbol}`,
        status,
      },
      (page) =>
        editStockPage(
          lotId,
          symbol,
          form,
          extras,
          page.csrfToken ?? '',
          purchaseDateBounds(now()).latest,
          place,
        ),
    );

  // Pages from before lots had ids link here: their index may name another lot now.
  const stale = async (c: Context<AppEnv>) => {
    await flashIfRoom(store, c.get('session'), 'error', ledgerMessages.stalePage);
    return redirect(c, urlFor('list_stocks'), 303);
  };
  app.get(honoPaths.edit_stock, stale);
  app.post(honoPaths.edit_stock, stale);

  // Where the visitor goes after the change (or none): the page the Edit link was on, if it said.
  const back = (c: Context<AppEnv>, form: FormFields) =>
    afterChangeUrl(form, readLedger(c.get('session')), utcDate(now()));

  app.get(honoPaths.edit_lot, async (c) => {
    const lotId = parseRecordId(c.req.param('lot_id'));
    const ledger = readLedger(c.get('session'));
    const lot = lotId === undefined ? undefined : findLot(ledger, lotId);
    const query = c.req.query();
    if (lot === undefined) {
      await flashIfRoom(store, c.get('session'), 'error', editMessages.gone);
      return redirect(c, back(c, query), 303);
    }
    const place = placeOf(query, ledger);
    return render(c, lot.id, lot.symbol, editFormState(lot), { fee: lot.fee ?? '' }, 200, place);
  });

  app.post(honoPaths.edit_lot, async (c) => {
    const form = await readForm(c);
    const lotId = parseRecordId(c.req.param('lot_id'));
    const session = c.get('session');
    const current = lotId === undefined ? undefined : findLot(readLedger(session), lotId);
    if (lotId === undefined || current === undefined) {
      await flashIfRoom(store, session, 'error', editMessages.gone);
      return redirect(c, back(c, form), 302);
    }
    const place = placeOf(form, readLedger(session));
    const result = parseStockForm(form, purchaseDateBounds(now()));
    const fee = parseFee(form[FEE_FIELD]);
    const extras: EditExtras = {
      fee: textField(form, FEE_FIELD) ?? '',
      ...(fee.ok ? {} : { feeError: fee.message }),
    };
    if (!result.ok) {
      return render(
        c,
        lotId,
        current.symbol,
        { values: result.values, errors: result.errors },
        extras,
        422,
        place,
      );
    }
    const values = editFormState(result.holding).values;
    if (!fee.ok) return render(c, lotId, current.symbol, { values, errors: {} }, extras, 422, place);
    const fields: LotFields =
      fee.value === undefined ? result.holding : { ...result.holding, fee: fee.value };
    const confirmed = textField(form, CONFIRM_FIELD) === CONFIRM_VALUE;

    // Set by the change, which a server-side store may re-run: the last run's outcome counts.
    const outcome: { problem?: LedgerProblem | undefined } = {};
    try {
      await store.update(session, (s) => {
        const change = withPrices(editLot(readLedger(s), lotId, fields, { confirmed }), readPriceBook(s));
        outcome.problem = change.ok ? undefined : change.problem;
        if (!change.ok) return;
        saveChange(s, change);
        s.flash('success', editMessages.saved(fields.symbol));
      });
    } catch (error) {
      if (!(error instanceof SessionTooLarge)) throw error;
      return render(
        c,
        lotId,
        current.symbol,
        { values, errors: {}, formError: editMessages.full(roomOf(store)) },
        extras,
        422,
        place,
      );
    }
    const refused = outcome.problem;
    // The ledger as saved (store.update's contract): an edit may have moved the page's last lot.
    if (refused === undefined) return redirect(c, back(c, form), 302);
    if (refused.kind === 'unknown-lot') {
      await flashIfRoom(store, session, 'error', editMessages.gone);
      return redirect(c, back(c, form), 302);
    }
    return render(
      c,
      lotId,
      current.symbol,
      { values, errors: {}, formError: ledgerProblemMessage(refused) },
      { ...extras, askConfirm: refused.kind === 'changes-realized' },
      422,
      place,
    );
  });
}
