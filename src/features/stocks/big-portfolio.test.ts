/**
 * Any portfolio size (issue 18, loss path #9): in server mode (SQLite on a real file) one visitor
 * may keep some 60,000 holdings, and the list page, the lots page and their pagination answer with
 * pages under 1 MB. Bytes are asserted, not time (`npm run bench:big-portfolio` prints the CPU).
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { formatBytes } from '../../session/storage.js';
import { urlFor } from '../../web/urls.js';
import { textOf } from '../../../test/support/client.js';
import { visitorsAtCap } from '../../../test/support/big-portfolio-visitors.js';
import { INLINE_LOTS, LOTS_PER_PAGE, POSITIONS_PER_PAGE } from './paging.js';

const MB = 1_000_000;
const visitorAtCap = visitorsAtCap('stocks-big-portfolio');

const bytes = (html: string) => Buffer.byteLength(html);
const list = (query = '') => `${urlFor('list_stocks')}${query}`;

describe('a portfolio of one position per holding, at the 1 MiB cap', () => {
  let visitor: Awaited<ReturnType<typeof visitorAtCap>>;
  beforeAll(async () => {
    visitor = await visitorAtCap('many-symbols');
  }, 120_000);

  it('holds tens of thousands of holdings', () => {
    expect(visitor.count).toBeGreaterThan(50_000);
  });

  it('answers GET /stocks with one page of positions, under 1 MB', async () => {
    const page = await visitor.client.get(list());
    expect(page.status).toBe(200);
    expect(bytes(page.html)).toBeLessThan(MB);
    expect(page.html.match(/<tr class="position-row">/g)).toHaveLength(POSITIONS_PER_PAGE);
    const total = visitor.count.toLocaleString('en-US');
    expect(textOf(page.html)).toContain(`Positions 1–100 of ${total} (page 1 of `);
    expect(textOf(page.html)).toContain(`Total of all ${total} positions`);
    expect(textOf(page.html)).toContain(`${visitor.count} holdings.`);
    expect(page.html).toContain('<a href="/stocks?page=2" rel="next">Next page</a>');
  }, 60_000);

  it('limits the chart to the largest positions and one "Others" bar', async () => {
    const page = await visitor.client.get(list());
    expect(page.html.match(/<rect /g)).toHaveLength(100);
    expect(page.html).toContain('class="chart-colour-others"');
    expect(textOf(page.html)).toMatch(/Others \([0-9,]+ positions\)/);
  }, 60_000);

  it('pages keep the sort: next and previous links, and the "go to page" form', async () => {
    const page = await visitor.client.get(list('?sort=value&page=2'));
    expect(page.status).toBe(200);
    expect(bytes(page.html)).toBeLessThan(MB);
    expect(textOf(page.html)).toContain('Positions 101–200 of');
    expect(page.html).toContain('<a href="/stocks?sort=value" rel="prev">Previous page</a>');
    expect(page.html).toContain('<a href="/stocks?sort=value&amp;page=3" rel="next">Next page</a>');
    expect(page.html).toContain('<input type="hidden" name="sort" value="value" />');
    // Prices are set on their own page: no form per position carries the page number.
    expect(page.html).not.toContain('name="current_price');
  }, 60_000);

  it('answers a page past the last with a 404 that links to the last page', async () => {
    const lastPage = Math.ceil(visitor.count / POSITIONS_PER_PAGE);
    const page = await visitor.client.get(list(`?page=${lastPage + 1}`));
    expect(page.status).toBe(404);
    expect(textOf(page.html)).toContain(`There is no page ${lastPage + 1} of your portfolio`);
    expect(page.html).toContain(`<a href="/stocks?page=${lastPage}">Go to the last page`);
    const last = await visitor.client.get(list(`?page=${lastPage}`));
    expect(last.status).toBe(200);
    expect(page.html).not.toContain('Next page');
  }, 60_000);

  it.each(['0', 'abc', '-2', '1.5'])(
    'answers page=%s with a 404 and a link to the first page',
    async (asked) => {
      const page = await visitor.client.get(list(`?page=${asked}`));
      expect(page.status).toBe(404);
      expect(page.html).toContain('<a href="/stocks">Go to the first page</a>');
    },
    60_000,
  );
});

describe('a portfolio of one symbol, at the 1 MiB cap', () => {
  let visitor: Awaited<ReturnType<typeof visitorAtCap>>;
  const lotsPage = (query = '') => `${urlFor('list_lots', { symbol: 'AAPL' })}${query}`;
  beforeAll(async () => {
    visitor = await visitorAtCap('one-symbol');
  }, 120_000);

  it('lists a position’s first lots inline and links to all of them', async () => {
    const page = await visitor.client.get(list());
    expect(page.status).toBe(200);
    expect(bytes(page.html)).toBeLessThan(MB);
    expect(page.html.match(/<tr class="lot">/g)).toHaveLength(INLINE_LOTS);
    const total = visitor.count.toLocaleString('en-US');
    expect(textOf(page.html)).toContain(
      `The first ${INLINE_LOTS} of ${total} lots. All ${total} lots of AAPL`,
    );
    expect(page.html).toContain(`<a href="${lotsPage()}">All ${total} lots of AAPL</a>`);
    // One page of positions: no page links.
    expect(page.html).not.toContain('class="pagination"');
  }, 60_000);

  it('answers the lots page in pages, each under 1 MB', async () => {
    const first = await visitor.client.get(lotsPage());
    expect(first.status).toBe(200);
    expect(bytes(first.html)).toBeLessThan(MB);
    expect(first.html.match(/<tr class="lot">/g)).toHaveLength(LOTS_PER_PAGE);
    expect(textOf(first.html)).toContain(`Lots 1–100 of ${visitor.count.toLocaleString('en-US')}`);
    const third = await visitor.client.get(lotsPage('?page=3'));
    expect(textOf(third.html)).toContain('Lots 201–300 of');
    expect(third.html).toContain(`<a href="${lotsPage('?page=2')}" rel="prev">Previous page</a>`);
  }, 60_000);

  it('answers a lots page past the last with a 404 that links to the last page', async () => {
    const lastPage = Math.ceil(visitor.count / LOTS_PER_PAGE);
    const page = await visitor.client.get(lotsPage(`?page=${lastPage + 1}`));
    expect(page.status).toBe(404);
    expect(page.html).toContain(`<a href="${lotsPage(`?page=${lastPage}`)}">Go to the last page`);
  }, 60_000);

  it('answers the lots page of a symbol not held with a 404 and a link back', async () => {
    const page = await visitor.client.get(urlFor('list_lots', { symbol: 'MSFT' }));
    expect(page.status).toBe(404);
    expect(textOf(page.html)).toContain('Your portfolio holds no MSFT');
    expect(page.html).toContain('<a href="/stocks">Back to your portfolio</a>');
  }, 60_000);
});

describe('at the cap', () => {
  it('says what the cap is', async () => {
    const { client, store } = await visitorAtCap('many-symbols', {
      maxSessionBytes: 20_000,
      reserveBytes: 40,
    });
    const page = await client.get(list());
    expect(page.status).toBe(200);
    expect(textOf(page.html)).toContain(
      `Your portfolio is full: this server keeps up to ${formatBytes(store.maxSessionBytes)} for one portfolio.`,
    );
  });
});
