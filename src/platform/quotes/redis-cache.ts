/**
 * The quote cache and budget in Redis (node-redis 5), a single node or a Redis Cluster, shared
 * by every worker on every machine. It may use the sessions' Redis: its keys have their own prefix.
 *
 * - A symbol is one hash `quote:<SYMBOL>` (`p` price, `a` as-of day, `s` source, `f` fetched at,
 *   `r` failure reason, `t` failure at) with a TTL of {@link DEFAULT_RETAIN_MS}, renewed on each
 *   write. Writes are Lua scripts that keep the newer of two quotes (or failures).
 * - The budget is two counters, `quote:{budget}:m:<minute>` and `quote:{budget}:d:<day>`, each
 *   with an expiry past its window, and a pause `quote:{budget}:paused`. One Lua script checks and
 *   increments them together, so the allowance is exact across workers; the `{budget}` hash tag
 *   keeps the three keys in one cluster slot, as a script needs.
 * - Fail fast, like the session store: no offline queue, and every command bounded by `timeoutMs`
 *   (default 500 ms, half a page's wait for quotes), then {@link QuoteCacheUnavailable}.
 * @module
 */
import { createClient, createCluster, type RedisClientType, type RedisClusterType } from 'redis';
import {
  DEFAULT_RETAIN_MS,
  QuoteCacheUnavailable,
  budgetWindows,
  type QuoteBudget,
  type QuoteCache,
  type QuoteCacheEntry,
} from './cache.js';
import type { Quote, QuoteUnavailableReason } from './provider.js';

type Client = RedisClientType | RedisClusterType;

/** Options of {@link RedisQuoteCache}: one of `url`, `clusterNodes` and `client`. */
export interface RedisQuoteCacheOptions {
  /** A single node, e.g. `redis://127.0.0.1:6379`. */
  readonly url?: string;
  /** Some nodes of a Redis Cluster, e.g. `['redis://10.0.0.1:7000']`. */
  readonly clusterNodes?: readonly string[];
  /** A client someone else opened and will close (e.g. the session store's); not closed by {@link RedisQuoteCache.close}. */
  readonly client?: Client;
  /** Prefix of every key. Default `quote:`. */
  readonly keyPrefix?: string;
  /** Longest wait for a connection or an answer. Default 500 ms. */
  readonly timeoutMs?: number;
  /** How long an entry is kept after its last write. Default {@link DEFAULT_RETAIN_MS}. */
  readonly retainMs?: number;
  /** Told about connection errors of a client this cache opened (it keeps reconnecting). */
  readonly onError?: (error: Error) => void;
}

// KEYS[1] the symbol's hash; ARGV: price, as-of, source, fetched at, retain ms.
const SAVE_QUOTE = `
local f = tonumber(redis.call('HGET', KEYS[1], 'f') or '-1')
if f >= tonumber(ARGV[4]) then return 0 end
redis.call('HSET', KEYS[1], 'p', ARGV[1], 'a', ARGV[2], 's', ARGV[3], 'f', ARGV[4])
redis.call('PEXPIRE', KEYS[1], ARGV[5])
return 1`;

// KEYS[1] the symbol's hash; ARGV: reason, at, retain ms.
const SAVE_FAILURE = `
local t = tonumber(redis.call('HGET', KEYS[1], 't') or '-1')
if t >= tonumber(ARGV[2]) then return 0 end
redis.call('HSET', KEYS[1], 'r', ARGV[1], 't', ARGV[2])
redis.call('PEXPIRE', KEYS[1], ARGV[3])
return 1`;

// KEYS: minute counter, day counter, pause; ARGV: now ms, wanted, per minute, per day.
const TAKE = `
if tonumber(redis.call('GET', KEYS[3]) or '0') > tonumber(ARGV[1]) then return 0 end
local m = tonumber(redis.call('GET', KEYS[1]) or '0')
local d = tonumber(redis.call('GET', KEYS[2]) or '0')
local granted = math.min(tonumber(ARGV[2]), tonumber(ARGV[3]) - m, tonumber(ARGV[4]) - d)
if granted <= 0 then return 0 end
redis.call('INCRBY', KEYS[1], granted)
redis.call('PEXPIRE', KEYS[1], 120000)
redis.call('INCRBY', KEYS[2], granted)
redis.call('PEXPIRE', KEYS[2], 172800000)
return granted`;

// KEYS[1] the pause; ARGV: until ms. Never shortens a longer pause. One small key with no expiry:
// an expiry would follow Redis's clock, while the pause is compared with the workers' clock.
const PAUSE = `
if tonumber(redis.call('GET', KEYS[1]) or '0') >= tonumber(ARGV[1]) then return 0 end
redis.call('SET', KEYS[1], ARGV[1])
return 1`;

const REASONS: readonly string[] = ['rate-limited', 'unknown-symbol', 'timeout', 'error'];

/** Quotes and budget in Redis. */
export class RedisQuoteCache implements QuoteCache {
  readonly client: Client;
  readonly #owned: boolean;
  readonly #prefix: string;
  readonly #timeoutMs: number;
  readonly #retainMs: number;
  #connecting: Promise<unknown> | undefined;
  #connected = false;

