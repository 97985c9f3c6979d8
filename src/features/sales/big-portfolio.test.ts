/**
 * The sell form of the biggest portfolio (issue 18 item 1: every page under 1 MB however many
 * holdings the store allows): in server mode (SQLite on a real file) one symbol may have some
 * 60,000 open lots, and the form lists them in pages of `LOTS_PER_PAGE` to pick from, with links
 * between the pages. Bytes and counts are asserted, not time (`npm run bench:big-portfolio`).
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { LOTS_PER_PAGE } from '../../web/page-numbers.js';
import { urlFor } from '../../web/urls.js';
import { fieldError, formInput, textOf } from '../../../test/support/client.js';
import { visitorsAtCap } from '../../../test/support/big-portfolio-visitors.js';
import { PICKS_PAGE_FIELD } from './sell-page.js';

const MB = 1_000_000;

/**
 * A SQLite-mode visitor whose lots of AAPL fill the store's cap, less `reserveBytes` (room for
 * what a visit adds: the CSRF token, flashes, and for a sale its record and undo).
 */
const atCap = visitorsAtCap('sales-big-portfolio');
const visitorAtCap = (reserveBytes?: number) =>
  atCap('one-symbol', reserveBytes === undefined ? {} : { reserveBytes });

const sellForm = (query = '') => `${urlFor('sell_stock')}?symbol=AAPL${query}`;

/** The lot ids the form offers to pick from, in its order. */
const pickIds = (html: string) =>
  [...html.matchAll(/name="pick_([0-9]+)"/g)].map(([, id = '']) => Number(id));

/** The page number the form posts back with its picks. */
const picksPage = (html: string) =>
  new RegExp(`<input type="hidden" name="${PICKS_PAGE_FIELD}" value="([^"]*)" />`).exec(html)?.[1];

/** The "N shares left" of lot `id` on the form. */
function sharesLeft(html: string, id: number): string | undefined {
  return new RegExp(`<label for="pick_${id}">Lot #${id},[^<]*: ([0-9.,]+) shares left</label>`).exec(
    html,
  )?.[1];
}

describe('the sell form of one symbol at the 1 MiB cap', () => {
  let visitor: Awaited<ReturnType<typeof visitorAtCap>>;
  beforeAll(async () => {
    visitor = await visitorAtCap();
  }, 120_000);

  it(`lists the first ${LOTS_PER_PAGE} open lots to pick from, under 1 MB, with links to the others`, async () => {
    const page = await visitor.client.get(sellForm());
    expect(page.status).toBe(200);
    expect(Buffer.byteLength(page.html)).toBeLessThan(MB);
    expect(pickIds(page.html)).toHaveLength(LOTS_PER_PAGE);
    const total = visitor.count.toLocaleString('en-US');
    const pages = Math.ceil(visitor.count / LOTS_PER_PAGE).toLocaleString('en-US');
    const text = textOf(page.html);
    expect(text).toContain(`AAPL has ${total} open lots, too many for one page`);
    expect(text).toContain('picks apply to those only');
    expect(text).toContain(`A sale without picks sells the oldest shares first, from all ${total} lots.`);
    expect(text).toContain(`Open lots 1–100 of ${total} (page 1 of ${pages})`);
    expect(page.html).toContain(`<a href="${sellForm('&amp;page=2')}" rel="next">Next page</a>`);
    // The "go to page" form keeps the symbol, and sits outside the sell form (no nested forms).
    expect(page.html).toContain('<input type="hidden" name="symbol" value="AAPL" />');
    expect(page.html.indexOf('class="pagination"')).toBeLessThan(page.html.indexOf('class="stock-form"'));
    expect(picksPage(page.html)).toBe('1');
  }, 60_000);

  it('lists the next open lots on page 2', async () => {
    const first = pickIds((await visitor.client.get(sellForm())).html);
    const page = await visitor.client.get(sellForm('&page=2'));
    expect(page.status).toBe(200);
    const second = pickIds(page.html);
    expect(second).toHaveLength(LOTS_PER_PAGE);
    // Oldest first: every lot of page 2 comes after every lot of page 1.
    expect(Math.min(...second)).toBeGreaterThan(Math.max(...first));
    expect(textOf(page.html)).toContain('Open lots 101–200 of');
    expect(page.html).toContain(`<a href="${sellForm()}" rel="prev">Previous page</a>`);
    expect(picksPage(page.html)).toBe('2');
  }, 60_000);

  it('answers a page past the last with a 404 that links to the last page, as the lots page does', async () => {
    const lastPage = Math.ceil(visitor.count / LOTS_PER_PAGE);
    const page = await visitor.client.get(sellForm(`&page=${lastPage + 1}`));
    expect(page.status).toBe(404);
    expect(textOf(page.html)).toContain(`There is no page ${lastPage + 1} of the open lots of AAPL`);
    expect(page.html).toContain(`<a href="${sellForm(`&amp;page=${lastPage}`)}">Go to the last page`);
    const last = await visitor.client.get(sellForm(`&page=${lastPage}`));
    expect(last.status).toBe(200);
    expect(pickIds(last.html)).toHaveLength(visitor.count - (lastPage - 1) * LOTS_PER_PAGE);
  }, 60_000);

  it.each(['0', 'abc', '-2', '1.5'])(
    'answers page=%s with a 404 and a link to the first page',
    async (asked) => {
      const page = await visitor.client.get(sellForm(`&page=${asked}`));
      expect(page.status).toBe(404);
      expect(page.html).toContain(`<a href="${sellForm()}">Go to the first page</a>`);
    },
    60_000,
  );
});

