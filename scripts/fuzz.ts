/**
 * Cookie fuzzing (`npm run fuzz`): hostile `Cookie` headers against the session store and the app.
 *
 * The generators and checks are exported, so `test/cookie-fuzz.test.ts` runs the same ones with
 * fewer cases; this script runs them at scale:
 *
 * ```sh
 * npm run fuzz                                  # 1,000,000 cases, 1% of them also via app.request
 * npm run fuzz -- --runs 50000 --seed 42        # a quick, reproducible run
 * npm run fuzz -- --skip signed-number-text     # leave a generator out
 * ```
 *
 * Every case is opened with `CookieSessionStore.open` (the fast path); a fraction also goes through
 * the whole app (`app.request`, session middleware included). Any failure prints the shrunk
 * counterexample and exits 1; the run stops by itself after `--max-seconds`.
 * @module
 */
import assert from 'node:assert/strict';
import { existsSync, realpathSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { deflateSync, inflateSync } from 'node:zlib';
import fc from 'fast-check';
import type { Hono } from 'hono';
import { createApp } from '../src/http/app.js';
import type { Config } from '../src/platform/config.js';
import { testConfig } from '../test/support/client.js';
import type { AppEnv } from '../src/web/context.js';
import type { Logger } from '../src/platform/logging.js';
import {
  CookieSessionStore,
  SessionTooLarge,
  base64UrlDecode,
  base64UrlEncode,
  type SessionData,
} from 'flask-session-ts';
import { numberOption } from './cli.js';

/** The fuzzed app's key: a test key, never a real one. */
export const FUZZ_SECRET_KEY = 'test-secret-fuzz-0b7c3e19d24a6f58';
/** The fuzzed app's clock, fixed so that expiry is deterministic. */
export const FUZZ_NOW_MS = Date.UTC(2026, 0, 15, 12, 0, 0);
const NOW_SECONDS = Math.floor(FUZZ_NOW_MS / 1000);
/** The app's session lifetime: 31 days, Flask's default. */
export const FUZZ_LIFETIME_SECONDS = 31 * 86400;

/** The configuration the fuzzed app is built from, as the tests build theirs. */
export const fuzzConfig: Config = Object.freeze(
  testConfig({ secretKey: FUZZ_SECRET_KEY, sessionLifetimeSeconds: FUZZ_LIFETIME_SECONDS }),
);

/** An app, a store with the app's settings, and a cookie the app accepts. */
export interface FuzzHarness {
  readonly app: Hono<AppEnv>;
  /** Same key, lifetime and clock as the app: the fast path, and the decoder of responses. */
  readonly store: CookieSessionStore;
  /** A cookie value the app accepts, signed at {@link FUZZ_NOW_MS}. */
  readonly validValue: string;
  /** What {@link validValue} holds. */
  readonly validData: SessionData;
  /** What the app passed to `logger.error`: any line is a failure (it means a 500). */
  readonly errors: string[];
}

/** The valid data's symbol: listed in the page only when the valid cookie was accepted. */
export const VALID_SYMBOL = 'ZZZQ';

/**
 * Whether `html` lists the valid data's holding: its symbol as the text of an element (the
 * position's row heading). Not the symbol anywhere: a page's random CSRF token (URL-safe base64)
 * holds `ZZZQ` about once in 200,000 pages, and did once in a full run.
 */
export function listsValidHolding(html: string): boolean {
  return html.includes(`>${VALID_SYMBOL}<`);
}

/** Builds the app under test with a recording logger and a fixed clock. */
export function createHarness(): FuzzHarness {
  const errors: string[] = [];
  const logger: Logger = {
    info: () => undefined,
    debug: () => undefined,
    debugEnabled: false,
    error: (message, error) => errors.push(`${message}: ${error instanceof Error ? error.stack : ''}`),
    access: () => undefined,
    forRequest: () => logger,
  };
  const now = () => FUZZ_NOW_MS;
  const app = createApp({ config: fuzzConfig, logger, now });
  const store = new CookieSessionStore({
    secretKey: fuzzConfig.secretKey,
    fallbackSecretKeys: fuzzConfig.fallbackSecretKeys,
    lifetimeSeconds: fuzzConfig.sessionLifetimeSeconds,
    permanent: true,
    cookie: { secure: false },
    now,
  });
  const validData: SessionData = {
    _permanent: true,
    portfolio: [
      [VALID_SYMBOL, '15', '302.17'],
      ['BRK.B', '0.5', '1'],
    ],
  };
  const validValue = store.serializer.dumps(validData, NOW_SECONDS);
  return { app, store, validValue, validData, errors };
}

/** A `Cookie` header and what the app must make of it. */
export interface CookieCase {
  readonly header: string;
  /**
   * `refused`: a new, empty session; `valid`: exactly {@link FuzzHarness.validData};
   * `any`: whatever it opens as, it must not break a request.
   */
  readonly expect: 'refused' | 'valid' | 'any';
}

/** One family of hostile cookies. */
export interface CookieGenerator {
  /** Kebab-case, for `--skip` and test names. */
  readonly name: string;
  readonly description: string;
  /**
   * Whether every header it makes can be sent by `app.request`: Latin-1 without NUL, CR or LF
   * (a `Headers` object refuses anything else, and so does Node's HTTP parser).
   */
  readonly appSafe: boolean;
  arbitrary(h: FuzzHarness): fc.Arbitrary<CookieCase>;
}

/**
 * Whether `header` can be sent through `app.request`: a `Headers` value must be Latin-1 without
 * NUL, LF or CR (Node's HTTP parser, in front of a real server, is stricter still).
 */
export function isHeaderSafe(header: string): boolean {
  for (let i = 0; i < header.length; i++) {
    const code = header.charCodeAt(i);
    if (code === 0x00 || code === 0x0a || code === 0x0d || code > 0xff) return false;
  }
  return true;
}

const latin1Char = fc
  .integer({ min: 1, max: 0xff })
  .filter((code) => code !== 0x0a && code !== 0x0d)
  .map((code) => String.fromCharCode(code));

// Any UTF-16 code unit, lone surrogates included (fast-check's 'binary' unit is far slower).
const anyCodeUnit = fc.integer({ min: 0, max: 0xffff }).map((code) => String.fromCharCode(code));

const BASE64URL_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
// cookie-octets (RFC 6265 §4.1.1) outside the base64url alphabet, `.` and `=` (which decoders
// treat as padding, as itsdangerous does: a trailing `=` leaves a signature valid).
const NOT_BASE64 = "!#$%&'()*+/:<>?@[]^`{|}~";

/** A deterministic pseudo-random text (mulberry32), for long values fast-check would build slowly. */
export function pseudoRandomText(seed: number, length: number, alphabet: string): string {
  const codes = Buffer.alloc(length);
  let state = seed >>> 0;
  for (let i = 0; i < length; i++) {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    codes[i] = alphabet.charCodeAt((((t ^ (t >>> 14)) >>> 0) / 4294967296) * alphabet.length);
  }
  return codes.toString('latin1');
}

const COOKIE_OCTETS = Array.from({ length: 0x7e - 0x21 + 1 }, (_, i) => String.fromCharCode(0x21 + i))
  .filter((ch) => !'";,\\'.includes(ch))
  .join('');

/** A correctly signed cookie for an already encoded payload, at `timestampSeconds`. */
export function signed(h: FuzzHarness, payload: string, timestampSeconds = NOW_SECONDS): string {
  return h.store.serializer.signPayload(payload, timestampSeconds);
}

/** The payload part of a Flask cookie for a JSON text: plain, or `.` + zlib when asked. */
export function payloadFor(json: string, compress: boolean): string {
  const bytes = Buffer.from(json, 'utf8');
  return compress ? '.' + base64UrlEncode(deflateSync(bytes)) : base64UrlEncode(bytes);
}

/** Pieces of a many-cookie header. */
type CookiePiece =
  | { kind: 'valid' | 'quoted-valid' | 'garbage' | 'expired' | 'other-key' | 'empty'; value: string }
  | { kind: 'other-name'; value: string };

function pieceArbitrary(h: FuzzHarness): fc.Arbitrary<CookiePiece> {
  const otherKey = new CookieSessionStore({ secretKey: 'another-key-entirely', now: () => FUZZ_NOW_MS });
  const expiredValue = h.store.serializer.dumps(h.validData, NOW_SECONDS - FUZZ_LIFETIME_SECONDS - 1);
  const otherKeyValue = otherKey.serializer.dumps(h.validData, NOW_SECONDS);
  return fc.oneof(
    fc.constant<CookiePiece>({ kind: 'valid', value: h.validValue }),
    fc.constant<CookiePiece>({ kind: 'quoted-valid', value: `"${h.validValue}"` }),
    fc.constant<CookiePiece>({ kind: 'expired', value: expiredValue }),
    fc.constant<CookiePiece>({ kind: 'other-key', value: otherKeyValue }),
    fc.constant<CookiePiece>({ kind: 'empty', value: '' }),
    fc
      .string({ unit: fc.constantFrom(...Array.from(BASE64URL_ALPHABET + '.')), maxLength: 120 })
      .filter((value) => value !== '')
      .map((value): CookiePiece => ({ kind: 'garbage', value })),
    fc
      .tuple(
        // Cookie names are case-sensitive, as in Werkzeug: `Session` is another cookie.
        fc.constantFrom('theme', 'Session', 'SESSION', 'session_id', 'sessionx', '_ga', 'csrf_token'),
        fc.constantFrom(h.validValue, 'dark', '', 'x=y', 'GA1.2.3'),
      )
      .map(([name, value]): CookiePiece => ({ kind: 'other-name', value: `${name}=${value}` })),
  );
}

/** Flips bit `bit` of the character at `index`. */
function flipBit(text: string, index: number, bit: number): string {
  const code = text.charCodeAt(index) ^ (1 << bit);
  return text.slice(0, index) + String.fromCharCode(code) + text.slice(index + 1);
}

/** JSON number literals, some far outside what a double can hold (a Python int can be that big). */
const numberText = fc.oneof(
  fc.double({ noNaN: true, noDefaultInfinity: true }).map((n) => JSON.stringify(n)),
  fc.bigInt({ min: -(10n ** 400n), max: 10n ** 400n }).map(String),
  fc
    .tuple(fc.integer({ min: -9, max: 9 }), fc.integer({ min: -400, max: 400 }))
    .map(([mantissa, exponent]) => `${mantissa}e${exponent}`),
);

/** Every generator, in the order the tests and the script run them. */
export const cookieGenerators: readonly CookieGenerator[] = [
  {
    name: 'printable-value',
    description: 'random printable ASCII as the session cookie value',
    appSafe: true,
    arbitrary: () =>
      fc.string({ maxLength: 200 }).map((value) => ({ header: `session=${value}`, expect: 'refused' })),
  },
  {
    name: 'latin1-value',
    description: 'random bytes (Latin-1, controls included) as the session cookie value',
    appSafe: true,
    arbitrary: () =>
      fc
        .string({ unit: latin1Char, maxLength: 300 })
        .map((value) => ({ header: `session=${value}`, expect: 'refused' })),
  },
  {
    name: 'random-header',
    description: 'a random Cookie header built from separators, names and random bytes',
    appSafe: true,
    arbitrary: () =>
      fc
        .array(
          fc.oneof(
            fc.constantFrom('session=', 'session', '=', ';', '; ', ',', '"', ' ', '\t', 'session=""'),
            fc.string({ unit: latin1Char, maxLength: 20 }),
          ),
          { maxLength: 20 },
        )
        .map((parts) => ({ header: parts.join(''), expect: 'refused' })),
  },
  {
    name: 'any-code-units',
    description: 'any UTF-16 code units, lone surrogates and NUL included (store only)',
    appSafe: false,
    arbitrary: () =>
      fc.string({ unit: anyCodeUnit, maxLength: 200 }).map((value) => ({
        header: `session=${value}`,
        expect: 'refused',
      })),
  },
  {
    name: 'bit-flip',
    description: 'one bit of a valid cookie flipped',
    appSafe: true,
    arbitrary: (h) =>
      fc
        .tuple(fc.nat(h.validValue.length - 1), fc.integer({ min: 0, max: 7 }))
        .map(([index, bit]) => `session=${flipBit(h.validValue, index, bit)}`)
        .filter(isHeaderSafe)
        .map((header) => ({ header, expect: 'refused' })),
  },
  {
    name: 'truncation',
    description: 'a valid cookie cut short at the end or at the start',
    appSafe: true,
    arbitrary: (h) =>
      fc
        .tuple(fc.integer({ min: 1, max: h.validValue.length - 1 }), fc.boolean())
        .map(([cut, fromStart]) => ({
          header: `session=${fromStart ? h.validValue.slice(cut) : h.validValue.slice(0, cut)}`,
          expect: 'refused',
        })),
  },
  {
    name: 'oversize',
    description: 'an 8 KiB cookie value, or a valid cookie beside 8 KiB of other cookies',
    appSafe: true,
    arbitrary: (h) => {
      // Slices of one pseudo-random pool: building 8 KiB per case would dominate the run.
      const pool = pseudoRandomText(20260115, 64 * 1024, COOKIE_OCTETS);
      return fc
        .tuple(fc.nat(pool.length - 8192), fc.constantFrom('alone', 'before', 'after'))
        .map(([offset, where]) => {
          const filler = pool.slice(offset, offset + 8192);
          if (where === 'alone') return { header: `session=${filler}`, expect: 'refused' };
          const padding = `pad=${filler}`;
          const session = `session=${h.validValue}`;
          return {
            header: where === 'before' ? `${padding}; ${session}` : `${session}; ${padding}`,
            expect: 'valid',
          };
        });
    },
  },
  {
    name: 'many-session-cookies',
    description: 'several session= cookies, valid ones mixed with garbage: the first one wins',
    appSafe: true,
    arbitrary: (h) =>
      fc
        .tuple(fc.array(pieceArbitrary(h), { minLength: 1, maxLength: 12 }), fc.constantFrom('; ', ';'))
        .map(([pieces, separator]) => {
          const first = pieces.find((piece) => piece.kind !== 'other-name');
          const valid = first?.kind === 'valid' || first?.kind === 'quoted-valid';
          const header = pieces
            .map((piece) => (piece.kind === 'other-name' ? piece.value : `session=${piece.value}`))
            .join(separator);
          return { header, expect: valid ? 'valid' : 'refused' };
        }),
  },
  {
    name: 'invalid-base64',
    description: 'a character outside base64url put into a valid cookie, or into a signed payload',
    appSafe: true,
    arbitrary: (h) =>
      fc.oneof(
        // Unsigned: the signature no longer matches, or is not base64 at all.
        fc
          .tuple(fc.nat(h.validValue.length - 1), fc.constantFrom(...Array.from(NOT_BASE64)), fc.boolean())
          .map(([index, ch, insert]) => {
            const value = h.validValue.slice(0, index) + ch + h.validValue.slice(index + (insert ? 0 : 1));
            return { header: `session=${value}`, expect: 'refused' as const };
          }),
        // Signed with the app's key: the signature is right, the payload cannot be decoded.
        fc
          .tuple(
            fc.string({ unit: fc.constantFrom(...Array.from(BASE64URL_ALPHABET)), maxLength: 80 }),
            fc.constantFrom(...Array.from(NOT_BASE64)),
            fc.nat(),
            fc.boolean(),
          )
          .map(([text, ch, at, compressed]) => {
            const index = at % (text.length + 1);
            const payload = (compressed ? '.' : '') + text.slice(0, index) + ch + text.slice(index);
            return { header: `session=${signed(h, payload)}`, expect: 'refused' as const };
          }),
      ),
  },
  {
    name: 'signed-json',
    description: 'any JSON value, correctly signed with the app’s key (compressed or not)',
    appSafe: true,
    arbitrary: (h) =>
      fc
        .tuple(
          fc.oneof(
            fc.jsonValue(),
            fc.record(
              {
                _permanent: fc.jsonValue(),
                csrf_token: fc.oneof(fc.string({ minLength: 43, maxLength: 43 }), fc.jsonValue()),
                portfolio: fc.oneof(
                  fc.array(fc.tuple(fc.string(), fc.jsonValue(), fc.jsonValue())),
                  fc.jsonValue(),
                ),
                theme: fc.oneof(fc.constantFrom('dark', 'light'), fc.jsonValue()),
                _flashes: fc.jsonValue(),
              },
              { requiredKeys: [] },
            ),
          ),
          fc.boolean(),
        )
        .map(([value, compress]) => ({
          header: `session=${signed(h, payloadFor(JSON.stringify(value), compress))}`,
          expect: 'any',
        })),
  },
  {
    name: 'signed-number-text',
    description: 'a signed session holding a JSON number literal, up to 400 digits or e±400',
    appSafe: true,
    arbitrary: (h) =>
      fc.tuple(numberText, fc.boolean()).map(([number, compress]) => {
        const json = `{"_permanent":true,"n":${number},"portfolio":[["${VALID_SYMBOL}","15","302.17"]]}`;
        return { header: `session=${signed(h, payloadFor(json, compress))}`, expect: 'any' };
      }),
  },
  {
    name: 'timestamp',
    description: 'the valid data signed at any time: accepted only within its lifetime',
    appSafe: true,
    arbitrary: (h) => {
      const payload = h.store.serializer.dumpPayload(h.validData);
      const near = (t: number) => fc.integer({ min: t - 3, max: t + 3 });
      return fc
        .oneof(
          near(NOW_SECONDS),
          near(NOW_SECONDS - FUZZ_LIFETIME_SECONDS),
          fc.integer({ min: 0, max: 2 ** 40 }),
        )
        .filter((seconds) => seconds >= 0)
        .map((seconds) => {
          const age = NOW_SECONDS - seconds;
          const fresh = age >= 0 && age <= FUZZ_LIFETIME_SECONDS;
          return { header: `session=${signed(h, payload, seconds)}`, expect: fresh ? 'valid' : 'refused' };
        });
    },
  },
];

/**
 * Correctly signed payloads built to exhaust the server: each must be refused. They are few and
 * slow to build, so they run once each rather than as generators.
 */
export function hostileSignedCookies(h: FuzzHarness): { label: string; header: string }[] {
  const bomb = (byte: number) =>
    '.' + base64UrlEncode(deflateSync(Buffer.alloc(50 * 1024 * 1024, byte), { level: 9 }));
  const deep = (depth: number) => `{"portfolio":${'['.repeat(depth)}${']'.repeat(depth)}}`;
  return [
    { label: 'zlib bomb: 50 MB of zeros', header: `session=${signed(h, bomb(0))}` },
    { label: 'zlib bomb: 50 MB of "["', header: `session=${signed(h, bomb(0x5b))}` },
    {
      label: 'JSON nested 10,000 deep, compressed',
      header: `session=${signed(h, payloadFor(deep(10_000), true))}`,
    },
    {
      label: 'JSON nested 10,000 deep, plain',
      header: `session=${signed(h, payloadFor(deep(10_000), false))}`,
    },
    {
      label: 'JSON nested 100,000 deep, compressed',
      header: `session=${signed(h, payloadFor(deep(100_000), true))}`,
    },
  ];
}

/**
 * Checks a case on the fast path: `store.open` never throws, refuses what it must, accepts what
 * it must, and whatever it opens can be written back (only {@link SessionTooLarge} may stop that).
 */
export function checkWithStore(h: FuzzHarness, c: CookieCase): void {
  const { session, error } = h.store.open(c.header);
  if (c.expect === 'refused') {
    assert.ok(session.isNew && session.isEmpty, `expected a new, empty session for ${preview(c.header)}`);
  } else if (c.expect === 'valid') {
    assert.equal(error, undefined, `expected ${preview(c.header)} to open`);
    assert.deepEqual(plain(session.toJSON()), h.validData);
  }
  session.markModified();
  try {
    h.store.commit(session);
  } catch (writeError) {
    if (!(writeError instanceof SessionTooLarge)) throw writeError;
  }
}

/**
 * Checks a case through the whole app: status < 500, nothing logged as an error, and for
 * `refused` a 200 page that leaves the cookie alone (no `Set-Cookie` for the session), for `valid`
 * a 200 page whose refreshed cookie holds the valid portfolio.
 */
export async function checkWithApp(h: FuzzHarness, c: CookieCase, path: string): Promise<number> {
  const errorsBefore = h.errors.length;
  const res = await h.app.request(path, { headers: { Cookie: c.header } });
  const html = await res.text();
  assert.ok(res.status < 500, `${path} answered ${res.status} for ${preview(c.header)}`);
  assert.deepEqual(h.errors.slice(errorsBefore), [], `${path} logged an error for ${preview(c.header)}`);
  if (c.expect === 'any') return res.status;
  assert.equal(res.status, 200, `${path} for ${preview(c.header)}`);
  const cookie = res.headers.getSetCookie().find((line) => line.startsWith('session='));
  if (c.expect === 'refused') {
    // A cookie the app could not read is never overwritten by a page view: restoring the right key
    // must still bring it back (issue 11).
    assert.equal(cookie, undefined, `${path} replaced the unreadable cookie ${preview(c.header)}`);
    assert.ok(!listsValidHolding(html), 'the page lists no holding');
    return res.status;
  }
  assert.ok(cookie !== undefined, `${path} sent no session cookie`);
  const { session, error } = h.store.open(cookie.slice(0, cookie.indexOf(';')));
  assert.equal(error, undefined, 'the app’s own cookie must open');
  const portfolio = plain(session.toJSON())['portfolio'];
  assert.deepEqual(portfolio, h.validData['portfolio']);
  if (path === '/stocks') assert.ok(listsValidHolding(html), 'the page lists the holdings');
  return res.status;
}

/** Session data as plain JSON objects (the session keeps null-prototype ones), for deepEqual. */
function plain(data: SessionData): Record<string, unknown> {
  return JSON.parse(JSON.stringify(data)) as Record<string, unknown>;
}

/** The JSON text inside a cookie, if its payload decodes: to read a counterexample. */
function decodedPayload(header: string): string {
  const value = header.startsWith('session=') ? header.slice('session='.length) : header;
  const compressed = value.startsWith('.');
  const payload = (compressed ? value.slice(1) : value).split('.')[0] ?? '';
  try {
    const bytes = base64UrlDecode(payload);
    return preview((compressed ? inflateSync(bytes, { maxOutputLength: 1 << 20 }) : bytes).toString('utf8'));
  } catch (error) {
    return `(not decodable: ${error instanceof Error ? error.message : String(error)})`;
  }
}

function preview(header: string): string {
  const text = JSON.stringify(header);
  return text.length > 160 ? `${text.slice(0, 160)}… (${header.length} characters)` : text;
}

// ---------------------------------------------------------------------------------------------
// The command line.

const PATHS = ['/stocks', '/add_stock'] as const;

interface FuzzOptions {
  readonly runs: number;
  readonly appFraction: number;
  readonly seed: number;
  readonly maxSeconds: number;
  readonly skip: ReadonlySet<string>;
}

const USAGE = `Usage: npm run fuzz -- [--runs N] [--app-fraction F] [--seed S] [--max-seconds T] [--skip a,b]
  --runs          cases in total, spread over the generators (default 1000000)
  --app-fraction  share of cases also sent through app.request (default 0.01)
  --seed          fast-check seed, to reproduce a run (default: random)
  --max-seconds   stop after this long, whatever the count (default 900)
  --skip          generators to leave out: ${cookieGenerators.map((g) => g.name).join(', ')}`;

function parseOptions(argv: string[]): FuzzOptions {
  const { values } = parseArgs({
    args: argv,
    options: {
      runs: { type: 'string', default: '1000000' },
      'app-fraction': { type: 'string', default: '0.01' },
      seed: { type: 'string' },
      'max-seconds': { type: 'string', default: '900' },
      skip: { type: 'string', default: '' },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) {
    console.log(USAGE);
    process.exit(0);
  }
  const number = (name: string, text: string, min: number, max: number) =>
    numberOption(name, text, min, max, USAGE);
  const skip = new Set(values.skip.split(',').filter((name) => name !== ''));
  for (const name of skip) {
    if (!cookieGenerators.some((g) => g.name === name)) {
      console.error(`--skip: no generator named ${JSON.stringify(name)}\n${USAGE}`);
      process.exit(2);
    }
  }
  return {
    runs: Math.floor(number('runs', values.runs, 1, 1e9)),
    appFraction: number('app-fraction', values['app-fraction'], 0, 1),
    seed:
      values.seed === undefined
        ? Math.floor(Math.random() * 2 ** 31)
        : number('seed', values.seed, 0, 2 ** 31),
    maxSeconds: number('max-seconds', values['max-seconds'], 1, 86400),
    skip,
  };
}

const formatCount = (n: number) => n.toLocaleString('en-US');

async function main(): Promise<void> {
  const options = parseOptions(process.argv.slice(2));
  const generators = cookieGenerators.filter((g) => !options.skip.has(g.name));
  if (generators.length === 0) throw new Error('Every generator was skipped: nothing to run.');
  const h = createHarness();
  const started = performance.now();
  const elapsedSeconds = () => (performance.now() - started) / 1000;
  console.log(
    `Fuzzing ${formatCount(options.runs)} cookies over ${generators.length} generators ` +
      `(seed ${options.seed}, ${options.appFraction * 100}% also via app.request, at most ${options.maxSeconds} s)`,
  );

  // The hostile signed payloads first: slow to build, so once each.
  for (const { label, header } of hostileSignedCookies(h)) {
    const rssBefore = process.memoryUsage().rss;
    checkWithStore(h, { header, expect: 'refused' });
    for (const path of PATHS) await checkWithApp(h, { header, expect: 'refused' }, path);
    const growthMb = (process.memoryUsage().rss - rssBefore) / 2 ** 20;
    console.log(
      `  refused ${label} (${formatCount(header.length)}-character cookie, RSS +${growthMb.toFixed(1)} MB)`,
    );
  }

  const counts = new Map(generators.map((g) => [g.name, { store: 0, app: 0 }]));
  const appThreshold = Math.round(options.appFraction * 10_000);
  // Even shares: every generator runs, however small --runs is.
  const chunk = Math.max(1, Math.min(5_000, Math.ceil(options.runs / generators.length)));
  let done = 0;
  let viaApp = 0;
  let lastReport = performance.now();
  let timedOut = false;
  let chunkIndex = 0;

  outer: while (done < options.runs) {
    for (const generator of generators) {
      if (elapsedSeconds() > options.maxSeconds) {
        timedOut = true;
        break outer;
      }
      const numRuns = Math.min(chunk, options.runs - done);
      if (numRuns <= 0) break outer;
      const count = counts.get(generator.name) ?? { store: 0, app: 0 };
      const property = fc.asyncProperty(
        generator.arbitrary(h),
        // Unbiased: fast-check favours small integers, which would send far more cases to the app.
        fc.noBias(fc.integer({ min: 0, max: 9_999 })),
        fc.constantFrom(...PATHS),
        async (c, dice, path) => {
          checkWithStore(h, c);
          count.store++;
          if (generator.appSafe && dice < appThreshold) {
            await checkWithApp(h, c, path);
            count.app++;
          }
        },
      );
      const seed = (options.seed + chunkIndex++) | 0;
      const appBefore = count.app;
      const details = await fc.check(property, { numRuns, seed });
      if (details.failed) {
        console.error(
          `\nFAILED in generator "${generator.name}" (${generator.description}), chunk seed ${seed}:`,
        );
        const [c] = details.counterexample ?? [];
        console.error(
          `After ${details.numRuns} cases and ${details.numShrinks} shrinks, the smallest failing case:`,
        );
        console.error(`  Cookie: ${c === undefined ? '?' : preview(c.header)}`);
        if (c !== undefined) console.error(`  payload: ${decodedPayload(c.header)}`);
        console.error(
          `  error: ${details.errorInstance instanceof Error ? details.errorInstance.message : String(details.errorInstance)}`,
        );
        console.error(
          `\nReproduce: npm run fuzz -- --runs ${numRuns} --seed ${seed} --skip ${cookieGenerators
            .filter((g) => g !== generator)
            .map((g) => g.name)
            .join(',')}`,
        );
        process.exitCode = 1;
        return;
      }
      done += numRuns;
      viaApp += count.app - appBefore;
      if (performance.now() - lastReport > 5_000) {
        lastReport = performance.now();
        const rate = done / elapsedSeconds();
        console.log(
          `  ${formatCount(done)} / ${formatCount(options.runs)} cases ` +
            `(${((done / options.runs) * 100).toFixed(1)}%), ${formatCount(Math.round(rate))} cases/s, ` +
            `${formatCount(viaApp)} via app.request, ${elapsedSeconds().toFixed(0)} s`,
        );
      }
    }
  }

  const seconds = elapsedSeconds();
  console.log('\nCases per generator (store.open / also via app.request):');
  for (const g of generators) {
    const count = counts.get(g.name) ?? { store: 0, app: 0 };
    console.log(
      `  ${g.name.padEnd(22)} ${formatCount(count.store).padStart(10)} / ${formatCount(count.app)}`,
    );
  }
  console.log(
    `\n${timedOut ? 'Stopped at the time limit after' : 'Passed:'} ${formatCount(done)} cases ` +
      `(${formatCount(viaApp)} also via app.request) in ${seconds.toFixed(1)} s, ` +
      `${formatCount(Math.round(done / seconds))} cases/s, seed ${options.seed}, 0 failures.`,
  );
}

// Run only as a script (`tsx scripts/fuzz.ts`), not when a test imports the generators.
const entry = process.argv[1];
if (entry !== undefined && existsSync(entry) && import.meta.url === pathToFileURL(realpathSync(entry)).href) {
  await main();
}
