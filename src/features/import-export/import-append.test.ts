/** Importing a version 2 file into a portfolio: sells matched over the combined lots, prices, room. */
import { describe, expect, it } from 'vitest';
import {
  AAPL_LOT as AAPL,
  flashes,
  mainText,
  TEST_TODAY,
  visitorAtForm,
  visitorWith,
  type Client,
} from '../../../test/support/client.js';
import { decodeLedger } from '../../domain/ledger.js';
import { matchSales, picksOf } from '../../domain/sales.js';
import { urlFor } from '../../web/urls.js';
import { importFlowMessages } from './routes.js';

const V2_HEADER = 'type,symbol,shares,price,date,fee,source,lot,sold_from\r\n';

/** Uploads `text` from the import page, to add to the visitor's portfolio. */
async function importCsv(client: Client, text: string) {
  await client.get(urlFor('import_stocks'));
  const form = new FormData();
  form.append('file', new File([text], 'portfolio.csv', { type: 'text/csv' }));
  form.append('mode', 'append');
  return client.postMultipart(urlFor('import_stocks'), form);
}

describe('import of version 2 files, added to the visitor’s', () => {
  it('matches the file’s sells first in, first out over the visitor’s lots and the file’s, and its prices replace the visitor’s', async () => {
    const client = await visitorWith([AAPL]);
    await client.postForm(urlFor('set_price'), { symbol: 'AAPL', current_price: '310' });
    expect(client.decodeSession()['prices']).toEqual({ AAPL: ['310', TEST_TODAY, 'manual'] });
    const file =
      V2_HEADER +
      'buy,AAPL,5,320,2026-02-01,1.5,,,\r\n' +
      'sell,AAPL,17,330,2026-03-01,2,,,\r\n' +
      'price,AAPL,,335,2026-03-02,,manual,,\r\n';
    const post = await importCsv(client, file);
    expect(post.status).toBe(302);
    const session = client.decodeSession();
    const ledger = decodeLedger(session);
    expect(ledger.lots.map((lot) => [lot.id, lot.shares, lot.fee])).toEqual([
      [1, '15', undefined],
      [2, '5', '1.5'],
    ]);
    expect(matchSales(ledger).sales.map((r) => picksOf(r))).toEqual([
      [
        { lotId: 1, shares: '15' },
        { lotId: 2, shares: '2' },
      ],
    ]);
    expect(session['prices']).toEqual({ AAPL: ['335', '2026-03-02', 'manual'] });
    expect(flashes((await client.get(urlFor('list_stocks'))).html)).toEqual([
      ['success', importFlowMessages.done({ buys: 1, sells: 1, prices: 1 }, 'append')],
    ]);
    expect(importFlowMessages.done({ buys: 1, sells: 1, prices: 1 }, 'append')).toBe(
      'Imported 1 holding, 1 sale and 1 current price.',
    );
  });

  it('refuses a sell of more than was held, saying how many were, and changes nothing', async () => {
    const client = await visitorWith([AAPL]);
    await client.get(urlFor('import_stocks'));
    const before = client.decodeSession();
    const page = await importCsv(client, `${V2_HEADER}sell,AAPL,20,330,2026-03-01,,,,\r\n`);
    expect(page.status).toBe(422);
    expect(mainText(page.html)).toContain('Row 2: Only 15 shares of this symbol were held on the sale date');
    expect(client.decodeSession()).toEqual(before);
  });

  it('refuses a version 2 file of more records than could ever fit before checking them', async () => {
    const client = await visitorAtForm();
    const before = client.decodeSession();
    // Row 2 is bad, so a file that was checked would be refused for row 2, not for its size.
    const rows = 'buy,x,y,z,,,,,\r\n' + 'sell,A,1,1,2026-01-01,,,,\r\n'.repeat(3999);
    const page = await importCsv(client, V2_HEADER + rows);
    expect(page.status).toBe(422);
    // Of 4000 rows at least half are lots or sales (prices need a symbol held).
    expect(mainText(page.html)).toContain(importFlowMessages.tooLarge(2000));
    expect(mainText(page.html)).not.toContain('Row 2');
    expect(client.decodeSession()).toEqual(before);
  });
});
