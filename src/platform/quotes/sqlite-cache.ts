/**
 * The quote cache and budget in an SQLite file (better-sqlite3), shared by every worker process
 * on one machine. Its tables (`quotes`, `quote_budget`) may live in the sessions' file: give the
 * same path; this class opens its own connection.
 *
 * - The budget is taken in one `BEGIN IMMEDIATE` transaction: processes take turns on the file's
 *   write lock, so two workers never both spend the last call.
 * - "Newer wins" is in the SQL (`ON CONFLICT … WHERE`), so out-of-order writers are harmless.
 * - better-sqlite3 is synchronous: a worker waiting for another's lock waits with its event loop
 *   stopped. Every statement here is tiny, so the lock is held for microseconds; the busy timeout
 *   is short (250 ms by default) so that a stuck writer costs a page at most that, and then
 *   {@link QuoteCacheUnavailable}.
 * - Rows are not expired: each one cost a call from the budget, so there are at most as many
 *   symbols as calls allowed (25 a day on the free tier).
 * @module
 */
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { enableWal } from 'flask-session-ts/sqlite';
import {
  QuoteCacheUnavailable,
  budgetWindows,
  grantable,
  type QuoteBudget,
  type QuoteCache,
  type QuoteCacheEntry,
} from './cache.js';
import type { Quote, QuoteUnavailableReason } from './provider.js';

/** Options of {@link SqliteQuoteCache}. */
export interface SqliteQuoteCacheOptions {
  /** The database file (its folder is created); may be the sessions' file. */
  readonly path: string;
  /** How long a statement waits for another process's lock. Default 250 ms. */
  readonly busyTimeoutMs?: number;
}

const SCHEMA = `
  CREATE TABLE IF NOT EXISTS quotes (
    symbol TEXT PRIMARY KEY,
    price TEXT,
    as_of TEXT,
    source TEXT,
    fetched_at_ms INTEGER,
    failure_reason TEXT,
    failure_at_ms INTEGER
  ) WITHOUT ROWID;
  CREATE TABLE IF NOT EXISTS quote_budget (
    name TEXT PRIMARY KEY,
    period INTEGER NOT NULL,
    used INTEGER NOT NULL
  ) WITHOUT ROWID;
`;

interface Row {
  symbol: string;
  price: string | null;
  as_of: string | null;
  source: string | null;
  fetched_at_ms: number | null;
  failure_reason: string | null;
  failure_at_ms: number | null;
}

const REASONS: readonly string[] = ['rate-limited', 'unknown-symbol', 'timeout', 'error'];

/** Quotes and budget in an SQLite file. */
export class SqliteQuoteCache implements QuoteCache {
  readonly #db: Database.Database;
  readonly #read: Database.Statement<[string], Row>;
  readonly #saveQuote: Database.Statement<[string, string, string, string, number]>;
  readonly #saveFailure: Database.Statement<[string, string, number]>;
  readonly #take: Database.Transaction<(wanted: number, nowMs: number, budget: QuoteBudget) => number>;
  readonly #pause: Database.Statement<[number]>;

