/**
 * Hostile `Cookie` headers through the whole app. The generators and checks are shared with
 * `npm run fuzz` (scripts/fuzz.ts), which runs them by the million.
 *
 * Cases: 12 generators × 1,000 through `CookieSessionStore.open`, plus 11 × 250 through
 * `app.request` (the session middleware and the pages), plus the hostile signed payloads:
 * over 14,000 in all, counted and checked in the last test.
 */
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { Session } from 'flask-session-ts';
import {
  FUZZ_NOW_MS,
  VALID_SYMBOL,
  checkWithApp,
  checkWithStore,
  cookieGenerators,
  createHarness,
  hostileSignedCookies,
  listsValidHolding,
  payloadFor,
  signed,
  type CookieCase,
} from '../scripts/fuzz.js';

const STORE_RUNS = 1_000;
const APP_RUNS = 250;
const MIN_TOTAL_CASES = 10_000;
const MIN_APP_CASES = 2_000;

const h = createHarness();
const seen = { store: 0, app: 0 };
const paths = fc.constantFrom('/stocks', '/add_stock');

// A failed case leaves its error lines behind; each test starts with none.
afterEach(() => {
  h.errors.length = 0;
});

async function requestCase(c: CookieCase, path: string): Promise<number> {
  seen.app++;
  return checkWithApp(h, c, path);
}

describe('the harness', () => {
  it('builds a cookie the app accepts, so that the "valid" expectations can fail', async () => {
    const header = `session=${h.validValue}`;
    checkWithStore(h, { header, expect: 'valid' });
    const res = await h.app.request('/stocks', { headers: { Cookie: header } });
    expect(res.status).toBe(200);
    expect(listsValidHolding(await res.text())).toBe(true);
  });

  it('tells a listed holding from its symbol inside a random token', () => {
    expect(listsValidHolding(`<th scope="row">${VALID_SYMBOL}</th>`)).toBe(true);
    expect(listsValidHolding(`<input type="hidden" name="csrf_token" value="x${VALID_SYMBOL}y" />`)).toBe(
      false,
    );
  });

  it('refuses the valid data signed one second past its lifetime', () => {
    const past = Math.floor(FUZZ_NOW_MS / 1000) - 31 * 86400 - 1;
    const header = `session=${signed(h, h.store.serializer.dumpPayload(h.validData), past)}`;
    expect(h.store.open(header).session.isEmpty).toBe(true);
  });
});

describe.each(cookieGenerators)('cookies: $description', (generator) => {
  it(`open as expected with the store, and can be written back (${STORE_RUNS} cases)`, () => {
    fc.assert(
      fc.property(generator.arbitrary(h), (c) => {
        seen.store++;
        checkWithStore(h, c);
      }),
      { numRuns: STORE_RUNS },
    );
  });
});

// Only headers a Headers object can carry go through the app (Latin-1 without NUL, CR or LF).
describe.each(cookieGenerators.filter((generator) => generator.appSafe))(
  'cookies through the app: $description',
  (generator) => {
    it(`never give a 5xx through the app, and give the session expected (${APP_RUNS} cases)`, async () => {
      await fc.assert(
        fc.asyncProperty(generator.arbitrary(h), paths, async (c, path) => {
          await requestCase(c, path);
        }),
        { numRuns: APP_RUNS },
      );
    });
  },
);

