import { Session } from 'flask-session-ts';
import { describe, expect, it } from 'vitest';
import { testConfig } from '../../test/support/client.js';
import { parseStockForm } from '../domain/stock-rules.js';
import type { AppSessionData } from './data.js';
import { cannotFit, SMALLEST_HOLDING } from './import-room.js';
import { writeHoldings } from './portfolio.js';
import { createCookieStore } from './stores.js';

const store = createCookieStore(testConfig());
const empty = () => new Session<AppSessionData>({});

/** The largest n for which `cannotFit` says n more might fit into `kept`. */
function limit(kept: readonly (typeof SMALLEST_HOLDING)[]): number {
  let low = 0;
  let high = 1 << 18;
  while (low < high) {
    const mid = Math.ceil((low + high) / 2);
    if (cannotFit(store, empty(), kept, mid)) high = mid - 1;
    else low = mid;
  }
  return low;
}

describe('cannotFit', () => {
  it('is the form’s own smallest holding', () => {
    const form = { stock_symbol: 'A', number_of_shares: '1', purchase_price: '1' };
    const parsed = parseStockForm(form, { today: '2026-12-01', latest: '2026-12-01' });
    expect(parsed.ok && { ...parsed.holding, date: undefined }).toEqual({
      ...SMALLEST_HOLDING,
      date: undefined,
    });
  });

  it('never refuses nothing, and refuses a count no cookie holds', () => {
    expect(cannotFit(store, empty(), [], 0)).toBe(false);
    expect(cannotFit(store, empty(), [], 10)).toBe(false);
    expect(cannotFit(store, empty(), [], 128_000)).toBe(true);
  });

  it('is exact at its boundary: one more row than fits is refused, and that many really fit', () => {
    const n = limit([]);
    expect(cannotFit(store, empty(), [], n + 1)).toBe(true);
    const session = empty();
    writeHoldings(session, new Array(n).fill(SMALLEST_HOLDING));
    expect(store.measure(session)).toBeLessThanOrEqual(store.maxSessionBytes);
  });

  it('counts the holdings kept, and leaves the session it was given alone', () => {
    const session = empty();
    session.set('theme', 'dark');
    const before = session.toJSON();
    const kept = Array.from({ length: 40 }, (_, i) => ({
      symbol: `S${i}X`,
      shares: `${i + 1}.25`,
      price: `${1000 + i * 37}.5`,
    }));
    const room = limit([]);
    expect(cannotFit(store, session, kept, room)).toBe(true);
    expect(session.toJSON()).toEqual(before);
  });
});
