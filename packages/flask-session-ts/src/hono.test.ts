import { randomBytes } from 'node:crypto';
import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import { BadData, SessionTooLarge } from './errors.js';
import { sessionMiddleware, type SessionEnv } from './hono.js';
import { CookieSessionStore, type SessionOptions } from './cookie-store.js';

const SECRET = 'test-secret-key-for-the-middleware';
const T0 = 1_700_000_000_000;

/** A clock the test moves by hand. */
function fakeClock(start = T0): { now: () => number; advanceSeconds: (s: number) => void } {
  let t = start;
  return { now: () => t, advanceSeconds: (s) => (t += s * 1000) };
}

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

describe('session middleware', () => {
  it('sends no cookie and no Vary when a handler never touches the session', async () => {
    const { app } = makeApp();
    const res = await app.request('/none');
    expect(res.headers.getSetCookie()).toEqual([]);
    expect(res.headers.get('Vary')).toBeNull();
  });

  it('sends Vary: Cookie but no Set-Cookie when a non-permanent session is only read', async () => {
    const { app, store } = makeApp();
    const { session } = store.open(undefined);
    session.set('count', 1);
    const action = store.commit(session);
    if (action.kind !== 'set') throw new Error('expected a cookie');
    const res = await app.request('/read', { headers: { Cookie: action.header.split(';')[0] ?? '' } });
    expect(await res.text()).toBe('1');
    expect(res.headers.get('Vary')).toBe('Cookie');
    expect(res.headers.getSetCookie()).toEqual([]);
  });

  it('writes a browser-session cookie with the secure defaults when the session changes', async () => {
    const { app } = makeApp();
    const res = await app.request('/inc', { method: 'POST' });
    expect(res.status).toBe(302);
    const [header] = res.headers.getSetCookie();
    expect(header).toMatch(/^session=[\w.-]+; Path=\/; HttpOnly; SameSite=Lax$/);
  });

  it('keeps the count across requests through the cookie', async () => {
    const { app } = makeApp();
    let cookie = '';
    for (let i = 0; i < 3; i++) {
      const res = await app.request('/inc', { method: 'POST', headers: { Cookie: cookie } });
      cookie = cookieOf(res) ?? '';
    }
    expect(await (await app.request('/read', { headers: { Cookie: cookie } })).text()).toBe('3');
  });

  it('deletes the cookie with the same path and domain when the session is emptied', async () => {
    const { app } = makeApp({ cookie: { domain: 'example.test', path: '/app' } });
    const first = await app.request('/inc', { method: 'POST' });
    const res = await app.request('/clear', { method: 'POST', headers: { Cookie: cookieOf(first) ?? '' } });
    const [header] = res.headers.getSetCookie();
    expect(header).toBe(
      'session=; Expires=Thu, 01 Jan 1970 00:00:00 GMT; Max-Age=0; Domain=example.test; Path=/app; HttpOnly; SameSite=Lax',
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

  it('refreshes a permanent session on a read, with a new timestamp, when refreshEachRequest is on', async () => {
    const clock = fakeClock();
    const { app } = makeApp({ permanent: true, now: clock.now });
    const first = cookieOf(await app.request('/inc', { method: 'POST' })) ?? '';
    clock.advanceSeconds(60);
    const res = await app.request('/read', { headers: { Cookie: first } });
    const refreshed = cookieOf(res);
    expect(refreshed).toBeDefined();
    expect(refreshed).not.toBe(first);
    // Same payload, only the timestamp and signature changed.
    expect(refreshed?.split('.')[0]).toBe(first.split('.')[0]);
  });

  it('does not refresh a permanent session when refreshEachRequest is off', async () => {
    const { app } = makeApp({ permanent: true, refreshEachRequest: false });
    const first = cookieOf(await app.request('/inc', { method: 'POST' })) ?? '';
    const res = await app.request('/read', { headers: { Cookie: first } });
    expect(res.headers.getSetCookie()).toEqual([]);
  });

  it('does not refresh on an error response, which must leave the cookie as it was', async () => {
    const { app } = makeApp({ permanent: true });
    app.get('/fail', (c) => {
      c.var.session.get('count');
      return c.text('no', 400);
    });
    const first = cookieOf(await app.request('/inc', { method: 'POST' })) ?? '';
    const res = await app.request('/fail', { headers: { Cookie: first } });
    expect(res.headers.getSetCookie()).toEqual([]);
  });

  it('re-signs with the current key a session that a fallback key verified', async () => {
    const old = makeApp({ secretKey: 'the-old-key' });
    const oldCookie = cookieOf(await old.app.request('/inc', { method: 'POST' })) ?? '';
    const { app, store } = makeApp({ secretKey: 'the-new-key', fallbackSecretKeys: ['the-old-key'] });
    const res = await app.request('/read', { headers: { Cookie: oldCookie } });
    expect(await res.text()).toBe('1');
    const resigned = cookieOf(res) ?? '';
    expect(resigned).not.toBe(oldCookie);
    // Now verified by the current key alone.
    const current = new CookieSessionStore({ secretKey: 'the-new-key', now: () => T0 });
    expect(current.open(resigned).session.get('count')).toBe(1);
    expect(store.open(resigned).error).toBeUndefined();
  });

  it('treats a tampered cookie as an empty new session and reports it once', async () => {
    const invalid: BadData[] = [];
    const { app } = makeApp({}, invalid);
    const cookie = cookieOf(await app.request('/inc', { method: 'POST' })) ?? '';
    const tampered = cookie.slice(0, -1) + (cookie.endsWith('A') ? 'B' : 'A');
    const res = await app.request('/read', { headers: { Cookie: tampered } });
    expect(res.status).toBe(200);
    expect(await res.text()).toBe('empty');
    expect(invalid).toHaveLength(1);
    expect(invalid[0]).toBeInstanceOf(BadData);
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

  it('expires a session on the server once its signature is older than the lifetime', async () => {
    const clock = fakeClock();
    const { app } = makeApp({ lifetimeSeconds: 100, now: clock.now });
    const cookie = cookieOf(await app.request('/inc', { method: 'POST' })) ?? '';
    clock.advanceSeconds(100);
    expect(await (await app.request('/read', { headers: { Cookie: cookie } })).text()).toBe('1');
    clock.advanceSeconds(1);
    expect(await (await app.request('/read', { headers: { Cookie: cookie } })).text()).toBe('empty');
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

  it('sends no cookie and hands SessionTooLarge to onError when a handler did not check the size', async () => {
    const { app } = makeApp();
    const res = await app.request('/big-unchecked', { method: 'POST' });
    expect(await res.text()).toBe('onError: too large');
    expect(res.headers.getSetCookie()).toEqual([]);
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
