/**
 * Server-side sessions shared with Flask-Session 0.8 (`SESSION_TYPE='redis'`) on one Redis.
 * Entry point `flask-session-ts/flask-session-redis`; `redis` is an optional peer dependency.
 *
 * Everything is laid out as Flask-Session lays it out, so each side reads the other's sessions:
 * - one string key, `SESSION_KEY_PREFIX` + the session id (default `session:`), holding the
 *   session dict as msgspec encodes it: MessagePack, or JSON (`SESSION_SERIALIZATION_FORMAT`);
 *   each side also reads the other format, as Flask-Session does; see `msgspec.ts` for values;
 * - the id is `secrets.token_urlsafe(SESSION_ID_LENGTH)` (32 bytes: 43 characters), carried in
 *   the cookie as it is, or signed as Flask-Session's deprecated `SESSION_USE_SIGNER=True` signs
 *   it (itsdangerous `Signer(SECRET_KEY, salt='flask-session', key_derivation='hmac')`, SHA-1).
 *   An incoming id of another shape is refused before Redis is asked;
 * - the key's TTL is the lifetime (`PERMANENT_SESSION_LIFETIME`), set at every write whether the
 *   session is permanent or not, as Flask-Session sets it.
 *
 * Our writers never lose each other's updates: a write compares the bytes it read with what the
 * key holds, in one Lua script, and reruns the change on fresh data when they differ. Flask-Session
 * writes blindly (`SET`), so a Flask request that overlaps one of ours can undo our change: see
 * the README. Ids are stored as they are (Flask-Session looks them up so): whoever can read Redis
 * can use every session, unlike this library's own format, which keeps only SHA-256 of ids.
 * @module
 */
import { randomBytes } from 'node:crypto';
import { RESP_TYPES } from 'redis';
import { SessionConfigError, UnknownSession } from '../errors.js';
import { Signer, type Verified } from '../signer.js';
import type { SessionData } from '../tagged-json.js';
import { decodeSession, encodeSession, type MsgspecFormat } from './msgspec.js';
import { RedisBackend, type RedisStoreOptions } from './redis.js';
import {
  isImportedId,
  ServerSessionStore,
  type RecordToWrite,
  type SessionRecord,
  type WriteOutcome,
} from './server-store.js';

export type { MsgspecFormat } from './msgspec.js';

/**
 * Options of {@link FlaskSessionRedisStore}: those of the Redis store, each Flask-Session setting
 * under its own name, and no absolute lifetime (Flask-Session keeps no creation time).
 */
export interface FlaskSessionRedisOptions extends Omit<RedisStoreOptions, 'absoluteLifetimeSeconds'> {
  /** `SESSION_SERIALIZATION_FORMAT`: what this side writes (both are read). Default `'msgpack'`. */
  readonly serializationFormat?: MsgspecFormat;
  /** `SESSION_USE_SIGNER`: sign the id in the cookie as Flask-Session does. Default false (Flask-Session's). */
  readonly useSigner?: boolean;
  /** `SESSION_ID_LENGTH`: random bytes in an id; incoming ids must have this length. Default 32 (16 at least). */
  readonly idLengthBytes?: number;
  /** `SESSION_PERMANENT`: new sessions are permanent (a cookie with an expiry). Default true (Flask-Session's). */
  readonly permanent?: boolean;
  /** `PERMANENT_SESSION_LIFETIME` in seconds: the key's TTL and the cookie's lifetime. Default 31 days. */
  readonly lifetimeSeconds?: number;
}

/** Flask-Session 0.8's defaults, which this store takes for its own. */
export const FLASK_SESSION_DEFAULTS = Object.freeze({
  keyPrefix: 'session:',
  serializationFormat: 'msgpack',
  useSigner: false,
  idLengthBytes: 32,
  permanent: true,
  /** The salt of Flask-Session's id signer (`base.py`, `_get_signer`). */
  signerSalt: 'flask-session',
} as const);

const FORMATS: readonly MsgspecFormat[] = ['msgpack', 'json'];

/** The fewest random bytes in an id accepted here: 128 bits, beyond guessing. */
const MIN_ID_BYTES = 16;

