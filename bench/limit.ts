/**
 * The Node limit: a bare `node:http` server that does only the work no implementation of this app
 * can skip, to show how close the real app comes to what Node itself allows.
 *
 * - every request: find the `session` cookie, verify its HMAC-SHA1 with Flask's derived key
 *   (computed once), check its age, base64url-decode (and inflate when it starts with "."), JSON.parse;
 * - GET `/stocks` and `/add_stock`: a page of the same markup and size as the app's, built by string
 *   concatenation (one row per holding), every interpolated value HTML-escaped, with the same security
 *   headers, and the cookie refreshed as the app and Flask do (a permanent session is re-signed with
 *   the current time on every response: one more HMAC and a `Set-Cookie`);
 * - POST `/add_stock`: parse the urlencoded body, compare the CSRF token, minimal field checks, then
 *   re-sign the session (JSON, deflate, base64url, HMAC) and answer 302 with `Set-Cookie`.
 *
 * What it leaves out on purpose: routing tables, middleware, exact-decimal arithmetic (costs use
 * `number`) and friendly validation messages. The refresh re-signs the payload as received (no
 * re-serialising), the least any implementation can do.
 *
 * Self-contained (only `node:` imports), so `run.ts` can transpile this one file and run it with plain
 * `node`, as the app runs from `dist/`. Configured like the app: SECRET_KEY, HOST, PORT, WORKERS; and
 * PUBLIC_DIR, the app's `public/`, whose files the pages link to by content hash as the app's do.
 * @module
 */
import cluster from 'node:cluster';
import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { join } from 'node:path';
import { deflateSync, inflateSync } from 'node:zlib';

const LIFETIME_SECONDS = 31 * 24 * 60 * 60;
const MAX_BODY_BYTES = 16 * 1024;

type Holding = [symbol: string, shares: string, price: string, date?: string | null, id?: number];
type SessionData = Record<string, unknown>;

const SECURITY_HEADERS = {
  'content-security-policy':
    "default-src 'self'; script-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'; object-src 'none'",
  'cross-origin-opener-policy': 'same-origin',
  'cross-origin-resource-policy': 'same-origin',
  'origin-agent-cluster': '?1',
  'permissions-policy':
    'accelerometer=(), autoplay=(), bluetooth=(), browsing-topics=(), camera=(), display-capture=(), encrypted-media=(), fullscreen=(), geolocation=(), gyroscope=(), hid=(), identity-credentials-get=(), idle-detection=(), local-fonts=(), magnetometer=(), microphone=(), midi=(), otp-credentials=(), payment=(), picture-in-picture=(), publickey-credentials-get=(), screen-wake-lock=(), serial=(), usb=(), web-share=(), window-management=(), xr-spatial-tracking=()',
  'referrer-policy': 'same-origin',
  'strict-transport-security': 'max-age=15552000; includeSubDomains',
  'x-content-type-options': 'nosniff',
  'x-dns-prefetch-control': 'off',
  'x-download-options': 'noopen',
  'x-frame-options': 'DENY',
  'x-permitted-cross-domain-policies': 'none',
  'x-xss-protection': '0',
  'cache-control': 'no-store',
  vary: 'Cookie',
} as const;

const ESCAPES: Readonly<Record<string, string>> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

