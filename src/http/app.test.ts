import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  buildTestApp,
  fieldError,
  flashes,
  formInput,
  mainText,
  recordingLogger,
  seededRandom,
  tableHeaders,
  tableRows,
  totalRow,
  TEST_SECRET_KEY,
  testConfig,
  type Client,
  type FormInput,
  TEST_TODAY as TODAY,
  visitorAtForm,
  visitorWith,
} from '../../test/support/client.js';
import { createApp, CSRF_MESSAGE, MAX_BODY_BYTES } from './app.js';
import {
  inputMessages,
  priceMessages,
  sharesMessages,
  stockFields,
  symbolMessages,
} from '../domain/stock-fields.js';
import { encodePortfolio, type Holding } from '../domain/portfolio.js';
import { urlFor } from '../web/urls.js';
import { encodeLedger } from '../domain/ledger.js';
import { ledgerMessages } from '../web/ledger-messages.js';
import { portfolioFullMessage } from '../features/stocks/routes.js';
import { CookieSessionStore, type SessionData } from 'flask-session-ts';

/** A form the app accepts: 15 AAPL at $302.17. */
const VALID = { stock_symbol: 'AAPL', number_of_shares: '15', purchase_price: '302.17' } as const;

const FORM_FIELDS = ['stock_symbol', 'number_of_shares', 'purchase_price'] as const;
type FormField = (typeof FORM_FIELDS)[number];

/** The valid form with one field replaced, or removed when `value` is undefined. */
function formWith(field: FormField, value: string | readonly string[] | undefined): FormInput {
  const others = Object.entries(VALID).filter(([name]) => name !== field);
  return Object.fromEntries(value === undefined ? others : [...others, [field, value]]);
}

/** `value` with one character of its payload changed, so that its signature no longer matches. */
function tampered(value: string): string {
  const at = 5;
  return value.slice(0, at) + (value[at] === 'A' ? 'B' : 'A') + value.slice(at + 1);
}

describe('simple pages', () => {
  it('welcomes the visitor on the index page with links to add and list stocks', async () => {
    const page = await buildTestApp().client().get(urlFor('index'));
    expect(page.status).toBe(200);
    expect(mainText(page.html)).toContain('Welcome to Stock Portfolio!');
    const main = /<main[^>]*>([\s\S]*)<\/main>/.exec(page.html)?.[1] ?? '';
    expect(main).toContain(`href="${urlFor('add_stock')}"`);
    expect(main).toContain(`href="${urlFor('list_stocks')}"`);
  });

  it('says each page’s length in bytes itself, beyond ASCII included, so the server need not measure it', async () => {
    const client = buildTestApp().client();
    for (const path of [urlFor('index'), urlFor('add_stock')]) {
      const page = await client.get(path);
      expect(page.headers.get('content-length')).toBe(String(Buffer.byteLength(page.html, 'utf8')));
    }
    // The add form's hint has a character beyond ASCII: its byte count is not its length.
    const form = await client.get(urlFor('add_stock'));
    expect(Buffer.byteLength(form.html, 'utf8')).toBeGreaterThan(form.html.length);
  });

  it('refuses to build for a server-side store that was not opened and given, saying how', () => {
    const config = testConfig({ sessionType: 'sqlite' });
    expect(() => createApp({ config, logger: recordingLogger() })).toThrow(
      /SESSION_TYPE=sqlite needs its store opened first: pass store: await createSessionStore\(config\)/,
    );
  });

  it('explains on the about page that the cookie is signed, not encrypted', async () => {
    const page = await buildTestApp().client().get(urlFor('about'));
    expect(page.status).toBe(200);
    expect(mainText(page.html)).toContain('signed, not encrypted');
  });

  it('greets with the message from the URL, escaped so it cannot become markup', async () => {
    const message = '<script>alert(1)</script>';
    const page = await buildTestApp().client().get(urlFor('hello_message', { message }));
    expect(page.status).toBe(200);
    expect(mainText(page.html)).toBe(`Welcome ${message}!`);
    expect(page.html).toContain('Welcome &lt;script&gt;alert(1)&lt;/script&gt;!');
    expect(page.html).not.toContain('<script>');
  });

  it('shows a blog post by its number', async () => {
    const page = await buildTestApp()
      .client()
      .get(urlFor('display_blog_post', { post_id: 17 }));
    expect(page.status).toBe(200);
    expect(mainText(page.html)).toContain('Blog Post #17');
  });

  it.each([
    ['0', 'Blog Post #0'],
    ['007', 'Blog Post #7'],
    [String(Number.MAX_SAFE_INTEGER), `Blog Post #${Number.MAX_SAFE_INTEGER}`],
  ])('shows blog post %s as Flask does, as %j', async (id, heading) => {
    const page = await buildTestApp().client().get(`/blog_posts/${id}`);
    expect(page.status).toBe(200);
    expect(mainText(page.html)).toContain(heading);
  });

  it.each([String(Number.MAX_SAFE_INTEGER + 1), '9'.repeat(400)])(
    'answers blog post %s, beyond a safe integer, with the 404 page (not #Infinity)',
    async (id) => {
      const page = await buildTestApp().client().get(`/blog_posts/${id}`);
      expect(page.status).toBe(404);
      expect(mainText(page.html)).toContain('Page Not Found');
      expect(page.html).not.toContain('Infinity');
    },
  );
});

