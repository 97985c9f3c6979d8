/**
 * A lot's Remove, and Undo, return to the page they were pressed on: a symbol's lots page or a
 * page of the portfolio in its order (issue 18 follow-ups), through app.request.
 */
import { describe, expect, it } from 'vitest';
import { flashes, inputs, textOf, visitorWith, type Client } from '../../../test/support/client.js';
import { ledgerMessages } from '../../web/ledger-messages.js';
import { urlFor } from '../../web/urls.js';
import { LOTS_PER_PAGE, POSITIONS_PER_PAGE } from './paging.js';

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

/** `count` symbols, S000 upwards, one lot each, S000 the most valuable (so first by value). */
function symbols(count: number) {
  return Array.from({ length: count }, (_, i) => lot(`S${String(i).padStart(3, '0')}`, String(count - i)));
}

const LIST = urlFor('list_stocks');

describe('Remove in the portfolio’s inline lots', () => {
  it('returns to the portfolio’s first page, as before', async () => {
    const client = await visitorWith(portfolio(2));
    expect(await removeFirstOn(client, LIST)).toBe(LIST);
  });

  it.each([
    ['page 2 in symbol order', `${LIST}?page=2`],
    ['page 2 by market value', `${LIST}?sort=value&page=2`],
    ['page 1 by gain', `${LIST}?sort=gain`],
  ])('returns to %s while it still exists', async (_what, from) => {
    const client = await visitorWith(symbols(POSITIONS_PER_PAGE + 2));
    expect(await removeFirstOn(client, from)).toBe(from);
  });

  it('returns to the page before, in the same order, when its page is past the end now', async () => {
    const client = await visitorWith(symbols(POSITIONS_PER_PAGE + 1));
    expect(await removeFirstOn(client, `${LIST}?sort=value&page=2`)).toBe(`${LIST}?sort=value`);
  });

  it('goes to a checked page and order only, never to a URL it was given', async () => {
    const client = await visitorWith(symbols(POSITIONS_PER_PAGE + 2));
    const [form] = removeForms((await client.get(`${LIST}?sort=gain&page=2`)).html);
    if (form === undefined) throw new Error('No Remove button');
    expect(form.fields).toEqual({ list_sort: 'gain', list_page: '2' });
    const answer = await client.postForm(form.action, {
      list_sort: 'https://evil.example/',
      list_page: '//evil.example/?page=2',
    });
    expect(answer.location).toBe(LIST);
  });
});

/** The Undo form of a page: where it posts and the fields it sends (the client adds the token). */
function undoForm(html: string): Record<string, string> {
  const body = /<form method="post" action="\/stocks\/undo"[^>]*>([\s\S]*?)<\/form>/.exec(html)?.[1];
  if (body === undefined) throw new Error('No Undo button');
  return Object.fromEntries(
    inputs(body).flatMap((input) =>
      input['name'] === undefined || input['name'] === 'csrf_token'
        ? []
        : [[input['name'], input['value'] ?? '']],
    ),
  );
}

/** Presses the Undo of the page at `path`; the redirect's target. */
async function undoOn(client: Client, path: string): Promise<string | null> {
  const page = await client.get(path);
  expect(page.status).toBe(200);
  const answer = await client.postForm(urlFor('undo_remove'), undoForm(page.html));
  expect(answer.status).toBe(302);
  return answer.location;
}

describe('Undo', () => {
  it('returns to the lots page it was pressed on, with the lot back', async () => {
    const client = await visitorWith(portfolio(LOTS_PER_PAGE + 2));
    const page2 = `${AAPL_LOTS}?page=2`;
    expect(await removeFirstOn(client, page2)).toBe(page2);
    expect(await undoOn(client, page2)).toBe(page2);
    const after = await client.get(page2);
    expect(flashes(after.html)).toEqual([['success', 'Put back AAPL.']]);
    expect(removeForms(after.html)).toHaveLength(2);
  });

  it('returns to the portfolio when the symbol of the lots page has no lots left', async () => {
    // The only lot, edited from MSFT to AAPL: AAPL's lots page offers to undo that edit.
    const client = await visitorWith([lot('MSFT', '400')]);
    const edit = urlFor('edit_lot', { lot_id: 1 });
    await client.get(edit);
    expect((await client.postForm(edit, lot('AAPL', '400'))).status).toBe(302);
    expect(await undoOn(client, AAPL_LOTS)).toBe(LIST);
  });

  it('returns to the portfolio’s page and order it was pressed on', async () => {
    const client = await visitorWith(symbols(POSITIONS_PER_PAGE + 2));
    const from = `${LIST}?sort=value&page=2`;
    expect(await removeFirstOn(client, from)).toBe(from);
    expect(await undoOn(client, from)).toBe(from);
  });

  it('without a page to return to, returns to the portfolio, as before', async () => {
    const client = await visitorWith(portfolio(2));
    expect(await removeFirstOn(client, AAPL_LOTS)).toBe(AAPL_LOTS);
    expect((await client.postForm(urlFor('undo_remove'), {})).location).toBe(LIST);
  });
});
