/**
 * The page's effective prices: the overlay rule (the newer "as of" wins), which symbols are asked
 * for (held ones only), and the one notice, with the real QuoteService and Alpha Vantage client
 * against the local server.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  startAlphaVantageServer,
  type AlphaVantageServer,
} from '../../../test/support/alpha-vantage-server.js';
import type { Ledger } from '../../domain/ledger.js';
import type { CurrentPrice, PriceBook } from '../../domain/price-book.js';
import { MemoryQuoteCache, createQuoteService, type QuoteService } from '../../platform/quotes/index.js';
import { heldSymbols, livePrices, newerPrice, noticeFor } from './live-prices.js';

const T0 = Date.UTC(2024, 4, 10, 14, 30);

let server: AlphaVantageServer;
const services: QuoteService[] = [];

beforeAll(async () => {
  server = await startAlphaVantageServer();
});
afterAll(() => server.stop());
afterEach(async () => {
  await Promise.all(services.splice(0).map((s) => s.close()));
});

function quotes(): QuoteService {
  const service = createQuoteService(
    {
      apiKey: server.apiKey,
      url: server.url,
      requestsPerMinute: 5,
      requestsPerDay: 25,
      freshMs: 15 * 60_000,
    },
    new MemoryQuoteCache(),
    { now: () => T0 },
  );
  services.push(service);
  return service;
}

function ledger(
  lots: [symbol: string, shares: string][],
  sales: [symbol: string, shares: string][] = [],
): Ledger {
  return {
    lots: lots.map(([symbol, shares], i) => ({
      id: i + 1,
      symbol,
      shares,
      price: '100.00',
      date: '2024-01-02',
    })),
    sales: sales.map(([symbol, shares], i) => ({
      id: lots.length + i + 1,
      symbol,
      shares,
      price: '120.00',
      date: '2024-02-01',
    })),
    nextId: lots.length + sales.length + 1,
  };
}

const manual = (price: string, asOf?: string): CurrentPrice =>
  asOf === undefined ? { price, source: 'manual' } : { price, source: 'manual', asOf };
const quote = (price: string, asOf: string): CurrentPrice => ({ price, source: 'alpha-vantage', asOf });

describe('the overlay rule: the newer "as of" wins', () => {
  it('takes the quote over no price, an undated price, or an older one', () => {
    const q = quote('167.09', '2024-05-10');
    expect(newerPrice(undefined, q)).toBe(q);
    expect(newerPrice(manual('150.00'), q)).toBe(q);
    expect(newerPrice(manual('150.00', '2024-05-09'), q)).toBe(q);
  });

  it("keeps the visitor's price when it is newer or of the same day, and when there is no quote", () => {
    const q = quote('167.09', '2024-05-10');
    const sameDay = manual('150.00', '2024-05-10');
    const newer = manual('150.00', '2024-05-11');
    expect(newerPrice(sameDay, q)).toBe(sameDay);
    expect(newerPrice(newer, q)).toBe(newer);
    expect(newerPrice(newer, undefined)).toBe(newer);
  });
});

describe('held symbols', () => {
  it('are those with shares left after the sales, once each, in ledger order', () => {
    const l = ledger(
      [
        ['IBM', '10'],
        ['AAPL', '5'],
        ['IBM', '2'],
        ['MSFT', '1.5'],
      ],
      [
        ['AAPL', '5'],
        ['MSFT', '0.5'],
      ],
    );
    expect(heldSymbols(l)).toEqual(['IBM', 'MSFT']);
  });
});

describe('livePrices', () => {
  it('shows a fresh quote with its source and date, without a notice, and asks only for held symbols', async () => {
    const before = server.requests.length;
    const live = await livePrices(
      quotes(),
      ledger(
        [
          ['IBM', '10'],
          ['AAPL', '3'],
        ],
        [['AAPL', '3']],
      ),
      new Map(),
    );
    expect(live.book.get('IBM')).toEqual({ price: '167.09', source: 'alpha-vantage', asOf: '2024-05-10' });
    expect(live.notice).toBeUndefined();
    expect(server.requests.slice(before).map((r) => r.symbol)).toEqual(['IBM']);
  });

  it("keeps a newer manual price over the quote, and leaves the visitor's book as it was", async () => {
    const mine: PriceBook = new Map([['IBM', manual('170.00', '2024-05-11')]]);
    const live = await livePrices(quotes(), ledger([['IBM', '10']]), mine);
    expect(live.book.get('IBM')).toEqual(manual('170.00', '2024-05-11'));
    expect(mine.get('IBM')).toEqual(manual('170.00', '2024-05-11'));
  });

  it('says in one notice which symbols have no fresh quote, why, and what is shown instead', async () => {
    server.answer('MSFT', { kind: 'information' });
    const mine: PriceBook = new Map([['MSFT', manual('400.00', '2024-05-01')]]);
    const live = await livePrices(
      quotes(),
      ledger([
        ['IBM', '1'],
        ['MSFT', '1'],
        ['ZZZZ', '1'],
      ]),
      mine,
    );
    expect(live.book.get('MSFT')).toEqual(manual('400.00', '2024-05-01'));
    expect(live.book.has('ZZZZ')).toBe(false);
    expect(live.notice).toBe(
      'Live prices could not be fetched for MSFT (rate limit reached); ZZZZ (unknown to the quote service); ' +
        'showing MSFT as of 2024-05-01 (your price). ZZZZ has no price.',
    );
  });

  it('makes no request and has no notice for a portfolio with nothing held', async () => {
    const before = server.requests.length;
    const live = await livePrices(quotes(), ledger([['IBM', '1']], [['IBM', '1']]), new Map());
    expect(live).toEqual({ book: new Map() });
    expect(server.requests.length).toBe(before);
  });
});

describe('the notice', () => {
  it('names the last quote, an undated price, and lists at most eight symbols per group', () => {
    const book: PriceBook = new Map([
      ['IBM', quote('167.09', '2024-05-10')],
      ['OLD', manual('1.00')],
    ]);
    expect(
      noticeFor(
        [
          { symbol: 'IBM', reason: 'timeout' },
          { symbol: 'OLD', reason: 'budget' },
        ],
        book,
      ),
    ).toBe(
      'Live prices could not be fetched for IBM (no answer in time); OLD (rate limit reached); ' +
        'showing IBM as of 2024-05-10 (last quote), OLD undated (your price).',
    );
    const many = Array.from({ length: 10 }, (_, i) => ({ symbol: `S${i}`, reason: 'error' as const }));
    expect(noticeFor(many, new Map())).toBe(
      'Live prices could not be fetched for S0, S1, S2, S3, S4, S5, S6, S7 and 2 more (the quote service failed). ' +
        'S0, S1, S2, S3, S4, S5, S6, S7 and 2 more have no price.',
    );
  });
});
