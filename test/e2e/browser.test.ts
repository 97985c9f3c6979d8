/**
 * The app in a real browser: Debian's Chromium driven by playwright-core against `node dist/http/main.js`,
 * as `npm start` runs it. Each visitor is a fresh browser context, so it has its own cookies.
 */
import { readFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import type { Page, Response } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CSRF_MESSAGE } from '../../src/http/app.js';
import { urlFor } from '../../src/web/urls.js';
import { sharesMessages, symbolMessages } from '../../src/domain/stock-fields.js';
import {
  AAPL,
  addStock,
  collapse,
  flashes,
  holdingRows,
  lotRows,
  nowSeconds,
  open,
  openLots,
  pageAfter,
  SBUX,
  total,
  useBrowser,
  type HoldingInput,
} from './browser-support.js';

/** Flask's default PERMANENT_SESSION_LIFETIME, which the app keeps. */
const SESSION_MAX_AGE_SECONDS = 31 * 24 * 60 * 60;
const SCREENSHOT_PATH = fileURLToPath(new URL('../../test-results/stocks.png', import.meta.url));
/** Markup that runs script if it is ever parsed as HTML rather than shown as text. */
const PAYLOAD = '<img src=x onerror=alert(1)>';
const SCRIPT_PAYLOAD = '<script>alert(1)</script>';

const AAPL_ROW = ['AAPL', '15', '$302.17', '$4,532.55'];
const SBUX_ROW = ['SBUX', '100', '$87.56', '$8,756.00'];

const h = useBrowser({ oracle: true });
const newVisitor = h.newVisitor;
const sessionCookie = h.sessionCookie;

