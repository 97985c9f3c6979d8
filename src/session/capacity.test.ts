/** "How many more fit" is exact where it matters: whenever it says one more fits, the next add succeeds. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { dumps, Session, SessionTooLarge, type SessionStore } from 'flask-session-ts';
import { SqliteSessionStore } from 'flask-session-ts/sqlite';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { parseStockForm } from '../domain/stock-rules.js';
import { purchaseDateBounds } from '../domain/stock-fields.js';
import { SYMBOL_MAX_LENGTH } from '../domain/portfolio.js';
import {
  buildTestApp,
  mainText,
  seededRandom,
  TEST_SECRET_KEY,
  testConfig,
} from '../../test/support/client.js';
import { roomForMore, WORST_CASE_FEE, WORST_CASE_HOLDING } from './capacity.js';
import { firstSaveJson, storedLotJson } from './stored-size.js';
import { encodeLedger, encodeLot, type Lot, type Sale } from '../domain/ledger.js';
import { encodePriceBook } from '../domain/price-book.js';
import { readLedger, readPriceBook, saveChange, writeLedger, writePriceBook } from './ledger.js';
import { recordSale, withPrices } from '../domain/ledger-changes.js';
import { createCookieStore } from './stores.js';
import type { AppSessionData } from './data.js';
import { readHoldings } from './portfolio.js';
import { addHolding } from '../features/stocks/add-holding.js';
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

/** The add form's longest entry, with the longest fee it accepts. */
const WORST_FORM = {
  stock_symbol: WORST_CASE_HOLDING.symbol,
  number_of_shares: WORST_CASE_HOLDING.shares,
  purchase_price: WORST_CASE_HOLDING.price,
  purchase_date: WORST_CASE_HOLDING.date ?? '',
  fee: WORST_CASE_FEE,
};

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
  it.each([
    { seed: 1, records: false },
    { seed: 2, records: false },
    { seed: 3, records: false },
    { seed: 4, records: true },
    { seed: 5, records: true },
  ])(
    'never says one more fits when the next add is refused, all the way to the limit (seed $seed, sales, prices and fees: $records)',
    async ({ seed, records }) => {
      const random = seededRandom(seed);
      const client = buildTestApp().client();
      await client.get(urlFor('add_stock'));
      let saidFits = 0;
      let refused = false;
      let first: string | undefined;
      for (let i = 0; i < 400 && !refused; i++) {
        if (records && first !== undefined && i % 6 === 0) {
          // A sale and a dated price between adds, as a visitor keeping a real record does; once
          // full they are refused (422), which the next page's hint must then account for.
          await client.postForm(urlFor('sell_stock'), {
            stock_symbol: first,
            number_of_shares: '0.0001',
            sale_price: '12.34',
            sale_date: '2026-03-04',
            fee: random() < 0.5 ? '4.95' : '',
          });
          await client.postForm(urlFor('set_price'), { symbol: first, current_price: `${i}.25` });
        }
        const remaining = remainingOf((await client.get(urlFor('list_stocks'))).html);
        const form = randomForm(random);
        first ??= form.stock_symbol;
        const withFee =
          records && random() < 0.4 ? { fee: String(1 + Math.floor(random() * 99999)) + '.9999' } : {};
        const add = await client.postForm(urlFor('add_stock'), { ...form, ...withFee });
        refused = add.status === 422;
        if (remaining >= 1) {
          expect(add.status, `the page said ${remaining} more fit at holding ${i + 1}`).toBe(302);
          saidFits++;
        }
      }
      // It reached the limit, and said "one more fits" many times on the way.
      expect(refused).toBe(true);
      expect(saidFits).toBeGreaterThan(30);
      if (records) {
        const saved = client.decodeSession();
        expect((saved['sales'] as unknown[]).length).toBeGreaterThan(5);
        expect(Object.keys(saved['prices'] as object)).toEqual([first]);
        expect((saved['portfolio'] as unknown[][]).some((lot) => lot.length === 6)).toBe(true);
      }
    },
  );

  it('is exact at the boundary: the longest add with the longest fee fits when it says 1, and not one byte later', async () => {
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
    const worst = WORST_FORM;
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
function fillThroughTheStore(seed: number, records = false): { hint: number; truth: number }[] {
  const store = createCookieStore(testConfig());
  const random = seededRandom(seed);
  let cookie: string | undefined;
  const send = (session: Session<AppSessionData>) => {
    const action = store.commit(session);
    if (action.kind === 'set') cookie = action.header.split(';')[0];
  };
  if (records) {
    // Start from a kept record: three lots (one with a fee), two sales (one with a fee), two dated
    // prices, each saved as the app saves it.
    const start = store.open<AppSessionData>(undefined).session;
    store.update(start, (s) => {
      for (const lot of [
        { symbol: 'AAPL', shares: '30', price: '150.25', date: '2021-04-01', fee: '4.95' },
        { symbol: 'MSFT', shares: '12', price: '280.1', date: '2022-06-15' },
        { symbol: 'KO', shares: '100', price: '55.5', date: '2023-01-09' },
      ]) {
        addHolding(lot)(s);
      }
      for (const sale of [
        { symbol: 'AAPL', shares: '10', price: '190.5', date: '2025-02-03', fee: '4.95' },
        { symbol: 'KO', shares: '25', price: '61.25', date: '2025-05-06' },
      ]) {
        const change = withPrices(recordSale(readLedger(s), sale), readPriceBook(s));
        if (!change.ok) throw new Error(`recordSale refused: ${JSON.stringify(change)}`);
        saveChange(s, change);
      }
      writePriceBook(
        s,
        new Map([
          ['AAPL', { price: '201.5', source: 'manual', asOf: '2026-03-01' }],
          ['MSFT', { price: '402.75', source: 'manual', asOf: '2026-03-02' }],
        ]),
      );
    });
    send(start);
  }
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
  it.each([
    { seed: 1, records: false },
    { seed: 2, records: false },
    { seed: 3, records: false },
    { seed: 1, records: true },
    { seed: 2, records: true },
  ])(
    'never says more than still fit, and at least half of it until the last few (seed $seed, from a record with sales and prices: $records)',
    ({ seed, records }) => {
      const steps = fillThroughTheStore(seed, records);
      // Compressed well past the 1 KiB threshold: people fit hundreds, not the ~70 raw JSON allows.
      expect(steps.length).toBeGreaterThan(200);
      let worst = Number.POSITIVE_INFINITY;
      // From one holding: the empty portfolio's page shows no count.
      for (const [i, { hint, truth }] of steps.entries()) {
        if (i === 0) continue;
        expect(hint, `at ${i} holdings the truth was ${truth}`).toBeLessThanOrEqual(truth);
        // The last few typical holdings are held back: "1 more fits" promises room for the longest
        // holding the form accepts, which takes about as much as five typical ones once compressed.
        // From a record with sales and prices, those count against the lots (the estimate errs
        // low): the half holds once the lots outnumber the other records five to one.
        if (truth >= 8 && (!records || i >= 25)) {
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

/**
 * A session with every kind of record the ledger keeps: 40 lots (some with fees), sales (one
 * with picks), dated prices, an undo, and ids about to gain a digit (the next add takes 99999 and
 * leaves next_id at 100000), so an add costs more here than in a fresh session.
 */
function richSessionData(random: () => number): Record<string, unknown> {
  const lots: Lot[] = Array.from({ length: 40 }, (_, i) => {
    const form = randomForm(random);
    return {
      symbol: form.stock_symbol,
      shares: form.number_of_shares,
      price: form.purchase_price,
      date: form.purchase_date,
      id: 99_900 + i,
      ...(i % 3 === 0 ? { fee: '9.95' } : {}),
    };
  });
  const first = lots[0] ?? WORST_CASE_HOLDING;
  const second = lots[1] ?? WORST_CASE_HOLDING;
  const sales: Sale[] = [
    { id: 99_990, symbol: first.symbol, shares: '1', price: '123.45', date: '2026-01-05', fee: '4.95' },
    {
      id: 99_991,
      symbol: second.symbol,
      shares: '0.5',
      price: '99.5',
      date: '2026-02-05',
      picks: [{ lotId: 99_901, shares: '0.5' }],
    },
  ];
  const prices = new Map(
    lots
      .slice(0, 12)
      .map((lot, i) => [
        lot.symbol,
        { price: `${100 + i}.25`, source: 'manual' as const, asOf: '2026-03-01' },
      ]),
  );
  return {
    _permanent: true,
    ...encodeLedger({ lots, sales, nextId: 99_999 }),
    prices: encodePriceBook(prices),
    undo: ['sale', 99_991],
  };
}

describe('how many more fit, with sales, prices, long ids and a fee', () => {
  it('is exact at the boundary in a cookie: 1 means the longest add with the longest fee fits', async () => {
    const t = buildTestApp();
    const random = seededRandom(11);
    const rich = richSessionData(random);
    const padding = Buffer.from(Array.from({ length: 3000 }, () => Math.floor(random() * 256))).toString(
      'base64',
    );
    const visitorWithPad = async (length: number) => {
      const data = { ...rich, pad: padding.slice(0, length) };
      if (t.store.measure(new Session(data as never)) > t.store.maxSessionBytes)
        return { client: undefined, remaining: 0 };
      const client = t.client();
      client.setSession(data);
      return { client, remaining: remainingOf((await client.get(urlFor('list_stocks'))).html) };
    };
    let low = 0;
    let high = padding.length;
    expect((await visitorWithPad(low)).remaining).toBeGreaterThanOrEqual(1);
    expect((await visitorWithPad(high)).remaining).toBe(0);
    while (high - low > 1) {
      const mid = Math.floor((low + high) / 2);
      if ((await visitorWithPad(mid)).remaining >= 1) low = mid;
      else high = mid;
    }
    const fits = await visitorWithPad(low);
    expect(fits.remaining).toBe(1);
    expect((await fits.client?.postForm(urlFor('add_stock'), WORST_FORM))?.status).toBe(302);
    const full = await visitorWithPad(high);
    expect(full.remaining).toBe(0);
    expect((await full.client?.postForm(urlFor('add_stock'), WORST_FORM))?.status).toBe(422);
  });

  describe('in a server-side store (SQLite)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'capacity-sqlite-'));
    const stores: SessionStore[] = [];
    afterAll(async () => {
      await Promise.all(stores.map(async (store) => store.close?.()));
      rmSync(dir, { recursive: true, force: true });
    });

    it('is exact at the boundary: 1 means the longest add with the longest fee fits, 0 that it does not', async () => {
      const store = new SqliteSessionStore({
        path: join(dir, 'capacity.sqlite3'),
        secretKey: TEST_SECRET_KEY,
        permanent: true,
        maxSessionBytes: 20_000,
      });
      stores.push(store);
      const random = seededRandom(12);
      const rich = richSessionData(random);
      const padding = 'x'.repeat(20_000);
      /** A stored session holding `rich` and `length` bytes of padding, and its hint; undefined when it cannot be stored. */
      const stored = async (length: number) => {
        const { session } = await store.open<AppSessionData>(undefined);
        try {
          await store.update(session, (s) => {
            for (const [key, value] of Object.entries({ ...rich, pad: padding.slice(0, length) }))
              (s as unknown as Session).set(key, value as never);
          });
        } catch (error) {
          if (error instanceof SessionTooLarge) return undefined;
          throw error;
        }
        return {
          session,
          remaining: roomForMore(store, session, readLedger(session).lots, addHolding, undefined),
        };
      };
      const add = async (session: Session<AppSessionData>) =>
        store.update(session, addHolding({ ...WORST_CASE_HOLDING, fee: WORST_CASE_FEE })).then(
          () => true,
          (error: unknown) => {
            if (error instanceof SessionTooLarge) return false;
            throw error;
          },
        );
      let low = 0;
      let high = padding.length;
      expect((await stored(low))?.remaining).toBeGreaterThanOrEqual(1);
      expect((await stored(high))?.remaining ?? 0).toBe(0);
      while (high - low > 1) {
        const mid = Math.floor((low + high) / 2);
        if (((await stored(mid))?.remaining ?? 0) >= 1) low = mid;
        else high = mid;
      }
      const fits = await stored(low);
      expect(fits?.remaining).toBe(1);
      expect(fits && (await add(fits.session))).toBe(true);
      const full = await stored(high);
      if (full !== undefined) {
        expect(full.remaining).toBe(0);
        expect(await add(full.session)).toBe(false);
      }
    });
  });

  it('counts a server session this request did not change by its record, not by encoding it again', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'capacity-stored-'));
    const store = new SqliteSessionStore({
      path: join(dir, 'capacity.sqlite3'),
      secretKey: TEST_SECRET_KEY,
      permanent: true,
      maxSessionBytes: 20_000,
    });
    try {
      const rich = richSessionData(seededRandom(7));
      const room = 20_000 - store.measure(new Session({ ...rich, pad: '' }));
      // Far from the limit, and near it (where the worst add is measured on a copy).
      for (const padding of [0, 5_000, room - 400, room - 100, room - 10]) {
        const { session: writer } = await store.open<AppSessionData>(undefined);
        await store.update(writer, (s) => {
          for (const [key, value] of Object.entries({ ...rich, pad: 'x'.repeat(padding) }))
            (s as unknown as Session).set(key, value as never);
        });
        const action = await store.commit(writer);
        const cookie = action.kind === 'set' ? action.header.split(';')[0] : undefined;
        const { session } = await store.open<AppSessionData>(cookie);
        const lots = readLedger(session).lots;
        // A copy the store did not open has no record: it is measured, as before.
        const measured = roomForMore(store, new Session(session.toJSON()), lots, addHolding, undefined);
        const measure = vi.spyOn(store, 'measure');
        const remaining = roomForMore(store, session, lots, addHolding, undefined);
        // Measured only near the limit, and then the session after one add, never the session as stored.
        expect(measure.mock.calls.every(([measuredSession]) => measuredSession !== session)).toBe(true);
        measure.mockRestore();
        expect(remaining).toBe(measured);
        if (padding === 0) expect(remaining).toBeGreaterThan(1);
      }
    } finally {
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('is exact at the boundary for a server session saved before ids, whose first save writes an id into every lot', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'capacity-old-'));
    const store = new SqliteSessionStore({
      path: join(dir, 'capacity.sqlite3'),
      secretKey: TEST_SECRET_KEY,
      permanent: true,
      maxSessionBytes: 20_000,
    });
    try {
      // Old entries (no ids, no dates): the smallest lots, the most ids their first save adds.
      const entries = (n: number) =>
        Array.from({ length: n }, (_, i) => [`Q${i % 50}`, String(1 + (i % 9)), '2']);
      const stored = async (n: number) => {
        const { session } = await store.open<AppSessionData>(undefined);
        await store.update(session, (s) => s.set('portfolio', entries(n) as never));
        const remaining = roomForMore(store, session, readLedger(session).lots, addHolding, undefined);
        const fits = await store
          .update(session, addHolding({ ...WORST_CASE_HOLDING, fee: WORST_CASE_FEE }))
          .then(
            () => true,
            (error: unknown) => {
              if (error instanceof SessionTooLarge) return false;
              throw error;
            },
          );
        return { remaining, fits };
      };
      let low = 1;
      let high = 2;
      while ((await stored(high)).fits) high *= 2;
      while (high - low > 1) {
        const mid = Math.floor((low + high) / 2);
        if ((await stored(mid)).fits) low = mid;
        else high = mid;
      }
      // The last count whose add fits says so; the first whose add does not says full, and so
      // does one that could be stored but not saved with ids at all.
      expect((await stored(low)).remaining).toBeGreaterThanOrEqual(1);
      expect((await stored(high)).remaining).toBe(0);
      const mostStored = Math.floor(high * 1.4);
      const crowded = await stored(mostStored);
      expect([crowded.remaining, crowded.fits]).toEqual([0, false]);
    } finally {
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('the stored size of a lot', () => {
  it('is the JSON the ledger stores for it, to the byte', () => {
    const random = seededRandom(5);
    for (let i = 0; i < 500; i++) {
      const form = randomForm(random);
      const lot: Lot = {
        id: 1 + Math.floor(random() * 10 ** Math.floor(random() * 9)),
        symbol: form.stock_symbol,
        shares: form.number_of_shares,
        price: form.purchase_price,
        ...(random() < 0.5 ? { date: form.purchase_date } : {}),
        ...(random() < 0.5 ? { fee: form.purchase_price } : {}),
      };
      expect(storedLotJson(lot)).toBe(JSON.stringify(encodeLot(lot)).length);
    }
  });
});

describe('a cookie whose portfolio is not a list', () => {
  // A signed cookie is still visitor input: Flask, or a hand-made cookie, may hold any JSON value.
  it.each([0, 'x', {}, true])('portfolio %j: a hint, never a throw', (portfolio) => {
    const store = createCookieStore(testConfig());
    const opened = store.open<AppSessionData>(undefined).session;
    (opened as unknown as Session).set('portfolio', portfolio);
    // Read as no holdings; the hint errs low on such a session, but it is a count, and a lot fits.
    const hint = roomForMore(store, opened, readHoldings(opened), addHolding, undefined);
    expect(Number.isSafeInteger(hint)).toBe(true);
    expect(hint).toBeGreaterThanOrEqual(1);
  });
});

describe('a cookie saved before ids (the course app’s format)', () => {
  /** `count` holdings as the course's Flask app stores them: `[symbol, shares, price, date]`, no ids. */
  function courseCookie(store: ReturnType<typeof createCookieStore>, random: () => number, count: number) {
    const portfolio = Array.from({ length: count }, () => {
      const form = randomForm(random);
      return [form.stock_symbol, form.number_of_shares, form.purchase_price, form.purchase_date];
    });
    return `${store.cookieName}=${store.serializer.dumps({ _permanent: true, portfolio })}`;
  }

  it.each([1, 2, 3])(
    'never says one more fits when the worst add would not, at every size to the limit (seed %i)',
    (seed) => {
      const store = createCookieStore(testConfig());
      const random = seededRandom(seed);
      let saidFits = 0;
      let full = false;
      for (let count = 1; count < 200 && !full; count++) {
        const cookie = courseCookie(store, random, count);
        const opened = store.open<AppSessionData>(cookie).session;
        const hint = roomForMore(store, opened, readLedger(opened).lots, addHolding, cookie);
        const copy = new Session<AppSessionData>(opened.toJSON());
        addHolding({ ...WORST_CASE_HOLDING, fee: WORST_CASE_FEE })(copy);
        const fits = store.measure(copy) <= store.maxSessionBytes;
        if (hint >= 1) {
          expect(fits, `${count} holdings: the page said ${hint} more fit`).toBe(true);
          saidFits++;
        }
        // Measured, the same session (no cookie to count from) gives the same verdict near the limit.
        const measured = roomForMore(store, opened, readLedger(opened).lots, addHolding, undefined);
        expect(hint >= 1, `${count} holdings: ${hint} counted, ${measured} measured`).toBe(measured >= 1);
        if (count <= 10) expect(hint, `${count} holdings`).toBeGreaterThanOrEqual(measured / 2);
        full = !fits;
      }
      expect(full).toBe(true);
      expect(saidFits).toBeGreaterThan(20);
    },
  );

  it.each([
    { label: 'ten holdings', portfolio: null },
    { label: 'a holding without a date', portfolio: [['KO', '3', '55.5']] },
    { label: 'amounts as numbers, a date that is not one', portfolio: [['KO', 3, 55.5, 'é']] },
    {
      label: 'ids gaining a digit',
      portfolio: Array.from({ length: 12 }, (_, i) => [`S${i}`, '1', '2', '2024-01-02']),
    },
  ])('counts the JSON its first save adds to the byte ($label)', ({ portfolio }) => {
    const store = createCookieStore(testConfig());
    const cookie =
      portfolio === null
        ? courseCookie(store, seededRandom(3), 10)
        : `${store.cookieName}=${store.serializer.dumps({ _permanent: true, portfolio })}`;
    const opened = store.open<AppSessionData>(cookie).session;
    const saved = new Session<AppSessionData>(opened.toJSON());
    writeLedger(saved, readLedger(saved));
    const first = firstSaveJson(opened, readLedger(opened).lots);
    expect(first?.growth).toBe(dumps(saved.toJSON()).length - dumps(opened.toJSON()).length);
    const nextId = readLedger(opened).nextId;
    expect(first?.idBytes).toBe(
      2 * (String(nextId).length - 1) + (String(nextId + 1).length - String(nextId).length),
    );
  });

  it('is not counted without the portfolio’s text from the cookie, without lots, or once lots have ids', () => {
    const store = createCookieStore(testConfig());
    const open = (data: Record<string, unknown>) =>
      store.open<AppSessionData>(
        `${store.cookieName}=${store.serializer.dumps({ _permanent: true, ...data })}`,
      ).session;
    const empty = open({ portfolio: [] });
    expect(firstSaveJson(empty, readLedger(empty).lots)).toBeUndefined();
    const withIds = open({ portfolio: [['KO', '3', '55.5', '2024-01-02', 1]], next_id: 2 });
    expect(firstSaveJson(withIds, readLedger(withIds).lots)).toBeUndefined();
    const changed = open({ portfolio: [['KO', '3', '55.5', '2024-01-02']] });
    (changed as unknown as Session).set('portfolio', [['KO', '4', '55.5', '2024-01-02']]);
    expect(firstSaveJson(changed, readLedger(changed).lots)).toBeUndefined();
  });

  it.each([
    { count: 10, compressed: false },
    { count: 25, compressed: true },
  ])(
    'is priced by arithmetic far from the limit, without encoding the session again ($count holdings)',
    ({ count, compressed }) => {
      const store = createCookieStore(testConfig());
      const cookie = courseCookie(store, seededRandom(7), count);
      expect(cookie.startsWith(`${store.cookieName}=.`)).toBe(compressed);
      const opened = store.open<AppSessionData>(cookie).session;
      const lots = readLedger(opened).lots;
      // The store's model is measured once per store; after that, a page view measures nothing.
      roomForMore(store, opened, lots, addHolding, cookie);
      const measure = vi.spyOn(store, 'measure');
      const dump = vi.spyOn(store.serializer, 'dumpPayload');
      expect(roomForMore(store, opened, lots, addHolding, cookie)).toBeGreaterThan(10);
      expect(measure).not.toHaveBeenCalled();
      expect(dump).not.toHaveBeenCalled();
    },
  );
});
