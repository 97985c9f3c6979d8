/**
 * Accessibility and the phone layout in Chromium: axe-core on every page state, in light and dark,
 * on a desktop and a phone viewport; no horizontal overflow at 375 px with every action on screen;
 * keyboard-only use; focus after a refused form. Also takes the README's screenshots (into
 * test-results/; `docs/` holds copies of them).
 */
import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { AxeBuilder } from '@axe-core/playwright';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { urlFor } from '../../src/web/urls.js';
import {
  AAPL,
  addStock,
  holdingRows,
  open,
  openLots,
  pageAfter,
  SBUX,
  useBrowser,
  VIEWPORTS,
  type Visitor,
} from './browser-support.js';

const h = useBrowser();

/**
 * The walks through every page state take 15–30 s on a quiet machine (axe runs dozens of rules per
 * page); a full `npm test` on shared cores can double that. Generous, so load cannot fail them.
 */
const WALK_TIMEOUT_MS = 180_000;

/** Long values, so the phone layout is tested with the widest row the form allows. */
const LONG = { symbol: 'BRK.B-LONG', shares: '999,999,999.9999', price: '999,999.9999' };

const RESULTS = fileURLToPath(new URL('../../test-results/', import.meta.url));

/** A page state to check, reached by `reach` from wherever the visitor is. */
interface PageState {
  readonly name: string;
  readonly status: number;
  reach(visitor: Visitor): Promise<number>;
}

/** Opens every position's lots, as a visitor clicks each summary: the Remove buttons are inside. */
async function openAllLots(page: Page): Promise<void> {
  for (const summary of await page.locator('#positions-table summary').all()) {
    if ((await summary.locator('xpath=..').getAttribute('open')) === null) await summary.click();
  }
}

/** Submits the form around `field` with the browser's own checks off, as an old browser would. */
async function submitUnchecked(page: Page, form: string, button: string): Promise<number> {
  await page.locator(form).evaluate((element: { noValidate: boolean }) => {
    element.noValidate = true;
  });
  return (
    await pageAfter(page, () => page.locator(form).getByRole('button', { name: button }).click())
  ).status();
}

/** Sets `symbol`'s price through the one "update prices" form, reached by the page's link. */
async function setPrice(page: Page, symbol: string, price: string): Promise<number> {
  await pageAfter(page, () => page.getByRole('link', { name: 'Update prices' }).click());
  await page.getByLabel(`Current price of ${symbol} ($)`).fill(price);
  return (await pageAfter(page, () => page.getByRole('button', { name: 'Save prices' }).click())).status();
}

const openState = (name: string, path: string, status = 200): PageState => ({
  name,
  status,
  reach: async ({ page }) => (await open(page, path)).status(),
});

