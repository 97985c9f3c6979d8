import { randomBytes } from 'node:crypto';
import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import { BadData, SessionTooLarge } from './errors.js';
import { sessionMiddleware, type SessionEnv } from './hono.js';
import { CookieSessionStore, type SessionOptions } from './cookie-store.js';

const SECRET = 'test-secret-key-for-the-middleware';
const T0 = 1_700_000_000_000;

type Data = { count?: number; blob?: string; theme?: string };

function makeApp(options: Partial<SessionOptions> = {}, invalid: BadData[] = []) {
  const store = new CookieSessionStore({ secretKey: SECRET, now: () => T0, ...options });
  const app = new Hono<SessionEnv<Data>>();
  app.use(sessionMiddleware(store, { onInvalidCookie: (e) => invalid.push(e) }));
  app.get('/read', (c) => c.text(String(c.var.session.get('count') ?? 'empty')));
  app.get('/none', (c) => c.text('untouched'));
  app.get('/error', (c) => c.text(c.var.sessionError?.name ?? 'no error'));
  app.post('/inc', (c) => {
    const s = c.var.session;
    s.set('count', (s.get('count') ?? 0) + 1);
    return c.redirect('/read', 302);
  });
  app.post('/clear', (c) => {
    c.var.session.clear();
    return c.text('cleared');
  });
  app.post('/big', async (c) => {
    const size = Number(await c.req.text());
    try {
      store.update(c.var.session, (s) => s.set('blob', randomText(size)));
    } catch (error) {
      if (error instanceof SessionTooLarge) return c.text('too large', 422);
      throw error;
    }
    return c.text('stored');
  });
  app.post('/big-unchecked', (c) => {
    c.var.session.set('blob', randomText(8000));
    return c.text('should not be seen');
  });
  app.onError((error, c) => c.text(error instanceof SessionTooLarge ? 'onError: too large' : 'boom', 500));
  return { app, store };
}

// Random, so incompressible: the size of the cookie follows the size asked for.
function randomText(length: number): string {
  return randomBytes(length).toString('base64').slice(0, length);
}

function cookieOf(res: Response): string | undefined {
  const header = res.headers.getSetCookie()[0];
  return header?.split(';')[0];
}

/**
 * Hono-specific behaviour and the options seen through the Hono adapter (via `app.request`).
 * What every adapter must do is in adapters.test.ts, run against all three over real HTTP.
 */