describe('routing errors', () => {
  it('answers a blog post address that is not a number with the 404 page inside the layout', async () => {
    const page = await buildTestApp().client().get('/blog_posts/abc');
    expect(page.status).toBe(404);
    expect(page.html).toContain('<a class="brand" href="/">Stock Portfolio</a>');
    expect(mainText(page.html)).toContain('Page Not Found');
  });

  it('answers an unknown path with the 404 page inside the layout', async () => {
    const page = await buildTestApp().client().get('/no/such/page');
    expect(page.status).toBe(404);
    expect(page.html).toContain('<a class="brand" href="/">Stock Portfolio</a>');
    expect(mainText(page.html)).toContain('Page Not Found');
  });

  it('answers PUT on the stock list with 405 and the methods it allows', async () => {
    const page = await buildTestApp().client().request(urlFor('list_stocks'), { method: 'PUT' });
    expect(page.status).toBe(405);
    expect(page.headers.get('Allow')).toBe('GET, HEAD');
  });

  it('answers GET on a remove button’s address with 405 and Allow: POST', async () => {
    const page = await buildTestApp()
      .client()
      .get(urlFor('remove_lot', { lot_id: 1 }));
    expect(page.status).toBe(405);
    expect(page.headers.get('Allow')).toBe('POST');
  });

  it('answers a POST to an unknown path with 404', async () => {
    const client = await visitorAtForm();
    const page = await client.postForm('/no/such/form', { a: '1' });
    expect(page.status).toBe(404);
  });

  it('answers a POST without a token or a form to a read-only page with 405, not 403 or 415', async () => {
    const page = await buildTestApp()
      .client()
      .request(urlFor('about'), {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: '{}',
      });
    expect(page.status).toBe(405);
    expect(page.headers.get('Allow')).toBe('GET, HEAD');
  });

  it('answers a POST of JSON to an unknown path with 404, not 415', async () => {
    const page = await buildTestApp()
      .client()
      .request('/no/such/form', {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: '{}',
      });
    expect(page.status).toBe(404);
  });
});

describe('the add-stock form', () => {
  const fields: [FormField, string, string][] = [
    ['stock_symbol', 'Stock Symbol', 'text'],
    ['number_of_shares', 'Number of Shares', 'decimal'],
    ['purchase_price', 'Purchase Price ($)', 'decimal'],
  ];

  it.each(fields)(
    'has a required %s input labelled %j with a pattern and inputmode %s',
    async (name, label, mode) => {
      const page = await buildTestApp().client().get(urlFor('add_stock'));
      expect(page.status).toBe(200);
      expect(page.html).toContain(`<label for="${name}">${label}</label>`);
      expect(formInput(page.html, name)).toMatchObject({
        required: '',
        pattern: stockFields[name].pattern,
        inputmode: mode,
        value: '',
      });
    },
  );

  it('carries a hidden CSRF token equal to its own cookie, and writes no session cookie', async () => {
    const page = await buildTestApp().client().get(urlFor('add_stock'));
    const form =
      /<form method="post" action="\/add_stock"[^>]*>([\s\S]*?)<\/form>/.exec(page.html)?.[1] ?? '';
    const token = /<input type="hidden" name="csrf_token" value="([\w-]{43}\.[\w-]{43})" ?\/?>/.exec(
      form,
    )?.[1];
    expect(token).toBeDefined();
    expect(page.setCookies).toHaveLength(1);
    expect(page.setCookies[0]).toMatch(
      new RegExp(`^csrf=${token ?? '-'}; Expires=[^;]+; Max-Age=2678400; Path=/; HttpOnly; SameSite=Lax$`),
    );
  });
});

