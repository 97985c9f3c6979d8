/**
 * Whether an upload of `rows` holdings could fit in the session at all, asked before the rows are
 * checked: a file that cannot fit is told so at once, not after every row has been read.
 * @module
 */
import { Session, type SessionStore } from 'flask-session-ts';
import type { AppSessionData } from './data.js';
import type { Holding } from '../domain/portfolio.js';
import { writeHoldings } from './portfolio.js';

/**
 * The shortest holding the import accepts: a one-letter symbol, one share at $1, no date. `rows`
 * copies of it are the smallest and most compressible portfolio of `rows` holdings, so if they do
 * not fit, no file with that many rows does.
 */
export const SMALLEST_HOLDING: Holding = Object.freeze({ symbol: 'A', shares: '1', price: '1' });

/**
 * True when `kept` plus `rows` more holdings cannot fit in `session` in `store`, whatever the rows
 * hold: measured with `rows` copies of {@link SMALLEST_HOLDING} on a copy of the session.
 * False means they might fit; the real holdings are measured when saved.
 */
export function cannotFit(
  store: SessionStore,
  session: Session<AppSessionData>,
  kept: readonly Holding[],
  rows: number,
): boolean {
  if (rows === 0) return false;
  const copy = new Session<AppSessionData>(session.toJSON());
  writeHoldings(copy, [...kept, ...new Array<Holding>(rows).fill(SMALLEST_HOLDING)]);
  return store.measure(copy) > store.maxSessionBytes;
}
