import { Session } from 'flask-session-ts';
import { describe, expect, it } from 'vitest';
import { testConfig } from '../../test/support/client.js';
import { EMPTY_LEDGER, type Ledger } from '../domain/ledger.js';
import { addLot, recordSale } from '../domain/ledger-changes.js';
import type { PriceBook } from '../domain/price-book.js';
import { parseStockForm } from '../domain/stock-rules.js';
import type { AppSessionData } from './data.js';
import { cannotFit, SMALLEST_LOT } from './import-room.js';
import { writeLedger } from './ledger.js';
import { createCookieStore } from './stores.js';

const store = createCookieStore(testConfig());
const empty = () => new Session<AppSessionData>({});
const noPrices: PriceBook = new Map();

/** The largest n for which `cannotFit` says n more might fit into `base`. */
function limit(base: Ledger = EMPTY_LEDGER, book: PriceBook = noPrices): number {
  let low = 0;
  let high = 1 << 14;
  while (low < high) {
    const mid = Math.ceil((low + high) / 2);
    if (cannotFit(store, empty(), base, book, mid)) high = mid - 1;
    else low = mid;
  }
  return low;
}

function ok<T extends { ok: boolean }>(result: T): Extract<T, { ok: true }> {
  if (!result.ok) throw new Error('refused');
  return result as Extract<T, { ok: true }>;
}

describe('cannotFit', () => {
  it('is the form’s own smallest holding', () => {
    const form = { stock_symbol: 'A', number_of_shares: '1', purchase_price: '1' };
    const parsed = parseStockForm(form, { today: '2026-12-01', latest: '2026-12-01' });
    expect(parsed.ok && { ...parsed.holding, date: undefined }).toEqual({ ...SMALLEST_LOT, date: undefined });
  });

  it('never refuses nothing, and refuses a count no cookie holds', () => {
    expect(cannotFit(store, empty(), EMPTY_LEDGER, noPrices, 0)).toBe(false);
    expect(cannotFit(store, empty(), EMPTY_LEDGER, noPrices, 10)).toBe(false);
    expect(cannotFit(store, empty(), EMPTY_LEDGER, noPrices, 128_000)).toBe(true);
  });

  it('is exact at its boundary: one more record than fits is refused, and that many really fit', () => {
    const n = limit();
    expect(cannotFit(store, empty(), EMPTY_LEDGER, noPrices, n + 1)).toBe(true);
    const session = empty();
    const lots = Array.from({ length: n }, (_, i) => ({ ...SMALLEST_LOT, id: i + 1 }));
    writeLedger(session, { lots, sales: [], nextId: n + 1 });
    expect(store.measure(session)).toBeLessThanOrEqual(store.maxSessionBytes);
  });

  it('counts the lots, sales and prices kept, and leaves the session it was given alone', () => {
    let base = EMPTY_LEDGER;
    for (let i = 0; i < 20; i++) {
      base = ok(
        addLot(base, { symbol: `S${i}X`, shares: `${i + 1}.25`, price: `${1000 + i * 37}.5` }),
      ).ledger;
    }
    const room = limit(base);
    expect(room).toBeLessThan(limit());
    let sold = base;
    for (let i = 0; i < 10; i++) {
      sold = ok(
        recordSale(sold, { symbol: `S${i}X`, shares: '1', price: `${i + 7}.5`, date: `2026-01-1${i}` }),
      ).ledger;
    }
    expect(limit(sold)).toBeLessThan(room);
    const book: PriceBook = new Map(
      base.lots.map((lot, i) => [
        lot.symbol,
        { price: `${i + 3}.75`, source: 'manual' as const, asOf: '2026-02-01' },
      ]),
    );
    expect(limit(base, book)).toBeLessThan(room);

    const session = empty();
    session.set('theme', 'dark');
    const before = session.toJSON();
    expect(cannotFit(store, session, base, noPrices, room + 1)).toBe(true);
    expect(session.toJSON()).toEqual(before);
  });
});