describe('the portfolio in a browser', () => {
  it('adds a stock through the form and lists it with its cost and a flash', async () => {
    const { page } = await newVisitor();
    const response = await addStock(page, AAPL);
    expect(response.status()).toBe(200);
    expect(new URL(page.url()).pathname).toBe(urlFor('list_stocks'));
    expect(await holdingRows(page)).toEqual([AAPL_ROW]);
    expect(await total(page)).toBe('$4,532.55');
    expect(await flashes(page)).toEqual(['Added new stock (AAPL)!']);
  });

  it("keeps each browser's portfolio to itself", async () => {
    const a = await newVisitor();
    const b = await newVisitor();
    await addStock(a.page, AAPL);
    await addStock(b.page, SBUX);
    expect(await holdingRows(b.page)).toEqual([SBUX_ROW]);
    await a.page.reload();
    expect(await holdingRows(a.page)).toEqual([AAPL_ROW]);
  });

  it('lists a second holding after the first and totals both', async () => {
    const { page } = await newVisitor();
    await addStock(page, AAPL);
    await addStock(page, { symbol: 'SBUX', shares: '10', price: '87.56' });
    expect(await holdingRows(page)).toEqual([AAPL_ROW, ['SBUX', '10', '$87.56', '$875.60']]);
    expect(await total(page)).toBe('$5,408.15');
  });

  it('shows an empty portfolio, not an error page, when the session cookie’s signature was tampered with', async () => {
    const { context, page } = await newVisitor();
    await addStock(page, AAPL);
    const cookie = await sessionCookie(context);
    // The signature's first character carries 6 signature bits; its last may carry only padding,
    // which base64 decoders (Python's included) ignore, so flipping that one could change nothing.
    const signatureStart = cookie.value.lastIndexOf('.') + 1;
    const flipped = cookie.value[signatureStart] === 'A' ? 'B' : 'A';
    const value = cookie.value.slice(0, signatureStart) + flipped + cookie.value.slice(signatureStart + 1);
    await context.addCookies([{ ...cookie, value }]);

    const response = await open(page, urlFor('list_stocks'));
    expect(response.status()).toBe(200);
    expect(await page.getByRole('heading', { name: 'Your portfolio' }).isVisible()).toBe(true);
    expect(await page.locator('.empty-state').innerText()).toContain('Your portfolio is empty.');
    expect(await page.locator('#stock-table').count()).toBe(0);
  });

  it('removes one holding with its Remove button', async () => {
    const { page } = await newVisitor();
    await addStock(page, AAPL);
    await addStock(page, SBUX);
    await openLots(page, 'AAPL');
    await pageAfter(page, () => page.getByRole('button', { name: 'Remove AAPL' }).click());
    expect(await holdingRows(page)).toEqual([SBUX_ROW]);
    expect(await page.locator('.notice').innerText()).toContain('Removed AAPL (15 shares at $302.17).');
  });

  it('empties the portfolio with Clear portfolio, after asking', async () => {
    const { page } = await newVisitor();
    await addStock(page, AAPL);
    await addStock(page, SBUX);
    await pageAfter(page, () => page.getByRole('link', { name: 'Clear portfolio' }).click());
    expect(await page.getByRole('heading', { name: 'Clear your portfolio?' }).isVisible()).toBe(true);
    expect(await page.locator('main').innerText()).toContain('This removes all 2 holdings');
    // Saying no keeps everything.
    await pageAfter(page, () => page.getByRole('link', { name: 'No, keep it' }).click());
    expect(await holdingRows(page)).toEqual([AAPL_ROW, SBUX_ROW]);
    await pageAfter(page, () => page.getByRole('link', { name: 'Clear portfolio' }).click());
    await pageAfter(page, () => page.getByRole('button', { name: 'Yes, clear my portfolio' }).click());
    expect(await page.locator('#stock-table').count()).toBe(0);
    expect(await page.locator('.empty-state').isVisible()).toBe(true);
    expect(await flashes(page)).toEqual(['Your portfolio is now empty.']);
  });

  it('switches to the dark theme with the theme button and keeps it on the next page', async () => {
    const { page } = await newVisitor({ colorScheme: 'light' });
    await open(page, urlFor('about'));
    // None chosen yet: the browser's light preference shows, and only the button that changes it.
    expect(await page.locator('html').getAttribute('data-theme')).toBeNull();
    expect(await page.getByRole('button', { name: 'Switch to light theme' }).count()).toBe(0);
    await pageAfter(page, () => page.getByRole('button', { name: 'Switch to dark theme' }).click());
    expect(new URL(page.url()).pathname).toBe(urlFor('about'));
    expect(await page.locator('html').getAttribute('data-theme')).toBe('dark');
    await open(page, urlFor('list_stocks'));
    expect(await page.locator('html').getAttribute('data-theme')).toBe('dark');
    expect(await page.getByRole('button', { name: 'Switch to light theme' }).isVisible()).toBe(true);
  });

  it('logs no console error or CSP violation on any page, error pages included', async () => {
    const visitor = await newVisitor();
    const { page } = visitor;
    const statuses: Record<string, number> = {};
    for (const path of [
      urlFor('index'),
      urlFor('about'),
      urlFor('hello_message', { message: 'world' }),
      urlFor('display_blog_post', { post_id: 1 }),
      urlFor('list_stocks'),
      urlFor('clear_stocks'),
      '/no-such-page',
    ]) {
      statuses[path] = (await open(page, path)).status();
    }
    // Zero shares passes the browser's pattern and is refused by the server.
    statuses['POST /add_stock'] = (
      await addStock(page, { symbol: 'AAPL', shares: '0', price: '1' })
    ).status();
    statuses['POST /add_stock, valid'] = (await addStock(page, AAPL)).status();
    expect(statuses).toEqual({
      '/': 200,
      '/about': 200,
      '/hello/world': 200,
      '/blog_posts/1': 200,
      '/stocks': 200,
      '/stocks/clear': 200,
      '/no-such-page': 404,
      'POST /add_stock': 422,
      'POST /add_stock, valid': 200,
    });
    expect(visitor.problems).toEqual([]);
  });
});

