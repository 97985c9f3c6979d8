/**
 * The live-quote settings, read from environment variables by a pure function that the app's
 * configuration module calls once at start-up. Live quotes are off unless `ALPHAVANTAGE_API_KEY`
 * is set; every bad value throws {@link QuoteConfigError} with a message that says how to fix it.
 *
 * | variable                           | default                             | meaning                          |
 * | ---------------------------------- | ----------------------------------- | -------------------------------- |
 * | `ALPHAVANTAGE_API_KEY`             | unset: live quotes off              | the key, sent as `apikey`        |
 * | `ALPHAVANTAGE_URL`                 | `https://www.alphavantage.co/query` | the endpoint (tests, proxies)    |
 * | `ALPHAVANTAGE_REQUESTS_PER_MINUTE` | 5                                   | shared budget, all workers       |
 * | `ALPHAVANTAGE_REQUESTS_PER_DAY`    | 25 (the free tier)                  | shared budget, all workers       |
 * | `QUOTES_FRESH_MINUTES`             | 15                                  | how long a quote is not re-asked |
 * @module
 */
import { z } from 'zod';
import { ALPHAVANTAGE_DEFAULT_URL } from './alpha-vantage.js';
import { DEFAULT_QUOTE_BUDGET, DEFAULT_FRESH_MS } from './cache.js';

/** A live-quote setting that cannot work; the app prints the message and stops. */
export class QuoteConfigError extends Error {
  override name = 'QuoteConfigError';
}

/** The checked live-quote settings. */
export interface QuoteConfig {
  readonly apiKey: string;
  readonly url: string;
  /** Calls to the provider allowed per minute, across all workers. */
  readonly requestsPerMinute: number;
  /** Calls to the provider allowed per UTC day, across all workers. */
  readonly requestsPerDay: number;
  /** How long a fetched quote is served without asking again. */
  readonly freshMs: number;
}

const KEY_HELP =
  'Get a free key at https://www.alphavantage.co/support/#api-key, or unset ALPHAVANTAGE_API_KEY to turn live quotes off.';

const count = (name: string, max: number, why: string) =>
  z
    .string()
    .regex(/^\d+$/, `${name} must be a whole number from 1 to ${max} (${why})`)
    .transform(Number)
    .refine((n) => n >= 1 && n <= max, `${name} must be a whole number from 1 to ${max} (${why})`);

const schema = z.object({
  // Never echo the value in a message: it is a secret.
  ALPHAVANTAGE_API_KEY: z
    .string()
    .regex(/^[A-Za-z0-9]{1,128}$/, `ALPHAVANTAGE_API_KEY must be letters and digits only. ${KEY_HELP}`)
    .optional(),
  ALPHAVANTAGE_URL: z
    .string()
    .refine(
      (url) => URL.canParse(url) && ['http:', 'https:'].includes(new URL(url).protocol),
      `ALPHAVANTAGE_URL must be an http:// or https:// URL like ${ALPHAVANTAGE_DEFAULT_URL}; unset it to use that one.`,
    )
    .refine(
      (url) => !URL.canParse(url) || !new URL(url).searchParams.has('apikey'),
      'ALPHAVANTAGE_URL must not hold the key: put it in ALPHAVANTAGE_API_KEY and remove "apikey=…" from the URL.',
    )
    .default(ALPHAVANTAGE_DEFAULT_URL),
  ALPHAVANTAGE_REQUESTS_PER_MINUTE: count(
    'ALPHAVANTAGE_REQUESTS_PER_MINUTE',
    10_000,
    `default ${DEFAULT_QUOTE_BUDGET.perMinute}; raise it only as far as your Alpha Vantage plan allows`,
  ).default(DEFAULT_QUOTE_BUDGET.perMinute),
  ALPHAVANTAGE_REQUESTS_PER_DAY: count(
    'ALPHAVANTAGE_REQUESTS_PER_DAY',
    10_000_000,
    `default ${DEFAULT_QUOTE_BUDGET.perDay}, the free tier; raise it only as far as your Alpha Vantage plan allows`,
  ).default(DEFAULT_QUOTE_BUDGET.perDay),
  QUOTES_FRESH_MINUTES: count(
    'QUOTES_FRESH_MINUTES',
    24 * 60,
    `minutes a quote is served before it is asked for again; default ${DEFAULT_FRESH_MS / 60_000}`,
  ).default(DEFAULT_FRESH_MS / 60_000),
});

/**
 * The live-quote settings in `env`, or undefined when `ALPHAVANTAGE_API_KEY` is unset or empty
 * (live quotes off; manual prices only). Empty values count as unset.
 *
 * @example
 * const quotes = quoteConfigFromEnv(process.env); // at start-up, beside the rest of the config
 * @throws QuoteConfigError with every problem, each saying how to fix it (never the key's value).
 */
export function quoteConfigFromEnv(
  env: Readonly<Record<string, string | undefined>>,
): QuoteConfig | undefined {
  const present = Object.fromEntries(
    Object.keys(schema.shape)
      .map((name) => [name, env[name]?.trim()] as const)
      .filter(([, value]) => value !== undefined && value !== ''),
  );
  const parsed = schema.safeParse(present);
  if (!parsed.success) {
    throw new QuoteConfigError(
      `Invalid live-quote configuration:\n${parsed.error.issues.map((i) => `  ${i.message}`).join('\n')}`,
    );
  }
  const settings = parsed.data;
  if (settings.ALPHAVANTAGE_API_KEY === undefined) {
    const orphans = Object.keys(present);
    if (orphans.length > 0) {
      throw new QuoteConfigError(
        `${orphans.join(', ')} ${orphans.length === 1 ? 'is' : 'are'} set but ALPHAVANTAGE_API_KEY is not: ` +
          `set ALPHAVANTAGE_API_KEY to turn live quotes on, or unset ${orphans.join(', ')}. ${KEY_HELP}`,
      );
    }
    return undefined;
  }
  return Object.freeze({
    apiKey: settings.ALPHAVANTAGE_API_KEY,
    url: settings.ALPHAVANTAGE_URL,
    requestsPerMinute: settings.ALPHAVANTAGE_REQUESTS_PER_MINUTE,
    requestsPerDay: settings.ALPHAVANTAGE_REQUESTS_PER_DAY,
    freshMs: settings.QUOTES_FRESH_MINUTES * 60_000,
  });
}

/**
 * Where the quote cache and budget live. The app picks it from `SESSION_TYPE`, so that every
 * worker (and every machine) sharing the sessions shares one cache and one budget.
 */
export type QuoteCacheLocation =
  | { readonly kind: 'sqlite'; readonly path: string }
  | { readonly kind: 'redis'; readonly url: string }
  | { readonly kind: 'redis-cluster'; readonly nodes: readonly string[] };

/** The live-quote settings with the place of their shared cache: what the app opens at start-up. */
export interface LiveQuoteSettings extends QuoteConfig {
  readonly cache: QuoteCacheLocation;
}
