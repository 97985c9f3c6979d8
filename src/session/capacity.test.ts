/** "How many more fit" is exact where it matters: whenever it says one more fits, the next add succeeds. */
import { Session, SessionTooLarge } from 'flask-session-ts';
import { describe, expect, it } from 'vitest';
import { parseStockForm } from '../domain/stock-rules.js';
import { purchaseDateBounds } from '../domain/stock-fields.js';
import { SYMBOL_MAX_LENGTH } from '../domain/portfolio.js';
import { buildTestApp, mainText, seededRandom, testConfig } from '../../test/support/client.js';
import { roomForMore, WORST_CASE_HOLDING } from './capacity.js';
import { createCookieStore } from './stores.js';
import type { AppSessionData } from './data.js';
import { readHoldings } from './portfolio.js';
import { addHolding } from '../features/stocks/routes.js';
import { urlFor } from '../web/urls.js';

/** The number the list page says still fits; 0 for "full". */
function remainingOf(html: string): number {
  const text = mainText(html);
  if (text.includes('Your portfolio is full')) return 0;
  // The empty portfolio has room for many: an add must succeed.
  if (text.includes('Your portfolio is empty.')) return Number.POSITIVE_INFINITY;
  const match = /(?:About (\d+) more fit|(1) more fits) in your browser's cookie\./.exec(text);
  if (match === null) throw new Error(`No capacity line in: ${text}`);
  return Number(match[1] ?? match[2]);
}

const DIGITS = '0123456789';
const SYMBOL_CHARS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-';

/** A valid form of random length and content: long ones most of the time, to reach the limit fast. */
function randomForm(random: () => number) {
  const pick = (chars: string, n: number) =>
    Array.from({ length: n }, () => chars[Math.floor(random() * chars.length)]).join('');
  const long = random() < 0.8;
  const symbolLength = long ? SYMBOL_MAX_LENGTH : 1 + Math.floor(random() * SYMBOL_MAX_LENGTH);
  const symbol = `Q${pick(SYMBOL_CHARS, symbolLength - 1)}`;
  const shares = `${1 + Math.floor(random() * 9)}${pick(DIGITS, long ? 7 : 2)}.${pick(DIGITS, 3)}${1 + Math.floor(random() * 9)}`;
  const price = `${1 + Math.floor(random() * 9)}${pick(DIGITS, long ? 4 : 1)}.${pick(DIGITS, 3)}${1 + Math.floor(random() * 9)}`;
  // Every holding has a date; a spread of days, as a real portfolio has.
  const date = `20${pick(DIGITS.slice(0, 2), 1)}${pick(DIGITS, 1)}-${String(1 + Math.floor(random() * 12)).padStart(2, '0')}-${String(1 + Math.floor(random() * 28)).padStart(2, '0')}`;
  return { stock_symbol: symbol, number_of_shares: shares, purchase_price: price, purchase_date: date };
}

describe('the worst-case holding', () => {
  it('is one the form accepts, at the longest symbol the form accepts', () => {
    const result = parseStockForm(
      {
        stock_symbol: WORST_CASE_HOLDING.symbol,
        number_of_shares: WORST_CASE_HOLDING.shares,
        purchase_price: WORST_CASE_HOLDING.price,
        purchase_date: WORST_CASE_HOLDING.date,
      },
      purchaseDateBounds(Date.now()),
    );
    expect(result.ok && result.holding).toEqual(WORST_CASE_HOLDING);
    expect(WORST_CASE_HOLDING.symbol).toHaveLength(SYMBOL_MAX_LENGTH);
  });
});

describe('how many more fit', () => {
  it.each([1, 2, 3])(
    'never says one more fits when the next add is refused, all the way to the limit (seed %i)',
    async (seed) => {
      const random = seededRandom(seed);
      const client = buildTestApp().client();
      await client.get(urlFor('add_stock'));
      let saidFits = 0;
      let refused = false;
      for (let i = 0; i < 400 && !refused; i++) {
        const remaining = remainingOf((await client.get(urlFor('list_stocks'))).html);
        const add = await client.postForm(urlFor('add_stock'), randomForm(random));
        refused = add.status === 422;
        if (remaining >= 1) {
          expect(add.status, `the page said ${remaining} more fit at holding ${i + 1}`).toBe(302);
          saidFits++;
        }
      }
      // It reached the limit, and said "one more fits" many times on the way.
      expect(refused).toBe(true);
      expect(saidFits).toBeGreaterThan(30);
    },
  );

  it('is exact at the boundary: one worst-case holding fits when it says 1, and not one byte later', async () => {
    const t = buildTestApp();
    const random = seededRandom(7);
    const portfolio = Array.from({ length: 40 }, () => {
      const form = randomForm(random);
      return [form.stock_symbol, form.number_of_shares, form.purchase_price, form.purchase_date];
    });
    // Random base64 text: incompressible, so each character grows the cookie by about one byte.
    const padding = Buffer.from(Array.from({ length: 3000 }, () => Math.floor(random() * 256))).toString(
      'base64',
    );
    const visitorWithPad = async (length: number) => {
      const data = { _permanent: true, portfolio, pad: padding.slice(0, length) };
      // Too large to be a cookie at all: certainly no room for more.
      if (t.store.measure(new Session(data)) > t.store.maxSessionBytes)
        return { client: undefined, remaining: 0 };
      const client = t.client();
      client.setSession(data);
      return { client, remaining: remainingOf((await client.get(urlFor('list_stocks'))).html) };
    };
    // The longest padding with which the page still says one more fits.
    let low = 0;
    let high = padding.length;
    expect((await visitorWithPad(low)).remaining).toBeGreaterThanOrEqual(1);
    expect((await visitorWithPad(high)).remaining).toBe(0);
    while (high - low > 1) {
      const mid = Math.floor((low + high) / 2);
      if ((await visitorWithPad(mid)).remaining >= 1) low = mid;
      else high = mid;
    }
    const worst = {
      stock_symbol: WORST_CASE_HOLDING.symbol,
      number_of_shares: WORST_CASE_HOLDING.shares,
      purchase_price: WORST_CASE_HOLDING.price,
      purchase_date: WORST_CASE_HOLDING.date ?? '',
    };
    const fits = await visitorWithPad(low);
    expect(fits.remaining).toBe(1);
    expect((await fits.client?.postForm(urlFor('add_stock'), worst))?.status).toBe(302);
    const full = await visitorWithPad(high);
    expect(full.remaining).toBe(0);
    expect((await full.client?.postForm(urlFor('add_stock'), worst))?.status).toBe(422);
  });
});

