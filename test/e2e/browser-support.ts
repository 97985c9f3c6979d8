/**
 * Shared set-up of the Chromium tests: Debian's Chromium driven by playwright-core against
 * `node dist/http/main.js`, as `npm start` runs it. Each visitor is a fresh browser context, so it has
 * its own cookies; after each test every visitor is closed and checked for console errors and dialogs.
 * Playwright never downloads a browser here: `executablePath` is the system's.
 * @module
 */
import {
  chromium,
  type Browser,
  type BrowserContext,
  type BrowserContextOptions,
  type Cookie,
  type Page,
  type Response,
} from 'playwright-core';
import { afterAll, afterEach, beforeAll, expect } from 'vitest';
import { urlFor } from '../../src/web/urls.js';
import { FlaskCookies } from '../support/flask-cookies.js';
import { startApp, type AppProcess, type AppProcessOptions } from './app-process.js';

const CHROMIUM = '/usr/bin/chromium';
const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--no-first-run',
  '--disable-quic',
  '--disable-sync',
];
/** Short enough that a stuck page fails with Playwright's message before vitest's test timeout. */
const ACTION_TIMEOUT_MS = 10_000;

/** The two viewports every page state is checked at. */
export const VIEWPORTS = Object.freeze({
  desktop: { width: 1280, height: 800 },
  phone: { width: 375, height: 667 },
});

/** What the add-stock form is filled with. */
export interface HoldingInput {
  readonly symbol: string;
  readonly shares: string;
  readonly price: string;
}

export const AAPL: HoldingInput = { symbol: 'AAPL', shares: '15', price: '302.17' };
export const SBUX: HoldingInput = { symbol: 'SBUX', shares: '100', price: '87.56' };

/** A browser context with one page, and everything it reported that a healthy page never does. */
export interface Visitor {
  readonly context: BrowserContext;
  readonly page: Page;
  /** Console errors (CSP violations among them) and uncaught exceptions. */
  readonly problems: string[];
  /** `alert`, `confirm` and `prompt` calls: only injected script would make one. */
  readonly dialogs: string[];
}

/** What a test file gets from {@link useBrowser}. */
export interface BrowserHarness {
  readonly app: AppProcess;
  readonly browser: Browser;
  /** Only with `{ oracle: true }`. */
  readonly oracle: FlaskCookies;
  /** A new visitor with empty cookies; closed, and checked for console errors and dialogs, after the test. */
  readonly newVisitor: (options?: BrowserContextOptions) => Promise<Visitor>;
  /** The visitor's session cookie. */
  readonly sessionCookie: (context: BrowserContext) => Promise<Cookie>;
}

/** Whether a console error is Chromium reporting a status this test asked for, not a page fault. */
function isExpectedLoadError(text: string, url: string, errorDocuments: ReadonlySet<string>): boolean {
  if (!text.startsWith('Failed to load resource:')) return false;
  // Every 4xx page in these tests is a document whose status the test asserts.
  return errorDocuments.has(url);
}

/**
 * Starts the app, Chromium (and the Flask oracle if asked) before the file's tests and stops them
 * after; call once at the top of a test file.
 */
