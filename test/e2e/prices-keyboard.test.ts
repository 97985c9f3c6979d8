/**
 * The "update prices" form with the keyboard alone, in Chromium: from the portfolio, Tab to its
 * "Update prices" link and Enter; Tab to a price field and type; Tab on to the Save button (past
 * the next symbol's field, in document order) and Enter; the portfolio shows the saved price.
 */
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { urlFor } from '../../src/web/urls.js';
import { AAPL, addStock, collapse, flashes, open, pageAfter, SBUX, useBrowser } from './browser-support.js';

const h = useBrowser();

/** Whether the element matching `selector` has the focus. */
async function focused(page: Page, selector: string): Promise<boolean> {
  return page
    .locator(selector)
    .evaluate((el: { ownerDocument: { activeElement: unknown } }) => el === el.ownerDocument.activeElement);
}

/** Presses Tab until the element matching `selector` has the focus (at most 60 times). */
async function tabTo(page: Page, selector: string): Promise<void> {
  for (let i = 0; i < 60; i++) {
    await page.keyboard.press('Tab');
    if (await focused(page, selector)) return;
  }
  throw new Error(`Tab never reached ${selector}`);
}

describe('the update prices form, with the keyboard alone', () => {
  it('sets a current price: Tab to the field, type, Tab to Save, Enter', async () => {
    const { page } = await h.newVisitor();
    for (const holding of [AAPL, SBUX]) expect((await addStock(page, holding)).status()).toBe(200);
    await open(page, urlFor('list_stocks'));

    await tabTo(page, `main a[href="${urlFor('update_prices')}"]`);
    const form = await pageAfter(page, () => page.keyboard.press('Enter'));
    expect(form.url()).toMatch(/\/prices$/);

    await tabTo(page, '#price-AAPL');
    await page.keyboard.type('310.5');
    // The next stop is the next symbol's field, then the Save button: the form's document order.
    await page.keyboard.press('Tab');
    expect(await focused(page, '#price-SBUX')).toBe(true);
    await page.keyboard.press('Tab');
    expect(await focused(page, 'form.prices-form button[type="submit"]')).toBe(true);
    const saved = await pageAfter(page, () => page.keyboard.press('Enter'));

    expect(saved.status()).toBe(200);
    expect(saved.url()).toMatch(/\/stocks$/);
    expect(await flashes(page)).toEqual(['Saved the current price of AAPL: $310.50.']);
    const price = async (symbol: string) =>
      collapse(
        await page
          .locator('tr.position-row', { has: page.locator(`th:text-is("${symbol}")`) })
          .locator('td[data-label="Current Price"]')
          .innerText(),
      );
    expect(await price('AAPL')).toMatch(/^\$310\.50 entered by you, as of \d{4}-\d{2}-\d{2}$/);
    expect(await price('SBUX')).toBe('— not set');
  });
});
