/**
 * The real Alpha Vantage client against a local server speaking the documented protocol: every
 * kind of answer, each mapped to a quote or a QuoteUnavailable with its reason, and the key never
 * in a message.
 */
import { once } from 'node:events';
import { createServer } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  startAlphaVantageServer,
  type AlphaVantageServer,
} from '../../../test/support/alpha-vantage-server.js';
import {
  ALPHAVANTAGE_DEFAULT_URL,
  AlphaVantageProvider,
  maskApiKey,
  parseGlobalQuote,
} from './alpha-vantage.js';
import { QuoteUnavailable, type Quote, type QuoteUnavailableReason } from './provider.js';

let server: AlphaVantageServer;
let provider: AlphaVantageProvider;

beforeAll(async () => {
  server = await startAlphaVantageServer();
});
afterAll(() => server.stop());
beforeEach(() => {
  provider = new AlphaVantageProvider({ apiKey: server.apiKey, url: server.url, timeoutMs: 2000 });
});

/** The QuoteUnavailable that `call` rejects with (fails the test if it resolves or throws another kind). */
async function unavailable(call: Promise<Quote>): Promise<QuoteUnavailable> {
  const error: unknown = await call.then(
    (quote) => new Error(`resolved with ${JSON.stringify(quote)}`),
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(QuoteUnavailable);
  return error as QuoteUnavailable;
}

describe('AlphaVantageProvider against a local Alpha Vantage', () => {
  it('returns the documented quote as a canonical decimal with its latest trading day', async () => {
    const quote = await provider.getQuote('IBM');
    expect(quote).toEqual({ symbol: 'IBM', price: '167.09', asOf: '2024-05-10', source: 'alpha-vantage' });
    expect(server.requests.at(-1)).toEqual({
      function: 'GLOBAL_QUOTE',
      symbol: 'IBM',
      apikey: server.apiKey,
    });
  });

  it('keeps decimals past the cent and drops only trailing zeros', async () => {
    server.answer('PENNY', { kind: 'quote', price: '0.12340', day: '2024-05-09' });
    expect((await provider.getQuote('PENNY')).price).toBe('0.1234');
  });

  const failures: [string, Parameters<AlphaVantageServer['answer']>[1], QuoteUnavailableReason, RegExp][] = [
    ['an empty Global Quote', { kind: 'empty' }, 'unknown-symbol', /no quote for/],
    ['an Error Message', { kind: 'error-message' }, 'error', /Invalid API call/],
    ['a Note (the older rate-limit answer)', { kind: 'note' }, 'rate-limited', /5 calls per minute/],
    ['an Information about the rate limit', { kind: 'information' }, 'rate-limited', /25 requests per day/],
    ['an Information that is not a limit', { kind: 'information-demo' }, 'error', /demo/],
    ['HTTP 500', { kind: 'status', status: 500 }, 'error', /HTTP 500/],
    ['HTTP 503', { kind: 'status', status: 503 }, 'error', /HTTP 503/],
    ['HTTP 429', { kind: 'status', status: 429 }, 'rate-limited', /HTTP 429/],
    ['an answer that is not JSON', { kind: 'invalid-json' }, 'error', /not JSON/],
  ];
  it.each(failures)('maps %s to QuoteUnavailable(%s)', async (_name, answer, reason, message) => {
    server.answer('XYZ', answer);
    const error = await unavailable(provider.getQuote('XYZ'));
    expect(error.reason).toBe(reason);
    expect(error.symbol).toBe('XYZ');
    expect(error.message).toMatch(message);
    expect(error.message).not.toContain(server.apiKey);
  });

  it('maps a wrong API key to an error and masks the key it sent', async () => {
    const wrong = new AlphaVantageProvider({ apiKey: 'WRONGKEY42', url: server.url });
    const error = await unavailable(wrong.getQuote('IBM'));
    expect(error.reason).toBe('error');
    expect(error.message).toMatch(/apikey is invalid or missing/);
    expect(error.message).toContain('apikey=***');
    expect(error.message).not.toContain('WRONGKEY42');
  });

  it('times out on a server that never answers, and the server sees the request aborted', async () => {
    server.answer('SLOW', { kind: 'hang' });
    const quick = new AlphaVantageProvider({ apiKey: server.apiKey, url: server.url, timeoutMs: 100 });
    const abortedBefore = server.aborted;
    const error = await unavailable(quick.getQuote('SLOW'));
    expect(error.reason).toBe('timeout');
    expect(error.message).toMatch(/no answer within 100 ms/);
    await server.waitForAborted(abortedBefore + 1);
    expect(server.held).toBe(0);
  });

  it('reports a request cancelled by its signal as a timeout, before the server answers', async () => {
    server.answer('SLOW2', { kind: 'hang' });
    const controller = new AbortController();
    const call = provider.getQuote('SLOW2', { signal: controller.signal });
    await server.waitForHeld(1);
    controller.abort();
    const error = await unavailable(call);
    expect(error.reason).toBe('timeout');
    expect(error.message).toMatch(/cancelled/);
  });

  it('maps a refused connection to an error that names the cause, without the key', async () => {
    const closed = createServer();
    closed.listen(0, '127.0.0.1');
    await once(closed, 'listening');
    const address = closed.address();
    const port = typeof address === 'object' && address !== null ? address.port : 0;
    closed.close();
    await once(closed, 'close');
    const refused = new AlphaVantageProvider({
      apiKey: 'SECRETKEY77',
      url: `http://127.0.0.1:${port}/query`,
    });
    const error = await unavailable(refused.getQuote('IBM'));
    expect(error.reason).toBe('error');
    expect(error.message).toMatch(/ECONNREFUSED/);
    expect(error.message).not.toContain('SECRETKEY77');
  });
});

describe('parseGlobalQuote', () => {
  const body = (quote: Record<string, string>) => JSON.stringify({ 'Global Quote': quote });
  const valid = { '01. symbol': 'IBM', '05. price': '189.2500', '07. latest trading day': '2024-05-10' };

  it('reads the three fields it needs', () => {
    expect(parseGlobalQuote('IBM', body(valid))).toEqual({
      symbol: 'IBM',
      price: '189.25',
      asOf: '2024-05-10',
      source: 'alpha-vantage',
    });
  });

  it.each([
    ['a quote for another symbol', { ...valid, '01. symbol': 'MSFT' }, /instead of IBM/],
    ['a zero price', { ...valid, '05. price': '0.0000' }, /not a positive decimal/],
    ['a negative price', { ...valid, '05. price': '-1.00' }, /not a positive decimal/],
    ['an impossible day', { ...valid, '07. latest trading day': '2024-02-30' }, /not YYYY-MM-DD/],
  ])('refuses %s as an error', (_name, quote, message) => {
    const error: unknown = (() => {
      try {
        return parseGlobalQuote('IBM', body(quote));
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(QuoteUnavailable);
    expect((error as QuoteUnavailable).reason).toBe('error');
    expect((error as QuoteUnavailable).message).toMatch(message);
  });
});

describe('maskApiKey', () => {
  it('hides the key wherever it appears and any apikey query value', () => {
    expect(maskApiKey(`${ALPHAVANTAGE_DEFAULT_URL}?symbol=IBM&apikey=K123&x=1 (K123)`, 'K123')).toBe(
      `${ALPHAVANTAGE_DEFAULT_URL}?symbol=IBM&apikey=***&x=1 (***)`,
    );
    expect(maskApiKey('http://h/q?APIKEY=other', 'K123')).toBe('http://h/q?APIKEY=***');
  });
});
