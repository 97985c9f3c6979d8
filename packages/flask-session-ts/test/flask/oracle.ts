/**
 * A client for `oracle.py`: real Flask answering JSON lines, run by Debian's `/usr/bin/python3`
 * (Flask 2.2 / itsdangerous 2.1) or by another interpreter with its own Flask (the `python3` on
 * PATH has Flask 3.1 here). Tests use it to check our session cookies against Flask itself.
 *
 * Values cross the pipe in WIRE, an encoding independent of Flask's tagged JSON so that the
 * check is not circular: JSON scalars and arrays as themselves, and `{"$dict": {...}}`,
 * `{"$bytes": "<base64>"}`, `{"$date": <epoch seconds>}`, `{"$uuid": "<hex>"}`,
 * `{"$tuple": [...]}`, `{"$markup": "<str>"}` for the rest.
 * @module
 */
import { spawn, spawnSync, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe } from 'vitest';
import { Uuid, type SessionData, type SessionValue } from '../../src/tagged-json.js';

/** Debian's interpreter, with Flask 2.2 from `python3-flask`: always required. */
export const DEBIAN_PYTHON = '/usr/bin/python3';

/** A Python interpreter to run the oracle with, and what to call it in test names. */
export interface FlaskInterpreter {
  readonly python: string;
  /** e.g. `Flask 2.2.2 (/usr/bin/python3)`. */
  readonly label: string;
}

/**
 * The interpreters to test against: Debian's (required: its absence fails the run) and the
 * `python3` on PATH when it is another interpreter. One whose Flask cannot be imported is left
 * out with a message on stderr saying why, so a run with Flask 2.2 only is never silent.
 */
export function flaskInterpreters(): FlaskInterpreter[] {
  const found: FlaskInterpreter[] = [];
  for (const python of [DEBIAN_PYTHON, 'python3']) {
    const probe = spawnSync(
      python,
      ['-I', '-c', 'import sys, importlib.metadata as m, flask; print(m.version("flask"), sys.executable)'],
      { encoding: 'utf8' },
    );
    const [version, executable] = (probe.stdout || '').trim().split(' ');
    if (probe.status !== 0 || version === undefined || executable === undefined) {
      const why = (probe.error?.message ?? probe.stderr).trim().split('\n').at(-1) ?? 'unknown';
      if (python === DEBIAN_PYTHON) {
        throw new OracleError(
          `Flask is missing from ${python} (${why}). Install it: sudo apt-get install python3-flask`,
        );
      }
      console.warn(
        `NOTE: not testing against the Flask of "${python}": ${why}. Testing with Debian's Flask only.`,
      );
      continue;
    }
    if (found.some((f) => f.python === executable || f.label.startsWith(`Flask ${version} `))) continue;
    found.push({ python: executable, label: `Flask ${version} (${executable})` });
  }
  return found;
}
const SCRIPT = fileURLToPath(new URL('./oracle.py', import.meta.url));
/** Enough stderr to show a Python traceback when the process dies. */
const MAX_STDERR_CHARS = 64 * 1024;

/** A value in the oracle's transfer encoding. */
export type Wire =
  | null
  | boolean
  | number
  | string
  | Wire[]
  | { $dict: Record<string, Wire> }
  | { $bytes: string }
  | { $date: number }
  | { $uuid: string }
  | { $tuple: Wire[] }
  | { $markup: string }
  | { $int: string }
  | { $float: string };

/**
 * Encodes a session value as WIRE. Keys whose value is `undefined` are left out, as our codec
 * does. Dates are sent as whole seconds, floored: Flask's `http_date` keeps no more.
 * @throws TypeError for values a session cannot hold (functions, invalid dates, …).
 */
