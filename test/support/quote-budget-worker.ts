/**
 * A worker process for the quote budget's cross-process test: opens a shared quote cache, says
 * `ready`, waits for a line on stdin (so that all workers start together), takes the budget one
 * call at a time `attempts` times, and prints how many calls it was granted.
 *
 * Usage: `node --import tsx test/support/quote-budget-worker.ts sqlite|redis PATH|URL PREFIX PER_DAY ATTEMPTS NOW_MS`
 * @module
 */
import { once } from 'node:events';
import type { QuoteCache } from '../../src/platform/quotes/cache.js';
import { RedisQuoteCache } from '../../src/platform/quotes/redis-cache.js';
import { SqliteQuoteCache } from '../../src/platform/quotes/sqlite-cache.js';

const [kind, target = '', keyPrefix = '', perDay = '0', attempts = '0', nowMs = '0'] = process.argv.slice(2);
const cache: QuoteCache =
  kind === 'redis'
    ? new RedisQuoteCache({ url: target, keyPrefix, timeoutMs: 5000 })
    : new SqliteQuoteCache({ path: target, busyTimeoutMs: 5000 });
const budget = { perMinute: 1_000_000, perDay: Number(perDay) };
process.stdout.write('ready\n');
await once(process.stdin, 'data');
let granted = 0;
for (let i = 0; i < Number(attempts); i++) granted += await cache.takeBudget(1, Number(nowMs), budget);
await cache.close();
process.stdout.write(`${JSON.stringify({ granted })}\n`);
process.exit(0);
