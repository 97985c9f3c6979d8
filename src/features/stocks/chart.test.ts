/** The allocation chart on the list page, through app.request, and its arithmetic. */
import { describe, expect, it } from 'vitest';
import { textOf, visitorWith } from '../../../test/support/client.js';
import { compare, toCanonicalString } from '../../domain/decimal.js';
import { buildPositions, type Positions } from '../../domain/positions.js';
import { urlFor } from '../../web/urls.js';
import { allocation, CHART_COLOURS, CHART_MAX_BARS, colourOf } from './chart.js';

const HOLDINGS = [
  { symbol: 'AAPL', shares: '3', price: '100' },
  { symbol: 'MSFT', shares: '1', price: '100' },
];

describe('allocation', () => {
  it('shares by cost basis while a position has no price', () => {
    const { basis, slices } = allocation(buildPositions(HOLDINGS, new Map([['AAPL', '1']]), 'symbol'));
    expect(basis).toBe('cost basis');
    expect(slices.map((s) => [s.symbol, toCanonicalString(s.percent), toCanonicalString(s.length)])).toEqual([
      ['AAPL', '75', '100'],
      ['MSFT', '25', '33.33'],
    ]);
  });

  it('shares by market value once every position has a price', () => {
    const prices = new Map([
      ['AAPL', '100'],
      ['MSFT', '300'],
    ]);
    const { basis, slices } = allocation(buildPositions(HOLDINGS, prices, 'symbol'));
    expect(basis).toBe('market value');
    expect(slices.map((s) => toCanonicalString(s.percent))).toEqual(['50', '50']);
  });

  it('rounds shares half-up to 2 places', () => {
    const thirds = [...HOLDINGS, { symbol: 'GOOG', shares: '2', price: '100' }].map((h) => ({
      ...h,
      shares: '1',
    }));
    const { slices } = allocation(buildPositions(thirds, new Map(), 'symbol'));
    expect(slices.map((s) => toCanonicalString(s.percent))).toEqual(['33.33', '33.33', '33.33']);
  });
});

describe('allocation of more positions than bars', () => {
  // Amounts with many ties, in an order that is neither sorted nor reversed.
  const holdings = Array.from({ length: 3 * CHART_MAX_BARS }, (_, i) => ({
    symbol: `S${(i * 7919) % 1000}`,
    shares: String(1 + ((i * 31) % 17)),
    price: String(1 + (i % 5)),
  }));
  // Every position priced (the chart then goes by value), listed by gain: equal values in any symbol order.
  const prices = new Map(holdings.map((h, i) => [h.symbol, String(1 + ((i * 13) % 7))]));

  const equal = buildPositions(
    holdings.map((h) => ({ ...h, shares: '2', price: '3' })),
    new Map(),
    'symbol',
  );
  const reversed = (view: Positions): Positions => ({ ...view, positions: [...view.positions].reverse() });

  it.each([
    ['cost basis, in symbol order', buildPositions(holdings, new Map(), 'symbol')],
    ['market value, in gain order', buildPositions(holdings, prices, 'gain')],
    ['cost basis, all equal, in reverse symbol order', reversed(equal)],
  ])(
    'shows the largest by %s, ties by symbol, as a sort of them all would, and the rest as "Others"',
    (_, view) => {
      const { slices } = allocation(view);
      const expected = view.positions
        .map((p) => ({ symbol: p.symbol, amount: p.valuation?.value ?? p.cost }))
        .sort((a, b) => compare(b.amount, a.amount) || (a.symbol < b.symbol ? -1 : 1))
        .slice(0, CHART_MAX_BARS - 1);
      expect(slices.slice(0, -1).map((s) => [s.symbol, s.amount])).toEqual(
        expected.map((e) => [e.symbol, e.amount]),
      );
      expect(slices.at(-1)).toMatchObject({
        symbol: 'Others',
        others: view.positions.length - CHART_MAX_BARS + 1,
      });
    },
  );
});

describe('colourOf', () => {
  it('gives a symbol the same colour wherever it sorts, from its characters', () => {
    // FNV-1a of "AAPL" is 1,489,842,955 (Python: h = ((h ^ ord(c)) * 16777619) & 0xffffffff).
    expect(colourOf('AAPL')).toBe(1_489_842_955 % CHART_COLOURS);
    expect(colourOf('AAPL')).toBe(colourOf('AAPL'));
  });

  it('spreads symbols over every colour', () => {
    const used = new Set(
      ['AAPL', 'MSFT', 'GOOG', 'NVDA', 'SBUX', 'AMZN', 'TSLA', 'META', 'BRK.B', 'NFLX', 'KO', 'V'].map(
        colourOf,
      ),
    );
    expect(used.size).toBeGreaterThanOrEqual(5);
  });
});

describe('the chart on the list page', () => {
  async function listPage() {
    const client = await visitorWith([
      { stock_symbol: 'AAPL', number_of_shares: '3', purchase_price: '100' },
      { stock_symbol: 'MSFT', number_of_shares: '1', purchase_price: '100' },
    ]);
    return (await client.get(urlFor('list_stocks'))).html;
  }

  it('is a list of labelled bars: symbol, share and amount as text, the bar hidden from screen readers', async () => {
    const html = await listPage();
    const list = /<ol class="chart-bars">([\s\S]*?)<\/ol>/.exec(html)?.[1] ?? '';
    expect(html).toContain('<h2 id="chart-heading">Allocation by cost basis</h2>');
    expect(textOf(list)).toBe('AAPL 75.00% · $300.00 MSFT 25.00% · $100.00');
    expect(list.match(/<svg [^>]*aria-hidden="true"/g)).toHaveLength(2);
    // Drawn against the largest: AAPL fills the bar, MSFT a third of it.
    expect([...list.matchAll(/<rect width="([\d.]+)"/g)].map((m) => m[1])).toEqual(['100', '33.33']);
  });

  it('uses no inline style, which the CSP would block: colours are classes of the stylesheet', async () => {
    const html = await listPage();
    expect(html).not.toMatch(/\sstyle=|<style/);
    expect(html).toContain(`class="chart-colour-${colourOf('AAPL')}"`);
    expect(html).toContain(`class="chart-colour-${colourOf('MSFT')}"`);
  });

  it('is absent for an empty portfolio', async () => {
    const html = (await (await visitorWith([])).get(urlFor('list_stocks'))).html;
    expect(html).not.toContain('<svg');
  });
});