describe('adding a stock', () => {
  it('redirects to the stock list with a session cookie', async () => {
    const client = await visitorAtForm();
    const page = await client.postForm(urlFor('add_stock'), VALID);
    expect(page.status).toBe(302);
    expect(page.location).toBe(urlFor('list_stocks'));
    expect(page.setCookies).toHaveLength(1);
    expect(page.setCookies[0]).toMatch(/^session=[^;]+;/);
  });

  it('shows the new holding with its price, cost basis and the total', async () => {
    const client = await visitorWith([VALID]);
    const page = await client.get(urlFor('list_stocks'));
    expect(tableRows(page.html)).toEqual([['AAPL', TODAY, '15', '$302.17', '$4,532.55', 'Edit Remove']]);
    expect(totalRow(page.html).slice(0, 2)).toEqual(['Total', '$4,532.55']);
  });

  it('adds the cost bases of all holdings up in the total', async () => {
    const client = await visitorWith([
      VALID,
      { stock_symbol: 'MSFT', number_of_shares: '2.5', purchase_price: '$1,234.50' },
    ]);
    const page = await client.get(urlFor('list_stocks'));
    expect(tableRows(page.html)[1]).toEqual(['MSFT', TODAY, '2.5', '$1,234.50', '$3,086.25', 'Edit Remove']);
    expect(totalRow(page.html).slice(0, 2)).toEqual(['Total', '$7,618.80']);
  });

  it('flashes "Added new stock (AAPL)!" on the next page only', async () => {
    const client = await visitorAtForm();
    await client.postForm(urlFor('add_stock'), VALID);
    const first = await client.get(urlFor('list_stocks'));
    expect(flashes(first.html)).toEqual([['success', 'Added new stock (AAPL)!']]);
    const second = await client.get(urlFor('list_stocks'));
    expect(flashes(second.html)).toEqual([]);
  });

  it('adds a row for every submit, even of the same stock', async () => {
    const client = await visitorWith([VALID, VALID]);
    const page = await client.get(urlFor('list_stocks'));
    expect(tableRows(page.html).map((row) => row[0])).toEqual(['AAPL', 'AAPL']);
  });

  it('lists positions by symbol, and each symbol’s lots in the order they were added', async () => {
    const client = await visitorWith([
      { ...VALID, stock_symbol: 'MSFT', number_of_shares: '1' },
      { ...VALID, stock_symbol: 'AAPL' },
      { ...VALID, stock_symbol: 'MSFT', number_of_shares: '2' },
      { ...VALID, stock_symbol: 'BRK.B' },
    ]);
    const page = await client.get(urlFor('list_stocks'));
    expect(tableRows(page.html).map((row) => [row[0], row[2]])).toEqual([
      ['AAPL', '15'],
      ['BRK.B', '15'],
      ['MSFT', '1'],
      ['MSFT', '2'],
    ]);
  });
});

describe('add-stock input rules', () => {
  /** Posts the valid form with one field replaced; expects it accepted and returns the stored triple and the row. */
  async function accept(field: FormField, value: string) {
    const client = await visitorAtForm();
    const post = await client.postForm(urlFor('add_stock'), formWith(field, value));
    expect(post.status, mainText(post.html)).toBe(302);
    const stored = client.decodeSession()['portfolio'];
    const row = tableRows((await client.get(urlFor('list_stocks'))).html)[0];
    return { stored, row };
  }

  /** Posts the valid form with one field replaced; expects 422 and returns the messages of all fields. */
  async function refuse(field: FormField, value: string | readonly string[] | undefined) {
    const client = await visitorAtForm();
    const page = await client.postForm(urlFor('add_stock'), formWith(field, value));
    expect(page.status).toBe(422);
    return Object.fromEntries(FORM_FIELDS.map((name) => [name, fieldError(page.html, name)]));
  }

  it.each([
    ['AAPL', 'AAPL'],
    ['brk.b', 'BRK.B'],
    ['BF-B', 'BF-B'],
    [' msft ', 'MSFT'],
  ])('accepts the symbol %j as %s', async (input, symbol) => {
    const { stored, row } = await accept('stock_symbol', input);
    expect(stored).toEqual([[symbol, '15', '302.17', TODAY, 1]]);
    expect(row?.[0]).toBe(symbol);
  });

  it.each([
    ['', symbolMessages.required],
    ['   ', symbolMessages.required],
    ['ABCDEFGHIJK', symbolMessages.invalid],
    ['123', symbolMessages['no-letter']],
    ['AA PL', symbolMessages.invalid],
    ['AAPL!', symbolMessages.invalid],
    ['ÅAPL', symbolMessages.invalid],
    ['<b>', symbolMessages.invalid],
  ])('refuses the symbol %j with %j', async (input, message) => {
    expect(await refuse('stock_symbol', input)).toEqual({
      stock_symbol: message,
      number_of_shares: undefined,
      purchase_price: undefined,
    });
  });

  it.each([
    ['15', '15', '15'],
    ['0.5', '0.5', '0.5'],
    ['1.2345', '1.2345', '1.2345'],
    ['1,000', '1000', '1,000'],
    ['1000000000', '1000000000', '1,000,000,000'],
  ])('accepts %j shares, stored as %s and shown as %s', async (input, shares, shown) => {
    const { stored, row } = await accept('number_of_shares', input);
    expect(stored).toEqual([['AAPL', shares, '302.17', TODAY, 1]]);
    expect(row?.[2]).toBe(shown);
  });

  it.each<[string, string, string | readonly string[] | undefined]>([
    ['0', sharesMessages['not-positive'], '0'],
    ['-1', sharesMessages['not-positive'], '-1'],
    ['1.23456', sharesMessages['too-many-decimals'], '1.23456'],
    ['1e3', sharesMessages.invalid, '1e3'],
    ['0x10', sharesMessages.invalid, '0x10'],
    ['NaN', sharesMessages.invalid, 'NaN'],
    ['Infinity', sharesMessages.invalid, 'Infinity'],
    ['1000000000.0001', sharesMessages['too-large'], '1000000000.0001'],
    ['an empty field', sharesMessages.required, ''],
    ['a missing field', sharesMessages.required, undefined],
    ['a repeated field', inputMessages.repeated, ['15', '16']],
  ])('refuses %s as the number of shares with %j', async (_case, message, value) => {
    expect(await refuse('number_of_shares', value)).toEqual({
      stock_symbol: undefined,
      number_of_shares: message,
      purchase_price: undefined,
    });
  });

  it.each([
    ['302.17', '302.17', '$302.17'],
    ['$1,234.50', '1234.5', '$1,234.50'],
    ['0.0001', '0.0001', '$0.0001'],
    ['1000000', '1000000', '$1,000,000.00'],
  ])('accepts the price %j, stored as %s and shown as %s', async (input, price, shown) => {
    const { stored, row } = await accept('purchase_price', input);
    expect(stored).toEqual([['AAPL', '15', price, TODAY, 1]]);
    expect(row?.[3]).toBe(shown);
  });

  it.each([
    ['0', priceMessages['not-positive']],
    ['$-5', priceMessages['not-positive']],
    ['1000000.01', priceMessages['too-large']],
    ['1.23456', priceMessages['too-many-decimals']],
    ['abc', priceMessages.invalid],
    ['1e309', priceMessages.invalid],
  ])('refuses the price %j with %j', async (input, message) => {
    expect(await refuse('purchase_price', input)).toEqual({
      stock_symbol: undefined,
      number_of_shares: undefined,
      purchase_price: message,
    });
  });
});

