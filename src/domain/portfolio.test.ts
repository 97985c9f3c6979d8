import { deflateSync } from 'node:zlib';

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

import { parseDecimal } from './decimal.js';
import {
  checkAmount,
  checkSymbol,
  decodePortfolio,
  encodePortfolio,
  normalizeSymbol,
  PRICE_RULE,
  SHARES_RULE,
  summarize,
  type Holding,
} from './portfolio.js';

const aapl: Holding = { symbol: 'AAPL', shares: '15', price: '302.17' };

/** Random holdings shaped like real ones: 4-letter symbols, 1–5000 shares (a third fractional), $1–$2000. */
const realisticHolding: fc.Arbitrary<Holding> = fc.record({
  symbol: fc.string({
    unit: fc.integer({ min: 65, max: 90 }).map((code) => String.fromCharCode(code)),
    minLength: 4,
    maxLength: 4,
  }),
  shares: fc.oneof(
    { weight: 2, arbitrary: fc.integer({ min: 1, max: 5000 }).map(String) },
    {
      weight: 1,
      arbitrary: fc
        .tuple(fc.integer({ min: 1, max: 4999 }), fc.integer({ min: 1, max: 4 }))
        .chain(([whole, digits]) =>
          fc
            .integer({ min: 1, max: 10 ** digits - 1 })
            .map((fraction) => `${whole}.${String(fraction).padStart(digits, '0')}`.replace(/0+$/, '')),
        ),
    },
  ),
  price: fc
    .integer({ min: 100, max: 200_000 })
    .map((cents) =>
      `${Math.floor(cents / 100)}.${String(cents % 100).padStart(2, '0')}`.replace(/\.?0+$/, ''),
    ),
});

describe('symbol rules', () => {
  it('upper-cases ASCII letters and trims surrounding whitespace', () => {
    expect(normalizeSymbol('  brk.b \t')).toBe('BRK.B');
  });

  it('leaves non-ASCII letters alone so they cannot turn into valid ones', () => {
    expect(normalizeSymbol('ßapl')).toBe('ßAPL');
    expect(checkSymbol(normalizeSymbol('ſ'))).toBe('invalid-characters');
  });

  it('accepts real ticker shapes', () => {
    for (const symbol of ['AAPL', 'BRK.B', 'BF-B', 'A', 'X1', 'ABCDEFGHIJ', '0700', '7203', '600519']) {
      expect(checkSymbol(symbol), symbol).toBeUndefined();
    }
  });

  it('names the problem with each unacceptable symbol', () => {
    expect(checkSymbol('')).toBe('empty');
    expect(checkSymbol('ABCDEFGHIJK')).toBe('too-long');
    expect(checkSymbol('AAPL!')).toBe('invalid-characters');
    expect(checkSymbol('ÅAPL')).toBe('invalid-characters');
    expect(checkSymbol('123')).toBe('no-letter');
    expect(checkSymbol('1234567')).toBe('no-letter');
    expect(checkSymbol('1.5')).toBe('no-letter');
    expect(checkSymbol('-5')).toBe('no-letter');
  });

  it('keeps a digit code as text through the stored layout, leading zeros and all (Flask reads a string)', () => {
    const entries = encodePortfolio([{ symbol: '0700', shares: '100', price: '350.2' }]);
    expect(JSON.parse(JSON.stringify(entries))).toEqual([['0700', '100', '350.2']]);
    expect(decodePortfolio(entries)).toEqual([{ symbol: '0700', shares: '100', price: '350.2' }]);
  });
});

describe('amount rules', () => {
  const amount = (text: string) => parseDecimal(text) ?? fail(text);
  function fail(text: string): never {
    throw new Error(`test literal ${text} is not a decimal`);
  }

  it('accepts positive amounts up to the maximum with up to four decimals', () => {
    expect(checkAmount(amount('0.0001'), SHARES_RULE)).toBeUndefined();
    expect(checkAmount(amount('1000000000'), SHARES_RULE)).toBeUndefined();
    expect(checkAmount(amount('1000000.0000'), PRICE_RULE)).toBeUndefined();
  });

  it('names the problem with each unacceptable amount', () => {
    expect(checkAmount(amount('0'), SHARES_RULE)).toBe('not-positive');
    expect(checkAmount(amount('-1'), SHARES_RULE)).toBe('not-positive');
    expect(checkAmount(amount('1.23456'), SHARES_RULE)).toBe('too-many-decimals');
    expect(checkAmount(amount('1000000000.0001'), SHARES_RULE)).toBe('too-large');
    expect(checkAmount(amount('1000000.01'), PRICE_RULE)).toBe('too-large');
  });
});

