/**
 * Figures aligned on the decimal point (issue 18, item 4), in Chromium: in every numeric column of
 * the positions table (its rows and totals), each position's lots, a symbol's lots page and the
 * sales table, the decimal point of every row is at the same x, within 1 px, although prices have
 * 2, 3 or 4 decimals, share counts 0 to 4, and some cells hold the "not set" dash. The padding that
 * does it is not text: cells read exactly as before. On a phone nothing scrolls sideways.
 */
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { urlFor } from '../../src/web/urls.js';
import { open, pageAfter, useBrowser, VIEWPORTS } from './browser-support.js';

const h = useBrowser();

/**
 * Buys whose prices have 2, 3 and 4 decimals (so do the average costs: $10.00, $60.125, $415.1234,
 * and AAPL's mix), share counts from 0 to 4 decimals, sales with and without a fee, current prices
 * with 2 to 4 decimals, and one position (KO) without a price: dashes in its row and a second totals row.
 */
const PORTFOLIO_CSV = `type,symbol,shares,price,date,fee,source,lot,sold_from
buy,AAPL,15,302.17,2024-03-01,,,,
buy,AAPL,2.5,0.1234,2024-04-01,,,,
buy,AAPL,1,10.125,2024-05-01,,,,
buy,BF-B,3,10,2024-03-01,,,,
buy,KO,4,60.125,2024-03-01,,,,
buy,MSFT,0.3333,415.1234,2024-03-01,,,,
buy,NVDA,1200,100,2024-03-01,,,,
sell,AAPL,5,310.5,2025-01-02,,,,
sell,KO,1,61.1234,2025-01-02,1,,,
sell,NVDA,0.5,130.125,2025-01-03,,,,
price,AAPL,,310.5,2026-12-01,,manual,,
price,BF-B,,9.8765,2026-12-01,,manual,,
price,MSFT,,420.125,2026-12-01,,manual,,
price,NVDA,,120,2026-12-01,,manual,,
`;

async function importPortfolio(page: Page): Promise<void> {
  await open(page, urlFor('import_stocks'));
  await page.getByLabel('CSV file').setInputFiles({
    name: 'portfolio.csv',
    mimeType: 'text/csv',
    buffer: Buffer.from(PORTFOLIO_CSV),
  });
  const response = await pageAfter(page, () => page.getByRole('button', { name: 'Import' }).click());
  expect(response.status()).toBe(200);
  expect(response.url()).toMatch(/\/stocks$/);
}

/** One numeric column of one table: its header and where each row's decimal point is. */
interface Column {
  readonly table: string;
  readonly header: string;
  /** Each cell's figure (its first line of text, as a reader gets it) and the x of its decimal point. */
  readonly cells: readonly { readonly text: string; readonly x: number }[];
}

/**
 * Runs in the page: for each table matching `selector`, its own numeric cells (not a nested
 * table's) grouped by column (the cells' right edges), each with the x of its decimal point: the
 * left edge of the '.' character (a Range around it); in a cell without one, where its point would
 * be: the start of its alignment padding if it has some, else the end of its text (a whole number
 * or a dash in a column of whole numbers).
 */
const MEASURE = `(selector) => {
  const skipped = (node) => node.parentElement.closest('.price-source, .visually-hidden') !== null;
  const textNodes = (cell) => {
    const walker = document.createTreeWalker(cell, NodeFilter.SHOW_TEXT);
    const nodes = [];
    for (let node = walker.nextNode(); node !== null; node = walker.nextNode()) {
      if (!skipped(node) && node.data.trim() !== '') nodes.push(node);
    }
    return nodes;
  };
  const pointX = (cell) => {
    const nodes = textNodes(cell);
    const range = document.createRange();
    for (const node of nodes) {
      const at = node.data.indexOf('.');
      if (at >= 0) {
        range.setStart(node, at);
        range.setEnd(node, at + 1);
        return range.getBoundingClientRect().left;
      }
    }
    const pad = cell.querySelector('.pad');
    if (pad !== null) return pad.getBoundingClientRect().left;
    const last = nodes[nodes.length - 1];
    const end = last.data.trimEnd().length;
    range.setStart(last, end - 1);
    range.setEnd(last, end);
    return range.getBoundingClientRect().right;
  };
  return [...document.querySelectorAll(selector)].flatMap((table, t) => {
    const headers = [...table.querySelectorAll(':scope > thead th')].map((th) => ({
      right: Math.round(th.getBoundingClientRect().right),
      text: th.textContent.replace(/\\s+/g, ' ').trim(),
    }));
    const columns = new Map();
    for (const cell of table.querySelectorAll(':scope > tbody > tr > td.num, :scope > tfoot > tr > td.num')) {
      const right = Math.round(cell.getBoundingClientRect().right);
      const header = headers.find((th) => Math.abs(th.right - right) <= 1);
      const key = header === undefined ? 'right ' + right : header.text;
      if (!columns.has(key)) columns.set(key, []);
      columns.get(key).push({ text: cell.innerText.trim().split('\\n')[0], x: pointX(cell) });
    }
    return [...columns].map(([header, cells]) => ({ table: selector + ' #' + (t + 1), header, cells }));
  });
}`;

