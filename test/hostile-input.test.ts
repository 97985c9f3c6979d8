/**
 * Hostile form input through the whole app: every value of test/fixtures/bad-inputs.json is posted
 * to /add_stock, with a valid CSRF token and the other fields valid, as a URL-encoded form and as
 * multipart. Each must give 422 with the right message beside the right field, leave the session
 * as it was, and never come back as markup. Then the shape of the request itself: too big (413),
 * not a form (415), a form that cannot be parsed (400).
 */
import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { MAX_BODY_BYTES, createApp } from '../src/http/app.js';
import type { Config } from '../src/platform/config.js';
import {
  dateMessages,
  FIELD_NAMES,
  inputMessages,
  priceMessages,
  sharesMessages,
  symbolMessages,
  type FieldName,
} from '../src/domain/stock-fields.js';
import { accessLine, type Logger } from '../src/platform/logging.js';
import { SessionSerializer, type SessionData } from 'flask-session-ts';
import { testConfig } from './support/client.js';

const SECRET_KEY = 'test-secret-hostile-input-5c1d8e2a';

const config: Config = testConfig({ secretKey: SECRET_KEY });

// ---------------------------------------------------------------------------------------------
// The corpus, checked on load so that a typo in the JSON fails here rather than passing silently.

const fieldName = z.enum(FIELD_NAMES);
const entrySchema = z
  .object({
    note: z.string().min(1),
    field: fieldName,
    value: z.union([z.string(), z.null(), z.array(z.string()).min(2)]),
    repeat: z.number().int().positive().optional(),
    expect: z.string(),
  })
  .strict();
const corpusSchema = z
  .object({
    description: z.string(),
    valid: z.object({
      stock_symbol: z.string(),
      number_of_shares: z.string(),
      purchase_price: z.string(),
      purchase_date: z.string(),
    }),
    entries: z.array(entrySchema).min(60),
  })
  .strict();

type Entry = z.infer<typeof entrySchema>;

const corpus = corpusSchema.parse(
  JSON.parse(readFileSync(new URL('./fixtures/bad-inputs.json', import.meta.url), 'utf8')),
);

const SHARED_MESSAGES: ReadonlyMap<string, string> = new Map(Object.entries(inputMessages));
const FIELD_MESSAGES: Readonly<Record<FieldName, ReadonlyMap<string, string>>> = {
  stock_symbol: new Map(Object.entries(symbolMessages)),
  number_of_shares: new Map(Object.entries(sharesMessages)),
  purchase_price: new Map(Object.entries(priceMessages)),
  purchase_date: new Map(Object.entries(dateMessages)),
};

/** The message an entry expects, from the app's own message objects (one source of truth). */
function expectedMessage(entry: Entry): string {
  const message = SHARED_MESSAGES.get(entry.expect) ?? FIELD_MESSAGES[entry.field].get(entry.expect);
  if (message === undefined) throw new Error(`No message "${entry.expect}" for ${entry.field}`);
  return message;
}

/** The value(s) sent: none for a missing field, several for a repeated one. */
function sentValues(entry: Entry): string[] {
  if (entry.value === null) return [];
  if (Array.isArray(entry.value)) return entry.value;
  return [entry.value.repeat(entry.repeat ?? 1)];
}

const label = (entry: Entry) => `${entry.field}: ${entry.note}`;

// ---------------------------------------------------------------------------------------------
// One app, and a visitor whose session already holds a holding and a CSRF token.

const logged: string[] = [];
const errors: string[] = [];
const logger: Logger = {
  info: (message) => logged.push(message),
  debug: (message) => logged.push(message),
  debugEnabled: true,
  error: (message, error) => errors.push(`${message} ${error instanceof Error ? error.stack : ''}`),
  access: (entry) => logged.push(accessLine(entry)),
  forRequest: () => logger,
};
const app = createApp({ config, logger });
const serializer = new SessionSerializer([SECRET_KEY]);

/** `name=value` of the response's session cookie, if it sent one. */
function sessionCookieOf(res: Response): string | undefined {
  const line = res.headers.getSetCookie().find((header) => header.startsWith('session='));
  return line?.slice(0, line.indexOf(';'));
}

function decode(cookie: string): SessionData {
  return serializer.loads(cookie.slice('session='.length)).data;
}

function csrfTokenOf(html: string): string {
  const token = /<input[^>]*name="csrf_token"[^>]*value="([^"]+)"/.exec(html)?.[1];
  if (token === undefined) throw new Error('No csrf_token field in the page');
  return token;
}

let cookie = '';
/** The session cookie alone, as `session=…`. */
let sessionCookie = '';
let token = '';
let sessionBefore: SessionData = {};

