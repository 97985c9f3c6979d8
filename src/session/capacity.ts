/**
 * "How many more fit": measured, not estimated. The add-stock change itself is applied to a copy
 * of the session with the largest holding the form accepts, and the copy's cookie is measured
 * with the store: if that fits, any next add fits too, since no accepted holding is longer.
 * @module
 */
import { Session, type SessionStore } from 'flask-session-ts';
import type { AppSessionData } from './data.js';
import type { Holding } from '../domain/portfolio.js';

/**
 * The longest holding the form accepts: 10-character symbol, 999,999,999-range shares and
 * 999,999-range price with 4 decimals each, and a purchase date (every holding the form adds has
 * one); its characters repeat little, so it compresses as badly as a holding can.
 */
export const WORST_CASE_HOLDING: Holding = Object.freeze({
  symbol: 'QX7.Z-9JWV',
  shares: '987654321.0123',
  price: '987654.3219',
  date: '2019-08-26',
});

type Change = (session: Session<AppSessionData>) => void;

/**
 * How many more holdings fit: 0 when even one worst-case add would not; otherwise at least 1
 * (exact), and about as many as the room left over divided by what that one took.
 * @param add the add-stock change for a holding, exactly as the handler applies it.
 */
export function roomForMore(
  store: SessionStore,
  session: Session<AppSessionData>,
  add: (holding: Holding) => Change,
): number {
  const now = store.measure(session);
  const copy = new Session<AppSessionData>(session.toJSON());
  add(WORST_CASE_HOLDING)(copy);
  const withOne = store.measure(copy);
  if (withOne > store.maxSessionBytes) return 0;
  const perHolding = Math.max(1, withOne - now);
  return 1 + Math.floor((store.maxSessionBytes - withOne) / perHolding);
}