// KEYS[1] the session key. The value and when it expires (-1: never), read together: its
// remaining lifetime added to Redis's clock (PEXPIRETIME would need Redis 7; PXAT needs 6.2).
const READ = `
local ttl = redis.call('PTTL', KEYS[1])
local now = redis.call('TIME')
local at = -1
if ttl >= 0 then at = now[1] * 1000 + math.floor(now[2] / 1000) + ttl end
return {redis.call('GET', KEYS[1]), at}`;

// KEYS[1]; ARGV: '1' when a value was read (and ARGV[2] is it) or '0' when none was, then '1' write
// ARGV[4] until the Unix time ARGV[5] in ms, or '0' delete. -1: the key changed since it was read.
const COMPARE_AND_SET = `
local current = redis.call('GET', KEYS[1])
if ARGV[1] == '1' then
  if current ~= ARGV[2] then return -1 end
elseif current then return -1 end
if ARGV[3] == '0' then redis.call('DEL', KEYS[1]) return 0 end
redis.call('SET', KEYS[1], ARGV[4], 'PXAT', ARGV[5])
return 1`;

/** What the binary client's scripts answer. */
interface BinaryClient {
  eval(script: string, options: { keys: string[]; arguments: (string | Buffer)[] }): Promise<unknown>;
}

/**
 * The Flask-Session layout on the {@link RedisBackend}'s connection. A record's `data` is the
 * stored bytes as a Latin-1 string (one character per byte), its `version` 1 while it exists.
 */
export class FlaskSessionRedisBackend extends RedisBackend {
  readonly #keyPrefix: string;
  readonly #binary: BinaryClient;