export function toWire(value: SessionValue): Wire {
  if (value === null || typeof value === 'boolean' || typeof value === 'string') return value;
  if (typeof value === 'number') {
    // A JavaScript number is a double: sent so that Python makes a float of it, not an int.
    if (!Number.isSafeInteger(value)) return { $float: floatText(value) };
    return value;
  }
  if (typeof value === 'bigint') return { $int: value.toString() };
  if (Array.isArray(value)) return (value as readonly SessionValue[]).map(toWire);
  if (value instanceof Uint8Array) {
    return { $bytes: Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString('base64') };
  }
  if (value instanceof Date) {
    const ms = value.getTime();
    if (Number.isNaN(ms)) throw new TypeError('No WIRE encoding for an invalid Date');
    return { $date: Math.floor(ms / 1000) };
  }
  if (value instanceof Uuid) return { $uuid: value.hex };
  if (typeof value !== 'object') throw new TypeError(`No WIRE encoding for a ${typeof value}`);
  // Object.fromEntries defines own properties, so a "__proto__" key stays a key.
  const entries = Object.entries(value).filter(
    (entry): entry is [string, SessionValue] => entry[1] !== undefined,
  );
  return { $dict: Object.fromEntries(entries.map(([key, item]) => [key, toWire(item)])) };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/**
 * Decodes a WIRE value from the oracle. Python tuples come back as arrays and `Markup` as
 * strings, the way our codec reads Flask's tagged JSON.
 * @throws TypeError when `wire` is not WIRE.
 */
export function fromWire(wire: unknown): SessionValue {
  if (wire === null || typeof wire === 'boolean' || typeof wire === 'number' || typeof wire === 'string') {
    return wire;
  }
  if (Array.isArray(wire)) return wire.map(fromWire);
  if (isRecord(wire)) {
    const [entry, ...rest] = Object.entries(wire);
    if (entry !== undefined && rest.length === 0) {
      const [tag, inner] = entry;
      if (tag === '$dict' && isRecord(inner)) {
        return Object.fromEntries(Object.entries(inner).map(([key, item]) => [key, fromWire(item)]));
      }
      if (tag === '$bytes' && typeof inner === 'string') {
        // A plain Uint8Array, not a Buffer, so equality checks see the same type as our codec's.
        return new Uint8Array(Buffer.from(inner, 'base64'));
      }
      if (tag === '$date' && typeof inner === 'number') return new Date(inner * 1000);
      if (tag === '$uuid' && typeof inner === 'string') return new Uuid(inner);
      if (tag === '$tuple' && Array.isArray(inner)) return inner.map(fromWire);
      if (tag === '$markup' && typeof inner === 'string') return inner;
      if (tag === '$int' && typeof inner === 'string') return BigInt(inner);
      if (tag === '$float' && typeof inner === 'string') return Number(inner.replace('inf', 'Infinity'));
    }
  }
  throw new TypeError(`Not a WIRE value: ${JSON.stringify(wire)}`);
}

function definedKeys(obj: object): string[] {
  return Object.entries(obj)
    .filter((entry) => entry[1] !== undefined)
    .map(([key]) => key);
}

/**
 * Deep equality for session values, as Flask would see them: bytes by content, dates by
 * time, UUIDs by hex, numbers by `===`, objects by own keys in any order. A key whose value
 * is `undefined` counts as absent, since neither side stores it.
 */
export function sessionValuesEqual(a: SessionValue | undefined, b: SessionValue | undefined): boolean {
  // Object.is: NaN equals NaN (Flask reads back the NaN it was given); 0 and -0 differ in Python too.
  if (a === b || (typeof a === 'number' && Object.is(a, b))) return true;
  if (a === null || b === null || typeof a !== 'object' || typeof b !== 'object') return false;
  if (Array.isArray(a) || Array.isArray(b)) {
    if (!Array.isArray(a) || !Array.isArray(b)) return false;
    const left = a as readonly SessionValue[];
    const right = b as readonly SessionValue[];
    return left.length === right.length && left.every((item, i) => sessionValuesEqual(item, right[i]));
  }
  if (a instanceof Uint8Array || b instanceof Uint8Array) {
    return a instanceof Uint8Array && b instanceof Uint8Array && Buffer.compare(a, b) === 0;
  }
  if (a instanceof Date || b instanceof Date) {
    return a instanceof Date && b instanceof Date && a.getTime() === b.getTime();
  }
  if (a instanceof Uuid || b instanceof Uuid) {
    return a instanceof Uuid && b instanceof Uuid && a.hex === b.hex;
  }
  const aRecord = a as Readonly<Record<string, SessionValue | undefined>>;
  const bRecord = b as Readonly<Record<string, SessionValue | undefined>>;
  const keys = definedKeys(aRecord);
  return (
    keys.length === definedKeys(bRecord).length &&
    keys.every((key) => Object.hasOwn(bRecord, key) && sessionValuesEqual(aRecord[key], bRecord[key]))
  );
}

/** The oracle failed to answer: the process died, or Flask raised something unexpected. */
export class OracleError extends Error {
  override readonly name = 'OracleError';
  /** The Python exception's class name when Flask raised, e.g. `UnicodeEncodeError`. */
  readonly pythonError: string | undefined;

  constructor(message: string, pythonError?: string) {
    super(message);
    this.pythonError = pythonError;
  }
}

/** Keys, clock and session settings shared by every request. */
export interface OracleKeys {
  /** Flask's `SECRET_KEY`: signs new cookies. A string means its UTF-8 bytes, as in Flask. */
  secret: string | Uint8Array;
  /** Older keys that still verify (itsdangerous tries every key, so order does not matter). */
  fallbacks?: (string | Uint8Array)[];
  /** The frozen clock, in whole seconds since the epoch, for signing and expiry checks. */
  now: number;
  /** `SESSION_COOKIE_NAME`; default `session`. */
  cookieName?: string;
  /** The session interface's `salt`; default `cookie-session`. */
  salt?: string;
  /** The session interface's `digest_method`; default `sha1`. */
  digest?: 'sha1' | 'sha256';
}

/** What a Flask view saw: the session, each value's Python `repr` (types included), and its permanence. */
export interface SeenSession {
  value: SessionData;
  repr: Record<string, string>;
  permanent: boolean;
}

/**
 * Runs `suite` once per Flask of {@link flaskInterpreters}, one after the other, in a block named
 * after it; `use` receives that Flask's oracle once it has started, before the block's tests run.
 * The oracle is closed after the block.
 */
export function describeEachFlask(use: (oracle: FlaskOracle) => void, suite: () => void): void {
  describe.each(flaskInterpreters())('against $label', ({ python }) => {
    let oracle: FlaskOracle | undefined;
    beforeAll(async () => {
      oracle = await FlaskOracle.start(python);
      use(oracle);
    });
    afterAll(async () => {
      await oracle?.close();
    });
    suite();
  });
}

/** Answers to `loads`: the value, or the name of the itsdangerous error Flask would catch. */
export type LoadsResult = { ok: true; value: SessionData } | { ok: false; error: string };

interface Answer {
  id: number;
  ok: boolean;
  error?: string;
  message?: string;
  internal?: boolean;
  [field: string]: unknown;
}

interface Pending {
  resolve: (answer: Answer) => void;
  reject: (error: Error) => void;
}

function toSessionData(wire: unknown): SessionData {
  const value = fromWire(wire);
  if (!isRecord(value) || value instanceof Uint8Array || value instanceof Date || value instanceof Uuid) {
    throw new OracleError(`Expected a dict from Flask, got ${JSON.stringify(wire)}`);
  }
  return value;
}

/**
 * One long-running Flask process. Start it once per test file and close it in `afterAll`.
 * @example
 * const oracle = await FlaskOracle.start();
 * const cookie = await oracle.dumps({ secret: 'dev-secret-key', now: 1_700_000_000, value: { user_id: 42 } });
 * await oracle.close();
 */
export class FlaskOracle {
  readonly #child: ChildProcessWithoutNullStreams;
  readonly #pending = new Map<number, Pending>();
  readonly #exited: Promise<void>;
  #nextId = 1;
  #stderr = '';
  /** Set once the process is gone; later requests fail with it at once. */
  #failure: OracleError | undefined;

  readonly #python: string;

  private constructor(python: string) {
    this.#python = python;
    // -I (isolated): ignore PYTHONPATH, PYTHONHOME and user site-packages: only the interpreter's own Flask.
    this.#child = spawn(python, ['-I', SCRIPT], { stdio: ['pipe', 'pipe', 'pipe'] });
    this.#child.stderr.setEncoding('utf8');
    this.#child.stderr.on('data', (chunk: string) => {
      this.#stderr = (this.#stderr + chunk).slice(-MAX_STDERR_CHARS);
    });
    createInterface({ input: this.#child.stdout }).on('line', (line) => this.#onLine(line));
    // Writing to a dead process emits EPIPE here; the exit handler reports it.
    this.#child.stdin.on('error', () => undefined);
    this.#exited = new Promise((resolve) => {
      this.#child.on('error', (error) => {
        this.#fail(`could not run ${python}: ${error.message}`);
        resolve();
      });
      this.#child.on('close', (code, signal) => {
        this.#fail(`exited with ${signal ?? `code ${String(code)}`}`);
        resolve();
      });
    });
  }

  /**
   * Spawns the oracle and waits until Flask is imported.
   * @throws OracleError when Python or Flask cannot be started.
   */
  static async start(python: string = DEBIAN_PYTHON): Promise<FlaskOracle> {
    const oracle = new FlaskOracle(python);
    try {
      await oracle.#request({ op: 'ping' });
    } catch (error) {
      await oracle.close();
      throw error;
    }
    return oracle;
  }

  /** Signs `value` as Flask's session serializer does, returning the cookie value. */
  async dumps(opts: OracleKeys & { value: SessionData }): Promise<string> {
    return this.dumpsWire({ ...opts, wire: toWire(opts.value) });
  }

  /** {@link FlaskOracle.dumps} for a value given as WIRE: what a SessionValue cannot hold (tuples, Markup, 1.0). */
  async dumpsWire(opts: OracleKeys & { wire: Wire }): Promise<string> {
    const answer = await this.#request({ op: 'dumps', ...keys(opts), value: opts.wire });
    return stringField(answer, 'cookie');
  }

  /**
   * Reads a cookie value as Flask's `open_session` does (`serializer.loads(cookie, max_age=…)`).
   * Failures Flask would turn into an empty session come back as `{ ok: false, error }`, where
   * `error` is the itsdangerous class name (`BadSignature`, `BadTimeSignature`,
   * `SignatureExpired`, `BadPayload`).
   */
  async loads(opts: OracleKeys & { maxAge: number; cookie: string }): Promise<LoadsResult> {
    const answer = await this.#request(
      { op: 'loads', ...keys(opts), maxAge: opts.maxAge, cookie: opts.cookie },
      { expectFailures: true },
    );
    if (!answer.ok) return { ok: false, error: answer.error ?? 'unknown' };
    return { ok: true, value: toSessionData(answer['value']) };
  }

  /**
   * Runs a real Flask request whose view does `session.update(value)` and sets
   * `session.permanent`, and returns the `Set-Cookie` header Flask sent, such as
   * `session=…; Expires=…; HttpOnly; Path=/`. Expires is `now + maxAge` (default 31 days).
   */
  async sessionCookie(
    opts: OracleKeys & { value: SessionData; permanent: boolean; maxAge?: number },
  ): Promise<string> {
    const answer = await this.#request({
      op: 'session_cookie',
      ...keys(opts),
      ...(opts.maxAge === undefined ? {} : { maxAge: opts.maxAge }),
      value: toWire(opts.value),
      permanent: opts.permanent,
    });
    return stringField(answer, 'setCookie');
  }

  /**
   * Runs a real Flask request carrying `Cookie: session=<cookie>` and returns the session the
   * view saw. A bad or expired cookie gives `{}`, as in Flask. `maxAge` defaults to 31 days.
   */
  async openSession(opts: OracleKeys & { cookie: string; maxAge?: number }): Promise<SessionData> {
    return (await this.seeSession(opts)).value;
  }

  /** {@link FlaskOracle.openSession}, also giving each value's Python `repr` and `session.permanent`. */
  async seeSession(opts: OracleKeys & { cookie: string; maxAge?: number }): Promise<SeenSession> {
    const answer = await this.#request({
      op: 'open_session',
      ...keys(opts),
      ...(opts.maxAge === undefined ? {} : { maxAge: opts.maxAge }),
      cookie: opts.cookie,
    });
    const repr = answer['repr'];
    if (!isRecord(repr) || typeof answer['permanent'] !== 'boolean') {
      throw new OracleError(`Flask oracle answered no repr: ${JSON.stringify(answer)}`);
    }
    return {
      value: toSessionData(answer['value']),
      repr: Object.fromEntries(Object.entries(repr).map(([k, v]) => [k, String(v)])),
      permanent: answer['permanent'],
    };
  }

  /** Ends stdin so the Python loop returns, and waits for the process to exit. */
  async close(): Promise<void> {
    this.#child.stdin.end();
    await this.#exited;
  }

  #request(body: Record<string, unknown>, { expectFailures = false } = {}): Promise<Answer> {
    if (this.#failure) return Promise.reject(this.#failure);
    const id = this.#nextId++;
    return new Promise<Answer>((resolve, reject) => {
      this.#pending.set(id, {
        resolve: (answer) => {
          if (answer.ok || (expectFailures && answer.internal !== true)) resolve(answer);
          else {
            const detail = answer.message === undefined ? '' : `: ${answer.message}`;
            const error = answer.error ?? 'an unnamed error';
            reject(new OracleError(`Flask oracle ${String(body['op'])} raised ${error}${detail}`, error));
          }
        },
        reject,
      });
      this.#child.stdin.write(JSON.stringify({ id, ...body }) + '\n');
    });
  }

  #onLine(line: string): void {
    let answer: unknown;
    try {
      answer = JSON.parse(line);
    } catch {
      this.#fail(`wrote a line that is not JSON: ${line.slice(0, 200)}`);
      return;
    }
    const id = isRecord(answer) ? answer['id'] : undefined;
    const pending = typeof id === 'number' ? this.#pending.get(id) : undefined;
    if (pending === undefined) {
      this.#fail(`answered an unknown request: ${line.slice(0, 200)}`);
      return;
    }
    this.#pending.delete(id as number);
    pending.resolve(answer as Answer);
  }

  /** Rejects every pending request, and all later ones, with the reason and Python's stderr. */
  #fail(reason: string): void {
    if (!this.#failure) {
      const stderr = this.#stderr.trim();
      this.#failure = new OracleError(
        `Flask oracle (${this.#python} ${SCRIPT}) ${reason}` + (stderr ? `\n--- stderr ---\n${stderr}` : ''),
      );
      // A protocol error leaves the process running but useless: stop it.
      if (this.#child.exitCode === null) this.#child.kill();
    }
    for (const pending of this.#pending.values()) pending.reject(this.#failure);
    this.#pending.clear();
  }
}

function keys(opts: OracleKeys): Record<string, unknown> {
  return {
    secret: toWire(opts.secret),
    fallbacks: (opts.fallbacks ?? []).map(toWire),
    now: opts.now,
    ...(opts.cookieName === undefined ? {} : { cookieName: opts.cookieName }),
    ...(opts.salt === undefined ? {} : { salt: opts.salt }),
    ...(opts.digest === undefined ? {} : { digest: opts.digest }),
  };
}

/** A double as Python's float() reads it: "inf", "-inf", "nan" or the shortest round-trip digits. */
function floatText(n: number): string {
  if (Number.isNaN(n)) return 'nan';
  if (!Number.isFinite(n)) return n > 0 ? 'inf' : '-inf';
  return String(n);
}

function stringField(answer: Answer, field: string): string {
  const value = answer[field];
  if (typeof value !== 'string') {
    throw new OracleError(`Flask oracle answered no ${field}: ${JSON.stringify(answer)}`);
  }
  return value;
}