function escapeHtml(text: string): string {
  return /[&<>"']/.test(text) ? text.replace(/[&<>"']/g, (ch) => ESCAPES[ch] ?? ch) : text;
}

/** Thousands separators in the whole part of plain digits: `1234567.5` → `1,234,567.5`. */
function group(text: string): string {
  const dot = text.indexOf('.');
  const whole = dot < 0 ? text : text.slice(0, dot);
  const grouped = whole.replace(/\B(?=(\d{3})+$)/g, ',');
  return dot < 0 ? grouped : grouped + text.slice(dot);
}

/** Money to the cent: `$1,234,567.50` (a `number`, so not exact: the limit skips exact decimals). */
function money(value: number): string {
  return '$' + group(value.toFixed(2));
}

/** A unit price with 2 to `places` decimals, trailing zeros beyond the cents removed: `$302.10`, `$0.1234`. */
function priceText(value: number, places: number): string {
  let text = value.toFixed(places);
  while (text.endsWith('0') && text.length - text.indexOf('.') > 3) text = text.slice(0, -1);
  return '$' + group(text);
}

/** Plain digits without trailing zeros: `7.5`, `30`. */
function plain(value: number): string {
  return String(Number(value.toFixed(2)));
}

/** A figure's part from its decimal point on (`.17`); empty for a whole number. */
function tailOf(text: string): string {
  const dot = text.indexOf('.');
  return dot < 0 ? '' : text.slice(dot);
}

/** The longest tail of a column's figures, digits as zeros (`src/web/figures.ts`'s decimalColumn). */
function columnTail(texts: readonly string[]): string {
  let longest = '';
  for (const text of texts) {
    const tail = tailOf(text);
    if (tail.length > longest.length) longest = tail;
  }
  return longest.replace(/[0-9]/g, '0');
}

/** `text` (escaped) and its invisible padding to the column's tail, as `alignedFigure` writes it. */
function aligned(text: string, tail: string): string {
  const pad = tail.slice(tailOf(text).length);
  return (
    escapeHtml(text) +
    (pad === '' ? '' : '<span class="pad" aria-hidden="true" data-pad="' + pad + '"></span>')
  );
}

const NOT_SET = '<span aria-hidden="true">&mdash;</span><span class="visually-hidden">not set</span>';
const NO_RETURN = `<td class="num" data-label="Market Value">${NOT_SET}</td><td class="num" data-label="Gain/Loss">${NOT_SET}</td><td class="num" data-label="Return">${NOT_SET}</td>`;

/** What the page frame shows of the visitor: the CSRF token its forms carry and the chosen theme. */
interface Visitor {
  readonly csrf: string;
  /** Undefined: none chosen, so the browser's `prefers-color-scheme` decides (both buttons are sent). */
  readonly theme: 'light' | 'dark' | undefined;
}

/**
 * `name` in `public/` under the app's fingerprinted name (`style.css` → `style.<12 hex>.css`, the
 * sha256 of its content), read once at start-up: the pages link to it as the app's do.
 */
function fingerprinted(publicDir: string, name: string): string {
  const hash = createHash('sha256')
    .update(readFileSync(join(publicDir, name)))
    .digest('hex');
  const dot = name.lastIndexOf('.');
  return `${name.slice(0, dot)}.${hash.slice(0, 12)}${name.slice(dot)}`;
}

/** The head's links to the app's stylesheet and icon, from PUBLIC_DIR (servers.ts sets it). */
function headLinks(publicDir: string): string {
  try {
    return (
      '<link rel="stylesheet" href="/static/' +
      fingerprinted(publicDir, 'style.css') +
      '" />\n    <link rel="icon" href="/static/' +
      fingerprinted(publicDir, 'favicon.svg') +
      '" type="image/svg+xml" />'
    );
  } catch (error) {
    throw new Error(`Set PUBLIC_DIR to the app's public/ folder (${String(error)}).`, { cause: error });
  }
}

// This file runs from a temporary directory, so the folder comes from the environment.
const HEAD_LINKS = headLinks(process.env['PUBLIC_DIR'] ?? join(process.cwd(), 'public'));

const MENU = [
  ['/', 'Home'],
  ['/stocks', 'Portfolio'],
  ['/add_stock', 'Add a stock'],
  ['/stocks/import', 'Import'],
  ['/about', 'About'],
] as const;

/** The menu with the current page marked, one string per path, built once. */
const MENUS = new Map(
  MENU.map(([current]) => [
    current,
    MENU.map(([path, label]) =>
      path === current
        ? `<a href="${path}" aria-current="page">${label}</a>`
        : `<a href="${path}">${label}</a>`,
    ).join(''),
  ]),
);
const PLAIN_MENU = MENU.map(([path, label]) => `<a href="${path}">${label}</a>`).join('');

function themeButton(theme: 'light' | 'dark'): string {
  return `<button type="submit" name="theme" value="${theme}" class="theme-to-${theme}">Switch to ${theme} theme</button>`;
}
const THEME_BUTTONS = {
  light: themeButton('dark'),
  dark: themeButton('light'),
  none: themeButton('dark') + themeButton('light'),
} as const;

// The markup below is the app's, byte for byte (whitespace included), so every server sends the same
// page; run.ts checks the sizes.
function layout(title: string, visitor: Visitor, path: string, main: string): string {
  const { theme } = visitor;
  return (
    '<!DOCTYPE html>\n<html lang="en"' +
    (theme === undefined ? '' : ' data-theme="' + theme + '"') +
    '>\n  <head>\n    <meta charset="utf-8" />\n    <meta name="viewport" content="width=device-width, initial-scale=1" />\n    <meta name="description" content="Record the stocks you bought and see what they cost you, kept in your own browser: no account needed." />\n    ' +
    HEAD_LINKS +
    '\n    <meta name="color-scheme" content="' +
    (theme ?? 'light dark') +
    '" />\n    <title>' +
    escapeHtml(title) +
    ' &middot; Stock Portfolio</title>\n  </head>\n  <body>\n    <a class="skip-link" href="#main">Skip to content</a>\n    <header class="site-header">\n      <a class="brand" href="/">Stock Portfolio</a>\n      <nav aria-label="Main">\n      ' +
    (MENUS.get(path as (typeof MENU)[number][0]) ?? PLAIN_MENU) +
    '\n      <form method="post" action="/theme" class="theme-switch">\n    <input type="hidden" name="csrf_token" value="' +
    escapeHtml(visitor.csrf) +
    '" />\n    <input type="hidden" name="next" value="' +
    escapeHtml(path) +
    '" />\n    ' +
    THEME_BUTTONS[theme ?? 'none'] +
    '\n  </form>\n      </nav>\n    </header>\n    <main id="main" tabindex="-1">\n      \n      ' +
    main +
    '\n    </main>\n    <footer class="site-footer">\n    <p>Your portfolio lives only in this browser\'s signed session cookie: no account, no database.</p>\n  </footer>\n  </body>\n</html>'
  );
}

const ADD_STOCK_FORM =
  '\n    <div class="field">\n      <label for="stock_symbol">Stock Symbol</label>\n      <input id="stock_symbol" name="stock_symbol" type="text" value="" required pattern="\\s*(?:[A-Za-z0-9.\\-]*[A-Za-z][A-Za-z0-9.\\-]*|[0-9]{4,6})\\s*"\n        title="Enter a stock symbol of 1–10 letters, digits, &#39;.&#39; or &#39;-&#39; (for example AAPL, BRK.B or 0700)." maxlength="10" inputmode="text"\n        autocapitalize="characters" autocomplete="off" placeholder="AAPL" />\n      \n    </div><div class="field">\n      <label for="number_of_shares">Number of Shares</label>\n      <input id="number_of_shares" name="number_of_shares" type="text" value="" required pattern="\\s*(?:(?:[1-9][0-9]{0,2}(?:,[0-9]{3})+|[0-9]+)(?:\\.[0-9]+)?|\\.[0-9]+)\\s*"\n        title="Enter the number of shares in digits, with an optional decimal point (for example 15 or 2.5)." maxlength="64" inputmode="decimal"\n        autocapitalize="off" autocomplete="off" placeholder="15" />\n      \n    </div><div class="field">\n      <label for="purchase_price">Purchase Price ($)</label>\n      <input id="purchase_price" name="purchase_price" type="text" value="" required pattern="\\s*\\$?\\s*(?:(?:[1-9][0-9]{0,2}(?:,[0-9]{3})+|[0-9]+)(?:\\.[0-9]+)?|\\.[0-9]+)\\s*"\n        title="Enter the price in digits, with an optional $ (for example 302.17 or $1,234.50)." maxlength="64" inputmode="decimal"\n        autocapitalize="off" autocomplete="off" placeholder="302.17" />\n      \n    </div><div class="field">\n      <label for="purchase_date">Purchase Date (optional)</label>\n      <input id="purchase_date" name="purchase_date" type="date" value="" pattern="\\s*(?:[0-9]{4}-[0-9]{2}-[0-9]{2})?\\s*"\n        title="Enter the purchase date as YYYY-MM-DD (for example 2026-03-04), or leave it empty for today." maxlength="64" inputmode="text"\n        autocapitalize="off" autocomplete="off" placeholder="YYYY-MM-DD" max="';

/** Today (UTC) and the latest purchase date that has begun anywhere (UTC+14), as the app's date rule. */
function dateBounds(): { today: string; latest: string } {
  const now = Date.now();
  return {
    today: new Date(now).toISOString().slice(0, 10),
    latest: new Date(now + 14 * 3_600_000).toISOString().slice(0, 10),
  };
}

function addStockPage(visitor: Visitor): string {
  return layout(
    'Add a stock',
    visitor,
    '/add_stock',
    '<section>\n  <h1>Add a stock</h1>\n  \n  <form method="post" action="/add_stock" class="stock-form">\n    <input type="hidden" name="csrf_token" value="' +
      escapeHtml(visitor.csrf) +
      '" />' +
      ADD_STOCK_FORM +
      dateBounds().latest +
      '" />\n      \n    </div>' +
      FEE_FIELD +
      '\n    <button type="submit">Add stock</button>\n  </form>\n</section>',
  );
}

const PRICES_NOTE =
  '<p class="note" id="prices-note">There is no quote service here: current prices are the ones you enter, and\n    they stay as you set them. Figures are computed exactly and rounded half-up only for display: money to\n    the cent, average cost to 4 decimal places, percentages to 2.</p>\n  <p class="sort-links">Sort by: <a href="/stocks" aria-current="true">Symbol</a><a href="/stocks?sort=value">Market Value</a><a href="/stocks?sort=gain">Gain/Loss</a></p>\n  <div class="table-wrap">\n    <table id="positions-table" class="stacking" aria-describedby="prices-note">\n      <caption class="visually-hidden">Positions, sorted by symbol</caption>\n      <thead>\n        <tr>\n          <th scope="col" class="" aria-sort="ascending">Symbol <span class="sort-mark" aria-hidden="true">&#9650;</span></th>\n          <th scope="col" class="num">Shares</th>\n          <th scope="col" class="num">Average Cost</th>\n          <th scope="col" class="num">Cost Basis</th>\n          <th scope="col" class="num">Current Price</th>\n          <th scope="col" class="num"><a href="/stocks?sort=value" aria-label="Market Value: sort by market value">Market Value</a></th>\n          <th scope="col" class="num"><a href="/stocks?sort=gain" aria-label="Gain/Loss: sort by gain/loss">Gain/Loss</a></th>\n          <th scope="col" class="num">Return</th>\n        </tr>\n      </thead>\n      ';

const LOTS_HEAD =
  '</summary>\n            <table class="lots stacking">\n              <thead>\n                <tr>\n                  <th scope="col">Symbol</th>\n                  <th scope="col">Purchase Date</th>\n                  <th scope="col" class="num">Shares</th>\n                  <th scope="col" class="num">Purchase Price</th>\n                  <th scope="col" class="num">Cost Basis</th>\n                  <th scope="col"><span class="visually-hidden">Actions</span></th>\n                </tr>\n              </thead>\n              <tbody>\n            ';

/** The add form's optional fee field, after the date. */
const FEE_FIELD =
  '<div class="field">\n      <label for="fee">Fee ($, optional)</label>\n      <input id="fee" name="fee" type="text" value="" pattern="\\s*\\$?\\s*(?:(?:[1-9][0-9]{0,2}(?:,[0-9]{3})+|[0-9]+)(?:\\.[0-9]+)?|\\.[0-9]+)?\\s*"\n        title="Enter the fee in digits, with an optional $ (for example 4.95), or leave it empty for none." maxlength="64" inputmode="decimal"\n        autocapitalize="off" autocomplete="off" placeholder="0.00" />\n      \n    </div>';

/** One symbol's lots, in portfolio order, and their sums. */
interface Position {
  readonly symbol: string;
  readonly lots: { id: number; shares: string; price: string; date: string | undefined; cost: number }[];
  shares: number;
  cost: number;
}

/** Lots grouped by symbol, positions in symbol order (the app's default sort). */
function positionsOf(holdings: readonly Holding[]): Position[] {
  const bySymbol = new Map<string, Position>();
  for (let index = 0; index < holdings.length; index++) {
    const [symbol, shares, price, date, id] = holdings[index] as Holding;
    const cost = Number(shares) * Number(price);
    let position = bySymbol.get(symbol);
    if (position === undefined) bySymbol.set(symbol, (position = { symbol, lots: [], shares: 0, cost: 0 }));
    // A date of another shape is shown as not set, as the app drops it (no calendar check here).
    position.lots.push({
      id: id ?? index + 1,
      shares,
      price,
      date: typeof date === 'string' && DATE.test(date) ? date : undefined,
      cost,
    });
    position.shares += Number(shares);
    position.cost += cost;
  }
  return [...bySymbol.values()].sort((a, b) => (a.symbol < b.symbol ? -1 : 1));
}

/** A position's shares and average cost as its row writes them: they also size their columns. */
interface PositionFigures {
  readonly shares: string;
  readonly averageCost: string;
}

/** The tails the positions' shares and average costs are aligned to (money always has two decimals). */
interface PositionTails {
  readonly shares: string;
  readonly averageCost: string;
}

function positionRows(
  position: Position,
  figures: PositionFigures,
  tails: PositionTails,
  csrf: string,
): string {
  const symbol = escapeHtml(position.symbol);
  const token = '<input type="hidden" name="csrf_token" value="' + csrf + '" />';
  const lotShares = position.lots.map((lot) => group(lot.shares));
  const lotPrices = position.lots.map((lot) => priceText(Number(lot.price), 4));
  const sharesTail = columnTail(lotShares);
  const priceTail = columnTail(lotPrices);
  let lots = '';
  for (let i = 0; i < position.lots.length; i++) {
    const lot = position.lots[i] as Position['lots'][number];
    const sharesText = lotShares[i] as string;
    const shares = escapeHtml(sharesText);
    const date = lot.date === undefined ? undefined : escapeHtml(lot.date);
    lots +=
      '<tr class="lot">\n              <th scope="row">' +
      symbol +
      '</th>\n              <td data-label="Purchase Date">' +
      (date ?? NOT_SET) +
      '</td>\n              <td class="num" data-label="Shares">' +
      aligned(sharesText, sharesTail) +
      '</td>\n              <td class="num" data-label="Purchase Price">' +
      aligned(lotPrices[i] as string, priceTail) +
      '</td>\n              <td class="num" data-label="Cost Basis">' +
      escapeHtml(money(lot.cost)) +
      '</td>\n              <td class="lot-actions row-actions">\n                <a href="/lots/' +
      String(lot.id) +
      '/edit" aria-label="Edit ' +
      symbol +
      ', ' +
      shares +
      ' shares' +
      (date === undefined ? '' : ' bought ' + date) +
      '">Edit</a>\n                <form method="post" action="/lots/' +
      String(lot.id) +
      '/remove" class="inline">\n                  ' +
      token +
      '\n                  <button type="submit" class="link" aria-label="Remove ' +
      symbol +
      ' lot ' +
      (date === undefined ? 'of ' + shares + ' shares' : 'bought ' + date + ' (' + shares + ' shares)') +
      '">Remove</button>\n                </form>\n              </td>\n            </tr>';
  }
  const count = position.lots.length;
  return (
    '<tbody class="position">\n      <tr class="position-row">\n        <th scope="row">' +
    symbol +
    '</th>\n        <td class="num" data-label="Shares">' +
    aligned(figures.shares, tails.shares) +
    '</td>\n        <td class="num" data-label="Average Cost">' +
    aligned(figures.averageCost, tails.averageCost) +
    '</td>\n        <td class="num" data-label="Cost Basis">' +
    escapeHtml(money(position.cost)) +
    '</td>\n        <td class="num" data-label="Current Price">' +
    NOT_SET +
    '</td>\n        ' +
    NO_RETURN +
    '\n      </tr>\n      <tr class="position-detail">\n        <td colspan="8" class="position-detail-cell">\n          <details>\n            <summary>' +
    String(count) +
    (count === 1 ? ' lot of ' : ' lots of ') +
    symbol +
    LOTS_HEAD +
    lots +
    '\n              </tbody>\n            </table>\n          </details>\n          <p class="position-sales"><a href="/sales/new?symbol=' +
    symbol +
    '">Sell ' +
    symbol +
    '</a></p>\n        </td>\n      </tr>\n    </tbody>'
  );
}

/** Shares as plain digits, at most 4 decimals, trailing zeros removed. */
function plain4(value: number): string {
  return String(Number(value.toFixed(4)));
}

/** A symbol's chart colour: the 32-bit FNV-1a hash of its characters, mod 8 (as the app's colourOf). */
function colourOf(symbol: string): number {
  let h = 2166136261;
  for (let i = 0; i < symbol.length; i++) h = Math.imul(h ^ symbol.charCodeAt(i), 16777619) >>> 0;
  return h % 8;
}

/** The allocation chart by cost basis (no prices are set in the bench's sessions), bars against the largest. */
function chart(positions: readonly Position[], total: number): string {
  let largest = 0;
  for (const position of positions) if (position.cost > largest) largest = position.cost;
  let items = '';
  for (const { symbol: rawSymbol, cost } of positions) {
    const symbol = escapeHtml(rawSymbol);
    items +=
      '<li>\n      <span class="chart-label">' +
      symbol +
      '</span>\n      <svg class="chart-bar" viewBox="0 0 100 10" preserveAspectRatio="none" aria-hidden="true" focusable="false"><rect width="' +
      (largest > 0 ? plain((cost * 100) / largest) : '0') +
      '" height="10" class="chart-colour-' +
      String(colourOf(rawSymbol)) +
      '" /></svg>\n      <span class="chart-value">' +
      ((cost * 100) / total).toFixed(2) +
      '% &middot; ' +
      escapeHtml(money(cost)) +
      '</span>\n    </li>';
  }
  return (
    '<section class="chart" aria-labelledby="chart-heading">\n  <h2 id="chart-heading">Allocation by cost basis</h2>\n  <p class="note">Each position\'s share of the portfolio\'s cost basis (market value once every position has a current price); the longest bar is the largest position.</p>\n  <ol class="chart-bars">\n    ' +
    items +
    '\n  </ol>\n</section>'
  );
}

/** The summary above the table, for a session without current prices: cost and how many are unpriced. */
function summary(total: number, count: number): string {
  const n = count.toLocaleString('en-US');
  return (
    '<dl class="summary">\n    <div><dt>Market value</dt><dd>' +
    NOT_SET +
    '</dd></div>\n    <div><dt>Cost basis</dt><dd>' +
    escapeHtml(money(total)) +
    '</dd></div>\n    <div><dt>Unrealized gain</dt><dd>' +
    NOT_SET +
    '</dd></div>\n    <div><dt>Realized gain</dt><dd>no sales yet</dd></div>\n    <div><dt>Return</dt><dd>' +
    NOT_SET +
    '</dd></div>\n    <div><dt>Without a current price</dt><dd>' +
    n +
    ' of ' +
    n +
    (count === 1 ? ' position' : ' positions') +
    '</dd></div>\n  </dl>'
  );
}

const PORTFOLIO_TITLE = 'Your portfolio';

const EMPTY_STOCKS =
  '<section>\n  <h1>Your portfolio</h1>\n  \n  <div class="empty-state">\n    <p>Your portfolio is empty.</p>\n    <p><a class="button" href="/add_stock">Add your first stock</a> <a class="button secondary" href="/stocks/import">Import a CSV file</a></p>\n  </div>\n</section>';

/**
 * The positions page as the app renders it for a session without current prices (the bench's):
 * lots grouped by symbol, cost basis and average cost, dashes for price, value and gain.
 */
function stocksPage(visitor: Visitor, holdings: readonly Holding[], cookieLength: number): string {
  if (holdings.length === 0) return layout(PORTFOLIO_TITLE, visitor, '/stocks', EMPTY_STOCKS);
  const csrf = escapeHtml(visitor.csrf);
  const positions = positionsOf(holdings);
  const figures = positions.map((position): PositionFigures => ({
    shares: group(plain4(position.shares)),
    averageCost: priceText(position.cost / position.shares, 4),
  }));
  const tails: PositionTails = {
    shares: columnTail(figures.map((f) => f.shares)),
    averageCost: columnTail(figures.map((f) => f.averageCost)),
  };
  let body = '';
  let total = 0;
  for (let i = 0; i < positions.length; i++) {
    const position = positions[i] as Position;
    body += positionRows(position, figures[i] as PositionFigures, tails, csrf);
    total += position.cost;
  }
  // About 16 bytes of cookie per dated holding, as the app measures it.
  const remaining = Math.max(0, Math.floor((4093 - 110 - cookieLength) / 16));
  return layout(
    PORTFOLIO_TITLE,
    visitor,
    '/stocks',
    '<section>\n  <h1>Your portfolio</h1>\n  \n  ' +
      summary(total, positions.length) +
      '\n  ' +
      PRICES_NOTE +
      body +
      '\n      <tfoot>\n      <tr>\n        <th scope="row" colspan="3">Total</th>\n        <td class="num" data-label="Total Cost Basis">' +
      escapeHtml(money(total)) +
      '</td>\n        <td></td>\n        ' +
      NO_RETURN +
      '\n      </tr>\n    </tfoot>\n    </table>\n  </div>\n  <p class="note">Set a current price to see market value and gain.</p>\n  <p class="capacity">' +
      String(holdings.length) +
      (holdings.length === 1 ? ' holding. ' : ' holdings. ') +
      (remaining > 0
        ? 'About ' + String(remaining) + ' more fit in your browser&#39;s cookie.'
        : 'Your portfolio is full: remove a holding to add another.') +
      '</p>\n  <div class="actions">\n    <a class="button" href="/add_stock">Add stock</a>\n    <a class="button" href="/sales/new">Sell stock</a>\n    <a class="button" href="/prices">Update prices</a>\n    <a class="button secondary" href="/stocks/export.csv" download>Export CSV</a>\n    <a class="button secondary" href="/stocks/import">Import CSV</a>\n    <a class="button secondary" href="/stocks/clear">Clear portfolio&hellip;</a>\n  </div>\n</section>\n' +
      chart(positions, total),
  );
}

function simplePage(title: string, visitor: Visitor, path: string, section: string): string {
  return layout(title, visitor, path, `<section>${section}</section>`);
}

/** The value of the first `name` cookie in a `Cookie` header. */
function cookieValue(header: string | undefined, name: string): string | undefined {
  if (header === undefined) return undefined;
  for (const pair of header.split(';')) {
    const eq = pair.indexOf('=');
    if (eq > 0 && pair.slice(0, eq).trim() === name) return pair.slice(eq + 1).trim();
  }
  return undefined;
}

function makeCodec(secretKey: string) {
  // itsdangerous' "hmac" key derivation with Flask's salt, once at start.
  const key = createHmac('sha1', secretKey).update('cookie-session').digest();
  const sign = (text: string) => createHmac('sha1', key).update(text).digest('base64url');

  /** The verified data and its payload part (to re-sign it unchanged), or undefined. */
  function read(cookie: string | undefined): { data: SessionData; payload: string } | undefined {
    if (cookie === undefined || cookie === '') return undefined;
    const at = cookie.lastIndexOf('.');
    if (at < 0) return undefined;
    const signed = cookie.slice(0, at);
    const given = Buffer.from(cookie.slice(at + 1), 'base64url');
    const expected = createHmac('sha1', key).update(signed).digest();
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) return undefined;
    const timeAt = signed.lastIndexOf('.');
    if (timeAt < 0) return undefined;
    const time = Buffer.from(signed.slice(timeAt + 1), 'base64url');
    let seconds = 0;
    for (const byte of time) seconds = seconds * 256 + byte;
    const age = Date.now() / 1000 - seconds;
    if (age > LIFETIME_SECONDS || age < -1) return undefined;
    const payload = signed.slice(0, timeAt);
    try {
      let bytes = Buffer.from(payload.startsWith('.') ? payload.slice(1) : payload, 'base64url');
      if (payload.startsWith('.')) bytes = inflateSync(bytes, { maxOutputLength: 64 * 1024 });
      const data: unknown = JSON.parse(bytes.toString('utf8'));
      return typeof data === 'object' && data !== null && !Array.isArray(data)
        ? { data: data as SessionData, payload }
        : undefined;
    } catch {
      return undefined;
    }
  }

  /** A `Set-Cookie` for an encoded payload, signed with the current time. */
  function signed(payload: string): string {
    let seconds = Math.floor(Date.now() / 1000);
    const bytes: number[] = [];
    for (; seconds > 0; seconds = Math.floor(seconds / 256)) bytes.unshift(seconds % 256);
    const text = payload + '.' + Buffer.from(bytes).toString('base64url');
    const value = text + '.' + sign(text);
    const expires = new Date(Date.now() + LIFETIME_SECONDS * 1000).toUTCString();
    return `session=${value}; Expires=${expires}; Max-Age=${LIFETIME_SECONDS}; Path=/; Secure; HttpOnly; SameSite=Lax`;
  }

  function write(data: SessionData): string {
    // Flask's layout: sorted keys, no spaces (the callers build objects in key order).
    const json = Buffer.from(JSON.stringify(data), 'utf8');
    const compressed = deflateSync(json);
    return signed(
      compressed.length < json.length - 1
        ? '.' + compressed.toString('base64url')
        : json.toString('base64url'),
    );
  }

  return { read, write, refresh: signed };
}

