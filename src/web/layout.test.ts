/** The page frame and the forms, as a screen reader and a keyboard meet them (through app.request). */
import { describe, expect, it } from 'vitest';
import { urlFor } from './urls.js';
import { buildTestApp, fieldError, flashes } from '../../test/support/client.js';
import { sharesMessages, symbolMessages } from '../domain/stock-fields.js';

const VALID = { stock_symbol: 'AAPL', number_of_shares: '15', purchase_price: '302.17' } as const;

async function page(path: string) {
  return (await buildTestApp().client().get(path)).html;
}

describe('the page frame', () => {
  it('starts with a skip link to the main content', async () => {
    const html = await page(urlFor('index'));
    expect(html.indexOf('<a class="skip-link" href="#main">Skip to content</a>')).toBeLessThan(
      html.indexOf('<header'),
    );
    expect(html).toContain('<main id="main" tabindex="-1">');
  });

  it.each([
    [urlFor('index'), 'Home'],
    [urlFor('list_stocks'), 'Portfolio'],
    [urlFor('add_stock'), 'Add a stock'],
    [urlFor('import_stocks'), 'Import'],
    [urlFor('about'), 'About'],
  ])('marks %s as the current page in the menu, and only it', async (path, label) => {
    const html = await page(path);
    expect(html).toContain(`<a href="${path}" aria-current="page">${label}</a>`);
    expect(html.match(/aria-current/g)).toHaveLength(1);
  });

  it('marks nothing as current on a page the menu does not list', async () => {
    expect(await page(urlFor('hello_message', { message: 'x' }))).not.toContain('aria-current');
  });

  it('has a meta description', async () => {
    expect(await page(urlFor('index'))).toMatch(/<meta name="description" content="[^"]{40,}" \/>/);
  });

  it('uses one word, portfolio, in the menu, the heading and the messages', async () => {
    const html = await page(urlFor('list_stocks'));
    expect(html).toContain('>Portfolio</a>');
    expect(html).toContain('<h1>Your portfolio</h1>');
    expect(html).toContain('Your portfolio is empty.');
    expect(html).not.toMatch(/List (of )?Stocks/);
  });
});

describe('the theme', () => {
  it('follows the browser until the visitor picks one: no data-theme, both schemes, a button for each', async () => {
    const html = await page(urlFor('about'));
    expect(html).toContain('<html lang="en">');
    expect(html).toContain('<meta name="color-scheme" content="light dark" />');
    expect(html).toContain(
      '<button type="submit" name="theme" value="dark" class="theme-to-dark">Switch to dark theme</button>',
    );
    expect(html).toContain(
      '<button type="submit" name="theme" value="light" class="theme-to-light">Switch to light theme</button>',
    );
  });

  it('after a pick, forces it and offers only the other', async () => {
    const client = buildTestApp().client();
    await client.get(urlFor('about'));
    await client.postForm(urlFor('set_theme'), { theme: 'dark', next: urlFor('about') });
    const html = (await client.get(urlFor('about'))).html;
    expect(html).toContain('<html lang="en" data-theme="dark">');
    expect(html).toContain('<meta name="color-scheme" content="dark" />');
    expect(html).toContain('Switch to light theme');
    expect(html).not.toContain('Switch to dark theme');
  });
});

describe('messages', () => {
  it('are paragraphs in one role="status" live region, not list items', async () => {
    const client = buildTestApp().client();
    await client.get(urlFor('add_stock'));
    await client.postForm(urlFor('add_stock'), VALID);
    const html = (await client.get(urlFor('list_stocks'))).html;
    expect(html).toContain(
      '<div class="flashes" role="status"><p class="flash flash-success">Added new stock (AAPL)!</p></div>',
    );
    expect(flashes(html)).toEqual([['success', 'Added new stock (AAPL)!']]);
  });
});