/** Every page state, in an order that builds on the one before. */
const STATES: readonly PageState[] = [
  openState('home', urlFor('index')),
  openState('about', urlFor('about')),
  openState('empty portfolio', urlFor('list_stocks')),
  openState('add form', urlFor('add_stock')),
  {
    name: 'add form with errors',
    status: 422,
    reach: async ({ page }) => {
      await open(page, urlFor('add_stock'));
      // Zero shares passes the browser's pattern and is refused by the server; the symbol is left empty
      // by turning the browser's own checks off, as an old browser would.
      await page.locator('form.stock-form').evaluate((form: { noValidate: boolean }) => {
        form.noValidate = true;
      });
      await page.getByLabel('Number of Shares').fill('0');
      return (await pageAfter(page, () => page.getByRole('button', { name: 'Add stock' }).click())).status();
    },
  },
  {
    name: 'portfolio with holdings',
    status: 200,
    reach: async ({ page }) => {
      for (const holding of [AAPL, SBUX, LONG]) expect((await addStock(page, holding)).status()).toBe(200);
      const status = (await open(page, urlFor('list_stocks'))).status();
      await openAllLots(page);
      return status;
    },
  },
  {
    name: 'portfolio with an undo notice',
    status: 200,
    reach: async ({ page }) => {
      await openLots(page, 'SBUX');
      const response = await pageAfter(page, () => page.getByRole('button', { name: 'Remove SBUX' }).click());
      await openAllLots(page);
      return response.status();
    },
  },
  {
    name: 'positions with prices set, and the chart by market value',
    status: 200,
    reach: async ({ page }) => {
      expect(await setPrice(page, 'AAPL', '310.5')).toBe(200);
      return setPrice(page, LONG.symbol, '1.25');
    },
  },
  openState('positions sorted by gain', `${urlFor('list_stocks')}?sort=gain`),
  openState('update prices form', urlFor('update_prices')),
  {
    name: 'update prices form with errors',
    status: 422,
    reach: async ({ page }) => {
      await page.getByLabel('Current price of AAPL ($)').fill('abc');
      await page.getByLabel(`Current price of ${LONG.symbol} ($)`).fill('');
      return submitUnchecked(page, 'form.prices-form', 'Save prices');
    },
  },
  openState('edit form', urlFor('edit_lot', { lot_id: 1 })),
  {
    name: 'edit form with errors',
    status: 422,
    reach: async ({ page }) => {
      await page.getByLabel('Number of Shares').fill('0');
      return submitUnchecked(page, 'form.stock-form', 'Save changes');
    },
  },
  openState('sell form, AAPL lots to pick', `${urlFor('sell_stock')}?symbol=AAPL`),
  {
    name: 'sell form refused: more than is held',
    status: 422,
    reach: async ({ page }) => {
      await page.getByLabel('Number of Shares').fill('999999');
      await page.getByLabel('Sale Price ($)').fill('310');
      return submitUnchecked(page, 'form.stock-form', 'Record sale');
    },
  },
  {
    name: 'sell form with field errors',
    status: 422,
    reach: async ({ page }) => {
      await page.getByLabel('Number of Shares').fill('0');
      await page.getByLabel('Fee ($, optional)').fill('-1');
      return submitUnchecked(page, 'form.stock-form', 'Record sale');
    },
  },
  {
    name: 'sales list after a sale',
    status: 200,
    reach: async ({ page }) => {
      await open(page, `${urlFor('sell_stock')}?symbol=AAPL`);
      await page.getByLabel('Number of Shares').fill('1');
      await page.getByLabel('Sale Price ($)').fill('310');
      await pageAfter(page, () =>
        page.locator('form.stock-form').getByRole('button', { name: 'Record sale' }).click(),
      );
      return (await open(page, urlFor('list_sales'))).status();
    },
  },
  openState('import form', urlFor('import_stocks')),
  {
    name: 'import with errors',
    status: 422,
    reach: async ({ page }) => {
      await page.getByLabel('CSV file').setInputFiles({
        name: 'bad.csv',
        mimeType: 'text/csv',
        buffer: Buffer.from('symbol,shares,purchase_price,purchase_date\nMSFT,1,1,\n123,0,1,\n'),
      });
      return (await pageAfter(page, () => page.getByRole('button', { name: 'Import' }).click())).status();
    },
  },
  {
    name: 'import, replace not confirmed',
    status: 422,
    reach: async ({ page }) => {
      await page.getByLabel('CSV file').setInputFiles({
        name: 'good.csv',
        mimeType: 'text/csv',
        buffer: Buffer.from('symbol,shares,purchase_price,purchase_date\nMSFT,1,1,\n'),
      });
      await page.getByLabel('Replace them with the file’s holdings').check();
      return (await pageAfter(page, () => page.getByRole('button', { name: 'Import' }).click())).status();
    },
  },
  {
    name: 'portfolio in pages (page 2), a position with more lots than it lists',
    status: 200,
    reach: async ({ page }) => {
      // 101 more positions (two pages of 100) and 6 more AAPL lots (more than the 5 listed inline).
      const rows = [
        ...Array.from({ length: 101 }, (_, i) => `P${i},1,1,2025-01-02`),
        ...Array.from({ length: 6 }, () => 'AAPL,1,2,2025-01-03'),
      ];
      await open(page, urlFor('import_stocks'));
      await page.getByLabel('CSV file').setInputFiles({
        name: 'many.csv',
        mimeType: 'text/csv',
        buffer: Buffer.from(`symbol,shares,purchase_price,purchase_date\n${rows.join('\n')}\n`),
      });
      expect(
        (await pageAfter(page, () => page.getByRole('button', { name: 'Import' }).click())).status(),
      ).toBe(200);
      const status = (await open(page, `${urlFor('list_stocks')}?page=2`)).status();
      await openAllLots(page);
      return status;
    },
  },
  {
    name: 'portfolio page 1 with page links and the lots link',
    status: 200,
    reach: async ({ page }) => {
      const response = await pageAfter(page, () => page.getByRole('link', { name: 'First page' }).click());
      await openLots(page, 'AAPL');
      return response.status();
    },
  },
  {
    name: 'lots page of a symbol',
    status: 200,
    reach: async ({ page }) =>
      (
        await pageAfter(page, () => page.getByRole('link', { name: /^All \d+ lots of AAPL$/ }).click())
      ).status(),
  },
  {
    name: 'sell form, open lots in pages (page 2)',
    status: 200,
    reach: async ({ page }) => {
      // 100 more AAPL lots: more than one page of lots to pick from.
      const rows = Array.from({ length: 100 }, () => 'AAPL,1,2,2025-01-04');
      await open(page, urlFor('import_stocks'));
      await page.getByLabel('CSV file').setInputFiles({
        name: 'lots.csv',
        mimeType: 'text/csv',
        buffer: Buffer.from(`symbol,shares,purchase_price,purchase_date\n${rows.join('\n')}\n`),
      });
      expect(
        (await pageAfter(page, () => page.getByRole('button', { name: 'Import' }).click())).status(),
      ).toBe(200);
      await open(page, `${urlFor('sell_stock')}?symbol=AAPL`);
      const response = await pageAfter(page, () => page.getByRole('link', { name: 'Next page' }).click());
      expect(page.url()).toContain('page=2');
      return response.status();
    },
  },
  openState('page number past the last', `${urlFor('list_stocks')}?page=99`, 404),
  openState('clear confirmation', urlFor('clear_stocks')),
  openState('404 page', '/no-such-page', 404),
  {
    name: '403 page',
    status: 403,
    reach: async ({ page }) => {
      await open(page, urlFor('add_stock'));
      await page.locator('form.stock-form input[name="csrf_token"]').evaluate((input: { value: string }) => {
        input.value = 'forged';
      });
      await page.getByLabel('Stock Symbol').fill('MSFT');
      await page.getByLabel('Number of Shares').fill('1');
      await page.getByLabel('Purchase Price ($)').fill('1');
      return (await pageAfter(page, () => page.getByRole('button', { name: 'Add stock' }).click())).status();
    },
  },
  {
    name: 'unreadable-cookie notice',
    status: 200,
    reach: async ({ context, page }) => {
      const cookie = await h.sessionCookie(context);
      await context.addCookies([{ ...cookie, value: `${cookie.value.slice(0, -2)}xx` }]);
      return (await open(page, urlFor('list_stocks'))).status();
    },
  },
];

