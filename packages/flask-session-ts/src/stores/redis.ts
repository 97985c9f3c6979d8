/**
 * Sessions in Redis (node-redis 5), a single node or a Redis Cluster, for many machines.
 * Entry point `flask-session-ts/redis`; `redis` is an optional peer dependency.
 *
 * - A session is one hash (`d` data, `v` version, `c` created, `e` expires) under one key, so
 *   it lives on one cluster slot; its TTL (`PEXPIREAT`) is the expiry.
 * - A write reads the hash, applies the change, and stores it with a Lua compare-and-set on `v`:
 *   when another writer got there first nothing is written and the store retries on fresh data.
 * - Fail fast: no offline queue, one-second connect and command timeouts, so a request meets a
 *   503 within a second while Redis is down; the client reconnects by itself meanwhile.
 * - Durability is Redis's: `appendonly yes` with `appendfsync always` keeps every acknowledged
 *   write through a crash (see the README).
 * - No credential in any message: the password of every URL given (`redis://user:pw@host`,
 *   `rediss://`, cluster nodes) is shown as `***` in `StoreUnavailable`, in errors passed to
 *   `onError` and in the errors they carry, whatever the client put in them.
 * @module
 */
import { createClient, createCluster, type RedisClientType, type RedisClusterType } from 'redis';
import { SessionConfigError, StoreUnavailable } from '../errors.js';
import {
  ServerSessionStore,
  type RecordToWrite,
  type ServerStoreOptions,
  type SessionBackend,
  type SessionRecord,
  type WriteOutcome,
} from './server-store.js';

/** Options of {@link RedisSessionStore}: one of `url` and `clusterNodes`. */
export interface RedisStoreOptions extends ServerStoreOptions {
  /** A single node, e.g. `redis://127.0.0.1:6379`. */
  readonly url?: string;
  /** Some nodes of a Redis Cluster (the rest are discovered), e.g. `['redis://10.0.0.1:7000']`. */
  readonly clusterNodes?: readonly string[];
  /** Prefix of every key. Default `session:`. */
  readonly keyPrefix?: string;
  /** Longest wait for a connection or an answer before StoreUnavailable. Default 1000 ms. */
  readonly timeoutMs?: number;
  /**
   * Told about connection errors (the client keeps reconnecting), with any password from the
   * URLs masked as `***`. Default: silent.
   */
  readonly onError?: (error: Error) => void;
}

// KEYS[1] the hash; ARGV: expected version ('0': none), '1' write / '0' delete, data, created, expires.
const COMPARE_AND_SET = `
local v = redis.call('HGET', KEYS[1], 'v') or '0'
if v ~= ARGV[1] then return -1 end
if ARGV[2] == '0' then redis.call('DEL', KEYS[1]) return 0 end
local next = tonumber(v) + 1
redis.call('HSET', KEYS[1], 'd', ARGV[3], 'v', next, 'c', ARGV[4], 'e', ARGV[5])
redis.call('PEXPIREAT', KEYS[1], ARGV[5])
return next`;

const TOUCH = `
if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
redis.call('HSET', KEYS[1], 'e', ARGV[1])
redis.call('PEXPIREAT', KEYS[1], ARGV[1])
return 1`;

type Client = RedisClientType | RedisClusterType;

const MASK = '***';
// scheme://user:password@ — the password runs to the last "@" before the host.
const URL_PASSWORD = /^([A-Za-z][A-Za-z0-9+.-]*:\/\/[^:@/]*:)(.*)@/;

/** `url` with its password (if any) shown as `***`: `redis://user:***@host:6379`. */
export function maskRedisUrl(url: string): string {
  return url.replace(URL_PASSWORD, `$1${MASK}@`);
}

/**
 * Masks the passwords of some URLs wherever they appear in a text or an error: as written in the
 * URL (percent-encoded) and as sent to Redis (decoded).
 */
class Redactor {
  readonly #secrets: string[];

  constructor(urls: readonly string[]) {
    const secrets = new Set<string>();
    for (const url of urls) {
      const password = URL_PASSWORD.exec(url)?.[2];
      if (password === undefined || password === '') continue;
      secrets.add(password);
      try {
        secrets.add(decodeURIComponent(password));
      } catch {
        // Not valid percent-encoding: the client cannot decode it either.
      }
    }
    // Longest first, so that a password containing another is masked whole.
    this.#secrets = [...secrets].sort((a, b) => b.length - a.length);
  }