describe('an invalid add-stock form', () => {
  const BAD = { stock_symbol: '<b>', number_of_shares: '1,0', purchase_price: 'abc' } as const;

  it('keeps the entered values in the inputs, escaped', async () => {
    const client = await visitorAtForm();
    const page = await client.postForm(urlFor('add_stock'), BAD);
    expect(page.status).toBe(422);
    for (const name of FORM_FIELDS) expect(formInput(page.html, name)?.['value'], name).toBe(BAD[name]);
    expect(page.html).not.toContain('<b>');
  });

  it('shows a message beside each bad field, linked to its input', async () => {
    const client = await visitorAtForm();
    const page = await client.postForm(urlFor('add_stock'), BAD);
    for (const name of FORM_FIELDS) {
      expect(fieldError(page.html, name), name).toEqual(expect.any(String));
      expect(formInput(page.html, name), name).toMatchObject({
        'aria-invalid': 'true',
        'aria-describedby': `${name}-error`,
      });
    }
  });

  it('leaves the session as it was: no Set-Cookie, same data', async () => {
    const client = await visitorWith([VALID]);
    const before = client.decodeSession();
    const page = await client.postForm(urlFor('add_stock'), BAD);
    expect(page.status).toBe(422);
    expect(page.setCookies).toEqual([]);
    expect(client.decodeSession()).toEqual(before);
  });
});

describe('the stock list', () => {
  it('invites a visitor with an empty portfolio to add a stock', async () => {
    const page = await buildTestApp().client().get(urlFor('list_stocks'));
    expect(page.status).toBe(200);
    expect(mainText(page.html)).toContain('Your portfolio is empty.');
    expect(page.html).toContain(`<a class="button" href="${urlFor('add_stock')}">Add your first stock</a>`);
    expect(page.html).not.toContain('id="positions-table"');
  });

  it('shows holdings in a table with a header row', async () => {
    const client = await visitorWith([VALID]);
    const page = await client.get(urlFor('list_stocks'));
    expect(tableHeaders(page.html)).toEqual([
      'Symbol ▲',
      'Shares',
      'Average Cost',
      'Cost Basis',
      'Current Price',
      'Market Value',
      'Gain/Loss',
      'Return',
    ]);
  });

  it('names the session cookie after SESSION_COOKIE_NAME', async () => {
    const client = buildTestApp({ config: { sessionCookieName: 'flask_sid' } }).client();
    await client.get(urlFor('add_stock'));
    const post = await client.postForm(urlFor('add_stock'), VALID);
    expect(post.status).toBe(302);
    expect(post.setCookies.filter((header) => /^flask_sid=[^;]+;/.test(header))).toHaveLength(1);
    expect(post.setCookies.filter((header) => header.startsWith('session='))).toEqual([]);
  });

  it('says how many more holdings fit in the cookie', async () => {
    const client = await visitorWith([VALID]);
    const page = await client.get(urlFor('list_stocks'));
    const remaining = /About (\d+) more fit in your browser's cookie\./.exec(mainText(page.html))?.[1];
    // Counted in the longest holdings the form accepts, so it is a floor for typical ones.
    expect(Number(remaining)).toBeGreaterThan(20);
  });

  it('re-sends a non-permanent session from Flask as permanent, and still says how many more fit', async () => {
    const t = buildTestApp();
    // A session as a Flask service (non-permanent, Flask's defaults) writes it with the same key.
    const flaskLike = new CookieSessionStore({ secretKey: TEST_SECRET_KEY, cookie: { secure: false } });
    const { session } = flaskLike.open(undefined);
    session.set('portfolio', encodePortfolio([{ symbol: 'AAPL', shares: '15', price: '302.17' }]));
    const action = flaskLike.commit(session);
    if (action.kind !== 'set') throw new Error('expected a cookie');
    const res = await t.app.request(urlFor('list_stocks'), {
      headers: { Cookie: action.header.split(';')[0] ?? '' },
    });
    // The app saves every session as permanent, so this page re-sends it with _permanent and Expires.
    const sent = res.headers.getSetCookie().find((header) => header.startsWith('session=')) ?? '';
    expect(sent).toContain('; Expires=');
    // The hint is measured on the session as it will be sent (src/session/capacity.test.ts holds it
    // to its promise: the next add succeeds whenever it says one more fits).
    const remaining = /About (\d+) more fit in your browser's cookie\./.exec(mainText(await res.text()))?.[1];
    expect(Number(remaining)).toBeGreaterThan(0);
  });
});

