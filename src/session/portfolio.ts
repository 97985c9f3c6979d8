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
import { decodePortfolio, type Holding } from '../domain/portfolio.js';
import { decodeFrozenLedger, decodeLedger, encodeLedger, type Ledger, type Lot } from '../domain/ledger.js';
import { decodePriceBook, encodePriceBook, keepHeldPrices } from '../domain/price-book.js';

/** The seed's top-level keys, in the order {@link decodePortfolio}'s dict layout reads them. */
export const LEGACY_KEYS = ['stock_symbol', 'number_of_shares', 'purchase_price', 'share_price'] as const;

type PortfolioSession = Session<AppSessionData>;

/** The seed app's holding, if the session carries a valid one. */
export function legacyHolding(session: PortfolioSession): Holding | undefined {
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
 * Decoded ledgers by the stored portfolio they came from, for frozen values only: the session
 * library shares one frozen decoded payload between the requests that send the same cookie, and a
 * frozen value cannot change, so its lots are checked and parsed once. The sales and next id it
 * was decoded with are kept beside it and compared by identity (frozen too, or numbers).
 */
const decodedLedgers = new WeakMap<
  object,
  { readonly sales: unknown; readonly nextId: unknown; readonly ledger: Ledger }
>();

/**
 * The visitor's ledger as stored: `portfolio`, `sales` and `next_id`, then the seed app's single
 * holding if any, as one more lot. Always frozen (its lots' amounts parsed once, see
 * `decodeFrozenLedger`); shared between requests when the stored values are frozen.
 */
export function storedLedger(session: PortfolioSession): Ledger {
  const legacy = legacyHolding(session);
  const portfolio: unknown = session.get('portfolio');
  const sales: unknown = session.get('sales');
  const nextId: unknown = session.get('next_id');
  const cacheable =
    legacy === undefined &&
    portfolio !== null &&
    typeof portfolio === 'object' &&
    Object.isFrozen(portfolio) &&
    (sales === undefined || (sales !== null && typeof sales === 'object' && Object.isFrozen(sales)));
  // Frozen either way, with the lots' amounts parsed once: a page's replay, gains and positions
  // then read them from `lotAmounts` instead of parsing every lot again.
  if (!cacheable) {
    return decodeFrozenLedger({ portfolio, sales, next_id: nextId }, legacy === undefined ? [] : [legacy]);
  }
  const known = decodedLedgers.get(portfolio);
  if (known !== undefined && known.sales === sales && known.nextId === nextId) return known.ledger;
  const ledger = decodeFrozenLedger({ portfolio, sales, next_id: nextId }, []);
  decodedLedgers.set(portfolio, { sales, nextId, ledger });
  return ledger;
}

/**
 * The visitor's lots, oldest first, each with its id (and fee): `portfolio`, then the seed app's
 * single holding if any. Lots sold out stay in the list (see `ledger.ts` for sales).
 */
export function readHoldings(session: PortfolioSession): readonly Lot[] {
  return storedLedger(session).lots;
}

/**
 * Saves `holdings` as the lots (call inside `store.update`); the seed app's keys go. A holding that
 * is a lot read by {@link readHoldings} keeps its id; every other one gets the next id. Sales stay,
 * unless `replace` (the portfolio is replaced whole, its history with it); prices of symbols no lot
 * holds any more go (a price goes with its last holding).
 */
export function writeHoldings(
  session: PortfolioSession,
  holdings: readonly (Holding | Lot)[],
  { replace = false }: { readonly replace?: boolean } = {},
): void {
  const legacy = legacyHolding(session);
  const before = decodeLedger(
    { portfolio: session.get('portfolio'), sales: session.get('sales'), next_id: session.get('next_id') },
    legacy === undefined ? [] : [legacy],
  );
  let nextId = before.nextId;
  const taken = new Set<number>();
  const lots = holdings.map((holding): Lot => {
    if ('id' in holding && !taken.has(holding.id) && holding.id < before.nextId) {
      taken.add(holding.id);
      return holding;
    }
    return { ...holding, id: nextId++ };
  });
  const ledger = { lots, sales: replace ? [] : before.sales, nextId };
  for (const key of LEGACY_KEYS) session.delete(key);
  const encoded = encodeLedger(ledger);
  for (const key of ['portfolio', 'sales', 'next_id'] as const) {
    const value = encoded[key];
    if (value === undefined) session.delete(key);
    else session.set(key, value);
  }
  const { book, dropped } = keepHeldPrices(decodePriceBook(session.get('prices')), ledger);
  if (dropped.length > 0) {
    const encodedBook = encodePriceBook(book);
    if (encodedBook === undefined) session.delete('prices');
    else session.set('prices', encodedBook);
  }
}