beforeAll(async () => {
  const form = await app.request('/add_stock');
  // The form's token comes with a cookie of its own (a signed double submit), not in the session.
  const csrfCookie = form.headers.getSetCookie().find((header) => header.startsWith('csrf='));
  if (csrfCookie === undefined) throw new Error('GET /add_stock sent no CSRF cookie');
  const csrfPair = csrfCookie.slice(0, csrfCookie.indexOf(';'));
  token = csrfTokenOf(await form.text());
  const added = await app.request('/add_stock', {
    method: 'POST',
    headers: { Cookie: csrfPair },
    body: new URLSearchParams({
      csrf_token: token,
      stock_symbol: 'AAPL',
      number_of_shares: '15',
      purchase_price: '302.17',
    }),
  });
  expect(added.status).toBe(302);
  const withHolding = sessionCookieOf(added);
  if (withHolding === undefined) throw new Error('POST /add_stock sent no session cookie');
  // Show the list once, so the "Added" flash is consumed and nothing is pending in the session.
  const list = await app.request('/stocks', { headers: { Cookie: `${csrfPair}; ${withHolding}` } });
  expect(list.status).toBe(200);
  const session = sessionCookieOf(list) ?? withHolding;
  sessionBefore = decode(session);
  expect(sessionBefore).toMatchObject({
    portfolio: [['AAPL', '15', '302.17', expect.stringMatching(/^\d{4}-\d{2}-\d{2}$/), 1]],
  });
  sessionCookie = session;
  cookie = `${csrfPair}; ${session}`;
});

/** The URL-encoded body: the entry's field as the entry says, the others valid. */
function urlEncodedBody(entry: Entry): URLSearchParams {
  const body = new URLSearchParams({ csrf_token: token });
  for (const name of FIELD_NAMES) {
    for (const value of name === entry.field ? sentValues(entry) : [corpus.valid[name]])
      body.append(name, value);
  }
  return body;
}

/** The same fields as multipart/form-data. */
function multipartBody(entry: Entry): FormData {
  const body = new FormData();
  for (const [name, value] of urlEncodedBody(entry)) body.append(name, value);
  return body;
}

