/**
 * Express-specific behaviour, over real HTTP against real Express 5: the adapter holds the
 * response's methods (`writeHead`, `write`, `flushHeaders`, `end`) until the store has answered,
 * and they must keep Node's contract meanwhile (return values, backpressure, the status given to
 * `writeHead`), with a store that answers at once and one that answers later.
 * What every adapter must do is in adapters.test.ts.
 */
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import express, { type ErrorRequestHandler } from 'express';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { listen, type RunningApp } from '../test/adapters/apps.js';
import { AsyncStore } from '../test/support/async-store.js';
import { thrown } from '../test/support/thrown.js';
import { CookieSessionStore } from './cookie-store.js';
import { SessionTooLarge } from './errors.js';
import { sessionMiddleware } from './express.js';
import type { Session } from './session.js';
import type { SessionStore } from './store.js';

const SECRET = 'express-adapter-test-secret-key';

type StoreKind = { name: string; holds: boolean; make: () => SessionStore };
// Permanent, so that a request that only reads the session refreshes its cookie (status < 400).
const cookieStore = () => new CookieSessionStore({ secretKey: SECRET, permanent: true });
const STORES: readonly StoreKind[] = [
  { name: 'a store that answers at once', holds: false, make: cookieStore },
  { name: 'a store that answers later', holds: true, make: () => new AsyncStore(cookieStore()) },
];

/** What a handler's calls returned, recorded for the test to read once the response is in. */
interface Returned {
  flushed?: unknown;
  endedIsResponse?: boolean;
}

function countText(session: Session): string {
  const count = session.get('count');
  return typeof count === 'number' ? String(count) : 'empty';
}

function startApp(store: SessionStore, returned: Returned, errors: unknown[]) {
  const app = express();
  app.use(sessionMiddleware(store));
  app.get('/read', (req, res) => res.send(countText(req.session)));
  app.get('/flush', (req, res) => {
    req.session.set('count', 1);
    res.type('text');
    returned.flushed = res.flushHeaders();
    res.write('a');
    returned.endedIsResponse = res.end('b') === res;
  });
  app.get('/drain', (req, res) => {
    req.session.set('count', 1);
    let drains = 0;
    res.on('drain', () => drains++);
    res.type('text');
    const wrote = res.write('a');
    const finish = () => res.end(`|${String(wrote)}|${String(drains)}`);
    if (wrote) finish();
    else res.once('drain', finish);
  });
  app.get('/write-end', (req, res) => {
    req.session.set('count', 2);
    res.type('text');
    res.write('a');
    res.end('b');
  });
  app.get('/head/:status', (req, res) => {
    const count = countText(req.session);
    // Node's writeHead returns the response, so that `.end` can be chained.
    res.writeHead(Number(req.params.status), { 'Content-Type': 'text/plain' }).end(count);
  });
  app.post('/big-end', (req, res) => {
    req.session.set('blob', randomBytes(6000).toString('base64'));
    returned.endedIsResponse = res.status(201).end('never sent') === res;
  });
  app.get('/big-write-end', (req, res) => {
    req.session.set('blob', randomBytes(6000).toString('base64'));
    res.type('text');
    res.write('a');
    res.end('b');
  });
  app.post('/big-redirect', (req, res) => {
    req.session.set('blob', randomBytes(6000).toString('base64'));
    res.writeHead(302, { Location: '/done' }).end();
  });
  app.get('/big-stream', (req, res) => {
    req.session.set('blob', randomBytes(6000).toString('base64'));
    res.type('text');
    // The body has begun: the headers go out with it, and the response is never ended here.
    res.write('a');
  });
  const onError: ErrorRequestHandler = (error, _req, res, next) => {
    errors.push(error);
    if (res.headersSent) {
      next(error);
      return;
    }
    res
      .status(500)
      .type('text')
      .send(error instanceof SessionTooLarge ? 'too large' : 'boom');
  };
  app.use(onError);
  return listen(createServer(app));
}

function cookieOf(res: Response): string | undefined {
  return res.headers.getSetCookie()[0]?.split(';')[0];
}