describe('selling from a page of lots of one symbol, tens of thousands of them', () => {
  let visitor: Awaited<ReturnType<typeof visitorAtCap>>;
  beforeAll(async () => {
    // Room to save a sale: the fill's lots, stored as before lot ids (`["AAPL","1","1"]`), are
    // written with a date and an id each when a change is saved (some 27 bytes a lot, not 16).
    visitor = await visitorAtCap(600_000);
    expect(visitor.count).toBeGreaterThan(20_000);
  }, 120_000);

  const sale = (fields: Record<string, string>) =>
    visitor.client.postForm(urlFor('sell_stock'), {
      stock_symbol: 'AAPL',
      number_of_shares: '1',
      sale_price: '10',
      sale_date: '2026-03-01',
      ...fields,
    });

  it('draws a refused form again on the page its picks came from, with the picks entered', async () => {
    const page = await visitor.client.get(sellForm('&page=2'));
    const id = pickIds(page.html)[3] ?? 0;
    const refused = await sale({ number_of_shares: '1', [`pick_${id}`]: 'x', [PICKS_PAGE_FIELD]: '2' });
    expect(refused.status).toBe(422);
    expect(fieldError(refused.html, `pick_${id}`)).toBeDefined();
    expect(formInput(refused.html, `pick_${id}`)?.['value']).toBe('x');
    expect(pickIds(refused.html)).toEqual(pickIds(page.html));
    expect(picksPage(refused.html)).toBe('2');
  }, 60_000);

  it.each(['0', '99999999', '"><b>', ''])(
    'draws a refused form with picks_page=%j on the first page',
    async (posted) => {
      const first = pickIds((await visitor.client.get(sellForm())).html);
      const refused = await sale({ number_of_shares: 'x', [PICKS_PAGE_FIELD]: posted });
      expect(refused.status).toBe(422);
      expect(pickIds(refused.html)).toEqual(first);
      expect(picksPage(refused.html)).toBe('1');
      expect(refused.html).not.toContain('<b>');
    },
    60_000,
  );

  it('records a pick from page 2 against that lot', async () => {
    const firstBefore = (await visitor.client.get(sellForm())).html;
    const oldest = pickIds(firstBefore)[0] ?? 0;
    const page = await visitor.client.get(sellForm('&page=2'));
    expect(pickIds(page.html)).toHaveLength(LOTS_PER_PAGE);
    const id = pickIds(page.html)[5] ?? 0;
    expect(pickIds(firstBefore)).not.toContain(id);
    const left = Number(sharesLeft(page.html, id));
    expect(left).toBeGreaterThan(0);
    const sold = await sale({ [`pick_${id}`]: '1', [PICKS_PAGE_FIELD]: '2' });
    expect(sold.status).toBe(302);
    const sales = textOf((await visitor.client.get(urlFor('list_sales'))).html);
    expect(sales).toContain(`lot #${id}: no purchase date`);
    // The lot has one share fewer; the first lot, which first in first out would have sold, none.
    const after = await visitor.client.get(sellForm('&page=2'));
    expect(sharesLeft(after.html, id)).toBe(String(left - 1));
    const firstAfter = (await visitor.client.get(sellForm())).html;
    expect(sharesLeft(firstAfter, oldest)).toBeDefined();
    expect(sharesLeft(firstAfter, oldest)).toBe(sharesLeft(firstBefore, oldest));
  }, 60_000);
});
