import { describe, expect, it } from 'vitest';
import { buildTestApp, flashes, mainText, tableRows, type Client } from '../../../test/support/client.js';
import { urlFor } from '../../web/urls.js';
import { NOTHING_TO_UNDO } from './undo.js';

const form = (stock_symbol: string) => ({ stock_symbol, number_of_shares: '15', purchase_price: '302.17' });

async function visitorWith(...symbols: string[]): Promise<Client> {
  const client = buildTestApp().client();
  await client.get(urlFor('add_stock'));
  for (const symbol of symbols)
    expect((await client.postForm(urlFor('add_stock'), form(symbol))).status).toBe(302);
  await client.get(urlFor('list_stocks'));
  return client;
}

const symbolsOf = (html: string) => tableRows(html).map((row) => row[0]);

describe('undoing a removal', () => {
  it('puts the holding back where it was, and says so', async () => {
    const client = await visitorWith('AAPL', 'MSFT', 'SBUX');
    await client.postForm(urlFor('remove_lot', { lot_id: 2 }));
    const list = await client.get(urlFor('list_stocks'));
    expect(symbolsOf(list.html)).toEqual(['AAPL', 'SBUX']);
    expect(list.html).toContain(`action="${urlFor('undo_remove')}"`);
    const undo = await client.postForm(urlFor('undo_remove'));
    expect(undo.status).toBe(302);
    expect(undo.location).toBe(urlFor('list_stocks'));
    const after = await client.get(urlFor('list_stocks'));
    expect(symbolsOf(after.html)).toEqual(['AAPL', 'MSFT', 'SBUX']);
    expect(flashes(after.html)).toEqual([['success', 'Put back MSFT.']]);
    expect(after.html).not.toContain(`action="${urlFor('undo_remove')}"`);
  });

  it('works once: a second undo (another tab, a double click) puts nothing back', async () => {
    const client = await visitorWith('AAPL');
    await client.postForm(urlFor('remove_lot', { lot_id: 1 }));
    await client.get(urlFor('list_stocks'));
    await client.postForm(urlFor('undo_remove'));
    await client.get(urlFor('list_stocks'));
    await client.postForm(urlFor('undo_remove'));
    const list = await client.get(urlFor('list_stocks'));
    expect(symbolsOf(list.html)).toEqual(['AAPL']);
    expect(flashes(list.html)).toEqual([['error', NOTHING_TO_UNDO]]);
  });

  it('offers the undo on the empty portfolio after the last holding went', async () => {
    const client = await visitorWith('AAPL');
    await client.postForm(urlFor('remove_lot', { lot_id: 1 }));
    const list = await client.get(urlFor('list_stocks'));
    expect(mainText(list.html)).toContain('Removed AAPL (15 shares at $302.17). Undo: put AAPL back');
    expect(mainText(list.html)).toContain('Your portfolio is empty.');
  });

  it('undoes only the latest removal: the one before it stays removed', async () => {
    const client = await visitorWith('AAPL', 'MSFT');
    await client.postForm(urlFor('remove_lot', { lot_id: 1 }));
    await client.get(urlFor('list_stocks'));
    await client.postForm(urlFor('remove_lot', { lot_id: 2 }));
    await client.get(urlFor('list_stocks'));
    await client.postForm(urlFor('undo_remove'));
    expect(symbolsOf((await client.get(urlFor('list_stocks'))).html)).toEqual(['MSFT']);
  });

  it('is no longer offered after the portfolio is cleared', async () => {
    const client = await visitorWith('AAPL', 'MSFT');
    await client.postForm(urlFor('remove_lot', { lot_id: 1 }));
    await client.get(urlFor('clear_stocks'));
    await client.postForm(urlFor('clear_stocks'), { confirm: 'yes' });
    const list = await client.get(urlFor('list_stocks'));
    expect(list.html).not.toContain(`action="${urlFor('undo_remove')}"`);
    await client.postForm(urlFor('undo_remove'));
    expect(symbolsOf((await client.get(urlFor('list_stocks'))).html)).toEqual([]);
  });

  it('puts the holding back at the end when the rows before it went meanwhile', async () => {
    const client = await visitorWith('AAPL', 'MSFT', 'SBUX');
    await client.postForm(urlFor('remove_lot', { lot_id: 3 }));
    await client.get(urlFor('list_stocks'));
    // Another tab removes a row without undo: simulated by a session without the older rows.
    const data = client.decodeSession();
    client.setSession({ ...data, portfolio: [['AAPL', '15', '302.17']] });
    await client.postForm(urlFor('undo_remove'));
    expect(symbolsOf((await client.get(urlFor('list_stocks'))).html)).toEqual(['AAPL', 'SBUX']);
  });
});