describe.each(STORES)('Express adapter with $name', ({ holds, make }) => {
  const returned: Returned = {};
  const errors: unknown[] = [];
  let server: RunningApp;
  const get = (path: string, cookie?: string, method = 'GET') =>
    fetch(server.url + path, { method, headers: cookie === undefined ? {} : { Cookie: cookie } });

  beforeAll(async () => {
    server = await startApp(make(), returned, errors);
  });
  afterAll(() => server.close());
  beforeEach(() => {
    delete returned.flushed;
    delete returned.endedIsResponse;
    errors.length = 0;
  });

  it('keeps the return values of flushHeaders (undefined) and end (the response)', async () => {
    const res = await get('/flush');
    expect(await res.text()).toBe('ab');
    expect(await (await get('/read', cookieOf(res))).text()).toBe('1');
    expect(returned).toEqual({ flushed: undefined, endedIsResponse: true });
    expect('flushed' in returned).toBe(true);
  });

  it(`answers ${holds ? "false to a held write, then emits 'drain'" : "true to write, and emits no 'drain'"}`, async () => {
    const res = await get('/drain');
    expect(await res.text()).toBe(holds ? 'a|false|1' : 'a|true|0');
    expect(await (await get('/read', cookieOf(res))).text()).toBe('1');
  });

  it('sends a body written and ended in one go, with the cookie', async () => {
    const res = await get('/write-end');
    expect(await res.text()).toBe('ab');
    expect(await (await get('/read', cookieOf(res))).text()).toBe('2');
    expect(errors).toEqual([]);
  });

  it('commits with the status given to writeHead: an error status does not refresh the cookie', async () => {
    const cookie = cookieOf(await get('/flush'));
    const failed = await get('/head/400', cookie);
    expect(failed.status).toBe(400);
    expect(await failed.text()).toBe('1');
    expect(failed.headers.getSetCookie()).toEqual([]);
    const ok = await get('/head/200', cookie);
    expect(ok.status).toBe(200);
    expect(await ok.text()).toBe('1');
    expect(ok.headers.getSetCookie()).toHaveLength(1);
  });

  it('answers a too-large session with the error handler, and end still returns the response', async () => {
    const res = await get('/big-end', undefined, 'POST');
    expect(res.status).toBe(500);
    expect(await res.text()).toBe('too large');
    expect(res.headers.getSetCookie()).toEqual([]);
    expect(returned.endedIsResponse).toBe(true);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toBeInstanceOf(SessionTooLarge);
  });

  it('answers a too-large session with the error handler when the body was written and ended in one turn', async () => {
    const res = await get('/big-write-end');
    expect(res.status).toBe(500);
    expect(await res.text()).toBe('too large');
    expect(res.headers.getSetCookie()).toEqual([]);
    expect(errors.map((error) => error instanceof SessionTooLarge)).toEqual([true]);
  });

  it('never redirects as if a too-large change were saved: the error handler answers, without Location', async () => {
    const res = await get('/big-redirect', undefined, 'POST');
    expect(res.status).toBe(500);
    expect(res.headers.get('location')).toBeNull();
    expect(await res.text()).toBe('too large');
    expect(errors.map((error) => error instanceof SessionTooLarge)).toEqual([true]);
  });

  it('sends a body already begun without the cookie, then cuts it off: the client sees the failure', async () => {
    let headers: Response | undefined;
    const outcome = get('/big-stream').then((res) => {
      headers = res;
      return res.text();
    });
    await expect(outcome).rejects.toThrow();
    // When the headers made it before the connection was cut, they carry no cookie.
    if (headers !== undefined) {
      expect(headers.status).toBe(200);
      expect(headers.headers.getSetCookie()).toEqual([]);
    }
    expect(errors).toHaveLength(1);
    expect(errors[0]).toBeInstanceOf(SessionTooLarge);
  });
});

describe('of(req): the session typed by the generic', () => {
  interface Visits {
    visits: number;
  }

  it('is the req.session the middleware opened, and a TypeError where it did not run', async () => {
    const sessions = sessionMiddleware<Visits>({ secretKey: SECRET, cookie: { secure: false } });
    const app = express();
    app.get('/bare', (req, res) => {
      const error = thrown(() => sessions.of(req)) as Error;
      res.json({ name: error.name, message: error.message });
    });
    app.use(sessions);
    app.get('/', (req, res) => {
      const session = sessions.of(req);
      session.set('visits', (session.get('visits') ?? 0) + 1);
      res.send(String((session as unknown) === req.session));
    });
    const running = await listen(createServer(app));
    try {
      const first = await fetch(running.url + '/');
      expect(await first.text()).toBe('true');
      const cookie = first.headers.getSetCookie()[0]?.split(';')[0] ?? '';
      const second = await fetch(running.url + '/', { headers: { Cookie: cookie } });
      const opened = new CookieSessionStore({ secretKey: SECRET }).open(
        second.headers.getSetCookie()[0]?.split(';')[0],
      );
      expect(opened.session.get('visits')).toBe(2);
      expect(await (await fetch(running.url + '/bare')).json()).toEqual({
        name: 'TypeError',
        message: 'No session: sessionMiddleware did not run for this request',
      });
    } finally {
      await running.close();
    }
  });
});