describe('encodePortfolio and decodePortfolio', () => {
  it('stores each holding as a [symbol, shares, price] triple', () => {
    expect(encodePortfolio([aapl])).toEqual([['AAPL', '15', '302.17']]);
  });

  it('round-trips any valid portfolio through JSON', () => {
    fc.assert(
      fc.property(fc.array(realisticHolding, { maxLength: 20 }), (holdings) => {
        const stored: unknown = JSON.parse(JSON.stringify(encodePortfolio(holdings)));
        expect(decodePortfolio(stored)).toEqual(holdings);
      }),
    );
  });

  it('reads anything that is not an array as an empty portfolio', () => {
    for (const raw of [undefined, null, 'AAPL', 42, { 0: ['AAPL', '1', '1'] }]) {
      expect(decodePortfolio(raw)).toEqual([]);
    }
  });

  it('drops entries that break the rules and keeps the rest in order', () => {
    const raw = [
      ['AAPL', '15', '302.17'],
      ['123', '1', '1'],
      ['MSFT', '0', '1'],
      ['MSFT', '1', '1000000.01'],
      ['MSFT', '1.23456', '1'],
      ['MSFT', '1e3', '1'],
      ['MSFT', '1', '1', '2026-01-01', 'extra'],
      ['MSFT', '1'],
      'MSFT',
      null,
      ['GOOG', '2', '100'],
    ];
    expect(decodePortfolio(raw)).toEqual([aapl, { symbol: 'GOOG', shares: '2', price: '100' }]);
  });

  it('canonicalizes entries an older writer stored loosely', () => {
    const raw = [
      [' aapl ', '15.000', '302.170'],
      ['MSFT', 2, 410.5],
    ];
    expect(decodePortfolio(raw)).toEqual([aapl, { symbol: 'MSFT', shares: '2', price: '410.5' }]);
  });

  it('stores a purchase date as a fourth element and reads it back', () => {
    const dated = { ...aapl, date: '2026-03-04' };
    expect(encodePortfolio([dated, aapl])).toEqual([
      ['AAPL', '15', '302.17', '2026-03-04'],
      ['AAPL', '15', '302.17'],
    ]);
    expect(decodePortfolio(encodePortfolio([dated, aapl]))).toEqual([dated, aapl]);
  });

  it('keeps a holding whose stored date is unreadable, without the date', () => {
    for (const date of ['2026-02-30', '01/02/2026', 20260101, null]) {
      expect(decodePortfolio([['AAPL', '15', '302.17', date]])).toEqual([aapl]);
    }
  });

  it("reads the Flask tutorial app's dict layout", () => {
    const raw = [{ stock_symbol: 'AAPL', number_of_shares: '15', purchase_price: '302.17' }];
    expect(decodePortfolio(raw)).toEqual([aapl]);
  });

  it('never throws, whatever JSON it is given', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (raw) => {
        expect(Array.isArray(decodePortfolio(raw))).toBe(true);
      }),
    );
  });

  /** JSON and cookie-ready (zlib + base64url, as Flask writes it) sizes of 100 holdings. */
  function sizes(holdings: readonly Holding[]): { json: number; compressed: number } {
    const json = JSON.stringify(encodePortfolio(holdings));
    return { json: json.length, compressed: deflateSync(json).toString('base64url').length };
  }

  // Measured with this seed: 2,605 bytes of JSON, 1,608 characters after zlib + base64url.
  it('keeps 100 realistic random holdings near 2.6 KB of JSON and 1.6 KB compressed', () => {
    const holdings = fc.sample(fc.noBias(realisticHolding), { numRuns: 100, seed: 20240101 });
    const { json, compressed } = sizes(holdings);
    expect(json).toBeLessThan(2700);
    expect(compressed).toBeLessThan(1700);
  });

  // Every entry as long as the realistic ones get (`["ABCD","1234.5678","1234.56"]`), digits never 0.
  // Measured with this seed: 3,101 bytes of JSON, 1,966 characters after zlib + base64url.
  it('keeps 100 holdings of the longest realistic shape under 2 KB once compressed', () => {
    const digits = (length: number) =>
      fc.string({ unit: fc.integer({ min: 1, max: 9 }).map(String), minLength: length, maxLength: length });
    const longest: fc.Arbitrary<Holding> = fc.record({
      symbol: realisticHolding.map((holding) => holding.symbol),
      shares: fc.tuple(digits(4), digits(4)).map(([whole, fraction]) => `${whole}.${fraction}`),
      price: fc.tuple(digits(4), digits(2)).map(([whole, cents]) => `${whole}.${cents}`),
    });
    const { json, compressed } = sizes(fc.sample(fc.noBias(longest), { numRuns: 100, seed: 20240101 }));
    expect(json).toBe(3101);
    // Leaves about half of a 4 KB cookie for the signature, timestamp and other session keys.
    expect(compressed).toBeLessThanOrEqual(2048);
  });
});

describe('summarize', () => {
  it('computes each cost basis and formats shares, price and cost for display', () => {
    const [row] = summarize([{ symbol: 'BRK.B', shares: '1000.5', price: '0.1234' }]).rows;
    expect(row).toMatchObject({ shares: '1,000.5', price: '$0.1234', cost: '$123.46', costCents: 12346n });
  });

  it('totals the exact costs and rounds once, so rows need not add up to the total', () => {
    // Each row costs exactly $0.005, shown as $0.01; the exact total is $0.015, shown as $0.02, not $0.03.
    const half = { symbol: 'A', shares: '0.5', price: '0.01' };
    const summary = summarize([half, half, half]);
    expect(summary.rows.map((row) => row.cost)).toEqual(['$0.01', '$0.01', '$0.01']);
    expect(summary).toMatchObject({ total: '$0.02', totalCents: 2n });
  });

  it('totals an empty portfolio as zero', () => {
    expect(summarize([])).toEqual({ rows: [], total: '$0.00', totalCents: 0n });
  });

  it('refuses a holding whose amounts are not decimal strings', () => {
    expect(() => summarize([{ symbol: 'AAPL', shares: 'lots', price: '1' }])).toThrow(TypeError);
  });
});
