/**
 * Sessions in an SQLite file (better-sqlite3), for one machine: one or many worker processes.
 * Entry point `flask-session-ts/sqlite`; `better-sqlite3` is an optional peer dependency.
 *
 * - WAL: readers never wait for a writer, and read without a lock.
 * - A write is one `BEGIN IMMEDIATE` transaction (read, apply, write): processes take turns on the
 *   file's write lock, so a change always runs on the latest data and never conflicts.
 * - `synchronous=FULL` by default: a transaction is on disk (fsync) before `update` resolves, so a
 *   302 sent after it survives a crash of the app *and* of the machine. `NORMAL` survives the app
 *   being killed (the WAL is in the OS's cache) but may lose the last writes on power loss.
 * - Expiry: an index on `expires_ms`; reads ignore expired rows, a sweep deletes them.
 * @module
 */
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { StoreUnavailable } from '../errors.js';
import {
  ServerSessionStore,
  type RecordToWrite,
  type ServerStoreOptions,
  type SessionBackend,
  type SessionRecord,
  type WriteOutcome,
} from './server-store.js';

/** Options of {@link SqliteSessionStore}. */
export interface SqliteStoreOptions extends ServerStoreOptions {
  /** The database file; its folder is created. `:memory:` for one process only. */
  readonly path: string;
  /** Default `FULL`; see the module notes. */
  readonly synchronous?: 'FULL' | 'NORMAL';
  /** How long a writer waits for another process's transaction. Default 5000 ms. */
  readonly busyTimeoutMs?: number;
  /** How often expired sessions are deleted. Default 10 minutes. */
  readonly sweepIntervalMs?: number;
}

interface Row {
  data: string;
  version: number;
  created_ms: number;
  expires_ms: number;
}

const SCHEMA = `
  CREATE TABLE IF NOT EXISTS sessions (
    key TEXT PRIMARY KEY,
    data TEXT NOT NULL,
    version INTEGER NOT NULL,
    created_ms INTEGER NOT NULL,
    expires_ms INTEGER NOT NULL
  ) WITHOUT ROWID;
  CREATE INDEX IF NOT EXISTS sessions_expires_ms ON sessions (expires_ms);
`;

/** The SQLite {@link SessionBackend}. */
export class SqliteBackend implements SessionBackend {
  readonly db: Database.Database;
  readonly #select: Database.Statement<[string], Row>;
  readonly #upsert: Database.Statement<[string, string, number, number, number]>;
  readonly #touch: Database.Statement<[number, string]>;
  readonly #delete: Database.Statement<[string]>;
  readonly #sweep: Database.Statement<[number]>;
  readonly #write: Database.Transaction<
    (key: string, nowMs: number, next: (current: SessionRecord | undefined) => RecordToWrite | null) => number
  >;
  readonly #timer: NodeJS.Timeout;

