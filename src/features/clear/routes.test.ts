import { describe, expect, it } from 'vitest';
import { buildTestApp, flashes, mainText, tableRows, type Client } from '../../../test/support/client.js';
import { urlFor } from '../../web/urls.js';

const AAPL = { stock_symbol: 'AAPL', number_of_shares: '15', purchase_price: '302.17' } as const;
const MSFT = { ...AAPL, stock_symbol: 'MSFT', number_of_shares: '1' } as const;

async function visitorWithTwo(): Promise<Client> {
  const client = buildTestApp().client();
  await client.get(urlFor('add_stock'));
  for (const form of [AAPL, MSFT])
    expect((await client.postForm(urlFor('add_stock'), form)).status).toBe(302);
  await client.get(urlFor('list_stocks'));
  return client;
}

describe('clearing the portfolio', () => {
  it('links from the list page to a confirmation page, not a one-click form', async () => {
    const client = await visitorWithTwo();
    const list = await client.get(urlFor('list_stocks'));
    expect(list.html).toContain(
      `<a class="button secondary" href="${urlFor('clear_stocks')}">Clear portfolio&hellip;</a>`,
    );
    expect(list.html).not.toContain(`action="${urlFor('clear_stocks')}"`);
  });

  it('asks first: what goes, that it cannot be undone, a button and a way back', async () => {
    const client = await visitorWithTwo();
    const page = await client.get(urlFor('clear_stocks'));
    expect(page.status).toBe(200);
    expect(page.html).toContain('<title>Clear your portfolio? &middot; Stock Portfolio</title>');
    expect(mainText(page.html)).toContain(
      'This removes all 2 holdings (cost basis $4,834.72) from your portfolio. It cannot be undone.',
    );
    expect(page.html).toContain('<input type="hidden" name="confirm" value="yes" />');
    expect(page.html).toContain(`href="${urlFor('list_stocks')}">No, keep it</a>`);
    // Asking changes nothing.
    expect(tableRows((await client.get(urlFor('list_stocks'))).html)).toHaveLength(2);
  });

  it('clears once confirmed, and says so', async () => {
    const client = await visitorWithTwo();
    await client.get(urlFor('clear_stocks'));
    const post = await client.postForm(urlFor('clear_stocks'), { confirm: 'yes' });
    expect(post.status).toBe(302);
    const list = await client.get(urlFor('list_stocks'));
    expect(tableRows(list.html)).toEqual([]);
    expect(flashes(list.html)).toEqual([['info', 'Your portfolio is now empty.']]);
    // The way back for an exported file: the empty state links to Import, not only the menu.
    expect(/<div class="empty-state">[\s\S]*?<\/div>/.exec(list.html)?.[0]).toContain(
      `<a class="button secondary" href="${urlFor('import_stocks')}">Import a CSV file</a>`,
    );
  });

  it('keeps the cookie store’s data cookie (Flask reads it) with next_id, so no id is reused', async () => {
    const client = await visitorWithTwo();
    const before = client.decodeSession();
    await client.get(urlFor('clear_stocks'));
    await client.postForm(urlFor('clear_stocks'), { confirm: 'yes' });
    const after = client.decodeSession();
    expect(after['portfolio']).toBeUndefined();
    expect(after['next_id']).toBe(before['next_id']);
  });

  it.each([{}, { confirm: 'no' }, { confirm: ['yes', 'yes'] }])(
    'sends a post without confirm=yes (%j) to the question, and clears nothing',
    async (fields) => {
      const client = await visitorWithTwo();
      const post = await client.postForm(urlFor('clear_stocks'), fields);
      expect(post.status).toBe(303);
      expect(post.location).toBe(urlFor('clear_stocks'));
      expect(tableRows((await client.get(urlFor('list_stocks'))).html)).toHaveLength(2);
    },
  );

  it('says there is nothing to clear when the portfolio is empty', async () => {
    const page = await buildTestApp().client().get(urlFor('clear_stocks'));
    expect(page.status).toBe(200);
    expect(mainText(page.html)).toContain('Your portfolio is already empty: there is nothing to clear.');
    expect(page.html).not.toContain('name="confirm"');
  });
});
