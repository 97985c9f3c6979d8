/**
 * A lot's Edit and Remove, and Undo, return to the page they were pressed on: a symbol's lots page
 * or a page of the portfolio in its order (issue 18 follow-ups), through app.request.
 */
import { describe, expect, it } from 'vitest';
import {
  flashes,
  inputs,
  textOf,
  unescapeHtml,
  visitorWith,
  type Client,
} from '../../test/support/client.js';
import { ledgerMessages } from './ledger-messages.js';
import { urlFor } from './urls.js';
import { LOTS_PER_PAGE, POSITIONS_PER_PAGE } from './page-numbers.js';

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

/** The first Edit link of a page, as the browser follows it. */
function firstEditLink(html: string): string {
  const href = /<a href="(\/lots\/\d+\/edit[^"]*)"/.exec(html)?.[1];
  if (href === undefined) throw new Error('No Edit link');
  return unescapeHtml(href);
}

/** The edit form's fields as the page sends them back, with `changes` (the client adds the token). */
function editFields(html: string, changes: Record<string, string>): Record<string, string> {
  const form = /<form method="post" action="\/lots\/\d+\/edit"[\s\S]*?<\/form>/.exec(html)?.[0] ?? '';
  return {
    ...Object.fromEntries(
      inputs(form).flatMap((input) =>
        input['name'] === undefined || input['name'] === 'csrf_token'
          ? []
          : [[input['name'], input['value'] ?? '']],
      ),
    ),
    ...changes,
  };
}

/** Follows the first Edit link of the page at `path` and saves `changes`; the link, Cancel's target and where the save went. */
async function editFirstOn(client: Client, path: string, changes: Record<string, string>) {
  const link = firstEditLink((await client.get(path)).html);
  const form = await client.get(link);
  expect(form.status).toBe(200);
  const cancel = /<a href="([^"]*)">Cancel<\/a>/.exec(form.html)?.[1];
  const saved = await client.postForm(link.replace(/\?.*/, ''), editFields(form.html, changes));
  expect(saved.status).toBe(302);
  return { link, cancel: cancel && unescapeHtml(cancel), location: saved.location };
}

describe('Edit', () => {
  it('from the portfolio’s page and order, returns there after saving, and Cancel goes there', async () => {
    const client = await visitorWith(symbols(POSITIONS_PER_PAGE + 2));
    const from = `${LIST}?sort=value&page=2`;
    const { link, cancel, location } = await editFirstOn(client, from, { number_of_shares: '2' });
    expect(link).toMatch(/^\/lots\/\d+\/edit\?list_sort=value&list_page=2$/);
    expect(cancel).toBe(from);
    expect(location).toBe(from);
    expect(flashes((await client.get(from)).html)).toEqual([['success', 'Saved your changes to S100.']]);
  });

  it('from a lots page, returns to it, or to the last page left when a changed symbol moved the lot off it', async () => {
    const client = await visitorWith(portfolio(LOTS_PER_PAGE + 1));
    const page2 = `${AAPL_LOTS}?page=2`;
    const kept = await editFirstOn(client, page2, { number_of_shares: '3' });
    expect(kept.link).toMatch(/^\/lots\/\d+\/edit\?lots_of=AAPL&lots_page=2$/);
    expect([kept.cancel, kept.location]).toEqual([page2, page2]);
    expect((await editFirstOn(client, page2, { stock_symbol: 'MSFT' })).location).toBe(AAPL_LOTS);
  });

  it('keeps where to return through a refused save', async () => {
    const client = await visitorWith(symbols(POSITIONS_PER_PAGE + 2));
    const link = firstEditLink((await client.get(`${LIST}?page=2`)).html);
    const form = await client.get(link);
    const refused = await client.postForm(
      link.replace(/\?.*/, ''),
      editFields(form.html, { number_of_shares: '-1' }),
    );
    expect(refused.status).toBe(422);
    const saved = await client.postForm(
      link.replace(/\?.*/, ''),
      editFields(refused.html, { number_of_shares: '4' }),
    );
    expect(saved.location).toBe(`${LIST}?page=2`);
  });

  it('from the portfolio’s first page, links and returns as before', async () => {
    const client = await visitorWith(portfolio(2));
    const { link, cancel, location } = await editFirstOn(client, LIST, { number_of_shares: '2' });
    expect(link).toMatch(/^\/lots\/\d+\/edit$/);
    expect([cancel, location]).toEqual([LIST, LIST]);
  });

  it('returns to a checked place only, never to a URL it was given', async () => {
    const client = await visitorWith(portfolio(2));
    const edit = urlFor('edit_lot', { lot_id: 1 });
    const form = await client.get(`${edit}?lots_of=%2F%2Fevil.example&lots_page=2`);
    expect(/<a href="([^"]*)">Cancel<\/a>/.exec(form.html)?.[1]).toBe(LIST);
    expect(form.html).not.toContain('evil.example');
    const saved = await client.postForm(
      edit,
      editFields(form.html, { list_sort: '"><script>', list_page: '//evil.example/' }),
    );
    expect(saved.location).toBe(LIST);
  });
});