  /** @throws QuoteCacheUnavailable when the file cannot be opened or set up. */
  constructor(options: SqliteQuoteCacheOptions) {
    const db = (this.#db = sqlite(() => {
      if (options.path !== ':memory:') mkdirSync(dirname(options.path), { recursive: true });
      const db = new Database(options.path);
      // Patient while setting up (workers start together and may all create the tables), brief after.
      db.pragma('busy_timeout = 5000');
      // As the session store does: WAL is retried while another worker creates the file.
      enableWal(db, 5000);
      // A lost cache write after a power cut costs one call to the provider, not data: no fsync each time.
      db.pragma('synchronous = NORMAL');
      db.exec(SCHEMA);
      db.pragma(`busy_timeout = ${options.busyTimeoutMs ?? 250}`);
      return db;
    }, `Cannot open the quote cache ${options.path}`));
    this.#read = db.prepare(
      `SELECT symbol, price, as_of, source, fetched_at_ms, failure_reason, failure_at_ms
       FROM quotes WHERE symbol IN (SELECT value FROM json_each(?))`,
    );
    this.#saveQuote = db.prepare(
      `INSERT INTO quotes (symbol, price, as_of, source, fetched_at_ms) VALUES (?, ?, ?, ?, ?)
       ON CONFLICT (symbol) DO UPDATE SET price = excluded.price, as_of = excluded.as_of,
         source = excluded.source, fetched_at_ms = excluded.fetched_at_ms
       WHERE quotes.fetched_at_ms IS NULL OR quotes.fetched_at_ms < excluded.fetched_at_ms`,
    );
    this.#saveFailure = db.prepare(
      `INSERT INTO quotes (symbol, failure_reason, failure_at_ms) VALUES (?, ?, ?)
       ON CONFLICT (symbol) DO UPDATE SET failure_reason = excluded.failure_reason,
         failure_at_ms = excluded.failure_at_ms
       WHERE quotes.failure_at_ms IS NULL OR quotes.failure_at_ms < excluded.failure_at_ms`,
    );
    const counter = db.prepare<[string], { period: number; used: number }>(
      'SELECT period, used FROM quote_budget WHERE name = ?',
    );
    const setCounter = db.prepare<[string, number, number]>(
      `INSERT INTO quote_budget (name, period, used) VALUES (?, ?, ?)
       ON CONFLICT (name) DO UPDATE SET period = excluded.period, used = excluded.used`,
    );
    this.#take = db.transaction((wanted, nowMs, budget) => {
      if (nowMs < (counter.get('paused')?.period ?? 0)) return 0;
      const { minute, day } = budgetWindows(nowMs);
      const current = (name: string, window: number) => {
        const row = counter.get(name);
        return row !== undefined && row.period === window ? row.used : 0;
      };
      const usedMinute = current('minute', minute);
      const usedDay = current('day', day);
      const granted = grantable(wanted, usedMinute, usedDay, budget);
      if (granted > 0) {
        setCounter.run('minute', minute, usedMinute + granted);
        setCounter.run('day', day, usedDay + granted);
      }
      return granted;
    });
    this.#pause = db.prepare(
      `INSERT INTO quote_budget (name, period, used) VALUES ('paused', ?, 0)
       ON CONFLICT (name) DO UPDATE SET period = max(period, excluded.period)`,
    );
  }

  read(symbols: readonly string[]): Promise<ReadonlyMap<string, QuoteCacheEntry>> {
    return attempt(() => {
      const found = new Map<string, QuoteCacheEntry>();
      for (const row of this.#read.all(JSON.stringify(symbols))) found.set(row.symbol, toEntry(row));
      return found;
    }, 'Cannot read the quote cache');
  }

  saveQuote(quote: Quote, fetchedAtMs: number): Promise<void> {
    return attempt(() => {
      this.#saveQuote.run(quote.symbol, quote.price, quote.asOf, quote.source, fetchedAtMs);
    }, 'Cannot save a quote');
  }

  saveFailure(symbol: string, reason: QuoteUnavailableReason, atMs: number): Promise<void> {
    return attempt(() => {
      this.#saveFailure.run(symbol, reason, atMs);
    }, 'Cannot save a quote failure');
  }

  takeBudget(wanted: number, nowMs: number, budget: QuoteBudget): Promise<number> {
    return attempt(() => this.#take.immediate(wanted, nowMs, budget), 'Cannot take from the quote budget');
  }

  pauseBudget(untilMs: number): Promise<void> {
    return attempt(() => {
      this.#pause.run(untilMs);
    }, 'Cannot pause the quote budget');
  }

  close(): Promise<void> {
    if (this.#db.open) this.#db.close();
    return Promise.resolve();
  }
}

function toEntry(row: Row): QuoteCacheEntry {
  const last =
    row.price !== null && row.as_of !== null && row.fetched_at_ms !== null && row.source === 'alpha-vantage'
      ? {
          quote: { symbol: row.symbol, price: row.price, asOf: row.as_of, source: 'alpha-vantage' as const },
          fetchedAtMs: row.fetched_at_ms,
        }
      : undefined;
  const failure =
    row.failure_reason !== null && row.failure_at_ms !== null && REASONS.includes(row.failure_reason)
      ? { reason: row.failure_reason as QuoteUnavailableReason, atMs: row.failure_at_ms }
      : undefined;
  return { ...(last && { last }), ...(failure && { failure }) };
}

/** Runs `work` as a promise, with SQLite's errors (busy, I/O, a full disk) as QuoteCacheUnavailable. */
function attempt<R>(work: () => R, what: string): Promise<R> {
  return new Promise((resolve) => resolve(sqlite(work, what)));
}

function sqlite<R>(work: () => R, what: string): R {
  try {
    return work();
  } catch (error) {
    const failed = error instanceof Database.SqliteError || (error instanceof Error && 'code' in error);
    if (failed) throw new QuoteCacheUnavailable(`${what}: ${error.message}`, { cause: error });
    throw error;
  }
}
