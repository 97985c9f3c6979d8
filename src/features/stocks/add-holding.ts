/**
 * The add-stock change, on its own: the add route saves it, and the list page's "how many more
 * fit" measures it (`session/capacity.ts`), so both are one definition.
 * @module
 */
import type { AppEnv } from '../../web/context.js';
import { withPrices, addLot, type LotFields } from '../../domain/ledger-changes.js';
import { readLedger, readPriceBook, saveChange } from '../../session/ledger.js';

/** The flash after an add. */
export function addedMessage(symbol: string): string {
  return `Added new stock (${symbol})!`;
}

/**
 * The add-stock change: the one the handler saves and the one "how many more fit" measures. A new
 * lot gets the ledger's next id; the change is kept for undo.
 */
export function addHolding(holding: LotFields) {
  return (session: AppEnv['Variables']['session']): void => {
    const change = withPrices(addLot(readLedger(session), holding), readPriceBook(session));
    // Adding a lot is never refused: its id is the newest, so no recorded sale can change.
    if (!change.ok) throw new Error(`addLot refused: ${change.problem.kind}`);
    saveChange(session, change);
    session.flash('success', addedMessage(holding.symbol));
  };
}