/** The axe violations of the page, as `rule: target, …` lines (empty when there are none). */
async function axeViolations(page: Page): Promise<string[]> {
  const results = await new AxeBuilder({ page }).analyze();
  // It really ran: a page passes dozens of rules.
  expect(results.passes.length).toBeGreaterThan(10);
  return results.violations.map(
    (v) => `${v.id} (${v.impact ?? 'n/a'}): ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`,
  );
}

const COMBINATIONS = (['light', 'dark'] as const).flatMap((colorScheme) =>
  (['desktop', 'phone'] as const).map((viewport) => ({ colorScheme, viewport })),
);

describe.each(COMBINATIONS)('every page state, $colorScheme, $viewport', ({ colorScheme, viewport }) => {
  it(
    'has no axe violations',
    async () => {
      const visitor = await h.newVisitor({ colorScheme, viewport: VIEWPORTS[viewport] });
      const found: Record<string, string[]> = {};
      for (const state of STATES) {
        expect(await state.reach(visitor), state.name).toBe(state.status);
        found[state.name] = await axeViolations(visitor.page);
      }
      expect(Object.keys(found)).toHaveLength(STATES.length);
      expect(found).toEqual(Object.fromEntries(STATES.map((state) => [state.name, []])));
    },
    WALK_TIMEOUT_MS,
  );
});