  constructor(options: SqliteStoreOptions) {
    const db = sqlite(() => {
      if (options.path !== ':memory:') mkdirSync(dirname(options.path), { recursive: true });
      const db = new Database(options.path);
      // First, so that a second process opening the file at the same moment waits instead of failing.
      db.pragma(`busy_timeout = ${options.busyTimeoutMs ?? 5000}`);
      enableWal(db, options.busyTimeoutMs ?? 5000);
      db.pragma(`synchronous = ${options.synchronous ?? 'FULL'}`);
      db.exec(SCHEMA);
      return db;
    }, `Cannot open the session database ${options.path}`);
    this.db = db;
    this.#select = db.prepare('SELECT data, version, created_ms, expires_ms FROM sessions WHERE key = ?');
    this.#upsert = db.prepare(
      `INSERT INTO sessions (key, data, version, created_ms, expires_ms) VALUES (?, ?, ?, ?, ?)
       ON CONFLICT (key) DO UPDATE SET data = excluded.data, version = excluded.version,
         created_ms = excluded.created_ms, expires_ms = excluded.expires_ms`,
    );
    this.#touch = db.prepare('UPDATE sessions SET expires_ms = ? WHERE key = ?');
    this.#delete = db.prepare('DELETE FROM sessions WHERE key = ?');
    this.#sweep = db.prepare('DELETE FROM sessions WHERE expires_ms <= ?');
    this.#write = db.transaction((key, nowMs, next) => {
      const row = this.#select.get(key);
      const current = row !== undefined && row.expires_ms > nowMs ? toRecord(row) : undefined;
      const record = next(current);
      if (record === null) {
        this.#delete.run(key);
        return 0;
      }
      // Versions keep growing over an expired row, so a stale compare can never match it again.
      const version = (row?.version ?? 0) + 1;
      this.#upsert.run(key, record.data, version, record.createdMs, record.expiresMs);
      return version;
    });
    // The store's clock, as every read and write uses: a session live by it is never swept.
    const now = options.now ?? Date.now;
    this.#timer = setInterval(
      () => {
        try {
          this.sweep(now());
        } catch {
          // A busy or full disk now is no reason to stop serving: the next sweep tries again.
        }
      },
      options.sweepIntervalMs ?? 10 * 60_000,
    );
    this.#timer.unref();
  }

  read(key: string, nowMs: number): SessionRecord | undefined {
    const row = sqlite(() => this.#select.get(key), 'Cannot read a session');
    return row !== undefined && row.expires_ms > nowMs ? toRecord(row) : undefined;
  }

  write(
    key: string,
    nowMs: number,
    next: (current: SessionRecord | undefined) => RecordToWrite | null,
  ): WriteOutcome {
    const version = sqlite(() => this.#write.immediate(key, nowMs, next), 'Cannot save a session');
    return { outcome: 'saved', version };
  }

  touch(key: string, expiresMs: number): void {
    sqlite(() => this.#touch.run(expiresMs, key), 'Cannot refresh a session');
  }

  remove(key: string): void {
    sqlite(() => this.#delete.run(key), 'Cannot remove a session');
  }

  /** Deletes the sessions expired at `nowMs`; returns how many. */
  sweep(nowMs: number): number {
    return sqlite(() => this.#sweep.run(nowMs).changes, 'Cannot delete expired sessions');
  }

  ping(): Promise<void> {
    return Promise.resolve().then(() => {
      sqlite(() => this.db.prepare('SELECT 1').get(), 'The session database does not answer');
    });
  }

  close(): Promise<void> {
    clearInterval(this.#timer);
    if (this.db.open) this.db.close();
    return Promise.resolve();
  }
}

/**
 * Sessions in an SQLite file.
 *
 * @example
 * const store = new SqliteSessionStore({ path: 'instance/sessions.sqlite3', secretKey });
 * app.use(sessionMiddleware(store));
 */
export class SqliteSessionStore extends ServerSessionStore {
  declare readonly backend: SqliteBackend;

  /** @throws StoreUnavailable when the file cannot be opened; SessionConfigError for bad settings. */
  constructor(options: SqliteStoreOptions) {
    super(new SqliteBackend(options), options);
  }
}

function toRecord(row: Row): SessionRecord {
  return { data: row.data, version: row.version, createdMs: row.created_ms, expiresMs: row.expires_ms };
}

/**
 * `PRAGMA journal_mode = WAL`, tried again for up to `timeoutMs` while another connection holds the
 * lock. SQLite answers this pragma SQLITE_BUSY at once, without the busy handler, when two
 * processes create the file together (a cluster's workers starting): one in five such starts
 * failed "database is locked" before.
 */
export function enableWal(db: Database.Database, timeoutMs: number): void {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      db.pragma('journal_mode = WAL');
      return;
    } catch (error) {
      const busy = error instanceof Database.SqliteError && error.code === 'SQLITE_BUSY';
      if (!busy || Date.now() >= deadline) throw error;
      // A start-up step of a synchronous constructor: a short blocking pause, then again.
      Atomics.wait(PAUSE, 0, 0, 5);
    }
  }
}

const PAUSE = new Int32Array(new SharedArrayBuffer(4));

/** Runs `work`, turning SQLite's errors (busy, I/O, a full disk) into StoreUnavailable. */
function sqlite<R>(work: () => R, what: string): R {
  try {
    return work();
  } catch (error) {
    // SqliteError: busy, I/O, corrupt; a system error (with a code) from creating the folder.
    const failed = error instanceof Database.SqliteError || (error instanceof Error && 'code' in error);
    if (failed) throw new StoreUnavailable(`${what}: ${error.message}`, error);
    throw error;
  }
}