  constructor(options: RedisStoreOptions) {
    super(options);
    this.#keyPrefix = options.keyPrefix ?? FLASK_SESSION_DEFAULTS.keyPrefix;
    // MessagePack is binary: the replies come as Buffers, not as UTF-8 text.
    this.#binary = (this.client as unknown as { withTypeMapping(m: object): BinaryClient }).withTypeMapping({
      [RESP_TYPES.BLOB_STRING]: Buffer,
    });
  }

  /** What the key holds, expired or not by the store's clock (`value`: the bytes to compare). */
  async #get(
    key: string,
    nowMs: number,
  ): Promise<{ value: Buffer | null; record: SessionRecord | undefined }> {
    const reply = await this.command('Cannot read a session', () =>
      this.#binary.eval(READ, { keys: [this.#keyPrefix + key], arguments: [] }),
    );
    const [value, expiresAtMs] = reply as [Buffer | null, number];
    if (value === null) return { value, record: undefined };
    // A key without a TTL was not written by Flask-Session or by us: it does not expire.
    const expiresMs = expiresAtMs < 0 ? Number.MAX_SAFE_INTEGER : expiresAtMs;
    // Past its expiry by the store's clock (`now`), as every backend judges it, even if Redis's
    // clock has not removed the key yet: the session is over.
    if (expiresMs <= nowMs) return { value, record: undefined };
    return { value, record: { data: value.toString('latin1'), version: 1, createdMs: nowMs, expiresMs } };
  }

  override async read(key: string, nowMs: number): Promise<SessionRecord | undefined> {
    return (await this.#get(key, nowMs)).record;
  }

  override async write(
    key: string,
    nowMs: number,
    next: (current: SessionRecord | undefined) => RecordToWrite | null,
  ): Promise<WriteOutcome> {
    const { value, record: current } = await this.#get(key, nowMs);
    const record = next(current);
    // Compared with what the key holds, even expired: a key still there is replaced, not a conflict.
    const read: (string | Buffer)[] = value === null ? ['0', ''] : ['1', value];
    const written: (string | Buffer)[] =
      record === null ? ['0', '', '0'] : ['1', Buffer.from(record.data, 'latin1'), String(record.expiresMs)];
    const reply = await this.command('Cannot save a session', () =>
      this.#binary.eval(COMPARE_AND_SET, { keys: [this.#keyPrefix + key], arguments: [...read, ...written] }),
    );
    const saved = Number(reply);
    return saved < 0 ? { outcome: 'conflict' } : { outcome: 'saved', version: saved };
  }

  override async touch(key: string, expiresMs: number): Promise<void> {
    await this.command('Cannot refresh a session', () =>
      this.client.pExpireAt(this.#keyPrefix + key, expiresMs),
    );
  }

  override async remove(key: string): Promise<void> {
    await this.command('Cannot remove a session', () => this.client.unlink(this.#keyPrefix + key));
  }
}

/**
 * Sessions in Redis exactly as Flask-Session 0.8 keeps them, so a Flask app with
 * `SESSION_TYPE='redis'` and this app share them: same Redis, same `SECRET_KEY`, same cookie name
 * and the same Flask-Session settings here (each option names the setting it matches).
 *
 * @example
 * // Flask: SESSION_TYPE='redis', SESSION_REDIS=Redis.from_url(url), SECRET_KEY=secret
 * const store = new FlaskSessionRedisStore({ url, secretKey: secret, cookie: { secure: false } });
 * await store.ping();
 * app.use(sessionMiddleware(store));
 */
export class FlaskSessionRedisStore extends ServerSessionStore {
  declare readonly backend: FlaskSessionRedisBackend;
  readonly serializationFormat: MsgspecFormat;
  readonly useSigner: boolean;
  readonly idLengthBytes: number;
  readonly #idSigner: Signer;
  readonly #idPattern: RegExp;

  /** @throws SessionConfigError for settings that can never work, saying how to fix them. */
  constructor(options: FlaskSessionRedisOptions) {
    const d = FLASK_SESSION_DEFAULTS;
    const format = options.serializationFormat ?? d.serializationFormat;
    const idLengthBytes = options.idLengthBytes ?? d.idLengthBytes;
    if (!(FORMATS as readonly string[]).includes(format)) {
      throw new SessionConfigError(
        `serializationFormat must be 'msgpack' or 'json' (as Flask-Session's), not ${JSON.stringify(format)}.`,
      );
    }
    if (!Number.isSafeInteger(idLengthBytes) || idLengthBytes < MIN_ID_BYTES || idLengthBytes > 1024) {
      throw new SessionConfigError(
        `idLengthBytes (SESSION_ID_LENGTH) must be a whole number from ${MIN_ID_BYTES} to 1024, not ${idLengthBytes}.`,
      );
    }
    if ((options as { absoluteLifetimeSeconds?: unknown }).absoluteLifetimeSeconds !== undefined) {
      throw new SessionConfigError(
        'absoluteLifetimeSeconds cannot apply to Flask-Session sessions: Flask-Session keeps no creation time. Remove it.',
      );
    }
    const backend = new FlaskSessionRedisBackend(options);
    try {
      super(backend, { ...options, permanent: options.permanent ?? d.permanent });
    } catch (error) {
      backend.client.destroy();
      throw error;
    }
    this.serializationFormat = format;
    this.useSigner = options.useSigner ?? d.useSigner;
    this.idLengthBytes = idLengthBytes;
    this.#idSigner = new Signer([options.secretKey, ...(options.fallbackSecretKeys ?? [])], {
      salt: d.signerSalt,
      digest: 'sha1',
    });
    // secrets.token_urlsafe(n): n random bytes in URL-safe base64, unpadded.
    this.#idPattern = new RegExp(`^[A-Za-z0-9_-]{${Math.ceil((idLengthBytes * 4) / 3)}}$`);
  }

  protected override newId(): string {
    return randomBytes(this.idLengthBytes).toString('base64url');
  }

  protected override signId(id: string): string {
    return this.useSigner ? this.#idSigner.sign(id) : id;
  }

  protected override unsignId(value: string): Verified {
    const verified = this.useSigner ? this.#idSigner.unsign(value) : { value, keyIndex: 0 };
    if (!this.isWellFormedId(verified.value)) throw new UnknownSession('The session id is malformed');
    return verified;
  }

  /** Ids of `idLengthBytes`, and those of imported cookies' records, which have their own length. */
  protected override isWellFormedId(id: string): boolean {
    return this.#idPattern.test(id) || isImportedId(id);
  }

  /** The id itself: Flask-Session looks sessions up by their raw id. */
  protected override storageKey(id: string): string {
    return id;
  }

  protected override encodeData(data: SessionData, previous: string | undefined): string {
    const before =
      previous === undefined
        ? undefined
        : decodeSession(Buffer.from(previous, 'latin1'), this.serializationFormat);
    return encodeSession(data, this.serializationFormat, before).toString('latin1');
  }

  protected override decodeData(text: string): SessionData {
    return decodeSession(Buffer.from(text, 'latin1'), this.serializationFormat).data;
  }
}
