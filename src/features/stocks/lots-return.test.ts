/** A lot's Remove returns to the lots page it was pressed on (issue 18 follow-up), through app.request. */
import { describe, expect, it } from 'vitest';
import { flashes, inputs, textOf, visitorWith, type Client } from '../../../test/support/client.js';
import { ledgerMessages } from '../../web/ledger-messages.js';
import { urlFor } from '../../web/urls.js';
import { LOTS_PER_PAGE } from './paging.js';

const lot = (symbol: string, price: string) => ({
  stock_symbol: symbol,
  number_of_shares: '1',
  purchase_price: price,
  purchase_date: '2026-01-05',
});

/** `count` lots of AAPL (each its own price, so its own row), and one of MSFT. */
function portfolio(count: number) {
  return [...Array.from({ length: count }, (_, i) => lot('AAPL', String(i + 1))), lot('MSFT', '400')];
}

/** Each Remove form of a page: where it posts and the fields it sends (the client adds the token). */
function removeForms(html: string): { action: string; fields: Record<string, string> }[] {
  return [
    ...html.matchAll(/<form method="post" action="(\/lots\/\d+\/remove)"[^>]*>([\s\S]*?)<\/form>/g),
  ].map(([, action = '', body = '']) => ({
    action,
    fields: Object.fromEntries(
      inputs(body).flatMap((input) =>
        input['name'] === undefined || input['name'] === 'csrf_token'
          ? []
          : [[input['name'], input['value'] ?? '']],
      ),
    ),
  }));
}

/** Presses the first Remove of the page at `path`; the redirect's target. */
async function removeFirstOn(client: Client, path: string): Promise<string | null> {
  const page = await client.get(path);
  expect(page.status).toBe(200);
  const [form] = removeForms(page.html);
  if (form === undefined) throw new Error(`No Remove button on ${path}`);
  const answer = await client.postForm(form.action, form.fields);
  expect(answer.status).toBe(302);
  return answer.location;
}

const AAPL_LOTS = urlFor('list_lots', { symbol: 'AAPL' });

describe('Remove on a symbol’s lots page', () => {
  it('returns to the same page while it still exists', async () => {
    const client = await visitorWith(portfolio(LOTS_PER_PAGE + 2));
    expect(await removeFirstOn(client, `${AAPL_LOTS}?page=2`)).toBe(`${AAPL_LOTS}?page=2`);
    expect(await removeFirstOn(client, AAPL_LOTS)).toBe(AAPL_LOTS);
  });

  it('returns to the page before when the page it was on is past the end now', async () => {
    const client = await visitorWith(portfolio(LOTS_PER_PAGE + 1));
    expect(await removeFirstOn(client, `${AAPL_LOTS}?page=2`)).toBe(AAPL_LOTS);
    const page = await client.get(AAPL_LOTS);
    // What happened, with its undo, as the portfolio's page says it.
    expect(textOf(/<div class="notice" role="status">([\s\S]*?)<\/div>/.exec(page.html)?.[1] ?? '')).toBe(
      `Removed AAPL (1 shares at $${LOTS_PER_PAGE + 1}.00). Undo: put AAPL back`,
    );
    expect(removeForms(page.html)).toHaveLength(LOTS_PER_PAGE);
  });

  it('returns to the portfolio when the symbol has no lots left', async () => {
    const client = await visitorWith(portfolio(1));
    expect(await removeFirstOn(client, AAPL_LOTS)).toBe(urlFor('list_stocks'));
  });

  it('returns to the lots page, saying so, when the lot was already removed (another tab)', async () => {
    const client = await visitorWith(portfolio(2));
    const stale = removeForms((await client.get(AAPL_LOTS)).html)[0];
    if (stale === undefined) throw new Error('No Remove button');
    await client.postForm(stale.action, stale.fields);
    await client.get(AAPL_LOTS);
    const again = await client.postForm(stale.action, stale.fields);
    expect(again.location).toBe(AAPL_LOTS);
    expect(flashes((await client.get(AAPL_LOTS)).html)).toEqual([['error', ledgerMessages.lotGone]]);
  });

  it('goes to the portfolio, never elsewhere, for a symbol not held or a bad page number', async () => {
    const client = await visitorWith(portfolio(2));
    const [form] = removeForms((await client.get(AAPL_LOTS)).html);
    if (form === undefined) throw new Error('No Remove button');
    expect(form.fields).toEqual({ lots_of: 'AAPL', lots_page: '1' });
    const answer = await client.postForm(form.action, { lots_of: '//evil.example', lots_page: '2' });
    expect(answer.location).toBe(urlFor('list_stocks'));
    const [next] = removeForms((await client.get(AAPL_LOTS)).html);
    if (next === undefined) throw new Error('No Remove button');
    expect((await client.postForm(next.action, { lots_of: 'AAPL', lots_page: '-3' })).location).toBe(
      urlFor('list_stocks'),
    );
  });
});

describe('Remove in the portfolio’s inline lots', () => {
  it('returns to the portfolio, as before', async () => {
    const client = await visitorWith(portfolio(2));
    expect(await removeFirstOn(client, urlFor('list_stocks'))).toBe(urlFor('list_stocks'));
  });
});
