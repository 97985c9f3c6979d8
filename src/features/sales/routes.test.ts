/** Sells through real requests: the form, FIFO and picked lots, realized gain, refusals, undo, stale ids, races. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  AAPL_LOT,
  buildTestApp,
  Client,
  fieldError,
  flashes,
  formInput,
  mainText,
  recordingLogger,
  startSession,
  tableRows,
  testConfig,
  textOf,
  TEST_TODAY,
  visitorWith,
} from '../../../test/support/client.js';
import { SqliteSessionStore } from 'flask-session-ts/sqlite';
import { createApp } from '../../http/app.js';
import { feeMessages, saleDateMessages, SALE_FIELD_NAMES } from '../../domain/sale-rules.js';
import { sharesMessages } from '../../domain/stock-fields.js';
import type { AppSessionData } from '../../session/data.js';
import { ledgerMessages } from '../../web/ledger-messages.js';
import { urlFor } from '../../web/urls.js';
import { saleMessages } from './routes.js';

/** Two AAPL lots (ids 1 and 2, 15 on 2026-01-02 and 5 on 2026-02-02) and one MSFT lot (id 3). */
const LOTS = [
  AAPL_LOT,
  { ...AAPL_LOT, number_of_shares: '5', purchase_price: '300', purchase_date: '2026-02-02' },
  { stock_symbol: 'MSFT', number_of_shares: '2', purchase_price: '410.5', purchase_date: '2026-02-03' },
];

const sale = (fields: Record<string, string>) => ({
  stock_symbol: 'AAPL',
  number_of_shares: '10',
  sale_price: '310',
  sale_date: '2026-03-01',
  ...fields,
});

/** The cells of each row of the sales table, as text. */
function saleRows(html: string): string[][] {
  const body = /<table id="sales-table"[\s\S]*?<tbody>([\s\S]*?)<\/tbody>/.exec(html)?.[1] ?? '';
  return [...body.matchAll(/<tr[^>]*>([\s\S]*?)<\/tr>/g)].map(([, row = '']) =>
    [...row.matchAll(/<t[hd][^>]*>([\s\S]*?)<\/t[hd]>/g)].map(([, cell = '']) => textOf(cell)),
  );
}

const sell = (client: Client, fields: Record<string, string> = {}) =>
  client.postForm(urlFor('sell_stock'), sale(fields));

describe('the sell form', () => {
  it('has the add form’s field names with sale_ for purchase_, a fee, and one field per lot of the symbol', async () => {
    const client = await visitorWith(LOTS);
    const page = await client.get(`${urlFor('sell_stock')}?symbol=aapl`);
    expect(page.status).toBe(200);
    for (const name of SALE_FIELD_NAMES) expect(formInput(page.html, name), name).toBeDefined();
    expect(formInput(page.html, 'stock_symbol')?.['value']).toBe('AAPL');
    expect(formInput(page.html, 'pick_1')).toBeDefined();
    expect(formInput(page.html, 'pick_2')).toBeDefined();
    expect(formInput(page.html, 'pick_3')).toBeUndefined();
    expect(formInput(page.html, 'sale_date')?.['max']).toBe('2026-03-05');
    // Lots of one page: no page links and no page number posted (`big-portfolio.test.ts` pages).
    expect(page.html).not.toContain('class="pagination"');
    expect(page.html).not.toContain('picks_page');
  });

  it('is linked from each position of the list, and the add form has the fee field too', async () => {
    const client = await visitorWith(LOTS);
    const list = await client.get(urlFor('list_stocks'));
    expect(list.html).toContain(`href="${urlFor('sell_stock')}?symbol=AAPL">Sell AAPL</a>`);
    expect(list.html).toContain(`href="${urlFor('edit_lot', { lot_id: 2 })}"`);
    expect(list.html).toContain(`action="${urlFor('remove_lot', { lot_id: 3 })}"`);
    expect(formInput((await client.get(urlFor('add_stock'))).html, 'fee')).toBeDefined();
  });
});