  text(text: string): string {
    let masked = text;
    for (const secret of this.#secrets) masked = masked.replaceAll(secret, MASK);
    return masked;
  }

  /** Masks `error`'s message and stack in place (and its cause's), and returns it. */
  error<E>(error: E): E {
    if (this.#secrets.length === 0) return error;
    for (let e: unknown = error, depth = 0; e instanceof Error && depth < 5; e = e.cause, depth++) {
      e.message = this.text(e.message);
      if (e.stack !== undefined) e.stack = this.text(e.stack);
      // Node's URL errors keep the text they could not parse.
      if ('input' in e && typeof e.input === 'string') e.input = this.text(e.input);
    }
    return error;
  }
}

/** The Redis {@link SessionBackend}. */
export class RedisBackend implements SessionBackend {
  readonly client: Client;
  readonly #prefix: string;
  readonly #timeoutMs: number;
  readonly #where: string;
  readonly #cluster: boolean;
  readonly #redact: Redactor;
  #connecting: Promise<unknown> | undefined;
  #connected = false;
  #lastError: Error | undefined;

  /** Starts connecting at once; requests before the connection is up get StoreUnavailable. */
  constructor(options: RedisStoreOptions) {
    const timeoutMs = options.timeoutMs ?? 1000;
    this.#timeoutMs = timeoutMs;
    this.#prefix = options.keyPrefix ?? 'session:';
    const clientOptions = {
      socket: {
        connectTimeout: timeoutMs,
        // Retry quickly, then every second: service is back soon after Redis is.
        reconnectStrategy: (retries: number) => Math.min(50 * 2 ** retries, 1000),
      },
      // Commands while disconnected fail at once instead of waiting in a queue.
      disableOfflineQueue: true,
      commandOptions: { timeout: timeoutMs },
    };
    const nodes = options.clusterNodes ?? [];
    this.#cluster = nodes.length > 0;
    const url = options.url ?? 'redis://127.0.0.1:6379';
    const redact = (this.#redact = new Redactor(this.#cluster ? nodes : [url]));
    this.#where = this.#cluster
      ? `the Redis Cluster at ${nodes.map(maskRedisUrl).join(', ')}`
      : `Redis at ${maskRedisUrl(url)}`;
    try {
      this.client = this.#cluster
        ? (createCluster({
            rootNodes: nodes.map((node) => ({ url: node })),
            defaults: clientOptions,
          }) as unknown as RedisClusterType)
        : (createClient({ url, ...clientOptions }) as unknown as RedisClientType);
    } catch (error) {
      // A URL the client cannot use (bad syntax, scheme, database number): a deployment error.
      const reason = error instanceof Error ? redact.text(error.message) : 'unknown error';
      throw new SessionConfigError(
        `Cannot use ${this.#where} (${reason}): give redis[s]://[user:password@]host[:port][/database].`,
      );
    }
    this.client.on('error', (error: Error) => {
      this.#lastError = redact.error(error);
      options.onError?.(this.#lastError);
    });
    void this.#connect();
  }

  #connect(): Promise<unknown> {
    return (this.#connecting = this.client.connect().then(
      () => {
        this.#connected = true;
      },
      (error: unknown) => {
        // A cluster whose nodes were all down gives up; the next request starts again.
        this.#lastError = this.#redact.error(error instanceof Error ? error : new Error(String(error)));
        this.#connecting = undefined;
      },
    ));
  }

  /** Waits (up to the timeout) for the first connection, then runs `command`, for as long at most. */
  async #run<R>(what: string, command: () => Promise<R>): Promise<R> {
    try {
      // Until the first connection is up the client is not ready: wait for it, briefly.
      // After that the client reconnects by itself, and commands fail at once while it does.
      if (!this.#connected) {
        await withTimeout(this.#connecting ?? this.#connect(), this.#timeoutMs, 'no connection');
      }
      // node-redis times a command out only while it waits to be sent: one sent to a Redis that
      // stopped answering (paused, overloaded, a dead link) would hold the request for ever.
      return await withTimeout(command(), this.#timeoutMs, 'no answer');
    } catch (error) {
      const redact = this.#redact;
      const reason = redact.text(error instanceof Error ? error.message : String(error));
      const last = this.#lastError === undefined ? undefined : redact.text(this.#lastError.message);
      throw new StoreUnavailable(
        `${what}: ${this.#where} did not answer (${reason}${last !== undefined && last !== reason ? `; ${last}` : ''})`,
        redact.error(error),
      );
    }
  }

  /**
   * Runs `command` as every command of this backend runs: after the first connection, within the
   * timeout, failing with {@link StoreUnavailable} (for backends of another layout on this client).
   */
  protected command<R>(what: string, command: () => Promise<R>): Promise<R> {
    return this.#run(what, command);
  }

  async read(key: string, nowMs: number): Promise<SessionRecord | undefined> {
    const [data, version, created, expires] = await this.#run('Cannot read a session', () =>
      this.client.hmGet(this.#prefix + key, ['d', 'v', 'c', 'e']),
    );
    if (data === null || data === undefined || Number(expires) <= nowMs) return undefined;
    return { data, version: Number(version), createdMs: Number(created), expiresMs: Number(expires) };
  }

  async write(
    key: string,
    nowMs: number,
    next: (current: SessionRecord | undefined) => RecordToWrite | null,
  ): Promise<WriteOutcome> {
    const [data, version, created, expires] = await this.#run('Cannot read a session', () =>
      this.client.hmGet(this.#prefix + key, ['d', 'v', 'c', 'e']),
    );
    const expected = data === null || data === undefined ? '0' : (version ?? '0');
    const current =
      data === null || data === undefined || Number(expires) <= nowMs
        ? undefined
        : { data, version: Number(version), createdMs: Number(created), expiresMs: Number(expires) };
    const record = next(current);
    const args =
      record === null
        ? [expected, '0', '', '0', '0']
        : [expected, '1', record.data, String(record.createdMs), String(record.expiresMs)];
    const reply = await this.#run('Cannot save a session', () =>
      this.client.eval(COMPARE_AND_SET, { keys: [this.#prefix + key], arguments: args }),
    );
    const saved = Number(reply);
    return saved < 0 ? { outcome: 'conflict' } : { outcome: 'saved', version: saved };
  }

  async touch(key: string, expiresMs: number): Promise<void> {
    await this.#run('Cannot refresh a session', () =>
      this.client.eval(TOUCH, { keys: [this.#prefix + key], arguments: [String(expiresMs)] }),
    );
  }

  async remove(key: string): Promise<void> {
    await this.#run('Cannot remove a session', () => this.client.unlink(this.#prefix + key));
  }

  async ping(): Promise<void> {
    await this.#run('Redis does not answer', async () => {
      // A cluster has no PING of its own: ask the node that holds a session key's slot.
      if (this.#cluster) await this.client.exists(`${this.#prefix}ping`);
      else await this.client.ping();
    });
  }

  /**
   * Closes the connection gracefully: commands in flight get their answers, for up to the timeout.
   * Then what still waits is cut: a Redis that stopped answering, or one gone while the client
   * was reconnecting, would otherwise hold `close()`, and the process's shutdown with it, for ever.
   */
  async close(): Promise<void> {
    if (!this.client.isOpen) {
      this.client.destroy();
      return;
    }
    try {
      await withTimeout(this.client.close(), this.#timeoutMs, 'close');
    } catch {
      try {
        this.client.destroy();
      } catch {
        // node-redis 5, once close() has begun: destroy() rejects every command still waiting,
        // then refuses to close the socket a second time, which the test of this case pins.
      }
    }
  }
}

/**
 * Sessions in Redis or a Redis Cluster.
 *
 * @example
 * const store = new RedisSessionStore({ url: 'redis://127.0.0.1:6379', secretKey });
 * await store.ping(); // a clear error at start-up when Redis is not there
 * app.use(sessionMiddleware(store));
 */
export class RedisSessionStore extends ServerSessionStore {
  declare readonly backend: RedisBackend;

  constructor(options: RedisStoreOptions) {
    super(new RedisBackend(options), options);
  }
}

/** `promise`, or a rejection with ``${what} within ${ms} ms`` when it takes longer. */
function withTimeout<R>(promise: Promise<R>, ms: number, what: string): Promise<R> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