const ENTITIES: Readonly<Record<string, string>> = { amp: '&', lt: '<', gt: '>', quot: '"', '#39': "'" };
const unescapeHtml = (text: string) =>
  text.replace(/&(amp|lt|gt|quot|#39);/g, (_, name: string) => ENTITIES[name] ?? '');

/** Every field message on the page, by field. */
function fieldErrors(html: string): Record<string, string> {
  const found: Record<string, string> = {};
  for (const [, field = '', message = ''] of html.matchAll(
    /<p class="field-error" id="([a-z_]+)-error">([^<]*)<\/p>/g,
  )) {
    found[field] = unescapeHtml(message);
  }
  return found;
}

async function expectRefused(entry: Entry, res: Response): Promise<void> {
  const html = await res.text();
  expect(res.status).toBe(422);
  // The message, beside the targeted field only (the other fields were valid).
  expect(fieldErrors(html)).toEqual({ [entry.field]: expectedMessage(entry) });
  expect(html).toMatch(new RegExp(`<input[^>]*id="${entry.field}"[^>]*aria-invalid="true"`));
  // Nothing was saved: no cookie sent, so the browser keeps the session it had.
  expect(sessionCookieOf(res)).toBeUndefined();
  expect(decode(sessionCookieOf(res) ?? sessionCookie)).toEqual(sessionBefore);
  // Visitor text never comes back as markup.
  for (const value of sentValues(entry)) {
    if (/[<>"'&]/.test(value)) expect(html).not.toContain(value);
  }
  expect(html).not.toMatch(/<(script|img|svg)\b/i);
  expect(errors).toEqual([]);
}

describe('the bad-inputs corpus', () => {
  it('has at least 60 entries, each with a message the app defines', () => {
    expect(corpus.entries.length).toBeGreaterThanOrEqual(60);
    for (const entry of corpus.entries) expect(expectedMessage(entry), label(entry)).not.toBe('');
  });

  it('is made of bad values: the valid values alone are accepted', async () => {
    const res = await app.request('/add_stock', {
      method: 'POST',
      headers: { Cookie: cookie },
      body: new URLSearchParams({ csrf_token: token, ...corpus.valid }),
    });
    expect(res.status).toBe(302);
  });
});

describe.each([
  { encoding: 'application/x-www-form-urlencoded', body: urlEncodedBody },
  { encoding: 'multipart/form-data', body: multipartBody },
])('POST /add_stock as $encoding', ({ body }) => {
  it.each(corpus.entries.map((entry) => [label(entry), entry] as const))(
    '%s: 422 with the message beside the field, session unchanged, nothing unescaped',
    async (_, entry) => {
      const res = await app.request('/add_stock', {
        method: 'POST',
        headers: { Cookie: cookie },
        body: body(entry),
      });
      await expectRefused(entry, res);
    },
  );
});

describe('the shape of the request', () => {
  const post = (init: { body: NonNullable<RequestInit['body']>; headers?: Record<string, string> }) =>
    app.request('/add_stock', {
      method: 'POST',
      body: init.body,
      headers: { Cookie: cookie, ...init.headers },
      // A stream body needs this in Node's fetch; it is harmless for the others.
      duplex: 'half',
    });

  const bigForm = (bytes: number) => {
    const head = `csrf_token=${token}&stock_symbol=MSFT&number_of_shares=10&purchase_price=`;
    return head + '1'.repeat(bytes - head.length);
  };

  it(`answers 413 to a body over ${MAX_BODY_BYTES / 1024} KiB, with a Content-Length`, async () => {
    const body = bigForm(MAX_BODY_BYTES + 1);
    const res = await post({
      body,
      headers: {
        'Content-Type': 'application/x-www-form-urlencoded',
        'Content-Length': String(Buffer.byteLength(body)),
      },
    });
    expect(res.status).toBe(413);
    expect(sessionCookieOf(res)).toBeUndefined();
  });

  it(`answers 413 to a body over ${MAX_BODY_BYTES / 1024} KiB streamed without a length`, async () => {
    const chunk = new TextEncoder().encode(bigForm(4096));
    let sent = 0;
    const stream = new ReadableStream<Uint8Array>({
      pull(controller) {
        // Bounded: five 4 KiB chunks, then the end.
        if (sent++ < 5) controller.enqueue(chunk);
        else controller.close();
      },
    });
    const res = await post({
      body: stream,
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    });
    expect(res.status).toBe(413);
    expect(sessionCookieOf(res)).toBeUndefined();
  });

  it(`reads a body of exactly ${MAX_BODY_BYTES} bytes (the limit is inclusive)`, async () => {
    const body = bigForm(MAX_BODY_BYTES);
    const res = await post({ body, headers: { 'Content-Type': 'application/x-www-form-urlencoded' } });
    // Read, and refused by the form rules (the price is far too long), not by the size limit.
    expect(res.status).toBe(422);
    expect(fieldErrors(await res.text())).toEqual({ purchase_price: inputMessages.tooLong });
  });

  it.each([
    ['application/json', JSON.stringify({ csrf_token: 'x', stock_symbol: 'MSFT' })],
    ['text/plain', 'csrf_token=x&stock_symbol=MSFT'],
    ['application/xml', '<stock symbol="MSFT"/>'],
    ['', 'csrf_token=x&stock_symbol=MSFT'],
  ])('answers 415 to Content-Type %j ("" for none)', async (type, text) => {
    // Bytes, not a string: fetch would label a string body text/plain on its own.
    const body = new TextEncoder().encode(text);
    const res = await post({ body, headers: type === '' ? {} : { 'Content-Type': type } });
    expect(res.status).toBe(415);
    expect(sessionCookieOf(res)).toBeUndefined();
    expect(errors).toEqual([]);
  });

  it.each([
    ['garbage under a boundary', 'multipart/form-data; boundary=XyZ', 'this is not multipart at all'],
    [
      'no boundary parameter',
      'multipart/form-data',
      '--XyZ\r\nContent-Disposition: form-data; name="a"\r\n\r\n1\r\n--XyZ--\r\n',
    ],
    [
      'a part with no closing boundary',
      'multipart/form-data; boundary=XyZ',
      '--XyZ\r\nContent-Disposition: form-data; name="csrf_token"\r\n\r\nabc',
    ],
    ['a part without headers', 'multipart/form-data; boundary=XyZ', '--XyZ\r\n\r\n\r\n--XyZ--\r\n'],
  ])('answers 400, not 500, to a malformed multipart body: %s', async (_, type, body) => {
    const res = await post({ body, headers: { 'Content-Type': type } });
    expect(res.status).toBe(400);
    expect(sessionCookieOf(res)).toBeUndefined();
    expect(errors).toEqual([]);
  });

  it('refuses a file uploaded as a field with the field’s own message', async () => {
    const body = multipartBody({ note: 'file', field: 'stock_symbol', value: 'MSFT', expect: 'invalid' });
    body.set('stock_symbol', new File(['<script>alert(1)</script>'], 'x.html', { type: 'text/html' }));
    const res = await post({ body });
    const html = await res.text();
    expect(res.status).toBe(422);
    expect(fieldErrors(html)).toEqual({ stock_symbol: symbolMessages.invalid });
    expect(html).not.toContain('<script>alert(1)</script>');
    expect(sessionCookieOf(res)).toBeUndefined();
  });
});
