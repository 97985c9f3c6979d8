/**
 * A session cookie the app cannot use (another key, expired, tampered, damaged): the visitor is
 * told once, the cookie stays byte for byte until they save something, and a save says it replaced it.
 */
import { SignatureExpired, BadSignature, BadPayload, BadData, UnknownSession } from 'flask-session-ts';
import { describe, expect, it } from 'vitest';
import { urlFor } from '../web/urls.js';
import {
  KEEP_UNREADABLE_MESSAGE,
  REPLACED_MESSAGE,
  START_NEW_QUESTION,
  unreadableMessage,
  UnreadableNotices,
} from './unreadable.js';
import {
  buildTestApp,
  flashes,
  mainText,
  tableRows,
  type Client,
  type TestApp,
} from '../../test/support/client.js';

const VALID = { stock_symbol: 'AAPL', number_of_shares: '15', purchase_price: '302.17' } as const;
const OLD_KEY = 'the-key-the-portfolio-was-saved-with-0123456789';
const NEW_KEY = 'a-new-key-after-a-botched-deploy-9876543210abcd';

/** A session cookie with one holding, signed by an app whose key is `key`. */
async function portfolioCookie(key: string): Promise<string> {
  const client = buildTestApp({ config: { secretKey: key } }).client();
  await client.get(urlFor('add_stock'));
  expect((await client.postForm(urlFor('add_stock'), VALID)).status).toBe(302);
  await client.get(urlFor('list_stocks'));
  const cookie = client.sessionCookie;
  if (cookie === undefined) throw new Error('no session cookie');
  return cookie;
}

/** A visitor of `t` whose browser holds `sessionCookie`. */
function visitorHolding(t: TestApp, sessionCookie: string): Client {
  const client = t.client();
  client.setSessionCookie(sessionCookie);
  return client;
}

const sessionSetCookies = (setCookies: readonly string[]) =>
  setCookies.filter((h) => h.startsWith('session='));

describe('a session cookie signed with a key the app no longer has', () => {
  it('tells the visitor once, plainly, on the first page, and not on the pages after', async () => {
    const cookie = await portfolioCookie(OLD_KEY);
    const client = visitorHolding(buildTestApp({ config: { secretKey: NEW_KEY } }), cookie);
    const first = await client.get(urlFor('list_stocks'));
    expect(first.status).toBe(200);
    expect(flashes(first.html)).toEqual([['error', unreadableMessage(new BadSignature('x'), 31)]]);
    expect(mainText(first.html)).toContain("If the site's key changed, your portfolio may come back");
    for (const path of [urlFor('list_stocks'), urlFor('index'), urlFor('add_stock')]) {
      expect(flashes((await client.get(path)).html)).toEqual([]);
    }
  });

  it('never replaces the cookie on page views: it stays byte-identical', async () => {
    const cookie = await portfolioCookie(OLD_KEY);
    const client = visitorHolding(buildTestApp({ config: { secretKey: NEW_KEY } }), cookie);
    for (const path of [
      urlFor('index'),
      urlFor('list_stocks'),
      urlFor('add_stock'),
      urlFor('about'),
      '/nope',
    ]) {
      const page = await client.get(path);
      expect(sessionSetCookies(page.setCookies), path).toEqual([]);
    }
    expect(client.sessionCookie).toBe(cookie);
  });

  it('keeps the cookie through a refused form and a stale Remove', async () => {
    const cookie = await portfolioCookie(OLD_KEY);
    const client = visitorHolding(buildTestApp({ config: { secretKey: NEW_KEY } }), cookie);
    await client.get(urlFor('add_stock'));
    const refused = await client.postForm(urlFor('add_stock'), { ...VALID, number_of_shares: '0' });
    expect(refused.status).toBe(409);
    // A stale tab's Remove is a write too: refused the same way, the kept cookie untouched.
    const stale = await client.postForm(urlFor('remove_lot', { lot_id: 1 }));
    expect(stale.status).toBe(409);
    expect(sessionSetCookies([...refused.setCookies, ...stale.setCookies])).toEqual([]);
    expect(client.sessionCookie).toBe(cookie);
  });

  it.each([
    ['a theme switch', urlFor('set_theme'), { theme: 'dark', next: urlFor('list_stocks') }],
    ['an add', urlFor('add_stock'), { ...VALID, stock_symbol: 'MSFT' }],
    ['a current price', urlFor('set_price'), { symbol: 'AAPL', current_price: '5', sort: 'symbol' }],
    ['an undo', urlFor('undo_remove'), {}],
    ['a clear without its confirmation', urlFor('clear_stocks'), {}],
  ])(
    'refuses %s with 409, saves nothing, says why and offers to start a new portfolio',
    async (_what, path, form) => {
      const cookie = await portfolioCookie(OLD_KEY);
      const client = visitorHolding(buildTestApp({ config: { secretKey: NEW_KEY } }), cookie);
      await client.get(urlFor('index'));
      const page = await client.postForm(path, form);
      if (path === urlFor('clear_stocks')) {
        // Unconfirmed, the clear goes to its question, which here is "start a new portfolio?".
        expect(page.status).toBe(303);
        expect(mainText((await client.get(urlFor('clear_stocks'))).html)).toContain(START_NEW_QUESTION);
      } else {
        expect(page.status).toBe(409);
        expect(mainText(page.html)).toContain(KEEP_UNREADABLE_MESSAGE);
        expect(page.html).toContain(`href="${urlFor('clear_stocks')}"`);
      }
      expect(sessionSetCookies(page.setCookies)).toEqual([]);
      expect(client.sessionCookie).toBe(cookie);
      // Still readable with the right key: nothing replaced it.
      const restored = visitorHolding(
        buildTestApp({ config: { secretKey: OLD_KEY } }),
        client.sessionCookie ?? '',
      );
      expect(tableRows((await restored.get(urlFor('list_stocks'))).html).map((row) => row[0])).toEqual([
        'AAPL',
      ]);
    },
  );

  it('brings the portfolio back once the right key is restored', async () => {
    const cookie = await portfolioCookie(OLD_KEY);
    const client = visitorHolding(buildTestApp({ config: { secretKey: NEW_KEY } }), cookie);
    for (let i = 0; i < 3; i++) await client.get(urlFor('list_stocks'));
    const restored = visitorHolding(
      buildTestApp({ config: { secretKey: OLD_KEY } }),
      client.sessionCookie ?? '',
    );
    const page = await restored.get(urlFor('list_stocks'));
    expect(tableRows(page.html).map((row) => row[0])).toEqual(['AAPL']);
    expect(flashes(page.html)).toEqual([]);
  });

  it('starts a new portfolio only when the visitor confirms it, and says so', async () => {
    const cookie = await portfolioCookie(OLD_KEY);
    const client = visitorHolding(buildTestApp({ config: { secretKey: NEW_KEY } }), cookie);
    const question = await client.get(urlFor('clear_stocks'));
    expect(question.html).toContain('<title>Start a new portfolio? &middot; Stock Portfolio</title>');
    expect(mainText(question.html)).toContain(START_NEW_QUESTION);
    const started = await client.postForm(urlFor('clear_stocks'), { confirm: 'yes' });
    expect(started.status).toBe(302);
    expect(client.sessionCookie).not.toBe(cookie);
    expect(flashes((await client.get(urlFor('list_stocks'))).html)).toEqual([['info', REPLACED_MESSAGE]]);
    // From now on the session is readable: saves work as usual.
    await client.get(urlFor('add_stock'));
    expect((await client.postForm(urlFor('add_stock'), { ...VALID, stock_symbol: 'MSFT' })).status).toBe(302);
    const list = await client.get(urlFor('list_stocks'));
    expect(tableRows(list.html).map((row) => row[0])).toEqual(['MSFT']);
  });

  it('tells the visitor again about a different unreadable cookie', async () => {
    const t = buildTestApp({ config: { secretKey: NEW_KEY } });
    const client = visitorHolding(t, await portfolioCookie(OLD_KEY));
    expect(flashes((await client.get(urlFor('index'))).html)).toHaveLength(1);
    client.setSessionCookie(await portfolioCookie('yet-another-key-for-a-second-cookie-000000'));
    expect(flashes((await client.get(urlFor('index'))).html)).toHaveLength(1);
  });

  it('does not show the notice on error pages, and still shows it on the next page', async () => {
    const client = visitorHolding(
      buildTestApp({ config: { secretKey: NEW_KEY } }),
      await portfolioCookie(OLD_KEY),
    );
    const missing = await client.get('/no-such-page');
    expect(missing.status).toBe(404);
    expect(flashes(missing.html)).toEqual([]);
    expect(flashes((await client.get(urlFor('index'))).html)).toHaveLength(1);
  });
});