describe('removing holdings', () => {
  const TWO = [VALID, { ...VALID, stock_symbol: 'MSFT' }] as const;

  it('removes the lot with that id, and offers to undo it', async () => {
    const client = await visitorWith(TWO);
    const post = await client.postForm(urlFor('remove_lot', { lot_id: 1 }));
    expect(post.status).toBe(302);
    expect(post.location).toBe(urlFor('list_stocks'));
    const page = await client.get(urlFor('list_stocks'));
    expect(tableRows(page.html).map((row) => row[0])).toEqual(['MSFT']);
    expect(mainText(page.html)).toContain('Removed AAPL (15 shares at $302.17). Undo: put AAPL back');
  });

  it.each([
    [
      'an id no lot has (removed in another tab)',
      urlFor('remove_lot', { lot_id: 3 }),
      ledgerMessages.lotGone,
    ],
    ['an id with a leading zero', '/lots/01/remove', ledgerMessages.lotGone],
    ['an old page’s index URL', urlFor('delete_stock', { index: 0 }), ledgerMessages.stalePage],
  ])('removes nothing for %s and flashes an error', async (_case, url, message) => {
    const client = await visitorWith(TWO);
    const post = await client.postForm(url);
    expect(post.status).toBe(302);
    expect(post.location).toBe(urlFor('list_stocks'));
    const page = await client.get(urlFor('list_stocks'));
    expect(tableRows(page.html).map((row) => row[0])).toEqual(['AAPL', 'MSFT']);
    expect(flashes(page.html)).toEqual([['error', message]]);
  });

  it('clears the whole portfolio once confirmed, with a flash', async () => {
    const client = await visitorWith(TWO);
    const post = await client.postForm(urlFor('clear_stocks'), { confirm: 'yes' });
    expect(post.status).toBe(302);
    expect(post.location).toBe(urlFor('list_stocks'));
    const page = await client.get(urlFor('list_stocks'));
    expect(mainText(page.html)).toContain('Your portfolio is empty.');
    expect(flashes(page.html)).toEqual([['info', 'Your portfolio is now empty.']]);
  });
});

describe('the theme switch', () => {
  it('redirects back to the page given in next', async () => {
    const client = await visitorAtForm();
    const post = await client.postForm(urlFor('set_theme'), { theme: 'dark', next: urlFor('list_stocks') });
    expect(post.status).toBe(302);
    expect(post.location).toBe(urlFor('list_stocks'));
  });

  it('renders later pages in the chosen theme', async () => {
    const client = await visitorAtForm();
    await client.postForm(urlFor('set_theme'), { theme: 'dark', next: urlFor('list_stocks') });
    const page = await client.get(urlFor('about'));
    expect(page.html).toContain('<html lang="en" data-theme="dark">');
  });

  it.each(['//evil.example', '/\\evil.example', 'https://evil.example/', 'javascript:alert(1)', '/a\r\nb'])(
    'redirects to the home page instead of to next=%j',
    async (next) => {
      const client = await visitorAtForm();
      const post = await client.postForm(urlFor('set_theme'), { theme: 'dark', next });
      expect(post.status).toBe(302);
      expect(post.location).toBe(urlFor('index'));
    },
  );

  it('flashes an error for an unknown theme and keeps the current one', async () => {
    const client = await visitorAtForm();
    const post = await client.postForm(urlFor('set_theme'), { theme: 'purple', next: urlFor('about') });
    expect(post.location).toBe(urlFor('about'));
    const page = await client.get(urlFor('about'));
    expect(flashes(page.html)).toEqual([['error', 'Unknown theme. Choose light or dark.']]);
    // Still none chosen: the browser's preference decides.
    expect(page.html).toContain('<html lang="en">');
  });
});

