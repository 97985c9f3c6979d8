/** quoteConfigFromEnv: off without a key, defaults with one, and every bad value explained. */
import { describe, expect, it } from 'vitest';
import { QuoteConfigError, quoteConfigFromEnv } from './config.js';

/** The QuoteConfigError that reading `env` throws (fails the test when it does not). */
function refusal(env: Record<string, string>): QuoteConfigError {
  try {
    quoteConfigFromEnv(env);
  } catch (error) {
    expect(error).toBeInstanceOf(QuoteConfigError);
    return error as QuoteConfigError;
  }
  throw new Error('expected a QuoteConfigError');
}

describe('quoteConfigFromEnv', () => {
  it('turns live quotes off when ALPHAVANTAGE_API_KEY is unset or empty', () => {
    expect(quoteConfigFromEnv({})).toBeUndefined();
    expect(quoteConfigFromEnv({ ALPHAVANTAGE_API_KEY: '  ' })).toBeUndefined();
  });

  it('turns them on with the key, the public endpoint and the free tier budget by default', () => {
    expect(quoteConfigFromEnv({ ALPHAVANTAGE_API_KEY: 'DEMOKEY123' })).toEqual({
      apiKey: 'DEMOKEY123',
      url: 'https://www.alphavantage.co/query',
      requestsPerMinute: 5,
      requestsPerDay: 25,
      freshMs: 15 * 60_000,
    });
  });

  it('takes another endpoint, a paid plan budget and a freshness', () => {
    const config = quoteConfigFromEnv({
      ALPHAVANTAGE_API_KEY: 'K',
      ALPHAVANTAGE_URL: 'http://127.0.0.1:8080/query',
      ALPHAVANTAGE_REQUESTS_PER_MINUTE: '75',
      ALPHAVANTAGE_REQUESTS_PER_DAY: '100000',
      QUOTES_FRESH_MINUTES: '1',
    });
    expect(config).toMatchObject({
      url: 'http://127.0.0.1:8080/query',
      requestsPerMinute: 75,
      requestsPerDay: 100000,
      freshMs: 60_000,
    });
  });

  it.each([
    [
      { ALPHAVANTAGE_URL: 'ftp://example.com/query' },
      /ALPHAVANTAGE_URL must be an http:\/\/ or https:\/\/ URL/,
    ],
    [{ ALPHAVANTAGE_URL: 'www.alphavantage.co/query' }, /unset it to use that one/],
    [{ ALPHAVANTAGE_URL: 'https://h/query?apikey=X' }, /put it in ALPHAVANTAGE_API_KEY/],
    [{ ALPHAVANTAGE_REQUESTS_PER_DAY: '0' }, /ALPHAVANTAGE_REQUESTS_PER_DAY must be a whole number from 1/],
    [{ ALPHAVANTAGE_REQUESTS_PER_MINUTE: 'five' }, /ALPHAVANTAGE_REQUESTS_PER_MINUTE must be a whole number/],
    [{ QUOTES_FRESH_MINUTES: '1441' }, /QUOTES_FRESH_MINUTES must be a whole number from 1 to 1440/],
  ])('refuses %o with a message saying how to fix it', (bad, message) => {
    expect(refusal({ ALPHAVANTAGE_API_KEY: 'K', ...bad }).message).toMatch(message);
  });

  it('refuses a key with spaces without repeating it', () => {
    const error = refusal({ ALPHAVANTAGE_API_KEY: 'MY SECRET' });
    expect(error.message).toMatch(/letters and digits only.*unset ALPHAVANTAGE_API_KEY/);
    expect(error.message).not.toContain('MY SECRET');
  });

  it('refuses settings that would do nothing because the key is missing', () => {
    expect(refusal({ ALPHAVANTAGE_URL: 'http://127.0.0.1:8080/query' }).message).toMatch(
      /ALPHAVANTAGE_URL is set but ALPHAVANTAGE_API_KEY is not/,
    );
  });
});
