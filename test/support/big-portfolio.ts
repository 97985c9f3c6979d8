/**
 * The largest portfolio a server-side store accepts for one visitor (issue 18, loss path #9): the
 * test of the page's size and the `bench:big-portfolio` script fill a session to its cap with it.
 * @module
 */
import { Session, type SessionStore } from 'flask-session-ts';
import { encodePortfolio, type Holding } from '../../src/domain/portfolio.js';
import type { AppSessionData } from '../../src/session/data.js';

/** How the holdings spread over symbols: one position each, or all lots of one symbol. */
export type PortfolioShape = 'many-symbols' | 'one-symbol';

/** A short symbol per index (A … Z, AA …), each one distinct: the most positions a session can hold. */
function symbolOf(i: number): string {
  let text = '';
  for (let n = i + 1; n > 0; n = Math.floor((n - 1) / 26))
    text = String.fromCharCode(65 + ((n - 1) % 26)) + text;
  return text;
}

/**
 * `count` holdings of `shape`: one-digit figures and no date (as an old cookie's lots), so as many
 * as possible fit: the "some 60,000 holdings" in 1 MiB.
 */
export function bigHoldings(count: number, shape: PortfolioShape): Holding[] {
  return Array.from({ length: count }, (_, i) => ({
    symbol: shape === 'one-symbol' ? 'AAPL' : symbolOf(i),
    shares: String(1 + (i % 9)),
    price: String(1 + (i % 7)),
  }));
}

/** The session data of `holdings`, as the app keeps it with a visitor's CSRF token. */
function dataOf(holdings: readonly Holding[]): AppSessionData {
  return { _permanent: true, portfolio: encodePortfolio(holdings) } as AppSessionData;
}

/**
 * The most holdings of `shape` that `store` keeps in one session, found by bisection with the
 * store's own `measure` (nothing is written), leaving `reserveBytes` for what a visit adds
 * (the CSRF token, flashes).
 */
export function mostHoldings(store: SessionStore, shape: PortfolioShape, reserveBytes = 512): number {
  const fits = (n: number) =>
    store.measure(new Session(dataOf(bigHoldings(n, shape)))) <= store.maxSessionBytes - reserveBytes;
  let low = 1;
  let high = 2;
  while (fits(high)) high *= 2;
  while (high - low > 1) {
    const mid = Math.floor((low + high) / 2);
    if (fits(mid)) low = mid;
    else high = mid;
  }
  return low;
}

/**
 * Writes the largest portfolio of `shape` into the session the `cookieHeader` names, through the
 * store's `update` (so the cap is the store's own); returns how many holdings it holds.
 */
export async function fillToCap(
  store: SessionStore,
  cookieHeader: string | undefined,
  shape: PortfolioShape,
  reserveBytes?: number,
): Promise<number> {
  const count = mostHoldings(store, shape, reserveBytes);
  const holdings = encodePortfolio(bigHoldings(count, shape));
  const { session } = await store.open<AppSessionData>(cookieHeader);
  await store.update(session, (s) => s.set('portfolio', holdings));
  return count;
}
