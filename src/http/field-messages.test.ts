/**
 * Each message of issue 18, item 5, as a visitor meets it through a real request: an impossible
 * day says what is wrong, the date floor names itself, and a digit ticker is taken, stored as text
 * (Flask reads it) and exported without a formula guard it does not need.
 */
import { describe, expect, it } from 'vitest';
import { AAPL_LOT, fieldError, tableRows, visitorAtForm, visitorWith } from '../../test/support/client.js';
import { dateMessages, EARLIEST_TRADE_DATE, symbolMessages } from '../domain/stock-fields.js';
import { saleDateMessages } from '../domain/sale-rules.js';
import { urlFor } from '../web/urls.js';

const sale = { stock_symbol: 'AAPL', number_of_shares: '1', sale_price: '310' };

describe('the add form', () => {
  it.each([
    ['2024-02-30', '2024-02-30 is not a date: February 2024 has 29 days.'],
    ['2023-13-01', '2023-13-01 is not a date: 2023 has no month 13.'],
    ['1800-01-01', dateMessages.tooEarly],
  ])('answers the purchase date %j with %j', async (purchase_date, message) => {
    const client = await visitorAtForm();
    const page = await client.postForm(urlFor('add_stock'), { ...AAPL_LOT, purchase_date });
    expect(page.status).toBe(422);
    expect(fieldError(page.html, 'purchase_date')).toBe(message);
  });

  it(`names the floor, ${EARLIEST_TRADE_DATE}, and accepts it`, async () => {
    const client = await visitorAtForm();
    const page = await client.postForm(urlFor('add_stock'), { ...AAPL_LOT, purchase_date: '1899-12-31' });
    expect(fieldError(page.html, 'purchase_date')).toContain('on or after 1900-01-01');
    const ok = await client.postForm(urlFor('add_stock'), { ...AAPL_LOT, purchase_date: '1900-01-01' });
    expect(ok.status).toBe(302);
  });

  it('takes the digit tickers 0700 and 7203, keeps them as text in the Flask cookie, and exports them unguarded', async () => {
    const client = await visitorAtForm();
    for (const stock_symbol of ['0700', '7203']) {
      const post = await client.postForm(urlFor('add_stock'), { ...AAPL_LOT, stock_symbol });
      expect(post.status).toBe(302);
    }
    const list = await client.get(urlFor('list_stocks'));
    expect(tableRows(list.html).map((row) => row[0])).toEqual(expect.arrayContaining(['0700', '7203']));
    const stored = client.decodeSession()['portfolio'] as unknown[][];
    expect(stored.map((entry) => entry[0])).toEqual(['0700', '7203']);
    const csv = (await client.get(urlFor('export_stocks'))).html;
    expect(csv).toMatch(/(^|[\r\n,])0700,/);
    expect(csv).not.toContain("'0700");
  });

  it('answers a short digit ticker with the letter-or-code message', async () => {
    const client = await visitorAtForm();
    const page = await client.postForm(urlFor('add_stock'), { ...AAPL_LOT, stock_symbol: '700' });
    expect(page.status).toBe(422);
    expect(fieldError(page.html, 'stock_symbol')).toBe(symbolMessages['no-letter']);
  });
});

describe('the sell form', () => {
  it.each([
    ['2024-02-30', '2024-02-30 is not a date: February 2024 has 29 days.'],
    ['2023-13-01', '2023-13-01 is not a date: 2023 has no month 13.'],
    ['1800-01-01', saleDateMessages.tooEarly],
  ])('answers the sale date %j with %j', async (sale_date, message) => {
    const client = await visitorWith([AAPL_LOT]);
    await client.get(urlFor('sell_stock'));
    const page = await client.postForm(urlFor('sell_stock'), { ...sale, sale_date });
    expect(page.status).toBe(422);
    expect(fieldError(page.html, 'sale_date')).toBe(message);
  });
});