describe('recording a sale', () => {
  it('sells the oldest shares first, shows realized gain and holding period, and keeps the rest', async () => {
    const client = await visitorWith(LOTS);
    const post = await sell(client, { number_of_shares: '17', fee: '$5' });
    expect(post.status).toBe(302);
    expect(post.location).toBe(urlFor('list_stocks'));
    // 15 × (310 − 302.17) + 2 × (310 − 300) − 5 = 117.45 + 20 − 5
    const list = await client.get(urlFor('list_stocks'));
    expect(flashes(list.html)).toEqual([['success', saleMessages.recorded('17', 'AAPL', '+$132.45')]]);
    expect(mainText(list.html)).toContain('Realized gain on sales of AAPL: +$132.45');
    // Lot 1 is sold out; lot 2 keeps 3 of its 5 shares.
    expect(
      tableRows(list.html)
        .filter((row) => row[0] === 'AAPL')
        .map((row) => row.slice(1, 3)),
    ).toEqual([['2026-02-02', '3']]);
    const sales = await client.get(urlFor('list_sales'));
    const [row] = saleRows(sales.html);
    expect(row?.slice(0, 8)).toEqual([
      'AAPL',
      '2026-03-01',
      '17',
      '$310.00',
      '$5.00',
      '$5,265.00',
      '$5,132.55',
      '+$132.45',
    ]);
    expect(row?.[8]).toBe(
      'lot #1: 15 shares held 58 days (short-term); lot #2: 2 shares held 27 days (short-term)',
    );
    expect(client.decodeSession()['sales']).toEqual([['AAPL', '17', '310', '2026-03-01', 4, '5']]);
  });

  it('sells from the lots the visitor picks', async () => {
    const client = await visitorWith(LOTS);
    expect((await sell(client, { number_of_shares: '4', pick_2: '4', pick_1: '' })).status).toBe(302);
    const sales = await client.get(urlFor('list_sales'));
    expect(saleRows(sales.html)[0]?.[8]).toBe('lot #2: 4 shares held 27 days (short-term)');
    expect(client.decodeSession()['sales']).toEqual([
      ['AAPL', '4', '310', '2026-03-01', 4, null, [[2, '4']]],
    ]);
  });

  it('refuses a sale of more than is held, saying how many were, and saves nothing', async () => {
    const client = await visitorWith(LOTS);
    const before = client.decodeSession();
    const page = await sell(client, { number_of_shares: '20.5' });
    expect(page.status).toBe(422);
    expect(mainText(page.html)).toContain(
      'You held only 20 shares of AAPL on 2026-03-01: sell at most that many. Nothing was saved.',
    );
    expect(formInput(page.html, 'number_of_shares')?.['value']).toBe('20.5');
    expect(client.decodeSession()).toEqual(before);
    // Shares bought after the sale date do not count.
    const early = await sell(client, { number_of_shares: '16', sale_date: '2026-01-15' });
    expect(mainText(early.html)).toContain('You held only 15 shares of AAPL on 2026-01-15');
    const none = await sell(client, { stock_symbol: 'NFLX', number_of_shares: '1' });
    expect(mainText(none.html)).toContain('You held no shares of NFLX on 2026-03-01');
  });

  it('refuses picks that do not add up, or ask a lot for more than it has', async () => {
    const client = await visitorWith(LOTS);
    const total = await sell(client, { number_of_shares: '4', pick_2: '3' });
    expect(total.status).toBe(422);
    expect(mainText(total.html)).toContain('The shares picked from the lots add up to 3, not the 4 sold');
    const much = await sell(client, { number_of_shares: '6', pick_2: '6' });
    expect(mainText(much.html)).toContain('The lot #2 has only 5 shares left to sell.');
    const other = await sell(client, { number_of_shares: '1', pick_3: '1' });
    expect(mainText(other.html)).toContain('The lot #3 is of another stock.');
  });

  it('checks each field with a message beside it', async () => {
    const client = await visitorWith(LOTS);
    const page = await sell(client, {
      number_of_shares: '0',
      sale_date: '2026-03-06',
      fee: '-1',
      sale_price: '',
    });
    expect(page.status).toBe(422);
    expect(page.html).toContain('<title>Error: Sell stock &middot; Stock Portfolio</title>');
    expect(fieldError(page.html, 'number_of_shares')).toBe(sharesMessages['not-positive']);
    expect(fieldError(page.html, 'sale_date')).toBe(saleDateMessages.future);
    expect(fieldError(page.html, 'fee')).toBe(feeMessages['not-positive']);
    expect(fieldError(page.html, 'sale_price')).toBe('Enter the sale price per share (for example 310.50).');
  });

  it('dates a sale today when the date is left empty', async () => {
    const client = await visitorWith(LOTS);
    await sell(client, { number_of_shares: '1', sale_date: '' });
    expect((client.decodeSession()['sales'] as unknown[][])[0]?.[3]).toBe(TEST_TODAY);
  });

  it('colours a realized gain as its sign says: a loss shown as $0.00 is neither red nor signed', async () => {
    // Bought at $10.0001, sold at $10: a loss of $0.0001, which rounds to $0.00.
    const tiny = {
      stock_symbol: 'AAPL',
      number_of_shares: '1',
      purchase_price: '10.0001',
      purchase_date: '2026-01-05',
    };
    const client = await visitorWith([tiny, { ...tiny, stock_symbol: 'MSFT', purchase_price: '10.01' }]);
    expect((await sell(client, { number_of_shares: '1', sale_price: '10' })).status).toBe(302);
    const gainCells = async () =>
      [
        ...(await client.get(urlFor('list_sales'))).html.matchAll(
          /<td class="([^"]*)" data-label="((?:Total )?Realized Gain)">([\s\S]*?)<\/td>/g,
        ),
      ].map(([, cls = '', label = '', cell = '']) => [label, textOf(cell), cls]);
    expect(await gainCells()).toEqual([
      ['Realized Gain', '$0.00', 'num'],
      ['Total Realized Gain', '$0.00', 'num'],
    ]);
    // A loss of a cent is shown, signed and red.
    expect(
      (await sell(client, { stock_symbol: 'MSFT', number_of_shares: '1', sale_price: '10' })).status,
    ).toBe(302);
    expect(await gainCells()).toEqual([
      ['Realized Gain', '$0.00', 'num'],
      ['Realized Gain', '-$0.01', 'num loss'],
      ['Total Realized Gain', '-$0.01', 'num loss'],
    ]);
  });
});