  /** Starts connecting at once (when it opens its own client). */
  constructor(options: RedisQuoteCacheOptions) {
    this.#prefix = options.keyPrefix ?? 'quote:';
    this.#timeoutMs = options.timeoutMs ?? 500;
    this.#retainMs = options.retainMs ?? DEFAULT_RETAIN_MS;
    if (options.client !== undefined) {
      this.client = options.client;
      this.#owned = false;
      return;
    }
    const clientOptions = {
      socket: {
        connectTimeout: this.#timeoutMs,
        reconnectStrategy: (retries: number) => Math.min(50 * 2 ** retries, 1000),
      },
      disableOfflineQueue: true,
      commandOptions: { timeout: this.#timeoutMs },
    };
    const nodes = options.clusterNodes ?? [];
    this.client =
      nodes.length > 0
        ? (createCluster({
            rootNodes: nodes.map((url) => ({ url })),
            defaults: clientOptions,
          }) as unknown as RedisClusterType)
        : (createClient({
            url: options.url ?? 'redis://127.0.0.1:6379',
            ...clientOptions,
          }) as unknown as RedisClientType);
    this.#owned = true;
    this.client.on('error', (error: Error) => options.onError?.(error));
    // Failures surface at the first command, as QuoteCacheUnavailable.
    this.#connect().catch(() => undefined);
  }

  #connect(): Promise<unknown> {
    return (this.#connecting ??= this.client.connect().then(
      () => {
        // From here on the client reconnects by itself; commands fail at once while it does.
        this.#connected = true;
      },
      (error: unknown) => {
        // A failed first connection is tried again by the next command.
        this.#connecting = undefined;
        throw error;
      },
    ));
  }

  async #run<R>(what: string, command: () => Promise<R>): Promise<R> {
    try {
      if (this.#owned && !this.#connected) {
        await withTimeout(this.#connect(), this.#timeoutMs, 'no connection');
      }
      // node-redis bounds only the wait to send a command, not the wait for its answer.
      return await withTimeout(command(), this.#timeoutMs, 'no answer');
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      throw new QuoteCacheUnavailable(`${what}: Redis did not answer (${reason})`, { cause: error });
    }
  }

  async read(symbols: readonly string[]): Promise<ReadonlyMap<string, QuoteCacheEntry>> {
    const replies = await this.#run('Cannot read the quote cache', () =>
      Promise.all(symbols.map((s) => this.client.hmGet(this.#prefix + s, ['p', 'a', 's', 'f', 'r', 't']))),
    );
    const found = new Map<string, QuoteCacheEntry>();
    symbols.forEach((symbol, i) => {
      const [price, asOf, source, fetchedAt, reason, failedAt] = replies[i] ?? [];
      const last =
        price != null && asOf != null && fetchedAt != null && source === 'alpha-vantage'
          ? {
              quote: { symbol, price, asOf, source: 'alpha-vantage' as const },
              fetchedAtMs: Number(fetchedAt),
            }
          : undefined;
      const failure =
        reason != null && failedAt != null && REASONS.includes(reason)
          ? { reason: reason as QuoteUnavailableReason, atMs: Number(failedAt) }
          : undefined;
      if (last !== undefined || failure !== undefined) {
        found.set(symbol, { ...(last && { last }), ...(failure && { failure }) });
      }
    });
    return found;
  }

  async saveQuote(quote: Quote, fetchedAtMs: number): Promise<void> {
    const args = [quote.price, quote.asOf, quote.source, String(fetchedAtMs), String(this.#retainMs)];
    await this.#run('Cannot save a quote', () =>
      this.client.eval(SAVE_QUOTE, { keys: [this.#prefix + quote.symbol], arguments: args }),
    );
  }

  async saveFailure(symbol: string, reason: QuoteUnavailableReason, atMs: number): Promise<void> {
    const args = [reason, String(atMs), String(this.#retainMs)];
    await this.#run('Cannot save a quote failure', () =>
      this.client.eval(SAVE_FAILURE, { keys: [this.#prefix + symbol], arguments: args }),
    );
  }

  async takeBudget(wanted: number, nowMs: number, budget: QuoteBudget): Promise<number> {
    const { minute, day } = budgetWindows(nowMs);
    const base = `${this.#prefix}{budget}:`;
    const reply = await this.#run('Cannot take from the quote budget', () =>
      this.client.eval(TAKE, {
        keys: [`${base}m:${minute}`, `${base}d:${day}`, `${base}paused`],
        arguments: [String(nowMs), String(wanted), String(budget.perMinute), String(budget.perDay)],
      }),
    );
    return Number(reply);
  }

  async pauseBudget(untilMs: number): Promise<void> {
    await this.#run('Cannot pause the quote budget', () =>
      this.client.eval(PAUSE, { keys: [`${this.#prefix}{budget}:paused`], arguments: [String(untilMs)] }),
    );
  }

  /** Closes a client this cache opened: gracefully when Redis answers, at once when it does not. */
  async close(): Promise<void> {
    if (!this.#owned) return;
    if (!this.#connected || !this.client.isOpen) {
      this.client.destroy();
      return;
    }
    // close() waits for the answers still due; a Redis that stopped answering would hold it for ever.
    await withTimeout(this.client.close(), this.#timeoutMs, 'no answer').catch(() => this.client.destroy());
  }
}

function withTimeout<R>(promise: Promise<R>, ms: number, what: string): Promise<R> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
