/**
 * What a visitor is told when a change to the ledger is refused (`LedgerProblem`, see
 * `domain/sales.ts`): one sentence per problem, shared by the features that change lots and sales.
 * @module
 */
import { formatQuantity, formatSignedMoney } from '../domain/decimal.js';
import type { LedgerProblem } from '../domain/sales.js';

/** Fixed messages, defined once for the handlers and the tests. */
export const ledgerMessages = Object.freeze({
  lotGone:
    'That holding was already removed or moved (another tab?), so nothing was changed. Here is the portfolio as it is now.',
  saleGone: 'That sale was already removed or moved (another tab?), so nothing was changed.',
  stalePage:
    'That page was out of date (holdings now have their own addresses), so nothing was changed. Here is the portfolio as it is now.',
  nothingToUndo: 'There is nothing to undo: the last change was already undone or replaced.',
});

const ids = (saleIds: readonly number[]) => saleIds.map((id) => `#${id}`).join(', ');

/** The message for `problem`. */
export function ledgerProblemMessage(problem: LedgerProblem): string {
  switch (problem.kind) {
    case 'unknown-lot':
      return ledgerMessages.lotGone;
    case 'unknown-sale':
      return ledgerMessages.saleGone;
    case 'oversold':
      return problem.available.units === 0n
        ? `You held no shares of ${problem.symbol} on ${problem.date}, so there is nothing to sell. Nothing was saved.`
        : `You held only ${formatQuantity(problem.available)} shares of ${problem.symbol} on ${problem.date}: sell at most that many. Nothing was saved.`;
    case 'bad-pick': {
      const lot = `lot #${problem.lotId}`;
      switch (problem.reason) {
        case 'unknown-lot':
          return `The ${lot} is no longer there (another tab?). Nothing was saved.`;
        case 'other-symbol':
          return `The ${lot} is of another stock. Nothing was saved.`;
        case 'bought-after-sale':
          return `The ${lot} was bought after the sale date. Nothing was saved.`;
        case 'not-enough':
          return `The ${lot} has only ${formatQuantity(problem.available)} shares left to sell. Nothing was saved.`;
      }
      break;
    }
    case 'picks-total':
      return `The shares picked from the lots add up to ${formatQuantity(problem.picked)}, not the ${formatQuantity(problem.requested)} sold: make them equal, or leave every lot empty to sell the oldest first. Nothing was saved.`;
    case 'sold-shares':
      return `Sales ${ids(problem.saleIds)} sold shares of this holding: remove those sales first. Nothing was saved.`;
    case 'changes-realized':
      return `This changes the realized gain of ${problem.changes
        .map((c) => `sale #${c.saleId} from ${formatSignedMoney(c.before)} to ${formatSignedMoney(c.after)}`)
        .join(', ')}. Tick the box to confirm, or cancel.`;
  }
  return ledgerMessages.lotGone;
}