describe('undo and removal of sales', () => {
  it('undoes a sale from the list page, once', async () => {
    const client = await visitorWith(LOTS);
    await sell(client);
    const list = await client.get(urlFor('list_stocks'));
    expect(mainText(list.html)).toContain('Recorded the sale of AAPL. Undo the sale of AAPL');
    await client.postForm(urlFor('undo_remove'));
    const after = await client.get(urlFor('list_stocks'));
    expect(flashes(after.html)).toEqual([['success', 'Undid the sale of AAPL.']]);
    expect(client.decodeSession()['sales']).toBeUndefined();
    expect(mainText(after.html)).not.toContain('Realized gain on sales of AAPL');
    await client.postForm(urlFor('undo_remove'));
    expect(flashes((await client.get(urlFor('list_stocks'))).html)).toEqual([
      ['error', ledgerMessages.nothingToUndo],
    ]);
  });

  it('removes a sale by id, puts it back with undo, and answers a stale id with "already removed"', async () => {
    const client = await visitorWith(LOTS);
    await sell(client);
    await client.get(urlFor('list_stocks'));
    const sales = await client.get(urlFor('list_sales'));
    expect(sales.html).toContain(`action="${urlFor('remove_sale', { sale_id: 4 })}"`);
    await client.postForm(urlFor('remove_sale', { sale_id: 4 }));
    const list = await client.get(urlFor('list_stocks'));
    expect(flashes(list.html)).toEqual([['success', saleMessages.removed('AAPL', '2026-03-01')]]);
    expect(client.decodeSession()['sales']).toBeUndefined();
    const stale = await client.postForm(urlFor('remove_sale', { sale_id: 4 }));
    expect(stale.status).toBe(302);
    expect(flashes((await client.get(urlFor('list_stocks'))).html)).toEqual([['error', saleMessages.gone]]);
    // The undo of the removal is still the last change: the stale post changed nothing.
    await client.postForm(urlFor('undo_remove'));
    expect(client.decodeSession()['sales']).toEqual([
      ['AAPL', '10', '310', '2026-03-01', 4, null, [[1, '10']]],
    ]);
  });

  it('refuses to remove a lot a sale sold from, naming the sale', async () => {
    const client = await visitorWith(LOTS);
    await sell(client);
    await client.get(urlFor('list_stocks'));
    const before = client.decodeSession()['portfolio'];
    await client.postForm(urlFor('remove_lot', { lot_id: 1 }));
    expect(flashes((await client.get(urlFor('list_stocks'))).html)).toEqual([
      ['error', 'Sales #4 sold shares of this holding: remove those sales first. Nothing was saved.'],
    ]);
    expect(client.decodeSession()['portfolio']).toEqual(before);
  });

  it('asks before an edit changes a recorded sale’s realized gain, and saves it once confirmed', async () => {
    const client = await visitorWith(LOTS);
    await sell(client);
    const fields = { ...AAPL_LOT, purchase_price: '300' };
    const asked = await client.postForm(urlFor('edit_lot', { lot_id: 1 }), fields);
    expect(asked.status).toBe(422);
    expect(mainText(asked.html)).toContain(
      'This changes the realized gain of sale #4 from +$78.30 to +$100.00. Tick the box to confirm, or cancel.',
    );
    expect(formInput(asked.html, 'confirm_realized')).toBeDefined();
    const saved = await client.postForm(urlFor('edit_lot', { lot_id: 1 }), {
      ...fields,
      confirm_realized: 'yes',
    });
    expect(saved.status).toBe(302);
    expect(mainText((await client.get(urlFor('list_stocks'))).html)).toContain(
      'Realized gain on sales of AAPL: +$100.00',
    );
  });
});

