import { describe, expect, it } from 'vitest';
import { toCanonicalString, type Decimal } from './decimal.js';
import type { Holding } from './portfolio.js';
import { buildPositions, positionSort, type Position } from './positions.js';
import { decodePrices, encodePrices } from './prices.js';

const text = (value: Decimal | undefined) => (value === undefined ? undefined : toCanonicalString(value));

const HOLDINGS: readonly Holding[] = [
  { symbol: 'MSFT', shares: '2', price: '400', date: '2026-01-05' },
  { symbol: 'AAPL', shares: '10', price: '100' },
  { symbol: 'MSFT', shares: '1', price: '401' },
  { symbol: 'BRK.B', shares: '3', price: '0.1234' },
];

describe('buildPositions', () => {
  it("groups lots by symbol, in portfolio order, with the ids an old cookie's lots get (1, 2, 3…)", () => {
    const { positions } = buildPositions(HOLDINGS, new Map(), 'symbol');
    expect(positions.map((p) => [p.symbol, p.lots.map((lot) => lot.id)])).toEqual([
      ['AAPL', [2]],
      ['BRK.B', [4]],
      ['MSFT', [1, 3]],
    ]);
  });

  it('totals shares and cost exactly and rounds the average cost to 4 places', () => {
    const msft = buildPositions(HOLDINGS, new Map(), 'symbol').positions[2];
    expect([text(msft?.shares), text(msft?.cost), text(msft?.averageCost)]).toEqual([
      '3',
      '1201',
      '400.3333',
    ]);
  });

  it('has no valuation for a symbol without a current price', () => {
    const { positions, totals } = buildPositions(HOLDINGS, new Map(), 'symbol');
    expect(positions.every((p) => p.valuation === undefined)).toBe(true);
    expect(totals).toMatchObject({ pricedCount: 0, priced: undefined });
    expect(text(totals.cost)).toBe('2201.3702');
  });

  it('values a position at its current price: value, gain and gain %', () => {
    const aapl = buildPositions(HOLDINGS, new Map([['AAPL', '87.5']]), 'symbol').positions[0];
    expect(
      aapl?.valuation && [aapl.valuation.value, aapl.valuation.gain, aapl.valuation.gainPercent].map(text),
    ).toEqual(['875', '-125', '-12.5']);
  });

  it('rounds the gain % half away from zero to 2 places', () => {
    // 3 MSFT cost 1201; at 400 they are worth 1200: −1/1201 = −0.0832639…%.
    const msft = buildPositions(HOLDINGS, new Map([['MSFT', '400']]), 'symbol').positions[2];
    expect(text(msft?.valuation?.gainPercent)).toBe('-0.08');
  });

  it('totals value and return over the priced positions only', () => {
    const { totals } = buildPositions(
      HOLDINGS,
      new Map([
        ['AAPL', '110'],
        ['MSFT', '500'],
      ]),
      'symbol',
    );
    expect(totals.pricedCount).toBe(2);
    // Cost 1000 + 1201 = 2201; value 1100 + 1500 = 2600; gain 399 = 18.128…%.
    expect(
      totals.priced &&
        [totals.priced.cost, totals.priced.value, totals.priced.gain, totals.priced.gainPercent].map(text),
    ).toEqual(['2201', '2600', '399', '18.13']);
  });

  const symbols = (positions: readonly Position[]) => positions.map((p) => p.symbol);
  const prices = new Map([
    ['AAPL', '90'],
    ['MSFT', '500'],
  ]);

  it('sorts by value, largest first, unpriced last', () => {
    expect(symbols(buildPositions(HOLDINGS, prices, 'value').positions)).toEqual(['MSFT', 'AAPL', 'BRK.B']);
  });

  it('sorts by gain, largest first (losses after gains), unpriced last', () => {
    expect(symbols(buildPositions(HOLDINGS, prices, 'gain').positions)).toEqual(['MSFT', 'AAPL', 'BRK.B']);
    const loss = new Map([
      ['AAPL', '200'],
      ['MSFT', '1'],
      ['BRK.B', '1'],
    ]);
    expect(symbols(buildPositions(HOLDINGS, loss, 'gain').positions)).toEqual(['AAPL', 'BRK.B', 'MSFT']);
  });

  it.each([
    ['value', 'value'],
    ['gain', 'gain'],
    ['symbol', 'symbol'],
    [undefined, 'symbol'],
    ['constructor', 'symbol'],
  ])('reads the sort parameter %j as %s', (input, sort) => {
    expect(positionSort(input)).toBe(sort);
  });
});

describe('current prices in the session', () => {
  it('reads valid prices, canonicalized, and drops the rest', () => {
    const raw = { AAPL: '100.50', msft: 2, '123': '1', GOOG: '-1', TSLA: 'abc', 'A B': '1' };
    expect([...decodePrices(raw)]).toEqual([
      ['AAPL', '100.5'],
      ['MSFT', '2'],
    ]);
  });

  it('reads anything that is not a dict as no prices', () => {
    for (const raw of [undefined, null, [['AAPL', '1']], 'AAPL']) expect(decodePrices(raw).size).toBe(0);
  });

  it('stores only the prices of symbols still held', () => {
    expect(
      encodePrices(
        new Map([
          ['AAPL', '1'],
          ['MSFT', '2'],
        ]),
        new Set(['MSFT']),
      ),
    ).toEqual({ MSFT: '2' });
  });
});