describe('session middleware', () => {
  it('adds the cookie to a response whose headers are immutable (Response.redirect)', async () => {
    const { app } = makeApp();
    app.post('/native-redirect', (c) => {
      c.var.session.set('count', 7);
      return Response.redirect('http://localhost/read', 303);
    });
    const res = await app.request('/native-redirect', { method: 'POST' });
    expect(res.status).toBe(303);
    expect(res.headers.get('Location')).toBe('http://localhost/read');
    const cookie = cookieOf(res) ?? '';
    expect(await (await app.request('/read', { headers: { Cookie: cookie } })).text()).toBe('7');
  });

  it('builds a cookie store from options given instead of a store', async () => {
    const app = new Hono<SessionEnv<Data>>();
    app.use(sessionMiddleware({ secretKey: SECRET, cookie: { name: 'sid' } }));
    app.get('/read', (c) => c.text(String(c.var.session.get('count') ?? 'empty')));
    app.post('/inc', (c) => {
      c.var.session.set('count', 1);
      return c.text('ok');
    });
    const cookie = cookieOf(await app.request('/inc', { method: 'POST' })) ?? '';
    expect(cookie).toMatch(/^sid=/);
    expect(await (await app.request('/read', { headers: { Cookie: cookie } })).text()).toBe('1');
  });

  it('deletes the cookie with the same path and domain when the session is emptied', async () => {
    const { app } = makeApp({ cookie: { domain: 'example.test', path: '/app' } });
    const first = await app.request('/inc', { method: 'POST' });
    const res = await app.request('/clear', { method: 'POST', headers: { Cookie: cookieOf(first) ?? '' } });
    const [header] = res.headers.getSetCookie();
    expect(header).toBe(
      'session=; Expires=Thu, 01 Jan 1970 00:00:00 GMT; Max-Age=0; Domain=example.test; Path=/app; Secure; HttpOnly; SameSite=Lax',
    );
    expect(res.headers.get('Vary')).toBe('Cookie');
  });

  it('sends nothing when an already empty session is cleared', async () => {
    const { app } = makeApp();
    const res = await app.request('/clear', { method: 'POST' });
    expect(res.headers.getSetCookie()).toEqual([]);
  });

  it('gives a permanent session Expires and Max-Age equal to the lifetime', async () => {
    const { app } = makeApp({ permanent: true, lifetimeSeconds: 3600 });
    const res = await app.request('/inc', { method: 'POST' });
    const [header] = res.headers.getSetCookie();
    expect(header).toContain(`; Expires=${new Date(T0 + 3600_000).toUTCString()}; Max-Age=3600;`);
  });

  it('does not refresh a permanent session when refreshEachRequest is off', async () => {
    const { app } = makeApp({ permanent: true, refreshEachRequest: false });
    const first = cookieOf(await app.request('/inc', { method: 'POST' })) ?? '';
    const res = await app.request('/read', { headers: { Cookie: first } });
    expect(res.headers.getSetCookie()).toEqual([]);
  });

  it('hands the handler why the cookie could not be used, and nothing for a good or missing one', async () => {
    const { app } = makeApp();
    const cookie = cookieOf(await app.request('/inc', { method: 'POST' })) ?? '';
    const tampered = cookie.slice(0, -1) + (cookie.endsWith('A') ? 'B' : 'A');
    const errorFor = async (header?: string) =>
      (await app.request('/error', header === undefined ? {} : { headers: { Cookie: header } })).text();
    expect(await errorFor(tampered)).toBe('BadTimeSignature');
    expect(await errorFor(cookie)).toBe('no error');
    expect(await errorFor()).toBe('no error');
  });

  it('refuses a too-large change inside the handler and leaves the previous cookie in place', async () => {
    const { app } = makeApp();
    const first = cookieOf(await app.request('/big', { method: 'POST', body: '100' })) ?? '';
    const res = await app.request('/big', { method: 'POST', body: '5000', headers: { Cookie: first } });
    expect(res.status).toBe(422);
    expect(res.headers.getSetCookie()).toEqual([]);
    // The browser still has `first`, which still holds the earlier data.
    const again = await app.request('/big', { method: 'POST', body: '200', headers: { Cookie: first } });
    expect(await again.text()).toBe('stored');
  });

  it('never sends a Set-Cookie header longer than the limit', async () => {
    const { app, store } = makeApp();
    for (const size of [2900, 2950, 3000, 3050, 3100]) {
      const res = await app.request('/big', { method: 'POST', body: String(size) });
      for (const header of res.headers.getSetCookie()) {
        expect(header.length).toBeLessThanOrEqual(store.maxCookieBytes);
      }
    }
  });
});

describe('Vary', () => {
  function varyApp(vary: string | undefined) {
    const store = new CookieSessionStore({ secretKey: SECRET, now: () => T0 });
    const app = new Hono<SessionEnv<Data>>();
    app.use(sessionMiddleware(store));
    app.get('/', (c) => {
      c.var.session.get('count');
      if (vary !== undefined) c.header('Vary', vary);
      return c.text('ok');
    });
    return app;
  }

  it.each([
    ['Accept-Encoding', 'Accept-Encoding, Cookie'],
    ['accept-encoding, cookie', 'accept-encoding, cookie'],
    ['*', '*'],
    ['Accept-Encoding, *', 'Accept-Encoding, *'],
    ['', 'Cookie'],
  ])('adds Cookie to a Vary of %j, once', async (vary, expected) => {
    const res = await varyApp(vary).request('/');
    expect(res.headers.get('Vary')).toBe(expected);
  });
});