/** Whether the page scrolls sideways. */
async function overflows(page: Page): Promise<{ scrollWidth: number; innerWidth: number }> {
  return page.evaluate(
    '({ scrollWidth: document.documentElement.scrollWidth, innerWidth: window.innerWidth })',
  );
}

describe('on a phone (375 × 667)', () => {
  it(
    'never scrolls sideways, and every button and link in main is on screen and clickable',
    async () => {
      const visitor = await h.newVisitor({ viewport: VIEWPORTS.phone });
      const { page } = visitor;
      const checked: string[] = [];
      for (const state of STATES) {
        await state.reach(visitor);
        const { scrollWidth, innerWidth } = await overflows(page);
        expect(scrollWidth, `${state.name}: scrollWidth`).toBeLessThanOrEqual(innerWidth);
        for (const control of await page.locator('main button, main a, header button, header a').all()) {
          if (!(await control.isVisible())) continue;
          // A table's header row is hidden on a phone, kept for screen readers (and shown while one
          // of its sorting links has the focus); the page has visible sorting links of its own.
          if (
            await control.evaluate(
              (el: { closest(selector: string): unknown }) => el.closest('thead') !== null,
            )
          )
            continue;
          const box = await control.boundingBox();
          const name = `${state.name}: ${await control.innerText()}`;
          expect(box, name).not.toBeNull();
          expect(box?.x ?? -1, name).toBeGreaterThanOrEqual(0);
          expect((box?.x ?? 0) + (box?.width ?? 0), name).toBeLessThanOrEqual(VIEWPORTS.phone.width);
          // Actionable: visible, stable, enabled, and not covered by anything else.
          await control.click({ trial: true });
          checked.push(name);
        }
      }
      // Three holdings' Remove buttons (their lots opened), then the two left after one was removed.
      const removes = (state: string) =>
        checked.filter((name) => name.startsWith(`${state}:`) && name.includes('Remove'));
      expect(removes('portfolio with holdings')).toHaveLength(3);
      expect(removes('portfolio with an undo notice')).toHaveLength(2);
      // Every tracker page was walked, its controls on screen too.
      expect(checked.some((name) => name.startsWith('positions sorted by gain: '))).toBe(true);
      expect(checked.some((name) => name.startsWith('import with errors: '))).toBe(true);
    },
    WALK_TIMEOUT_MS,
  );

  it('shows each holding as a labelled card with its Remove button', async () => {
    const { page } = await h.newVisitor({ viewport: VIEWPORTS.phone });
    await addStock(page, LONG);
    await openLots(page, LONG.symbol);
    // Each cell is a line of the card, its column's name drawn before it from data-label.
    const positionCell = "document.querySelector('#positions-table tr.position-row td')";
    expect(await page.evaluate(`getComputedStyle(${positionCell}, '::before').content`)).toBe('"Shares"');
    expect(await page.evaluate(`getComputedStyle(${positionCell}).display`)).toBe('flex');
    const lotCell = "document.querySelector('table.lots tr.lot td')";
    expect(await page.evaluate(`getComputedStyle(${lotCell}, '::before').content`)).toBe('"Purchase Date"');
    // The header rows are kept for screen readers but take no room; sorting has its own links.
    for (const head of ['#positions-table > thead', 'table.lots > thead']) {
      expect((await page.locator(head).boundingBox())?.height ?? 0, head).toBeLessThanOrEqual(1);
    }
    expect(await page.locator('.sort-links').isVisible()).toBe(true);
    expect(await page.getByRole('button', { name: 'Remove BRK.B-LONG' }).isVisible()).toBe(true);
    mkdirSync(RESULTS, { recursive: true });
    await page.screenshot({ path: `${RESULTS}stocks-phone.png`, fullPage: true });
  });
});