function holdingsOf(data: SessionData | undefined): Holding[] {
  const raw = data?.['portfolio'];
  if (!Array.isArray(raw)) return [];
  const holdings = (raw as unknown[]).filter(
    (h): h is Holding =>
      Array.isArray(h) &&
      (h.length === 3 ||
        (h.length === 4 && typeof h[3] === 'string') ||
        (h.length === 5 && (typeof h[3] === 'string' || h[3] === null) && typeof h[4] === 'number')) &&
      typeof h[0] === 'string' &&
      typeof h[1] === 'string' &&
      typeof h[2] === 'string',
  );
  // Ids as the app's decodeLedger gives them: stored ones kept, the others numbered on from next_id.
  let next = nextIdOf(data, holdings);
  return holdings.map(([symbol, shares, price, date, id]) => [
    symbol,
    shares,
    price,
    date ?? null,
    id ?? next++,
  ]);
}

/** The next id after `holdings` (read by holdingsOf, so every one has an id). */
function nextIdOf(data: SessionData | undefined, holdings: readonly Holding[]): number {
  const stored = data?.['next_id'];
  return Math.max(typeof stored === 'number' ? stored : 1, ...holdings.map((h) => (h[4] ?? 0) + 1));
}

function readBody(req: IncomingMessage): Promise<string | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= MAX_BODY_BYTES) chunks.push(chunk);
    });
    req.on('end', () =>
      resolve(size > MAX_BODY_BYTES ? undefined : Buffer.concat(chunks).toString('latin1')),
    );
    req.on('error', reject);
  });
}

