/**
 * Cookie mode stays Flask-compatible with lots, fees, sales and dated prices: real Flask (Debian's
 * python3) opens the cookie this app wrote, and a Flask view's `symbol, shares, price = entry[:3]`
 * still reads every holding.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  AAPL_LOT,
  TEST_NOW,
  TEST_SECRET_KEY,
  TEST_TODAY,
  visitorWith,
} from '../../../test/support/client.js';
import { FlaskCookies } from '../../../test/support/flask-cookies.js';
import { urlFor } from '../../web/urls.js';

let flask: FlaskCookies;
beforeAll(async () => {
  flask = await FlaskCookies.start();
});
afterAll(async () => {
  await flask.close();
});

describe('a Flask app sharing the cookie', () => {
  it('reads the portfolio after this app wrote ids, fees, a sale with picks and a dated price', async () => {
    const client = await visitorWith([
      { ...AAPL_LOT, fee: '4.95' },
      { stock_symbol: 'MSFT', number_of_shares: '2', purchase_price: '410.5' },
    ]);
    const sold = await client.postForm(urlFor('sell_stock'), {
      stock_symbol: 'AAPL',
      number_of_shares: '5',
      sale_price: '310',
      sale_date: '2026-03-01',
      fee: '1',
      pick_1: '5',
    });
    expect(sold.status).toBe(302);
    await client.postForm(urlFor('set_price'), { symbol: 'MSFT', current_price: '450' });
    const cookie = client.sessionCookie ?? '';
    const read = await flask.loads({
      secret: TEST_SECRET_KEY,
      now: Math.floor(TEST_NOW / 1000),
      maxAge: 31 * 24 * 3600,
      cookie,
    });
    expect(read.ok).toBe(true);
    if (!read.ok) return;
    const session = read.value as Record<string, unknown>;
    // What the tutorial's views do with each entry.
    expect((session['portfolio'] as unknown[][]).map((entry) => entry.slice(0, 3))).toEqual([
      ['AAPL', '15', '302.17'],
      ['MSFT', '2', '410.5'],
    ]);
    expect(session['portfolio']).toEqual([
      ['AAPL', '15', '302.17', '2026-01-02', 1, '4.95'],
      ['MSFT', '2', '410.5', TEST_TODAY, 2],
    ]);
    expect(session['sales']).toEqual([['AAPL', '5', '310', '2026-03-01', 3, '1', [[1, '5']]]]);
    expect(session['prices']).toEqual({ MSFT: ['450', TEST_TODAY, 'manual'] });
    expect(session['next_id']).toBe(4);
  });
});