describe('CSRF protection', () => {
  it('refuses a form without a token with 403 and the explanation', async () => {
    const client = await visitorAtForm();
    const page = await client.postForm(urlFor('add_stock'), VALID, { csrf: false });
    expect(page.status).toBe(403);
    expect(mainText(page.html)).toContain(CSRF_MESSAGE);
  });

  it('leaves the session as it was when it refuses a form', async () => {
    const client = await visitorWith([VALID]);
    const before = client.decodeSession();
    const page = await client.postForm(urlFor('clear_stocks'), {}, { csrf: false });
    expect(page.status).toBe(403);
    expect(page.setCookies).toEqual([]);
    expect(client.decodeSession()).toEqual(before);
  });

  it('refuses a wrong token', async () => {
    const client = await visitorAtForm();
    const wrong = randomBytes(32).toString('base64url');
    const page = await client.postForm(urlFor('add_stock'), { ...VALID, csrf_token: wrong }, { csrf: false });
    expect(page.status).toBe(403);
  });

  it('refuses the token of another visitor', async () => {
    const t = buildTestApp();
    const other = await visitorAtForm(t);
    const client = await visitorAtForm(t);
    const page = await client.postForm(
      urlFor('add_stock'),
      { ...VALID, csrf_token: other.csrfToken ?? '' },
      { csrf: false },
    );
    expect(page.status).toBe(403);
  });

  it.each(['cross-site', 'same-site'])('refuses a valid token sent with Sec-Fetch-Site: %s', async (site) => {
    const client = await visitorAtForm();
    const page = await client.postForm(urlFor('add_stock'), VALID, { headers: { 'Sec-Fetch-Site': site } });
    expect(page.status).toBe(403);
  });

  it.each(['http://evil.example', 'null'])('refuses a valid token sent with Origin: %s', async (origin) => {
    const client = await visitorAtForm();
    const page = await client.postForm(urlFor('add_stock'), VALID, {
      headers: { Host: 'localhost', Origin: origin },
    });
    expect(page.status).toBe(403);
  });

  // app.request builds http://localhost/… URLs but sends no Host header, which every HTTP/1.1
  // client does and the Origin check compares with; so the test sends the Host a browser would.
  it('accepts a valid token sent with a same-origin Origin', async () => {
    const client = await visitorAtForm();
    const page = await client.postForm(urlFor('add_stock'), VALID, {
      headers: { Host: 'localhost', Origin: 'http://localhost', 'Sec-Fetch-Site': 'same-origin' },
    });
    expect(page.status).toBe(302);
  });
});

describe('request bodies', () => {
  it('answers a JSON body on the add-stock form with 415', async () => {
    const client = await visitorAtForm();
    const page = await client.request(urlFor('add_stock'), {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ ...VALID, csrf_token: client.csrfToken }),
    });
    expect(page.status).toBe(415);
  });

  it('answers a body over 16 KiB with 413', async () => {
    const client = await visitorAtForm();
    const page = await client.postForm(urlFor('add_stock'), { ...VALID, note: 'x'.repeat(MAX_BODY_BYTES) });
    expect(MAX_BODY_BYTES).toBe(16 * 1024);
    expect(page.status).toBe(413);
  });

  it('accepts a body just under 16 KiB', async () => {
    const client = await visitorAtForm();
    const page = await client.postForm(urlFor('add_stock'), {
      ...VALID,
      note: 'x'.repeat(MAX_BODY_BYTES - 200),
    });
    expect(page.status).toBe(302);
  });
});

const EARLIER_HEADERS = [
  'cross-origin-opener-policy',
  'cross-origin-resource-policy',
  'origin-agent-cluster',
  'strict-transport-security',
  'x-dns-prefetch-control',
  'x-download-options',
  'x-frame-options',
  'x-permitted-cross-domain-policies',
  'x-xss-protection',
];