const SYMBOL = /^(?=.*[A-Za-z])[A-Za-z0-9.-]{1,10}$/;
const AMOUNT = /^[0-9]{1,10}(?:\.[0-9]{1,4})?$/;
const DATE = /^[0-9]{4}-(?:0[1-9]|1[0-2])-(?:0[1-9]|[12][0-9]|3[01])$/;

function createHandler(secretKey: string) {
  const codec = makeCodec(secretKey);

  function send(res: ServerResponse, status: number, html: string, setCookie?: string): void {
    res.writeHead(status, {
      ...SECURITY_HEADERS,
      'content-type': 'text/html; charset=UTF-8',
      'content-length': Buffer.byteLength(html),
      ...(setCookie === undefined ? {} : { 'set-cookie': setCookie }),
    });
    res.end(html);
  }

  return async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const rawCookie = cookieValue(req.headers.cookie, 'session');
    const verified = codec.read(rawCookie);
    const data = verified?.data;
    const existing = data?.['csrf_token'];
    const csrf = typeof existing === 'string' ? existing : randomBytes(32).toString('base64url');
    // A new visitor gets a token, and so a cookie, as with the app; a known one gets the same
    // payload re-signed with the current time (the refresh of a permanent session).
    const fresh =
      typeof existing === 'string' && verified !== undefined
        ? codec.refresh(verified.payload)
        : codec.write({ _permanent: true, csrf_token: csrf });
    const path = req.url ?? '/';
    const chosen = data?.['theme'];
    const visitor: Visitor = { csrf, theme: chosen === 'light' || chosen === 'dark' ? chosen : undefined };

    if (req.method === 'GET' && path === '/stocks') {
      send(res, 200, stocksPage(visitor, holdingsOf(data), rawCookie?.length ?? 0), fresh);
    } else if (req.method === 'GET' && path === '/add_stock') {
      send(res, 200, addStockPage(visitor), fresh);
    } else if (req.method === 'GET' && path === '/') {
      send(res, 200, simplePage('Home', visitor, path, '<h1>Welcome to Stock Portfolio!</h1>'), fresh);
    } else if (req.method === 'GET' && path === '/about') {
      send(res, 200, simplePage('About', visitor, path, '<h1>About</h1>'), fresh);
    } else if (req.method === 'POST' && path === '/add_stock') {
      const body = await readBody(req);
      if (body === undefined)
        return send(res, 413, simplePage('Too Large', visitor, path, '<h1>Too Large</h1>'));
      const form = new URLSearchParams(body);
      const token = Buffer.from(form.get('csrf_token') ?? '');
      const expected = Buffer.from(typeof existing === 'string' ? existing : '');
      if (expected.length === 0 || token.length !== expected.length || !timingSafeEqual(token, expected)) {
        return send(res, 403, simplePage('Forbidden', visitor, path, '<h1>Forbidden</h1>'));
      }
      const symbol = (form.get('stock_symbol') ?? '').trim().toUpperCase();
      const shares = (form.get('number_of_shares') ?? '').trim();
      const price = (form.get('purchase_price') ?? '').trim().replace(/^\$/, '');
      const bounds = dateBounds();
      const date = (form.get('purchase_date') ?? '').trim() || bounds.today;
      if (
        !SYMBOL.test(symbol) ||
        !AMOUNT.test(shares) ||
        !AMOUNT.test(price) ||
        !DATE.test(date) ||
        date > bounds.latest
      ) {
        return send(res, 422, addStockPage(visitor));
      }
      const holdings = holdingsOf(data);
      const nextId = nextIdOf(data, holdings);
      const setCookie = codec.write({
        _flashes: [['success', `Added new stock (${symbol})!`]],
        _permanent: true,
        csrf_token: csrf,
        // As the app: every lot with its id, the new one with the next, and the undo of the add.
        portfolio: [...holdings, [symbol, shares, price, date, nextId]],
        next_id: nextId + 1,
        undo: ['add', nextId],
        // Written back as it came; none chosen (undefined) leaves the key out, as the app does.
        theme: data?.['theme'],
      });
      res.writeHead(302, { ...SECURITY_HEADERS, location: '/stocks', 'set-cookie': setCookie });
      res.end();
    } else {
      send(res, 404, simplePage('Page Not Found', visitor, path, '<h1>Page Not Found</h1>'));
    }
  };
}