describe('a refused form', () => {
  async function refused() {
    const client = buildTestApp().client();
    await client.get(urlFor('add_stock'));
    return client.postForm(urlFor('add_stock'), {
      stock_symbol: '',
      number_of_shares: '-1',
      purchase_price: '1',
    });
  }

  it('says so in the page title', async () => {
    expect((await refused()).html).toContain('<title>Error: Add a stock &middot; Stock Portfolio</title>');
    expect(await page(urlFor('add_stock'))).toContain('<title>Add a stock &middot; Stock Portfolio</title>');
  });

  it('starts with a focused error summary that links each message to its field, in form order', async () => {
    const { html } = await refused();
    const summary = /<section class="error-summary"([^>]*)>([\s\S]*?)<\/section>/.exec(html);
    expect(summary?.[1]).toContain('tabindex="-1" autofocus');
    expect(summary?.[1]).toContain('aria-labelledby="error-summary-title"');
    const links = [...(summary?.[2] ?? '').matchAll(/<li><a href="#(\w+)">([^<]*)<\/a><\/li>/g)].map((m) => [
      m[1],
      m[2],
    ]);
    expect(links).toEqual([
      ['stock_symbol', symbolMessages.required],
      ['number_of_shares', sharesMessages['not-positive']],
    ]);
    // Each message is also beside its field, which says it is invalid.
    expect(fieldError(html, 'stock_symbol')).toBe(symbolMessages.required);
    expect(html).toMatch(/id="stock_symbol"[^>]*aria-invalid="true" aria-describedby="stock_symbol-error"/);
    expect(html.indexOf('error-summary')).toBeLessThan(
      html.indexOf('<form method="post" action="/add_stock"'),
    );
  });

  it('has no summary when nothing is wrong', async () => {
    expect(await page(urlFor('add_stock'))).not.toContain('error-summary');
  });
});

describe('the portfolio table', () => {
  it('names its actions column for screen readers, and labels each cell for the phone layout', async () => {
    const client = buildTestApp().client();
    await client.get(urlFor('add_stock'));
    await client.postForm(urlFor('add_stock'), VALID);
    const html = (await client.get(urlFor('list_stocks'))).html;
    expect(html).toContain('<th scope="col"><span class="visually-hidden">Actions</span></th>');
    expect(html).toContain('<table id="positions-table" class="stacking"');
    expect(html).toContain('<table class="lots stacking">');
    expect(html).toContain('<td class="num" data-label="Shares">15</td>');
    expect(html).toContain('<td class="num" data-label="Purchase Price">$302.17</td>');
  });
});

describe("the tracker's forms, refused", () => {
  async function visitorWithAapl() {
    const client = buildTestApp().client();
    await client.get(urlFor('add_stock'));
    await client.postForm(urlFor('add_stock'), VALID);
    return client;
  }

  it('edit: the summary links to the field, and the title starts with "Error:"', async () => {
    const client = await visitorWithAapl();
    const form = await client.get(urlFor('edit_lot', { lot_id: 1 }));
    expect(form.html).toContain('<title>Edit AAPL &middot; Stock Portfolio</title>');
    expect(form.html).not.toContain('error-summary');
    const page = await client.postForm(urlFor('edit_lot', { lot_id: 1 }), {
      ...VALID,
      number_of_shares: '0',
    });
    expect(page.status).toBe(422);
    expect(page.html).toContain('<title>Error: Edit AAPL &middot; Stock Portfolio</title>');
    expect(page.html).toContain(`<li><a href="#number_of_shares">${sharesMessages['not-positive']}</a></li>`);
  });

  it('current price: the summary links to that symbol’s field on the prices form, and the title starts with "Error:"', async () => {
    const client = await visitorWithAapl();
    await client.get(urlFor('list_stocks'));
    const page = await client.postForm(urlFor('set_price'), {
      symbol: 'AAPL',
      sort: 'symbol',
      current_price: 'abc',
    });
    expect(page.status).toBe(422);
    expect(page.html).toContain('<title>Error: Update prices &middot; Stock Portfolio</title>');
    expect(page.html).toMatch(/<section class="error-summary"[^>]*autofocus>[\s\S]*<a href="#price-AAPL">/);
  });
});