describe('the session cookie and real Flask', () => {
  it('holds a portfolio that Flask verifies with the same secret key', async () => {
    const { context, page } = await newVisitor();
    await addStock(page, AAPL);
    const cookie = await sessionCookie(context);
    const result = await h.oracle.loads({
      secret: h.app.secretKey,
      now: nowSeconds(),
      maxAge: SESSION_MAX_AGE_SECONDS,
      cookie: cookie.value,
    });
    expect(result.ok).toBe(true);
    expect(result.ok && result.value['portfolio']).toContainEqual([
      'AAPL',
      '15',
      '302.17',
      expect.any(String),
      1,
    ]);
  });

  it('shows the portfolio from a cookie that Flask signed', async () => {
    const { context, page } = await newVisitor();
    const value = await h.oracle.dumps({
      secret: h.app.secretKey,
      now: nowSeconds(),
      value: { portfolio: [['AAPL', '15', '302.17']], _permanent: true },
    });
    await context.addCookies([{ name: 'session', value, url: h.app.url, httpOnly: true, sameSite: 'Lax' }]);
    await open(page, urlFor('list_stocks'));
    expect(await holdingRows(page)).toEqual([AAPL_ROW]);
  });
  it("shows the holding of a session the seed's Flask app wrote (top-level keys)", async () => {
    const { context, page } = await newVisitor();
    // What the seed's add_stock view leaves in the session, signed by real Flask.
    const value = await h.oracle.dumps({
      secret: h.app.secretKey,
      now: nowSeconds(),
      value: { stock_symbol: 'AAPL', number_of_shares: '15', purchase_price: '302.17' },
    });
    await context.addCookies([{ name: 'session', value, url: h.app.url, httpOnly: true, sameSite: 'Lax' }]);
    await open(page, urlFor('list_stocks'));
    expect(await holdingRows(page)).toEqual([AAPL_ROW]);
  });
});