describe('an expired session cookie', () => {
  it('says the portfolio expired, and after how long', async () => {
    let now = Date.UTC(2026, 0, 1);
    const t = buildTestApp({ config: { sessionLifetimeSeconds: 7 * 86400 }, now: () => now });
    const client = t.client();
    await client.get(urlFor('add_stock'));
    await client.postForm(urlFor('add_stock'), VALID);
    const cookie = client.sessionCookie;
    now += 8 * 86400 * 1000;
    const page = await client.get(urlFor('list_stocks'));
    expect(mainText(page.html)).toContain(
      'Your saved portfolio has expired: it was last used more than 7 days ago',
    );
    expect(sessionSetCookies(page.setCookies)).toEqual([]);
    expect(client.sessionCookie).toBe(cookie);
  });
});

describe('unreadableMessage', () => {
  it('names the cause: expired, key or change, damage', () => {
    expect(unreadableMessage(new SignatureExpired('x'), 31)).toContain('expired');
    expect(unreadableMessage(new BadSignature('x'), 31)).toContain('signed with a key');
    expect(unreadableMessage(new BadPayload('x'), 31)).toContain('damaged');
    // A server-side id with no record: it may have been cleared, so no "nothing has been deleted".
    const unknown = unreadableMessage(new UnknownSession('x'), 31, 'sqlite');
    expect(unknown).toContain('This server no longer holds the portfolio');
    expect(unknown).not.toContain('Nothing has been deleted');
    expect(unreadableMessage(new BadData('x'), 31)).toContain('could not be read');
  });
});

describe('UnreadableNotices', () => {
  const notices = new UnreadableNotices({ secretKeys: [NEW_KEY], production: false, lifetimeSeconds: 60 });
  const valueOf = (header: string) => header.slice(header.indexOf('=') + 1, header.indexOf(';'));

  it('remembers one cookie, not another, and not a forged mark', () => {
    const mark = valueOf(notices.setCookie('cookie-one'));
    expect(notices.wasShown(mark, 'cookie-one')).toBe(true);
    expect(notices.wasShown(mark, 'cookie-two')).toBe(false);
    expect(notices.wasShown(UnreadableNotices.fingerprint('cookie-one'), 'cookie-one')).toBe(false);
    expect(notices.wasShown(undefined, 'cookie-one')).toBe(false);
  });
});