describe('a price goes with its last holding', () => {
  it('is removed, and said so, when the last lot of its symbol is removed; undo brings both back', async () => {
    const client = await visitorWith(LOTS);
    await client.postForm(urlFor('set_price'), { symbol: 'MSFT', current_price: '450' });
    await client.postForm(urlFor('remove_lot', { lot_id: 3 }));
    const list = await client.get(urlFor('list_stocks'));
    expect(flashes(list.html)).toContainEqual([
      'info',
      'The current price of MSFT was removed with its last lot.',
    ]);
    expect(client.decodeSession()['prices']).toBeUndefined();
    await client.postForm(urlFor('add_stock'), LOTS[2] ?? {});
    expect(mainText((await client.get(urlFor('list_stocks'))).html)).not.toContain('$450.00');
    // Undo of the add is a removal of the new lot; the original removal is no longer undoable.
    const other = await visitorWith(LOTS);
    await other.postForm(urlFor('set_price'), { symbol: 'MSFT', current_price: '450' });
    await other.postForm(urlFor('remove_lot', { lot_id: 3 }));
    await other.postForm(urlFor('undo_remove'));
    expect(other.decodeSession()['prices']).toEqual({ MSFT: ['450', TEST_TODAY, 'manual'] });
  });

  it('is removed when the only lot of its symbol is edited to another symbol', async () => {
    const client = await visitorWith(LOTS);
    await client.postForm(urlFor('set_price'), { symbol: 'MSFT', current_price: '450' });
    await client.postForm(urlFor('edit_lot', { lot_id: 3 }), { ...LOTS[2], stock_symbol: 'GOOG' });
    expect(client.decodeSession()['prices']).toBeUndefined();
  });
});

describe('clearing', () => {
  it('removes sales too and keeps next_id, so old ids stay stale', async () => {
    const client = await visitorWith(LOTS);
    await sell(client);
    await client.postForm(urlFor('clear_stocks'), { confirm: 'yes' });
    const data = client.decodeSession();
    expect(data['sales']).toBeUndefined();
    expect(data['next_id']).toBe(5);
    await client.postForm(urlFor('add_stock'), AAPL_LOT);
    expect(client.decodeSession()['portfolio']).toEqual([['AAPL', '15', '302.17', '2026-01-02', 5]]);
  });
});

describe('in server mode (SQLite, two app processes on one file)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'sales-race-'));
  const stores: SqliteSessionStore[] = [];
  afterAll(async () => {
    await Promise.all(stores.map((store) => store.close()));
    rmSync(dir, { recursive: true, force: true });
  });

  it('loses neither a sale nor an edit racing each other', async () => {
    const config = testConfig({ sessionType: 'sqlite', sessionSqlitePath: join(dir, 'app.sqlite3') });
    const worker = () => {
      const store = new SqliteSessionStore({ path: config.sessionSqlitePath, secretKey: config.secretKey });
      stores.push(store);
      return createApp({ config, logger: recordingLogger(), store, now: () => Date.UTC(2026, 2, 4, 12) });
    };
    const cookieStore = buildTestApp().store;
    const first = new Client(worker(), cookieStore);
    const second = new Client(worker(), cookieStore);
    await startSession(first);
    await first.get(urlFor('add_stock'));
    for (const lot of LOTS) expect((await first.postForm(urlFor('add_stock'), lot)).status).toBe(302);
    second.setSessionCookie(first.sessionCookie);
    await second.get(urlFor('add_stock'));
    for (let round = 0; round < 10; round++) {
      const [sold, edited] = await Promise.all([
        sell(first, { number_of_shares: '1', stock_symbol: 'MSFT', sale_price: '420' }),
        second.postForm(urlFor('edit_lot', { lot_id: 2 }), {
          ...LOTS[1],
          number_of_shares: String(10 + round),
        }),
      ]);
      expect([sold.status, edited.status]).toEqual([302, 302]);
      // Removed again, so MSFT has shares to sell in the next round.
      await first.postForm(urlFor('remove_sale', { sale_id: 4 + round }));
    }
    const reader = new SqliteSessionStore({ path: config.sessionSqlitePath, secretKey: config.secretKey });
    stores.push(reader);
    const { session } = await reader.open<AppSessionData>(first.cookieHeader);
    // Every edit landed (the last one wins), and every sale was recorded and then removed.
    expect(session.get('portfolio')?.[1]).toEqual(['AAPL', '19', '300', '2026-02-02', 2]);
    expect(session.get('next_id')).toBe(14);
  });
});