describe('text that looks like markup', () => {
  // Without the CSP an escaping bug would run the payload and open a dialog; with it, the page
  // would only log a violation. Bypassing it tests the escaping on its own.
  const xssVisitor = () => newVisitor({ bypassCSP: true });

  it('shows a hello message with markup as text', async () => {
    const visitor = await xssVisitor();
    const { page } = visitor;
    await open(page, urlFor('hello_message', { message: PAYLOAD }));
    expect(await page.locator('h1').innerText()).toBe(`Welcome ${PAYLOAD}!`);
    expect(await page.locator('main img').count()).toBe(0);
    expect(visitor.dialogs).toEqual([]);
  });

  it('refuses a symbol with markup with 422 and shows it, escaped, in the field', async () => {
    const visitor = await xssVisitor();
    const { page } = visitor;
    await open(page, urlFor('add_stock'));
    // An attacker skips the browser's checks (pattern, maxlength): the server must stand alone.
    await page
      .locator('form.stock-form')
      .evaluate(
        (form: {
          noValidate: boolean;
          querySelectorAll(selector: string): Iterable<{ removeAttribute(name: string): void }>;
        }) => {
          form.noValidate = true;
          for (const input of form.querySelectorAll('input')) input.removeAttribute('maxlength');
        },
      );
    await page.getByLabel('Stock Symbol').fill(SCRIPT_PAYLOAD);
    await page.getByLabel('Number of Shares').fill('15');
    await page.getByLabel('Purchase Price ($)').fill('302.17');
    const response = await pageAfter(page, () => page.getByRole('button', { name: 'Add stock' }).click());
    expect(response.status()).toBe(422);
    expect(await page.getByLabel('Stock Symbol').inputValue()).toBe(SCRIPT_PAYLOAD);
    expect(await page.locator('.field.invalid').count()).toBe(1);
    expect(await page.locator('main script').count()).toBe(0);
    expect(visitor.dialogs).toEqual([]);
  });

  it('shows flash messages with markup as text, even from a cookie that Flask signed', async () => {
    const visitor = await xssVisitor();
    const { context, page } = visitor;
    // Flashes the app makes carry only validated symbols; one written by a Flask app sharing the
    // cookie can say anything, in any category.
    const value = await h.oracle.dumps({
      secret: h.app.secretKey,
      now: nowSeconds(),
      value: {
        _flashes: [
          ['error', PAYLOAD],
          [`"><script>alert(2)</script>`, SCRIPT_PAYLOAD],
        ],
      },
    });
    await context.addCookies([{ name: 'session', value, url: h.app.url, httpOnly: true, sameSite: 'Lax' }]);
    await open(page, urlFor('index'));
    expect(await flashes(page)).toEqual([PAYLOAD, SCRIPT_PAYLOAD]);
    expect(await page.locator('.flash-error').count()).toBe(1);
    expect(await page.locator('.flash-info').count()).toBe(1);
    expect(await page.locator('main img, main script').count()).toBe(0);
    expect(visitor.dialogs).toEqual([]);
  });

  it('answers a theme with markup with its fixed error flash and comes back to the page', async () => {
    const visitor = await xssVisitor();
    const { page } = visitor;
    const helloPath = urlFor('hello_message', { message: PAYLOAD });
    await open(page, helloPath);
    await page
      .locator('form.theme-switch button.theme-to-dark')
      .evaluate((button: { value: string }, payload) => {
        button.value = payload;
      }, PAYLOAD);
    await pageAfter(page, () => page.getByRole('button', { name: 'Switch to dark theme' }).click());
    expect(new URL(page.url()).pathname).toBe(helloPath);
    expect(await flashes(page)).toEqual(['Unknown theme. Choose light or dark.']);
    expect(await page.locator('h1').innerText()).toBe(`Welcome ${PAYLOAD}!`);
    const next = await page.locator('form.theme-switch input[name="next"]').inputValue();
    expect(decodeURIComponent(next)).toBe(decodeURIComponent(helloPath));
    expect(await page.locator('html').getAttribute('data-theme')).toBeNull();
    expect(await page.locator('main img').count()).toBe(0);
    expect(visitor.dialogs).toEqual([]);
  });
});