/** The focused element's accessible label, or its text. */
async function focused(page: Page): Promise<string> {
  const element = page.locator(':focus');
  return (await element.getAttribute('aria-label')) ?? (await element.innerText());
}

/** Presses Tab until `label` is focused; fails after `limit` presses. */
async function tabTo(page: Page, label: string | RegExp, limit = 30): Promise<void> {
  for (let i = 0; i < limit; i++) {
    await page.keyboard.press('Tab');
    const name = await focused(page);
    if (typeof label === 'string' ? name === label : label.test(name)) return;
  }
  throw new Error(`${String(label)} was not reached in ${limit} presses of Tab`);
}

describe('with the keyboard only', () => {
  it('skips to the content, adds a stock, removes it and undoes the removal', async () => {
    const { page } = await h.newVisitor();
    await open(page, urlFor('add_stock'));
    await page.keyboard.press('Tab');
    expect(await focused(page)).toBe('Skip to content');
    expect((await page.locator('.skip-link').boundingBox())?.y ?? -1).toBeGreaterThanOrEqual(0);
    // Our own focus ring, not the browser's default.
    expect(await page.evaluate('getComputedStyle(document.activeElement).outlineWidth')).toBe('3px');
    await page.keyboard.press('Enter');
    await page.keyboard.press('Tab');
    expect(await page.locator(':focus').getAttribute('id')).toBe('stock_symbol');
    await page.keyboard.type('AAPL');
    await page.keyboard.press('Tab');
    await page.keyboard.type('15');
    await page.keyboard.press('Tab');
    await page.keyboard.type('302.17');
    await pageAfter(page, () => page.keyboard.press('Enter'));
    expect(await holdingRows(page)).toEqual([['AAPL', '15', '$302.17', '$4,532.55']]);

    await tabTo(page, '1 lot of AAPL');
    await page.keyboard.press('Enter');
    // Each lot's button names its lot: two lots of AAPL are never both "Remove AAPL".
    await tabTo(page, /^Remove AAPL lot bought \d{4}-\d{2}-\d{2} \(15 shares\)$/);
    await pageAfter(page, () => page.keyboard.press('Enter'));
    expect(await holdingRows(page)).toEqual([]);
    await tabTo(page, 'Undo: put AAPL back');
    await pageAfter(page, () => page.keyboard.press(' '));
    expect(await holdingRows(page)).toEqual([['AAPL', '15', '$302.17', '$4,532.55']]);
  });

  it('after a refused form, focuses the error summary, titled "Error: …", whose links lead to the fields', async () => {
    const { page } = await h.newVisitor();
    await open(page, urlFor('add_stock'));
    await page.getByLabel('Stock Symbol').fill('AAPL');
    await page.getByLabel('Number of Shares').fill('0');
    await page.getByLabel('Purchase Price ($)').fill('1');
    const response = await pageAfter(page, () => page.keyboard.press('Enter'));
    expect(response.status()).toBe(422);
    expect(await page.title()).toBe('Error: Add a stock · Stock Portfolio');
    expect(await page.locator(':focus').getAttribute('class')).toBe('error-summary');
    await page.keyboard.press('Tab');
    expect(await page.locator(':focus').getAttribute('href')).toBe('#number_of_shares');
  });
});

describe('README screenshots', () => {
  it('shows the portfolio on a desktop in the light and dark themes', async () => {
    mkdirSync(RESULTS, { recursive: true });
    for (const colorScheme of ['light', 'dark'] as const) {
      const { page } = await h.newVisitor({ colorScheme, viewport: VIEWPORTS.desktop });
      await addStock(page, AAPL);
      await addStock(page, SBUX);
      expect(await holdingRows(page)).toHaveLength(2);
      await page.screenshot({ path: `${RESULTS}stocks-${colorScheme}.png`, fullPage: true });
    }
  });
});
