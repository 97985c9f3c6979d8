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
 * `node`, as the app runs from `dist/`. Configured like the app: SECRET_KEY, HOST, PORT, WORKERS.
 * @module
 */
import cluster from 'node:cluster';
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { deflateSync, inflateSync } from 'node:zlib';

const LIFETIME_SECONDS = 31 * 24 * 60 * 60;
const MAX_BODY_BYTES = 16 * 1024;

type Holding = [symbol: string, shares: string, price: string];
type SessionData = Record<string, unknown>;

const SECURITY_HEADERS = {
  'content-security-policy':
    "default-src 'self'; script-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'; object-src 'none'",
  'cross-origin-opener-policy': 'same-origin',
  'cross-origin-resource-policy': 'same-origin',
  'origin-agent-cluster': '?1',
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

/** `1234567.5` → `1,234,567.50` with a `$`. */
function money(value: number): string {
  const [whole = '0', cents = '00'] = value.toFixed(2).split('.');
  return `$${whole.replace(/\B(?=(\d{3})+$)/g, ',')}.${cents}`;
}

function groupShares(text: string): string {
  const [whole = '', fraction] = text.split('.');
  const grouped = whole.replace(/\B(?=(\d{3})+$)/g, ',');
  return fraction === undefined ? grouped : `${grouped}.${fraction}`;
}

function priceText(text: string): string {
  const [whole = '', fraction = ''] = text.split('.');
  return `$${groupShares(whole)}.${fraction.padEnd(2, '0')}`;
}

// The markup below is the app's, byte for byte (whitespace included), so every server sends the same
// page; run.ts checks the sizes.
function layout(title: string, csrf: string, path: string, main: string): string {
  return (
    '<!DOCTYPE html>\n<html lang="en" data-theme="light">\n  <head>\n    <meta charset="utf-8" />\n    <meta name="viewport" content="width=device-width, initial-scale=1" />\n    <link rel="stylesheet" href="/static/style.css" />\n    <link rel="icon" href="/static/favicon.svg" type="image/svg+xml" />\n    <meta name="color-scheme" content="light" />\n    <title>' +
    escapeHtml(title) +
    ' · Stock Portfolio</title>\n  </head>\n  <body>\n    <header class="site-header">\n      <a class="brand" href="/">Stock Portfolio</a>\n      <nav aria-label="Main">\n      <a href="/">Home</a>\n      <a href="/stocks">List Stocks</a>\n      <a href="/add_stock">Add Stock</a>\n      <form method="post" action="/theme" class="theme-switch">\n    <input type="hidden" name="csrf_token" value="' +
    escapeHtml(csrf) +
    '" />\n    <input type="hidden" name="theme" value="dark" />\n    <input type="hidden" name="next" value="' +
    escapeHtml(path) +
    '" />\n    <button type="submit" aria-label="Switch to the dark theme">Dark theme</button>\n  </form>\n      </nav>\n    </header>\n    <main>\n      \n      ' +
    main +
    '\n    </main>\n    <footer class="site-footer">\n    <p>Your portfolio lives only in this browser\'s signed session cookie: no account, no database.</p>\n  </footer>\n  </body>\n</html>'
  );
}

const ADD_STOCK_FORM =
  '\n    <div class="field">\n      <label for="stock_symbol">Stock Symbol</label>\n      <input id="stock_symbol" name="stock_symbol" type="text" value="" required pattern="\\s*[A-Za-z0-9.\\-]*[A-Za-z][A-Za-z0-9.\\-]*\\s*"\n        title="Enter a stock symbol of 1–10 letters, digits, &#39;.&#39; or &#39;-&#39; (for example AAPL or BRK.B)." maxlength="10" inputmode="text"\n        autocapitalize="characters" autocomplete="off" placeholder="AAPL" />\n      \n    </div><div class="field">\n      <label for="number_of_shares">Number of Shares</label>\n      <input id="number_of_shares" name="number_of_shares" type="text" value="" required pattern="\\s*(?:(?:[1-9][0-9]{0,2}(?:,[0-9]{3})+|[0-9]+)(?:\\.[0-9]+)?|\\.[0-9]+)\\s*"\n        title="Enter the number of shares in digits, with an optional decimal point (for example 15 or 2.5)." maxlength="64" inputmode="decimal"\n        autocapitalize="off" autocomplete="off" placeholder="15" />\n      \n    </div><div class="field">\n      <label for="purchase_price">Purchase Price ($)</label>\n      <input id="purchase_price" name="purchase_price" type="text" value="" required pattern="\\s*\\$?\\s*(?:(?:[1-9][0-9]{0,2}(?:,[0-9]{3})+|[0-9]+)(?:\\.[0-9]+)?|\\.[0-9]+)\\s*"\n        title="Enter the price in digits, with an optional $ (for example 302.17 or $1,234.50)." maxlength="64" inputmode="decimal"\n        autocapitalize="off" autocomplete="off" placeholder="302.17" />\n      \n    </div>\n    <button type="submit">Add Stock</button>\n  </form>\n</section>';

function addStockPage(csrf: string): string {
  return layout(
    'Add Stock',
    csrf,
    '/add_stock',
    '<section>\n  <h1>Add a Stock</h1>\n  \n  <form method="post" action="/add_stock" class="stock-form">\n    <input type="hidden" name="csrf_token" value="' +
      escapeHtml(csrf) +
      '" />' +
      ADD_STOCK_FORM,
  );
}

function stocksPage(rawCsrf: string, holdings: readonly Holding[], cookieLength: number): string {
  const csrf = escapeHtml(rawCsrf);
  let rows = '';
  let total = 0;
  for (let i = 0; i < holdings.length; i++) {
    const [rawSymbol, shares, price] = holdings[i] as Holding;
    const symbol = escapeHtml(rawSymbol);
    const cost = Number(shares) * Number(price);
    total += cost;
    rows +=
      '<tr>\n        <td>' +
      symbol +
      '</td>\n        <td class="num">' +
      escapeHtml(groupShares(shares)) +
      '</td>\n        <td class="num">' +
      escapeHtml(priceText(price)) +
      '</td>\n        <td class="num">' +
      escapeHtml(money(cost)) +
      '</td>\n        <td>\n          <form method="post" action="/stocks/' +
      String(i) +
      '/delete" class="inline">\n            <input type="hidden" name="csrf_token" value="' +
      csrf +
      '" />\n            <input type="hidden" name="symbol" value="' +
      symbol +
      '" />\n            <button type="submit" class="link" aria-label="Remove ' +
      symbol +
      '">Remove</button>\n          </form>\n        </td>\n      </tr>';
  }
  const remaining = Math.max(0, Math.floor((4093 - 130 - cookieLength) / 14));
  return layout(
    'List of Stocks',
    rawCsrf,
    '/stocks',
    '<section>\n  <h1>List of Stocks</h1>\n  <div class="table-wrap">\n    <table id="stock-table">\n    <thead>\n      <tr>\n        <th scope="col">Stock Symbol</th>\n        <th scope="col" class="num">Number of Shares</th>\n        <th scope="col" class="num">Purchase Price</th>\n        <th scope="col" class="num">Cost Basis</th>\n        <th scope="col" aria-label="Actions"></th>\n      </tr>\n    </thead>\n    <tbody>\n      ' +
      rows +
      '\n    </tbody>\n    <tfoot>\n      <tr><th scope="row" colspan="3">Total</th><td class="num">' +
      escapeHtml(money(total)) +
      '</td><td></td></tr>\n    </tfoot>\n    </table>\n  </div>\n  <p class="capacity">' +
      String(holdings.length) +
      ' holdings. About ' +
      String(remaining) +
      ' more fit in your browser&#39;s cookie.</p>\n  <div class="actions">\n    <a class="button" href="/add_stock">Add Stock</a>\n    <form method="post" action="/stocks/clear" class="inline">\n      <input type="hidden" name="csrf_token" value="' +
      csrf +
      '" />\n      <button type="submit" class="secondary">Clear portfolio</button>\n    </form>\n  </div>\n</section>',
  );
}

function simplePage(title: string, csrf: string, path: string, section: string): string {
  return layout(title, csrf, path, `<section>${section}</section>`);
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
  return (raw as unknown[]).filter(
    (h): h is Holding =>
      Array.isArray(h) &&
      h.length === 3 &&
      typeof h[0] === 'string' &&
      typeof h[1] === 'string' &&
      typeof h[2] === 'string',
  );
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

    if (req.method === 'GET' && path === '/stocks') {
      send(res, 200, stocksPage(csrf, holdingsOf(data), rawCookie?.length ?? 0), fresh);
    } else if (req.method === 'GET' && path === '/add_stock') {
      send(res, 200, addStockPage(csrf), fresh);
    } else if (req.method === 'GET' && path === '/') {
      send(res, 200, simplePage('Home', csrf, path, '<h1>Welcome to Stock Portfolio!</h1>'), fresh);
    } else if (req.method === 'GET' && path === '/about') {
      send(res, 200, simplePage('About', csrf, path, '<h1>About</h1>'), fresh);
    } else if (req.method === 'POST' && path === '/add_stock') {
      const body = await readBody(req);
      if (body === undefined)
        return send(res, 413, simplePage('Too Large', csrf, path, '<h1>Too Large</h1>'));
      const form = new URLSearchParams(body);
      const token = Buffer.from(form.get('csrf_token') ?? '');
      const expected = Buffer.from(typeof existing === 'string' ? existing : '');
      if (expected.length === 0 || token.length !== expected.length || !timingSafeEqual(token, expected)) {
        return send(res, 403, simplePage('Forbidden', csrf, path, '<h1>Forbidden</h1>'));
      }
      const symbol = (form.get('stock_symbol') ?? '').trim().toUpperCase();
      const shares = (form.get('number_of_shares') ?? '').trim();
      const price = (form.get('purchase_price') ?? '').trim().replace(/^\$/, '');
      if (!SYMBOL.test(symbol) || !AMOUNT.test(shares) || !AMOUNT.test(price)) {
        return send(res, 422, addStockPage(csrf));
      }
      const setCookie = codec.write({
        _flashes: [['success', `Added new stock (${symbol})!`]],
        _permanent: true,
        csrf_token: csrf,
        portfolio: [...holdingsOf(data), [symbol, shares, price]],
        theme: data?.['theme'] ?? 'light',
      });
      res.writeHead(302, { ...SECURITY_HEADERS, location: '/stocks', 'set-cookie': setCookie });
      res.end();
    } else {
      send(res, 404, simplePage('Page Not Found', csrf, path, '<h1>Page Not Found</h1>'));
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