describe('security headers', () => {
  it('sends a Content-Security-Policy that allows only this site and no inline code', async () => {
    const page = await buildTestApp().client().get(urlFor('index'));
    const csp = page.headers.get('Content-Security-Policy') ?? '';
    expect(csp).toContain("default-src 'self'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).not.toContain('unsafe-inline');
  });

  it('sends X-Content-Type-Options: nosniff and Referrer-Policy: same-origin', async () => {
    const page = await buildTestApp().client().get(urlFor('index'));
    expect(page.headers.get('X-Content-Type-Options')).toBe('nosniff');
    expect(page.headers.get('Referrer-Policy')).toBe('same-origin');
  });

  it('keeps every other security header it sent before Permissions-Policy was added', async () => {
    const page = await buildTestApp().client().get(urlFor('index'));
    expect(Object.fromEntries([...page.headers].filter(([name]) => EARLIER_HEADERS.includes(name)))).toEqual({
      'cross-origin-opener-policy': 'same-origin',
      'cross-origin-resource-policy': 'same-origin',
      'origin-agent-cluster': '?1',
      'strict-transport-security': 'max-age=15552000; includeSubDomains',
      'x-dns-prefetch-control': 'off',
      'x-download-options': 'noopen',
      'x-frame-options': 'DENY',
      'x-permitted-cross-domain-policies': 'none',
      'x-xss-protection': '0',
    });
  });

  it('denies, with Permissions-Policy, the browser features the app never uses', async () => {
    const page = await buildTestApp().client().get(urlFor('index'));
    const directives = (page.headers.get('Permissions-Policy') ?? '').split(', ');
    for (const feature of [
      'camera',
      'microphone',
      'geolocation',
      'payment',
      'usb',
      'serial',
      'browsing-topics',
    ]) {
      expect(directives).toContain(`${feature}=()`);
    }
    // Every feature is denied outright, and the obsolete FLoC name is not sent.
    expect(directives.every((directive) => directive.endsWith('=()'))).toBe(true);
    expect(directives.some((directive) => directive.startsWith('interest-cohort'))).toBe(false);
  });

  it('marks pages built from the session as private: Cache-Control: no-store and Vary: Cookie', async () => {
    const page = await buildTestApp().client().get(urlFor('list_stocks'));
    expect(page.headers.get('Cache-Control')).toBe('no-store');
    expect(page.headers.get('Vary')).toContain('Cookie');
  });

  it('serves the stylesheet as text/css without touching the session', async () => {
    const client = await visitorWith([VALID]);
    const page = await client.get(urlFor('static_file', { filename: 'style.css' }));
    expect(page.status).toBe(200);
    expect(page.headers.get('Content-Type')).toMatch(/^text\/css\b/);
    expect(page.setCookies).toEqual([]);
    expect(page.headers.get('Vary')).toBeNull();
  });

  it('answers a missing static file with the 404 page inside the layout', async () => {
    const test = buildTestApp();
    const page = await test.client().get(urlFor('static_file', { filename: 'missing.css' }));
    expect(page.status).toBe(404);
    expect(page.html).toContain('Page Not Found');
    expect(page.html).toContain('Stock Portfolio');
    expect(test.logger.lines.filter((line) => line.level === 'error')).toEqual([]);
  });
});

/** Random but repeatable holdings: 4-letter symbols, 1–5000 shares (some fractional), $1.00–$2000.00. */
function randomHoldings(count: number, seed: number): Holding[] {
  const random = seededRandom(seed);
  const below = (n: number) => Math.floor(random() * n);
  return Array.from({ length: count }, () => {
    const symbol = Array.from({ length: 4 }, () => String.fromCharCode(65 + below(26))).join('');
    // Fraction digits end in 1–9, so each string is already canonical.
    const fraction = below(3) === 0 ? `.${String(below(100))}${String(1 + below(9))}` : '';
    const cents = 100 + below(199_901);
    return {
      symbol,
      shares: `${String(1 + below(5000))}${fraction}`,
      price: `${String(Math.floor(cents / 100))}.${String(cents % 100).padStart(2, '0')}`,
    };
  });
}

const groupThousands = (digits: string) => digits.replace(/\B(?=(\d{3})+$)/g, ',');

/** Whether a session holding `data` fits in the app's cookie. */
function fitsInCookie(store: CookieSessionStore, data: SessionData): boolean {
  const { session } = store.open(undefined);
  for (const [key, value] of Object.entries(data)) session.set(key, value);
  const action = store.commit(session);
  if (action.kind === 'too-large') return false;
  expect(action.kind).toBe('set');
  return true;
}

describe('a portfolio at the cookie limit', () => {
  /** A visitor holding as many holdings as the cookie can take, built directly with the app's key. */
  async function fullVisitor() {
    const t = buildTestApp();
    const holdings = randomHoldings(600, 20261125);
    // A token of the app's own format, so loading the form does not replace it and grow the cookie.
    const csrf_token = randomBytes(32).toString('base64url');
    // Lots with ids, as this app writes them. (A full cookie from before ids cannot take a removal:
    // storing ids for the lots left costs more than the lot removed frees.)
    const dataWith = (n: number) => ({
      csrf_token,
      portfolio: encodeLedger({
        lots: holdings.slice(0, n).map((h, i) => ({ ...h, id: i + 1 })),
        sales: [],
        nextId: n + 1,
      }).portfolio,
      next_id: n + 1,
    });
    let count = 0;
    while (fitsInCookie(t.store, dataWith(count + 1))) count++;
    expect(count).toBeLessThan(holdings.length);
    const client = t.client();
    client.setSession(dataWith(count));
    const form = await client.get(urlFor('add_stock'));
    expect(form.status).toBe(200);
    return { client, count, symbols: holdings.slice(0, count).map((h) => h.symbol) };
  }

  it('refuses one more holding with 422, the portfolio-full message and no Set-Cookie', async () => {
    const { client, count } = await fullVisitor();
    const page = await client.postForm(urlFor('add_stock'), VALID);
    expect(page.status).toBe(422);
    expect(mainText(page.html)).toContain(portfolioFullMessage(count));
    expect(page.setCookies).toEqual([]);
  });

  /** The first column of every page of positions: a full cookie holds more than one page (100). */
  async function listedSymbols(client: Client): Promise<string[]> {
    const symbols: string[] = [];
    for (let page = 1; ; page++) {
      const list = await client.get(`${urlFor('list_stocks')}${page === 1 ? '' : `?page=${page}`}`);
      if (list.status === 404) return symbols;
      symbols.push(...tableRows(list.html).map((row) => row[0] ?? ''));
    }
  }

  it('keeps every holding saved before a refused add', async () => {
    const { client, symbols } = await fullVisitor();
    await client.postForm(urlFor('add_stock'), VALID);
    const page = await client.get(urlFor('list_stocks'));
    expect(page.status).toBe(200);
    expect(await listedSymbols(client)).toEqual([...symbols].sort());
  });

  // BUG: at the limit, Remove answers 422 "Session Full … Remove a holding and try again" and
  // removes nothing: the "Removed …" flash it queues outweighs the holding it drops, and the
  // route saves without store.update. Only "Clear portfolio" still works.
  it('removes a holding from a full portfolio', async () => {
    const { client, symbols } = await fullVisitor();
    const post = await client.postForm(urlFor('remove_lot', { lot_id: 1 }));
    expect(post.status).toBe(302);
    expect(await listedSymbols(client)).toEqual(symbols.slice(1).sort());
  });

  it('holds 100 random holdings added through the form', async () => {
    const holdings = randomHoldings(100, 42);
    const client = await visitorWith(
      holdings.map((h) => ({ stock_symbol: h.symbol, number_of_shares: h.shares, purchase_price: h.price })),
    );
    const page = await client.get(urlFor('list_stocks'));
    const shown = (amount: string) => {
      const [whole = '', fraction] = amount.split('.');
      return groupThousands(whole) + (fraction === undefined ? '' : `.${fraction}`);
    };
    const bySymbol = [...holdings].sort((a, b) => (a.symbol < b.symbol ? -1 : a.symbol > b.symbol ? 1 : 0));
    expect(tableRows(page.html).map((row) => [row[0], row[2], row[3]])).toEqual(
      bySymbol.map((h) => [h.symbol, shown(h.shares), `$${shown(h.price)}`]),
    );
  });
});

describe('unexpected errors', () => {
  function appWithBrokenRoute(production: boolean) {
    const t = buildTestApp({ config: { production } });
    t.app.get('/boom', () => {
      throw new Error('kaboom: the test route failed');
    });
    return t;
  }

  it('answers with a 500 page inside the layout', async () => {
    const page = await appWithBrokenRoute(false).client().get('/boom');
    expect(page.status).toBe(500);
    expect(page.html).toContain('<a class="brand" href="/">Stock Portfolio</a>');
    expect(mainText(page.html)).toContain('Something Went Wrong');
  });

  it('shows the error in development, to help whoever is debugging', async () => {
    const page = await appWithBrokenRoute(false).client().get('/boom');
    expect(mainText(page.html)).toContain('kaboom: the test route failed');
  });

  it('shows no error detail or stack trace in production', async () => {
    const page = await appWithBrokenRoute(true).client().get('/boom');
    expect(page.status).toBe(500);
    expect(page.html).not.toContain('kaboom');
    expect(page.html).not.toMatch(/\bat \S+ \(|\.tsx?:\d+/);
  });

  it('logs the error with its stack', async () => {
    const t = appWithBrokenRoute(true);
    await t.client().get('/boom');
    const line = t.logger.lines.find((l) => l.level === 'error');
    expect(line?.message).toBe('Unhandled error on GET /boom');
    expect(line?.error).toBeInstanceOf(Error);
    expect(t.logger.text()).toContain('kaboom: the test route failed');
  });
});

describe('logging', () => {
  it('never logs the secret key or a cookie value, even with debug on', async () => {
    const t = buildTestApp({ config: { debug: true } });
    t.app.get('/boom', () => {
      throw new Error('kaboom');
    });
    const client = await visitorWith([VALID], t);
    await client.postForm(urlFor('add_stock'), { ...VALID, number_of_shares: '-1' });
    await client.postForm(urlFor('add_stock'), VALID, { csrf: false });
    await client.postForm(urlFor('set_theme'), { theme: 'dark', next: urlFor('index') });
    await client.get('/boom');
    const forged = tampered(client.sessionCookie ?? '');
    client.setSessionCookie(forged);
    await client.get(urlFor('list_stocks'));

    const log = t.logger.text();
    expect(t.logger.lines.filter((l) => l.level === 'debug').length).toBeGreaterThan(1);
    const secrets = [t.config.secretKey, client.csrfToken ?? '', forged, ...client.sessionCookieHistory];
    expect(secrets.length).toBeGreaterThan(4);
    for (const secret of secrets) {
      expect(secret.length).toBeGreaterThan(20);
      expect(log).not.toContain(secret);
    }
  });

  it('logs the submitted add-stock fields with debug on, but not the CSRF token', async () => {
    const t = buildTestApp({ config: { debug: true } });
    const client = await visitorAtForm(t);
    await client.postForm(urlFor('add_stock'), { ...VALID, stock_symbol: 'ZZTOP' });
    const line = t.logger.lines.find((l) => l.level === 'debug' && l.message.includes('ZZTOP'));
    expect(line?.message).toContain('"number_of_shares":"15"');
    expect(line?.message).not.toContain('csrf_token');
    expect(line?.message).not.toContain(client.csrfToken ?? '<no token>');
  });
});

describe('a tampered session cookie', () => {
  it('shows an empty portfolio with status 200', async () => {
    const client = await visitorWith([VALID]);
    client.setSessionCookie(tampered(client.sessionCookie ?? ''));
    const page = await client.get(urlFor('list_stocks'));
    expect(page.status).toBe(200);
    expect(mainText(page.html)).toContain('Your portfolio is empty.');
  });
});
