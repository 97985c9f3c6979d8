/**
 * The portfolio as the session holds it: read from `portfolio`, and from the single holding the
 * seed's Flask app stored as top-level keys; written back to `portfolio` only.
 *
 * The seed's Flask tutorial app (`session['stock_symbol'] = request.form['stock_symbol']`, and so
 * on) keeps one holding as `stock_symbol`, `number_of_shares` and `purchase_price` (`share_price`
 * in the chapter's first version). A visitor arriving with such a cookie sees that holding; the next
 * save of the portfolio moves it into `portfolio` and drops the old keys, so it is never lost.
 * @module
 */
import type { Session } from 'flask-session-ts';
import type { AppSessionData } from './data.js';
import { decodePortfolio, encodePortfolio, type Holding } from '../domain/portfolio.js';

/** The seed's top-level keys, in the order {@link decodePortfolio}'s dict layout reads them. */
export const LEGACY_KEYS = ['stock_symbol', 'number_of_shares', 'purchase_price', 'share_price'] as const;

type PortfolioSession = Session<AppSessionData>;

/** The seed app's holding, if the session carries a valid one. */
function legacyHolding(session: PortfolioSession): Holding | undefined {
  const symbol = session.get('stock_symbol');
  if (symbol === undefined) return undefined;
  const [holding] = decodePortfolio([
    {
      stock_symbol: symbol,
      number_of_shares: session.get('number_of_shares') ?? null,
      purchase_price: session.get('purchase_price') ?? session.get('share_price') ?? null,
    },
  ]);
  return holding;
}

/**
 * Decoded portfolios by the stored value they came from, for frozen values only: the session
 * library shares one frozen decoded payload between the requests that send the same cookie, and a
 * frozen value cannot change, so its holdings are checked and parsed once.
 */
const decodedPortfolios = new WeakMap<object, readonly Holding[]>();

function decodeStored(stored: unknown): readonly Holding[] {
  if (stored === null || typeof stored !== 'object' || !Object.isFrozen(stored))
    return decodePortfolio(stored);
  let holdings = decodedPortfolios.get(stored);
  if (holdings === undefined) {
    holdings = Object.freeze(decodePortfolio(stored).map((holding) => Object.freeze(holding)));
    decodedPortfolios.set(stored, holdings);
  }
  return holdings;
}

/** The visitor's holdings, oldest first: `portfolio`, then the seed app's single holding if any. */
export function readHoldings(session: PortfolioSession): readonly Holding[] {
  const holdings = decodeStored(session.get('portfolio'));
  const legacy = legacyHolding(session);
  return legacy === undefined ? holdings : [...holdings, legacy];
}

/** Saves `holdings` as the portfolio (call inside `store.update`); the seed app's keys go. */
export function writeHoldings(session: PortfolioSession, holdings: readonly Holding[]): void {
  for (const key of LEGACY_KEYS) session.delete(key);
  if (holdings.length === 0) session.delete('portfolio');
  else session.set('portfolio', encodePortfolio(holdings));
}