export function useBrowser(
  options: { readonly oracle?: boolean; readonly app?: AppProcessOptions } = {},
): BrowserHarness {
  let app: AppProcess | undefined;
  let browser: Browser | undefined;
  let oracle: FlaskCookies | undefined;
  const visitors: Visitor[] = [];
  /** The browser first: its keep-alive connections would hold the server's shutdown open. */
  const stoppers: (() => Promise<unknown>)[] = [];

  beforeAll(async () => {
    // Settled, not raced: when one part fails to start, the others are still stopped in afterAll.
    const results = await Promise.allSettled([
      startApp(options.app).then((started) => {
        app = started;
        stoppers.push(() => started.stop());
      }),
      chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS, headless: true }).then((started) => {
        browser = started;
        stoppers.unshift(() => started.close());
      }),
      options.oracle === true
        ? FlaskCookies.start().then((started) => {
            oracle = started;
            stoppers.push(() => started.close());
          })
        : undefined,
    ]);
    const failure = results.find((result) => result.status === 'rejected');
    if (failure !== undefined) throw failure.reason;
  });

  afterAll(async () => {
    for (const stop of stoppers) await stop();
  });

  afterEach(async () => {
    const finished = visitors.splice(0);
    await Promise.all(finished.map((visitor) => visitor.context.close()));
    for (const visitor of finished) {
      expect(visitor.problems, 'console errors and page errors').toEqual([]);
      expect(visitor.dialogs, 'dialogs opened').toEqual([]);
    }
  });

  const started = <T>(value: T | undefined, what: string): T => {
    if (value === undefined) throw new Error(`${what} did not start`);
    return value;
  };

  const harness: BrowserHarness = {
    get app() {
      return started(app, 'The app');
    },
    get browser() {
      return started(browser, 'Chromium');
    },
    get oracle() {
      return started(oracle, 'The Flask oracle (useBrowser({ oracle: true }))');
    },
    newVisitor: async (contextOptions = {}) => {
      const context = await harness.browser.newContext({ baseURL: harness.app.url, ...contextOptions });
      context.setDefaultTimeout(ACTION_TIMEOUT_MS);
      const page = await context.newPage();
      const visitor: Visitor = { context, page, problems: [], dialogs: [] };
      visitors.push(visitor);
      const errorDocuments = new Set<string>();
      page.on('response', (response) => {
        if (response.request().isNavigationRequest() && response.status() >= 400)
          errorDocuments.add(response.url());
      });
      page.on('console', (message) => {
        if (message.type() !== 'error') return;
        const { url } = message.location();
        if (!isExpectedLoadError(message.text(), url, errorDocuments)) {
          visitor.problems.push(`${message.text()} (${url})`);
        }
      });
      page.on('pageerror', (error) => visitor.problems.push(`Uncaught ${error.message}`));
      page.on('dialog', (dialog) => {
        visitor.dialogs.push(`${dialog.type()}: ${dialog.message()}`);
        void dialog.dismiss();
      });
      return visitor;
    },
    sessionCookie: async (context) => {
      const cookie = (await context.cookies(harness.app.url)).find((c) => c.name === 'session');
      if (cookie === undefined) throw new Error('The browser holds no session cookie');
      return cookie;
    },
  };
  return harness;
}

const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);

/**
 * Runs `action` (a click that submits a form) and waits until the page it leads to, after any
 * redirects, has loaded. Resolves to that page's response.
 */
export async function pageAfter(page: Page, action: () => Promise<unknown>): Promise<Response> {
  const [response] = await Promise.all([
    page.waitForResponse(
      (r) =>
        r.request().isNavigationRequest() &&
        r.frame() === page.mainFrame() &&
        !REDIRECT_STATUSES.has(r.status()),
    ),
    page.waitForEvent('framenavigated', (frame) => frame === page.mainFrame()),
    action(),
  ]);
  await page.waitForLoadState('load');
  return response;
}

/** Opens a page and returns its response, which must exist for a plain navigation. */
export async function open(page: Page, path: string): Promise<Response> {
  const response = await page.goto(path);
  if (response === null) throw new Error(`No response for ${path}`);
  return response;
}

/** Fills the add-stock form as a visitor does, by the labels, and submits it. */
export async function addStock(page: Page, holding: HoldingInput): Promise<Response> {
  await open(page, urlFor('add_stock'));
  await page.getByLabel('Stock Symbol').fill(holding.symbol);
  await page.getByLabel('Number of Shares').fill(holding.shares);
  await page.getByLabel('Purchase Price ($)').fill(holding.price);
  return pageAfter(page, () => page.getByRole('button', { name: 'Add stock' }).click());
}

/** Text as a reader sees it, whitespace collapsed: works inside a closed `<details>` too. */
export const collapse = (text: string) => text.replace(/\s+/g, ' ').trim();

/** Each lot's cells as text (symbol, date, shares, price, cost, actions), in page order. */
export async function lotRows(page: Page): Promise<string[][]> {
  const rows = await page.locator('tr.lot').all();
  return Promise.all(rows.map(async (row) => (await row.locator('th, td').allTextContents()).map(collapse)));
}

/** The lots as text: symbol, shares, price and cost of each. */
export async function holdingRows(page: Page): Promise<string[][]> {
  return (await lotRows(page)).map(([symbol = '', , shares = '', price = '', cost = '']) => [
    symbol,
    shares,
    price,
    cost,
  ]);
}

export async function total(page: Page): Promise<string> {
  return page.locator('#positions-table tfoot td.num').first().innerText();
}

/** Opens the `<details>` with the lots of `symbol`, as a visitor clicks its summary. */
export async function openLots(page: Page, symbol: string): Promise<void> {
  const details = page.locator('details', { has: page.locator('summary', { hasText: ` of ${symbol}` }) });
  if ((await details.getAttribute('open')) === null) await details.locator('summary').click();
}

export async function flashes(page: Page): Promise<string[]> {
  return page.locator('.flash').allInnerTexts();
}

export function nowSeconds(): number {
  return Math.floor(Date.now() / 1000);
}
