/**
 * In Chromium: a session cookie the app cannot read (the server's key changed) is announced once,
 * stays in the browser byte for byte through page views, forms and the theme switch, comes back to
 * life when the right key is back, and is replaced only by a confirmed "start a new portfolio".
 *
 * Two app processes on two ports of 127.0.0.1 stand for one site before and after a key change:
 * cookies are per host, not per port, so the browser sends the same cookie to both.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { urlFor } from '../../src/web/urls.js';
import {
  KEEP_UNREADABLE_MESSAGE,
  REPLACED_MESSAGE,
  START_NEW_QUESTION,
} from '../../src/session/unreadable.js';
import { startApp, type AppProcess } from './app-process.js';
import {
  AAPL,
  addStock,
  flashes,
  holdingRows,
  open,
  pageAfter,
  SBUX,
  useBrowser,
} from './browser-support.js';

const h = useBrowser();
/** The same site after a deploy with a different SECRET_KEY. */
let rekeyed: AppProcess | undefined;

beforeAll(async () => {
  rekeyed = await startApp();
});

afterAll(async () => {
  await rekeyed?.stop();
});

function rekeyedUrl(path: string): string {
  if (rekeyed === undefined) throw new Error('The re-keyed app did not start');
  return `${rekeyed.url}${path}`;
}

const AAPL_ROW = ['AAPL', '15', '$302.17', '$4,532.55'];

describe('a session cookie signed with another key', () => {
  it('is announced once, left untouched by page views and forms, and back with the right key', async () => {
    const { context, page } = await h.newVisitor();
    await addStock(page, AAPL);
    const original = await h.sessionCookie(context);

    await open(page, rekeyedUrl(urlFor('list_stocks')));
    const notice = await flashes(page);
    expect(notice).toHaveLength(1);
    expect(notice[0]).toContain('Your saved portfolio could not be read');
    expect(notice[0]).toContain(
      "If the site's key changed, your portfolio may come back when the key is restored.",
    );
    expect(await holdingRows(page)).toEqual([]);

    // Told once: not on the next pages. And nothing but a save touches the cookie.
    for (const path of [
      urlFor('list_stocks'),
      urlFor('index'),
      urlFor('clear_stocks'),
      urlFor('add_stock'),
    ]) {
      await open(page, rekeyedUrl(path));
      expect(await flashes(page), path).toEqual([]);
    }
    // A refused form works (its CSRF token lives in its own cookie) and changes nothing.
    await page.getByLabel('Stock Symbol').fill('MSFT');
    await page.getByLabel('Number of Shares').fill('0');
    await page.getByLabel('Purchase Price ($)').fill('1');
    expect(
      (await pageAfter(page, () => page.getByRole('button', { name: 'Add stock' }).click())).status(),
    ).toBe(409);
    expect((await h.sessionCookie(context)).value).toBe(original.value);

    // A display preference is no exception: "Switch to dark theme" saves nothing and says why.
    const themed = await pageAfter(page, () =>
      page.getByRole('button', { name: 'Switch to dark theme' }).first().click(),
    );
    expect(themed.status()).toBe(409);
    expect(await page.locator('main').innerText()).toContain(KEEP_UNREADABLE_MESSAGE);
    expect((await h.sessionCookie(context)).value).toBe(original.value);

    // The right key again: the portfolio is back.
    await open(page, urlFor('list_stocks'));
    expect(await holdingRows(page)).toEqual([AAPL_ROW]);
  });

  it('is replaced only when the visitor confirms starting a new portfolio, which says so', async () => {
    const { context, page } = await h.newVisitor();
    await addStock(page, AAPL);
    const original = await h.sessionCookie(context);
    await open(page, rekeyedUrl(urlFor('list_stocks')));
    // A save is refused, and the refusal leads to the question.
    await open(page, rekeyedUrl(urlFor('add_stock')));
    await page.getByLabel('Stock Symbol').fill(SBUX.symbol);
    await page.getByLabel('Number of Shares').fill(SBUX.shares);
    await page.getByLabel('Purchase Price ($)').fill(SBUX.price);
    expect(
      (await pageAfter(page, () => page.getByRole('button', { name: 'Add stock' }).click())).status(),
    ).toBe(409);
    await pageAfter(page, () => page.getByRole('link', { name: 'Start a new portfolio…' }).click());
    expect(await page.locator('main').innerText()).toContain(START_NEW_QUESTION);
    expect((await h.sessionCookie(context)).value).toBe(original.value);
    await pageAfter(page, () => page.getByRole('button', { name: 'Yes, start a new portfolio' }).click());
    expect(await flashes(page)).toContain(REPLACED_MESSAGE);
    expect(await holdingRows(page)).toEqual([]);
    expect((await h.sessionCookie(context)).value).not.toBe(original.value);
    // A readable session again: saves work.
    await open(page, rekeyedUrl(urlFor('add_stock')));
    await page.getByLabel('Stock Symbol').fill(SBUX.symbol);
    await page.getByLabel('Number of Shares').fill(SBUX.shares);
    await page.getByLabel('Purchase Price ($)').fill(SBUX.price);
    await pageAfter(page, () => page.getByRole('button', { name: 'Add stock' }).click());
    expect(await holdingRows(page)).toEqual([['SBUX', '100', '$87.56', '$8,756.00']]);
  });
});