describe('forms from another site', () => {
  let attacker: Server;
  let attackerUrl: string;

  /** The attacker's page: a form that posts to the app as soon as the page loads. */
  function attackPage(action: string, fields: Readonly<Record<string, string>>): string {
    const inputs = Object.entries(fields)
      .map(([name, value]) => `<input type="hidden" name="${name}" value="${value}">`)
      .join('');
    return (
      `<!DOCTYPE html><title>You won!</title>` +
      `<form method="post" action="${h.app.url}${action}">${inputs}</form>` +
      `<script>document.forms[0].submit()</script>`
    );
  }

  beforeAll(async () => {
    const pages: Readonly<Record<string, string>> = {
      '/add': attackPage(urlFor('add_stock'), {
        stock_symbol: 'EVIL',
        number_of_shares: '1',
        purchase_price: '1',
      }),
      '/clear': attackPage(urlFor('clear_stocks'), { confirm: 'yes' }),
    };
    attacker = createServer((req, res) => {
      const body = pages[req.url ?? ''];
      res.writeHead(body === undefined ? 404 : 200, { 'Content-Type': 'text/html; charset=utf-8' });
      res.end(body ?? 'Not found');
    });
    // Another loopback address is another site: SameSite=Lax keeps the cookie off its POSTs.
    await new Promise<void>((resolve) => attacker.listen(0, '127.0.0.2', resolve));
    attackerUrl = `http://127.0.0.2:${(attacker.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    attacker.closeAllConnections();
    await new Promise<void>((resolve) => attacker.close(() => resolve()));
  });

  /** Opens the attacker's page and waits for the app's answer to the form it posts. */
  async function visitAttack(page: Page, attackPath: string, target: string): Promise<Response> {
    const [response] = await Promise.all([
      page.waitForResponse((r) => r.url() === `${h.app.url}${target}` && r.request().method() === 'POST'),
      // Only until the attacker's page commits: its form navigates away before it would finish loading.
      page.goto(`${attackerUrl}${attackPath}`, { waitUntil: 'commit' }),
    ]);
    await page.waitForURL(`${h.app.url}${target}`);
    return response;
  }

  it('refuses a cross-site post to add_stock with the 403 page and adds nothing', async () => {
    const { page } = await newVisitor();
    await addStock(page, AAPL);
    const response = await visitAttack(page, '/add', urlFor('add_stock'));
    // SameSite=Lax: the browser did not even send the cookie, and said where the form came from.
    const sent = await response.request().allHeaders();
    expect(sent['cookie']).toBeUndefined();
    expect(sent['sec-fetch-site']).toBe('cross-site');
    expect(response.status()).toBe(403);
    expect(await page.locator('main').innerText()).toContain(CSRF_MESSAGE);
    await open(page, urlFor('list_stocks'));
    expect(await holdingRows(page)).toEqual([AAPL_ROW]);
  });

  it('refuses a cross-site post to stocks/clear with the 403 page and clears nothing', async () => {
    const { page } = await newVisitor();
    await addStock(page, AAPL);
    const response = await visitAttack(page, '/clear', urlFor('clear_stocks'));
    expect(response.status()).toBe(403);
    expect(await page.locator('main').innerText()).toContain(CSRF_MESSAGE);
    await open(page, urlFor('list_stocks'));
    expect(await holdingRows(page)).toEqual([AAPL_ROW]);
  });
});

describe('the tracker in a browser', () => {
  const MSFT: HoldingInput = { symbol: 'MSFT', shares: '2', price: '400' };

  /** The position rows' cells as text. */
  async function positionRows(page: Page): Promise<string[][]> {
    const rows = await page.locator('#positions-table tr.position-row').all();
    return Promise.all(rows.map(async (row) => (await row.locator('th, td').allInnerTexts()).map(collapse)));
  }

  /** Sets a position's current price through the one "update prices" form, reached by its link. */
  async function setPrice(page: Page, symbol: string, price: string): Promise<Response> {
    await pageAfter(page, () => page.getByRole('link', { name: 'Update prices' }).click());
    await page.getByLabel(`Current price of ${symbol} ($)`).fill(price);
    return pageAfter(page, () => page.getByRole('button', { name: 'Save prices' }).click());
  }

  /** Presses Tab until the element matching `selector` has the focus (at most 40 times). */
  async function tabTo(page: Page, selector: string): Promise<void> {
    for (let i = 0; i < 40; i++) {
      await page.keyboard.press('Tab');
      if (
        await page
          .locator(selector)
          .evaluate(
            (el: { ownerDocument: { activeElement: unknown } }) => el === el.ownerDocument.activeElement,
          )
      )
        return;
    }
    throw new Error(`Tab never reached ${selector}`);
  }

  it('edits a holding through its prefilled form', async () => {
    const { page } = await newVisitor();
    await addStock(page, AAPL);
    await openLots(page, 'AAPL');
    await pageAfter(page, () => page.getByRole('link', { name: /^Edit AAPL/ }).click());
    expect(await page.getByLabel('Number of Shares').inputValue()).toBe('15');
    await page.getByLabel('Number of Shares').fill('20');
    await page.getByLabel('Purchase Date (optional)').fill('2025-06-15');
    const response = await pageAfter(page, () => page.getByRole('button', { name: 'Save changes' }).click());
    expect(response.status()).toBe(200);
    expect(await flashes(page)).toEqual(['Saved your changes to AAPL.']);
    expect((await lotRows(page))[0]?.slice(0, 5)).toEqual([
      'AAPL',
      '2025-06-15',
      '20',
      '$302.17',
      '$6,043.40',
    ]);
  });

  it('records a purchase date, shows it, and refuses one in the future', async () => {
    const { page } = await newVisitor();
    await open(page, urlFor('add_stock'));
    const date = page.getByLabel('Purchase Date (optional)');
    expect(await date.getAttribute('type')).toBe('date');
    // The picker offers no later day than its max; the server refuses one typed past it anyway.
    await date.fill('2999-01-01');
    expect(
      await date.evaluate((input: { validity: { rangeOverflow: boolean } }) => input.validity.rangeOverflow),
    ).toBe(true);
    await page.locator('form.stock-form').evaluate((form: { noValidate: boolean }) => {
      form.noValidate = true;
    });
    await page.getByLabel('Stock Symbol').fill('AAPL');
    await page.getByLabel('Number of Shares').fill('15');
    await page.getByLabel('Purchase Price ($)').fill('302.17');
    const refused = await pageAfter(page, () => page.getByRole('button', { name: 'Add Stock' }).click());
    expect(refused.status()).toBe(422);
    expect(await page.locator('#purchase_date-error').innerText()).toBe(
      'Enter a purchase date that is not in the future.',
    );
    await page.getByLabel('Purchase Date (optional)').fill('2024-02-29');
    await pageAfter(page, () => page.getByRole('button', { name: 'Add Stock' }).click());
    expect((await lotRows(page))[0]?.[1]).toBe('2024-02-29');
  });

  it('groups lots into positions, values them at the prices the visitor sets, and sorts by gain', async () => {
    const { page } = await newVisitor();
    await addStock(page, AAPL);
    await addStock(page, MSFT);
    await addStock(page, { symbol: 'AAPL', shares: '5', price: '290' });
    expect(await positionRows(page)).toEqual([
      ['AAPL', '20', '$299.1275', '$5,982.55', '— not set', '— not set', '— not set', '— not set'],
      ['MSFT', '2', '$400.00', '$800.00', '— not set', '— not set', '— not set', '— not set'],
    ]);
    expect(await page.locator('main').innerText()).toContain('There is no quote service here');
    await setPrice(page, 'AAPL', '250');
    await setPrice(page, 'MSFT', '500');
    expect(await flashes(page)).toEqual(['Saved the current price of MSFT: $500.00.']);
    // Each price with its source and the day it is of.
    expect((await positionRows(page)).map((row) => row.slice(4))).toEqual([
      [
        expect.stringMatching(/^\$250\.00\s+entered by you, as of \d{4}-\d{2}-\d{2}$/),
        '$5,000.00',
        '-$982.55',
        '-16.42%',
      ],
      [
        expect.stringMatching(/^\$500\.00\s+entered by you, as of \d{4}-\d{2}-\d{2}$/),
        '$1,000.00',
        '+$200.00',
        '+25.00%',
      ],
    ]);
    await pageAfter(page, () => page.getByRole('link', { name: /^Gain\/Loss/ }).click());
    expect(new URL(page.url()).search).toBe('?sort=gain');
    expect((await positionRows(page)).map((row) => row[0])).toEqual(['MSFT', 'AAPL']);
    await openLots(page, 'AAPL');
    expect((await lotRows(page)).map((row) => row.slice(0, 3))).toEqual([
      ['MSFT', expect.stringMatching(/^\d{4}-\d{2}-\d{2}$/), '2'],
      ['AAPL', expect.stringMatching(/^\d{4}-\d{2}-\d{2}$/), '15'],
      ['AAPL', expect.stringMatching(/^\d{4}-\d{2}-\d{2}$/), '5'],
    ]);
    expect(await page.locator('tr.lot').filter({ hasText: '15' }).isVisible()).toBe(true);
    // The README's screenshot: positions with prices and gains, one position's lots open, the chart.
    await page.screenshot({ path: SCREENSHOT_PATH, fullPage: true });
  });

  it('shows the allocation chart in both themes and on a phone, within the screen', async () => {
    const { page } = await newVisitor({ viewport: { width: 375, height: 800 } });
    await addStock(page, AAPL);
    await addStock(page, SBUX);
    const chart = page.locator('ol.chart-bars');
    expect(await chart.isVisible()).toBe(true);
    // Labelled in text: symbol, share and amount, readable at the page's own font size.
    expect(await chart.locator('li').allInnerTexts()).toEqual([
      expect.stringMatching(/^AAPL\s+\d+\.\d{2}% · \$[\d,]+\.\d{2}$/),
      expect.stringMatching(/^SBUX\s+\d+\.\d{2}% · \$[\d,]+\.\d{2}$/),
    ]);
    const fontPx = await page
      .locator('.chart-label')
      .first()
      .evaluate(
        (el: { ownerDocument: { defaultView: { getComputedStyle(e: unknown): { fontSize: string } } } }) =>
          el.ownerDocument.defaultView.getComputedStyle(el).fontSize,
      );
    expect(Number.parseFloat(fontPx)).toBeGreaterThanOrEqual(14);
    const box = await page.locator('svg.chart-bar').first().boundingBox();
    expect(box?.width).toBeGreaterThan(150);
    expect((box?.x ?? 0) + (box?.width ?? 0)).toBeLessThanOrEqual(375);
    // The chart widens nothing (the positions table stacks into cards).
    const right = (selector: string) =>
      page
        .locator(selector)
        .evaluate((el: { getBoundingClientRect(): { right: number } }) => el.getBoundingClientRect().right);
    expect(await right('section.chart')).toBeLessThanOrEqual(375);
    const pageWidth = await page.locator('html').evaluate((el: { scrollWidth: number }) => el.scrollWidth);
    expect(pageWidth).toBeLessThanOrEqual(375);
    type Styled = {
      ownerDocument: { defaultView: { getComputedStyle(el: unknown): { fill: string; color: string } } };
    };
    const style = (selector: string) =>
      page
        .locator(selector)
        .first()
        .evaluate((el: Styled) => {
          const computed = el.ownerDocument.defaultView.getComputedStyle(el);
          return { fill: computed.fill, color: computed.color };
        });
    const colours = async () => ({
      bar: (await style('svg.chart-bar rect')).fill,
      text: (await style('.chart-label')).color,
      body: (await style('body')).color,
    });
    const light = await colours();
    await pageAfter(page, () => page.getByRole('button', { name: 'Switch to dark theme' }).click());
    const dark = await colours();
    for (const theme of [light, dark]) {
      expect(theme.text).toBe(theme.body);
      expect(theme.bar).not.toBe('rgb(0, 0, 0)');
    }
    expect(dark.bar).not.toBe(light.bar);
    expect(dark.text).not.toBe(light.text);
  });

  it('exports the portfolio as CSV and imports it back after a clear: the same holdings', async () => {
    const { page } = await newVisitor();
    await addStock(page, AAPL);
    await addStock(page, { symbol: 'BRK.B', shares: '1000.5', price: '0.1234' });
    const before = await lotRows(page);
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('link', { name: 'Export CSV' }).click(),
    ]);
    expect(download.suggestedFilename()).toMatch(/^portfolio-\d{4}-\d{2}-\d{2}\.csv$/);
    const csv = await readFile(await download.path(), 'utf8');
    expect(csv.split('\r\n')[0]).toBe('type,symbol,shares,price,date,fee,source,lot,sold_from');
    await pageAfter(page, () => page.getByRole('link', { name: 'Clear portfolio…' }).click());
    await pageAfter(page, () => page.getByRole('button', { name: 'Yes, clear my portfolio' }).click());
    expect(await page.locator('tr.lot').count()).toBe(0);

    await open(page, urlFor('import_stocks'));
    await page.getByLabel('CSV file').setInputFiles(await download.path());
    await page.getByLabel('Replace them with the file’s holdings').check();
    await page.getByLabel(/To replace: yes, delete the holdings I have now/).check();
    await pageAfter(page, () => page.getByRole('button', { name: 'Import' }).click());
    expect(await flashes(page)).toEqual(['Imported 2 holdings, replacing the ones you had.']);
    expect(await lotRows(page)).toEqual(before);
  });

  it('refuses a bad CSV with the rows at fault and changes nothing', async () => {
    const { page } = await newVisitor();
    await addStock(page, AAPL);
    const before = await lotRows(page);
    await open(page, urlFor('import_stocks'));
    await page.getByLabel('CSV file').setInputFiles({
      name: 'bad.csv',
      mimeType: 'text/csv',
      buffer: Buffer.from('symbol,shares,purchase_price,purchase_date\nMSFT,1,1,\n123,0,1,\n'),
    });
    await page.getByLabel('Replace them with the file’s holdings').check();
    await page.getByLabel(/To replace: yes, delete the holdings I have now/).check();
    const response = await pageAfter(page, () => page.getByRole('button', { name: 'Import' }).click());
    expect(response.status()).toBe(422);
    const problems = await page.locator('#import-problems li').allInnerTexts();
    expect(problems).toEqual([`Row 3: ${symbolMessages['no-letter']} ${sharesMessages['not-positive']}`]);
    await open(page, urlFor('list_stocks'));
    expect(await lotRows(page)).toEqual(before);
  });

  it('adds and edits a holding with the keyboard alone', async () => {
    const { page } = await newVisitor();
    await open(page, urlFor('add_stock'));
    await tabTo(page, '#stock_symbol');
    await page.keyboard.type('AAPL');
    await page.keyboard.press('Tab');
    await page.keyboard.type('15');
    await page.keyboard.press('Tab');
    await page.keyboard.type('302.17');
    await pageAfter(page, () => page.keyboard.press('Enter'));
    expect(await holdingRows(page)).toEqual([AAPL_ROW]);

    await tabTo(page, 'details summary');
    await page.keyboard.press('Enter');
    await tabTo(page, 'tr.lot a');
    await pageAfter(page, () => page.keyboard.press('Enter'));
    await tabTo(page, '#number_of_shares');
    await page.keyboard.press('ControlOrMeta+A');
    await page.keyboard.type('16');
    await pageAfter(page, () => page.keyboard.press('Enter'));
    expect(await flashes(page)).toEqual(['Saved your changes to AAPL.']);
    expect(await holdingRows(page)).toEqual([['AAPL', '16', '$302.17', '$4,834.72']]);
  });

  it('sells part of a holding and undoes the sale with the keyboard alone', async () => {
    const { page } = await newVisitor();
    await addStock(page, AAPL);
    await tabTo(page, 'p.position-sales a');
    await pageAfter(page, () => page.keyboard.press('Enter'));
    expect(await page.locator('#stock_symbol').inputValue()).toBe('AAPL');
    await tabTo(page, '#number_of_shares');
    await page.keyboard.type('5');
    await page.keyboard.press('Tab');
    await page.keyboard.type('310');
    await pageAfter(page, () => page.keyboard.press('Enter'));
    // 5 × ($310 − $302.17), the oldest shares first; today's sale of today's lot.
    expect(await flashes(page)).toEqual(['Recorded the sale of 5 AAPL shares: realized gain +$39.15.']);
    expect(await holdingRows(page)).toEqual([['AAPL', '10', '$302.17', '$3,021.70']]);
    expect(await page.locator('main').innerText()).toContain('Realized gain on sales of AAPL: +$39.15');

    await tabTo(page, '.notice button');
    await pageAfter(page, () => page.keyboard.press('Enter'));
    expect(await flashes(page)).toEqual(['Undid the sale of AAPL.']);
    expect(await holdingRows(page)).toEqual([AAPL_ROW]);
  });
});