async function columnsOf(page: Page, selector: string): Promise<Column[]> {
  return page.evaluate(`(${MEASURE})(${JSON.stringify(selector)})`);
}

/** The columns whose decimal points are not all within 1 px of each other, with every cell's x. */
function misaligned(columns: readonly Column[]): Column[] {
  return columns.filter(({ cells }) => {
    const xs = cells.map((cell) => cell.x);
    return Math.max(...xs) - Math.min(...xs) > 1;
  });
}

function textsOf(columns: readonly Column[], header: string): string[] {
  return columns.find((column) => column.header === header)?.cells.map((cell) => cell.text) ?? [];
}

async function openAllLots(page: Page): Promise<void> {
  for (const details of await page.locator('#positions-table details').all()) {
    await details.evaluate((element: { open: boolean }) => {
      element.open = true;
    });
  }
}

async function pageOverflow(page: Page): Promise<number> {
  return page.evaluate('document.documentElement.scrollWidth - window.innerWidth');
}

describe('figures aligned on the decimal point, at desktop width', () => {
  it('lines up every numeric column of the positions table, its totals and each position’s lots', async () => {
    const { page } = await h.newVisitor({ viewport: VIEWPORTS.desktop });
    await importPortfolio(page);
    await openAllLots(page);
    const positions = await columnsOf(page, '#positions-table');
    // The case is the one described: 2, 3 and 4 decimals in one column, dashes, a negative gain.
    expect(textsOf(positions, 'Average Cost')).toEqual([
      '$224.6025',
      '$10.00',
      '$60.125',
      '$415.1234',
      '$100.00',
    ]);
    expect(textsOf(positions, 'Shares')).toEqual(['13.5', '3', '3', '0.3333', '1,199.5']);
    expect(textsOf(positions, 'Current Price')).toEqual(['$310.50', '$9.8765', '—', '$420.125', '$120.00']);
    expect(textsOf(positions, 'Gain/Loss')).toEqual([
      '+$1,159.62',
      '-$0.37',
      '—',
      '+$1.67',
      '+$23,990.00',
      '+$25,150.91',
      '—',
    ]);
    expect(positions.map((column) => column.header)).toEqual([
      'Shares',
      'Average Cost',
      'Cost Basis',
      'Current Price',
      'Market Value',
      'Gain/Loss',
      'Return',
    ]);
    // Rows and both totals rows.
    expect(textsOf(positions, 'Cost Basis')).toHaveLength(7);
    expect(misaligned(positions)).toEqual([]);

    const lots = await columnsOf(page, '#positions-table table.lots');
    expect(textsOf(lots, 'Purchase Price')).toEqual(['$302.17', '$0.1234', '$10.125']);
    expect(misaligned(lots)).toEqual([]);
  });

  it('lines up the lots page and the sales table', async () => {
    const { page } = await h.newVisitor({ viewport: VIEWPORTS.desktop });
    await importPortfolio(page);
    await open(page, urlFor('list_lots', { symbol: 'AAPL' }));
    const lots = await columnsOf(page, 'table.lots');
    expect(textsOf(lots, 'Shares')).toEqual(['10', '2.5', '1']);
    expect(textsOf(lots, 'Purchase Price')).toEqual(['$302.17', '$0.1234', '$10.125']);
    expect(misaligned(lots)).toEqual([]);
    // The padding is no text: the cells' text is the figures alone.
    expect(await page.locator('table.lots td[data-label="Purchase Price"]').allTextContents()).toEqual([
      '$302.17',
      '$0.1234',
      '$10.125',
    ]);

    await open(page, urlFor('list_sales'));
    const sales = await columnsOf(page, '#sales-table');
    expect(textsOf(sales, 'Sale Price')).toEqual(['$310.50', '$61.1234', '$130.125']);
    expect(textsOf(sales, 'Fee')).toEqual(['—', '$1.00', '—']);
    expect(textsOf(sales, 'Shares')).toEqual(['5', '1', '0.5']);
    expect(misaligned(sales)).toEqual([]);
  });
});

describe('figures aligned on the decimal point, on a phone (375 px)', () => {
  it('keeps every page within the screen', async () => {
    const { page } = await h.newVisitor({ viewport: VIEWPORTS.phone });
    await importPortfolio(page);
    await openAllLots(page);
    expect(await pageOverflow(page)).toBeLessThanOrEqual(0);
    await open(page, urlFor('list_lots', { symbol: 'AAPL' }));
    expect(await pageOverflow(page)).toBeLessThanOrEqual(0);
    await open(page, urlFor('list_sales'));
    expect(await pageOverflow(page)).toBeLessThanOrEqual(0);
  });
});
