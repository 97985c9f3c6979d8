/**
 * Undoing the last change, once: every change to lots and sales keeps in the session's `undo` how
 * to revert it (`domain/ledger-changes.ts`), until it is undone or another change replaces it. The
 * list page offers it for removals, edits and sales (an add is undone by removing the lot).
 * @module
 */
import type { Hono } from 'hono';
import type { AppEnv, FeatureDeps } from '../../web/context.js';
import { applyUndoWithPrices, type Undo } from '../../domain/ledger-changes.js';
import { findSale, type Ledger } from '../../domain/ledger.js';
import { summarize } from '../../domain/portfolio.js';
import { readLedger, readPriceBook, readUndo, saveChange } from '../../session/ledger.js';
import { ledgerMessages, ledgerProblemMessage } from '../../web/ledger-messages.js';
import { honoPaths } from '../../web/urls.js';
import { flashIfRoom, updateFirstThatFits } from '../../session/updates.js';
import { redirect } from '../../web/response.js';
import { readForm } from '../../web/form-body.js';
import { utcDate } from '../../domain/dates.js';
import { afterChangeUrl } from '../../web/return-place.js';

/** The message when there is nothing to put back (used already, or another tab did). */
export const NOTHING_TO_UNDO = ledgerMessages.nothingToUndo;

/** What the list page says about the change that can be undone, and its button's text. */
export interface UndoNotice {
  readonly said: string;
  readonly button: string;
}

/** The notice for `undo`, or none (nothing to undo, or an add: its lot's Remove undoes it). */
export function undoNotice(undo: Undo | undefined, ledger: Ledger): UndoNotice | undefined {
  switch (undo?.kind) {
    case undefined:
    case 'add-lot':
      return undefined;
    case 'remove-lot': {
      const [row] = summarize([undo.lot]).rows;
      const { symbol } = undo.lot;
      return {
        said: `Removed ${symbol}${row === undefined ? '' : ` (${row.shares} shares at ${row.price})`}.`,
        button: `Undo: put ${symbol} back`,
      };
    }
    case 'edit-lot':
      return { said: `Saved your changes to ${undo.lot.symbol}.`, button: 'Undo the changes' };
    case 'record-sale': {
      const sale = findSale(ledger, undo.saleId);
      if (sale === undefined) return undefined;
      return { said: `Recorded the sale of ${sale.symbol}.`, button: `Undo the sale of ${sale.symbol}` };
    }
    case 'remove-sale':
      return {
        said: `Removed the sale of ${undo.sale.symbol}.`,
        button: `Undo: put the sale of ${undo.sale.symbol} back`,
      };
  }
}

/** The flash after undoing `undo`. */
export function undoneMessage(undo: Undo, ledger: Ledger): string {
  switch (undo.kind) {
    case 'add-lot':
      return `Undid adding ${ledger.lots.find((lot) => lot.id === undo.lotId)?.symbol ?? 'the holding'}.`;
    case 'remove-lot':
      return `Put back ${undo.lot.symbol}.`;
    case 'edit-lot':
      return `Undid your changes to ${undo.lot.symbol}.`;
    case 'record-sale':
      return `Undid the sale of ${findSale(ledger, undo.saleId)?.symbol ?? 'the stock'}.`;
    case 'remove-sale':
      return `Put back the sale of ${undo.sale.symbol}.`;
  }
}

/** Registers `undo_remove` on `app`: it returns to the page the Undo was pressed on (`web/return-place.ts`). */
export function registerUndo(app: Hono<AppEnv>, { store, now }: Pick<FeatureDeps, 'store' | 'now'>): void {
  app.post(honoPaths.undo_remove, async (c) => {
    const session = c.get('session');
    let message: { category: 'success' | 'error'; text: string } | undefined;
    const revert = (s: typeof session, say: boolean) => {
      const ledger = readLedger(s);
      const undo = readUndo(s, ledger);
      if (undo === undefined) {
        message = { category: 'error', text: NOTHING_TO_UNDO };
        return;
      }
      const change = applyUndoWithPrices(ledger, readPriceBook(s), undo);
      if (!change.ok) {
        message = { category: 'error', text: ledgerProblemMessage(change.problem) };
        return;
      }
      message = undefined;
      // Undoing an undo is not offered: the undo is used up.
      saveChange(s, change, { keepUndo: false });
      if (say) s.flash('success', undoneMessage(undo, ledger));
    };
    await updateFirstThatFits(store, session, [(s) => revert(s, true), (s) => revert(s, false)]);
    if (message !== undefined) await flashIfRoom(store, session, message.category, message.text);
    return redirect(c, afterChangeUrl(await readForm(c), readLedger(session), utcDate(now())), 302);
  });
}
