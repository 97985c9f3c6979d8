/** The allocation chart on the list page, through app.request, and its arithmetic. */
import { describe, expect, it } from 'vitest';
import { textOf, visitorWith } from '../../../test/support/client.js';
import { toCanonicalString } from '../../domain/decimal.js';
import { buildPositions } from '../../domain/positions.js';
import { urlFor } from '../../web/urls.js';
import { allocation } from './chart.js';

const HOLDINGS = [
  { symbol: 'AAPL', shares: '3', price: '100' },
  { symbol: 'MSFT', shares: '1', price: '100' },
];

describe('allocation', () => {
  it('shares by cost basis while a position has no price', () => {
    const { basis, slices } = allocation(buildPositions(HOLDINGS, new Map([['AAPL', '1']]), 'symbol'));
    expect(basis).toBe('cost basis');
    expect(slices.map((s) => [s.symbol, toCanonicalString(s.percent), toCanonicalString(s.length)])).toEqual([
      ['AAPL', '75', '135'],
      ['MSFT', '25', '45'],
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

describe('the chart on the list page', () => {
  async function listPage() {
    const client = await visitorWith([
      { stock_symbol: 'AAPL', number_of_shares: '3', purchase_price: '100' },
      { stock_symbol: 'MSFT', number_of_shares: '1', purchase_price: '100' },
    ]);
    return (await client.get(urlFor('list_stocks'))).html;
  }

  it('is an inline SVG image with a title and a description of every share', async () => {
    const html = await listPage();
    const svg = /<svg[^>]*>[\s\S]*?<\/svg>/.exec(html)?.[0] ?? '';
    expect(svg).toMatch(/^<svg viewBox="0 0 320 \d+" role="img" aria-labelledby="chart-title chart-desc"/);
    expect(svg).toContain('<title id="chart-title">Share of the portfolio by cost basis</title>');
    expect(svg).toContain('<desc id="chart-desc">AAPL 75.00%, MSFT 25.00%.</desc>');
    expect([...svg.matchAll(/<rect [^>]*width="([\d.]+)"/g)].map((m) => m[1])).toEqual(['135', '45']);
  });

  it('has a table of the same figures for screen readers', async () => {
    const html = await listPage();
    const table = /<div class="visually-hidden">\s*<table>([\s\S]*?)<\/table>/.exec(html)?.[1] ?? '';
    expect(textOf(table)).toBe(
      'Share of the portfolio by cost basis Symbol Share Cost Basis AAPL 75.00% $300.00 MSFT 25.00% $100.00',
    );
  });

  it('uses no inline style, which the CSP would block: colours are classes of the stylesheet', async () => {
    const html = await listPage();
    expect(html).not.toMatch(/\sstyle=|<style/);
    expect(html).toContain('class="chart-bar-0"');
    expect(html).toContain('class="chart-bar-1"');
  });

  it('is absent for an empty portfolio', async () => {
    const html = (await (await visitorWith([])).get(urlFor('list_stocks'))).html;
    expect(html).not.toContain('<svg');
  });
});