function serve(): void {
  const secretKey = process.env['SECRET_KEY'] ?? '';
  if (secretKey === '') throw new Error('Set SECRET_KEY (the same key the app and Flask use).');
  const handler = createHandler(secretKey);
  const server = createServer((req, res) => {
    handler(req, res).catch((error: unknown) => {
      process.stderr.write(`limit: ${String(error)}\n`);
      if (!res.headersSent) res.writeHead(500);
      res.end();
    });
  });
  server.listen(Number(process.env['PORT'] ?? 5000), process.env['HOST'] ?? '127.0.0.1');
  const stop = () => {
    server.close(() => process.exit(0));
    server.closeIdleConnections();
    setTimeout(() => process.exit(0), 2000).unref();
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}

const workers = Number(process.env['WORKERS'] ?? 1);
if (workers > 1 && cluster.isPrimary) {
  for (let i = 0; i < workers; i++) cluster.fork();
  let stopping = false;
  const stop = () => {
    stopping = true;
    for (const worker of Object.values(cluster.workers ?? {})) worker?.process.kill('SIGTERM');
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
  cluster.on('exit', () => {
    if (!stopping) process.stderr.write('limit: a worker exited\n');
    if (Object.keys(cluster.workers ?? {}).length === 0) process.exit(stopping ? 0 : 1);
  });
} else {
  serve();
}