/** Real tickers, bought in several lots each, as people do; whole shares mostly, prices in cents. */
const TICKERS = ['AAPL', 'MSFT', 'GOOGL', 'AMZN', 'NVDA', 'META', 'TSLA', 'BRK.B', 'JPM', 'V', 'XOM', 'KO'];

function realisticHolding(random: () => number) {
  const ticker = TICKERS[Math.floor(random() * TICKERS.length)] ?? 'AAPL';
  const whole = 1 + Math.floor(random() * 400);
  const shares = random() < 0.8 ? String(whole) : `${whole}.${1 + Math.floor(random() * 9)}`;
  const price = `${5 + Math.floor(random() * 900)}.${String(Math.floor(random() * 100)).padStart(2, '0')}`;
  const date = `20${15 + Math.floor(random() * 11)}-${String(1 + Math.floor(random() * 12)).padStart(2, '0')}-${String(1 + Math.floor(random() * 28)).padStart(2, '0')}`;
  return { symbol: ticker, shares, price, date };
}

/**
 * Fills a cookie session one holding at a time through the real store, as a visitor does (add,
 * then the list page, which consumes the flash and re-sends the cookie), and returns at each list
 * page the hint beside the number of adds that in fact still succeeded.
 */
function fillThroughTheStore(seed: number): { hint: number; truth: number }[] {
  const store = createCookieStore(testConfig());
  const random = seededRandom(seed);
  let cookie: string | undefined;
  const send = (session: Session<AppSessionData>) => {
    const action = store.commit(session);
    if (action.kind === 'set') cookie = action.header.split(';')[0];
  };
  const hints: { count: number; hint: number }[] = [];
  let added = 0;
  for (;;) {
    // The list page: consumes the flash, says how many more fit, re-sends the cookie.
    const page = store.open<AppSessionData>(cookie).session;
    page.consumeFlashes();
    const hint = roomForMore(store, page, readHoldings(page), addHolding, cookie);
    hints.push({ count: added, hint });
    send(page);
    // The add.
    const post = store.open<AppSessionData>(cookie).session;
    try {
      store.update(post, addHolding(realisticHolding(random)));
    } catch (error) {
      if (error instanceof SessionTooLarge) break;
      throw error;
    }
    send(post);
    added++;
  }
  return hints.map(({ count, hint }) => ({ hint, truth: added - count }));
}

describe('how many more fit, against the truth', () => {
  it.each([1, 2, 3])(
    'never says more than still fit, and at least half of it until the last few (seed %i)',
    (seed) => {
      const steps = fillThroughTheStore(seed);
      // Compressed well past the 1 KiB threshold: people fit hundreds, not the ~70 raw JSON allows.
      expect(steps.length).toBeGreaterThan(200);
      let worst = Number.POSITIVE_INFINITY;
      // From one holding: the empty portfolio's page shows no count.
      for (const [i, { hint, truth }] of steps.entries()) {
        if (i === 0) continue;
        expect(hint, `at ${i} holdings the truth was ${truth}`).toBeLessThanOrEqual(truth);
        // The last few typical holdings are held back: "1 more fits" promises room for the longest
        // holding the form accepts, which takes about as much as five typical ones once compressed.
        if (truth >= 8) {
          expect(hint, `at ${i} holdings the truth was ${truth}`).toBeGreaterThanOrEqual(truth / 2);
          worst = Math.min(worst, hint / truth);
        }
      }
      // The last step is the full portfolio: no room, and the page says so.
      expect(steps.at(-1)).toEqual({ hint: 0, truth: 0 });
      // The worst ratio, for the record (README): about 0.58 on these seeds.
      expect(worst).toBeGreaterThan(0.5);
    },
  );
});

describe('a session this request changed', () => {
  it('is measured as it is now, not counted from the cookie it came in', () => {
    const store = createCookieStore(testConfig());
    const { session } = store.open<AppSessionData>(undefined);
    store.update(session, addHolding({ symbol: 'AAPL', shares: '15', price: '302.17', date: '2024-01-02' }));
    const action = store.commit(session);
    if (action.kind !== 'set') throw new Error('expected a cookie');
    const cookie = action.header.split(';')[0];
    const opened = store.open<AppSessionData>(cookie).session;
    opened.consumeFlashes();
    expect(roomForMore(store, opened, readHoldings(opened), addHolding, cookie)).toBeGreaterThan(100);
    // Incompressible text that leaves no room: the cookie that came in says nothing about it.
    const random = seededRandom(5);
    const noise = Buffer.from(Array.from({ length: 2900 }, () => Math.floor(random() * 256))).toString(
      'base64',
    );
    (opened as unknown as Session).set('note', noise);
    expect(roomForMore(store, opened, readHoldings(opened), addHolding, cookie)).toBe(0);
  });
});