describe('correctly signed hostile payloads', () => {
  const hostile = hostileSignedCookies(h);

  it.each(hostile)('$label: refused, 200, RSS growth under 50 MB', async ({ header }) => {
    const rssBefore = process.memoryUsage().rss;
    checkWithStore(h, { header, expect: 'refused' });
    seen.store++;
    for (const path of ['/stocks', '/add_stock']) {
      expect(await requestCase({ header, expect: 'refused' }, path)).toBe(200);
    }
    expect(process.memoryUsage().rss - rssBefore).toBeLessThan(50 * 2 ** 20);
  });

  // The depth at which untagging runs out of stack depends on the stack left; whatever the depth,
  // the answer must be a page, never a 500 (a deep session that opens must also be writable).
  it.each([100, 1_000, 2_000, 4_000, 6_000, 8_000, 10_000, 20_000, 50_000])(
    'JSON nested %i deep never gives a 5xx',
    async (depth) => {
      const json = `{"portfolio":${'['.repeat(depth)}${']'.repeat(depth)},"csrf_token":"x"}`;
      for (const compress of [true, false]) {
        const header = `session=${signed(h, payloadFor(json, compress))}`;
        checkWithStore(h, { header, expect: 'any' });
        seen.store++;
        for (const path of ['/stocks', '/add_stock']) {
          expect(await requestCase({ header, expect: 'any' }, path)).toBeLessThan(500);
        }
      }
    },
  );

  /*
   * Regression test for a fixed bug (packages/flask-session-ts/src/tagged-json.ts, `loads`): JSON.parse reads a number literal beyond the double
   * range as Infinity and the cookie opens, but `dumps` refuses Infinity with a TypeError, so the
   * first write of the session (the CSRF token, the `_permanent` flag, a refresh) throws: every page
   * answers 500 and the cookie is never replaced, so the visitor is stuck until it expires.
   * Flask writes a Python int such as 10**400 as its 401 digits, so a Flask app sharing the key can
   * produce this cookie. Expected: the cookie is refused like any malformed payload (BadPayload at
   * load, e.g. by checking Number.isFinite while untagging), giving an empty session and a 200 page.
   * It was: 500 "Something Went Wrong", logged as `TypeError: Cannot store Infinity in a session`.
   * The generator `signed-number-text` above fails for the same reason, on both paths.
   */
  it('reads a signed session holding an integer beyond the double range exactly (Flask writes 10**400)', async () => {
    const json = `{"n":1${'0'.repeat(400)},"portfolio":[["${VALID_SYMBOL}","15","302.17"]]}`;
    const header = `session=${signed(h, payloadFor(json, false))}`;
    const res = await h.app.request('/stocks', { headers: { Cookie: header } });
    expect(res.status).toBe(200);
    expect(h.errors).toEqual([]);
    // The refreshed cookie carries the integer back unchanged, for the Flask app that wrote it.
    const refreshed = res.headers.getSetCookie().find((header) => header.startsWith('session=')) ?? '';
    expect(h.store.open(refreshed.split(';')[0]).session.get('n')).toBe(10n ** 400n);
  });
});

describe('a correctly signed session at the size limit', () => {
  /*
   * Regression test for a fixed bug (packages/flask-session-ts/src/store.ts, `commit` / `#decide`): when a permanent session is only read, the store
   * refreshes its cookie, and if that Set-Cookie would exceed maxCookieBytes it throws
   * SessionTooLarge even though nothing changed. app.onError then turns every page (/, /stocks,
   * /add_stock) into 422 "Session Full … Remove a holding and try again", yet the page that lists
   * the holdings and their Remove buttons is one of them: the visitor is stuck until the cookie
   * expires (31 days) or is deleted by hand. Such a cookie is one the browser accepts (under 4096
   * bytes) whose refreshed Set-Cookie is a few bytes over 4093: a portfolio filled to the limit
   * before a deploy that lengthens the attributes (SESSION_LIFETIME_DAYS 31 → 400 adds a digit to
   * Max-Age; Secure adds 8 bytes), or one written by a Flask app sharing the key (Werkzeug only warns).
   * Expected: a refresh that does not fit is skipped (the browser keeps its cookie) and the page is
   * 200, so the visitor can remove a holding. It was: 422 on every page.
   */
  /** The smallest portfolio whose refreshed Set-Cookie no longer fits, as a cookie signed now. */
  function cookieJustOverTheLimit(): string {
    const portfolio: [string, string, string][] = [];
    for (let i = 0; i < 1_000; i++) {
      portfolio.push([`S${i}Q`, String(1 + ((i * 37) % 5000)), `${1 + ((i * 13) % 2000)}.${i % 100}`]);
      const data = { _permanent: true, portfolio };
      if (h.store.measure(new Session(data)) > h.store.maxCookieBytes) {
        return h.store.serializer.dumps(data, Math.floor(FUZZ_NOW_MS / 1000));
      }
    }
    throw new Error('1,000 holdings still fit in one cookie: has the size limit changed?');
  }

  it('still shows the holdings (200), so the visitor can remove one', async () => {
    const value = cookieJustOverTheLimit();
    // A cookie every browser stores and sends back (name and value within 4096 bytes).
    expect(`session=${value}`.length).toBeLessThanOrEqual(4096);
    const res = await h.app.request('/stocks', { headers: { Cookie: `session=${value}` } });
    const html = await res.text();
    expect(res.status).toBe(200);
    expect(html).toContain('S0Q');
    expect(html).toContain('Remove');
  });
});

// Last in the file (vitest runs a file's tests in order): the promise made at the top.
it(`ran at least ${MIN_TOTAL_CASES} cases, ${MIN_APP_CASES} of them through app.request`, () => {
  expect(seen.store + seen.app).toBeGreaterThanOrEqual(MIN_TOTAL_CASES);
  expect(seen.app).toBeGreaterThanOrEqual(MIN_APP_CASES);
});
