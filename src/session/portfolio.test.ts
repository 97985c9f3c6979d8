/** A visitor arriving with the seed Flask app's session: its single holding as top-level keys. */
import { Session } from 'flask-session-ts';
import { describe, expect, it } from 'vitest';
import type { AppSessionData } from './data.js';
import { readHoldings } from './portfolio.js';
import { urlFor } from '../web/urls.js';
import { buildTestApp, tableRows } from '../../test/support/client.js';

// What the seed's add_stock view stores: `session['stock_symbol'] = request.form['stock_symbol']`, …
const SEED_SESSION = { stock_symbol: 'AAPL', number_of_shares: '15', purchase_price: '302.17' };

function seedVisitor(data: Record<string, string> = SEED_SESSION) {
  const client = buildTestApp().client();
  client.setSession(data);
  return client;
}

describe("the seed Flask app's session", () => {
  it('shows its holding in the portfolio', async () => {
    const page = await seedVisitor().get(urlFor('list_stocks'));
    // The seed stored no purchase date: the lot shows none (symbol, date, shares, price, cost, actions).
    expect(tableRows(page.html)).toEqual([
      ['AAPL', '— not set', '15', '$302.17', '$4,532.55', 'Edit Remove'],
    ]);
  });

  it("reads the chapter's first version, which called the price share_price", async () => {
    const { purchase_price: price, ...rest } = SEED_SESSION;
    const page = await seedVisitor({ ...rest, share_price: price }).get(urlFor('list_stocks'));
    expect(tableRows(page.html).map((row) => row[0])).toEqual(['AAPL']);
  });

  it('moves it into portfolio on the next save, after the holdings already there, and drops the old keys', async () => {
    const client = seedVisitor();
    await client.get(urlFor('add_stock'));
    await client.postForm(urlFor('add_stock'), {
      ...SEED_SESSION,
      stock_symbol: 'MSFT',
      purchase_date: '2024-05-06',
    });
    const data = client.decodeSession();
    expect(data['portfolio']).toEqual([
      ['AAPL', '15', '302.17'],
      ['MSFT', '15', '302.17', '2024-05-06'],
    ]);
    for (const key of Object.keys(SEED_SESSION)) expect(data).not.toHaveProperty(key);
  });

  it('can be removed like any holding', async () => {
    const client = seedVisitor();
    await client.get(urlFor('list_stocks'));
    await client.postForm(urlFor('delete_stock', { index: 0 }), { symbol: 'AAPL' });
    expect(tableRows((await client.get(urlFor('list_stocks'))).html)).toEqual([]);
    expect(client.decodeSession()).not.toHaveProperty('stock_symbol');
  });

  it('ignores a seed holding that breaks the rules, as any stored holding', async () => {
    const page = await seedVisitor({ ...SEED_SESSION, number_of_shares: '-3' }).get(urlFor('list_stocks'));
    expect(tableRows(page.html)).toEqual([]);
  });
});

describe('reading the holdings', () => {
  it('decodes a frozen stored portfolio once, shared by every session that holds it', () => {
    const stored = Object.freeze([Object.freeze(['AAPL', '15', '302.17'])]);
    const first = readHoldings(new Session<AppSessionData>({ portfolio: stored }));
    expect(first).toEqual([{ symbol: 'AAPL', shares: '15', price: '302.17' }]);
    expect(readHoldings(new Session<AppSessionData>({ portfolio: stored }))).toBe(first);
    expect(Object.isFrozen(first) && Object.isFrozen(first[0])).toBe(true);
  });

  it('decodes a value that can still change every time', () => {
    const stored: string[][] = [['AAPL', '15', '302.17']];
    const session = new Session<AppSessionData>({ portfolio: stored as AppSessionData['portfolio'] });
    expect(readHoldings(session)).toHaveLength(1);
    stored.push(['MSFT', '8', '415.5']);
    expect(readHoldings(session).map((h) => h.symbol)).toEqual(['AAPL', 'MSFT']);
  });
});
