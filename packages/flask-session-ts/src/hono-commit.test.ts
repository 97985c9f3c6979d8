/**
 * `commitSession`: the Hono adapter's hook for responses built from the handler's own header
 * object. Real HTTP through @hono/node-server on 127.0.0.1, so the fast path it exists for is
 * the one exercised, and the classic path (headers added after the handler) beside it.
 */
import http, { type OutgoingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomBytes } from 'node:crypto';
import { getRequestListener } from '@hono/node-server';
import { Hono, type Context } from 'hono';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AsyncStore } from '../test/support/async-store.js';
import { CookieSessionStore } from './cookie-store.js';
import { SessionAlreadyCommitted, SessionTooLarge } from './errors.js';
import { commitSession, sessionMiddleware, type SessionEnv } from './hono.js';
import type { SessionStore } from './store.js';

const SECRET = 'test-secret-key-for-commit-session';
const T0 = 1_700_000_000_000;

type Data = { count?: number; blob?: string };
type Env = SessionEnv<Data>;

/** What `writeHead` received for each response, in order. */
const written: { status: number; headers: unknown }[] = [];
/** The header objects the hook's handlers built their responses from, in order. */
const built: Record<string, string>[] = [];

/** Builds a response from a plain object: the way an app uses the hook. */
async function plain(
  c: Context<Env>,
  body: string | null,
  status: number,
  extra: Record<string, string> = {},
) {
  const headers: Record<string, string> = {
    'Content-Type': 'text/plain; charset=UTF-8',
    ...extra,
    ...(await commitSession(c, status)),
  };
  built.push(headers);
  return new Response(body, { status, headers });
}

function makeApp(store: SessionStore, useHook: boolean) {
  const app = new Hono<Env>();
  app.use(sessionMiddleware(store));
  const respond = (
    c: Context<Env>,
    body: string | null,
    status: number,
    extra: Record<string, string> = {},
  ) =>
    useHook
      ? plain(c, body, status, extra)
      : // The classic path: Hono's own response, the session's headers added after the handler.
        c.newResponse(body, status as 200, { 'Content-Type': 'text/plain; charset=UTF-8', ...extra });
  app.get('/read', (c) => respond(c, String(c.var.session.get('count') ?? 'empty'), 200));
  app.get('/none', (c) => respond(c, 'untouched', 200));
  app.post('/inc', (c) => {
    const s = c.var.session;
    s.set('count', (s.get('count') ?? 0) + 1);
    return respond(c, null, 302, { Location: '/read' });
  });
  app.post('/clear', (c) => {
    c.var.session.clear();
    return respond(c, 'cleared', 200);
  });
  app.post('/too-large', (c) => {
    c.var.session.set('blob', randomBytes(6000).toString('base64'));
    return respond(c, 'should not be seen', 200);
  });
  app.post('/late-change', async (c) => {
    const res = await respond(c, 'built', 200);
    c.var.session.set('count', 99);
    return res;
  });
  app.post('/twice', async (c) => {
    c.var.session.set('count', 5);
    const first = await commitSession(c, 200);
    const second = await commitSession(c, 200);
    return c.text(JSON.stringify({ same: first === second, cookie: first['Set-Cookie'] !== undefined }));
  });
  app.onError(async (error, c) => {
    const name =
      error instanceof SessionTooLarge || error instanceof SessionAlreadyCommitted ? error.name : 'other';
    // An error page built through the hook too: after a failed commit it adds no session header.
    const session = useHook && error instanceof SessionTooLarge ? await commitSession(c, 500) : {};
    return new Response(`onError: ${name}`, {
      status: 500,
      headers: { 'Content-Type': 'text/plain', ...session },
    });
  });
  return app;
}

interface Running {
  url: string;
  close(): Promise<void>;
}

async function serve(app: Hono<Env>): Promise<Running> {
  const listener = getRequestListener(app.fetch);
  const server = http.createServer((req, res) => {
    const writeHead = res.writeHead.bind(res) as (
      status: number,
      headers?: OutgoingHttpHeaders,
    ) => http.ServerResponse;
    res.writeHead = ((status: number, headers?: OutgoingHttpHeaders) => {
      written.push({ status, headers });
      return writeHead(status, headers);
    }) as typeof res.writeHead;
    void listener(req, res);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

const STORES = [
  {
    name: 'a store that answers at once',
    make: () => new CookieSessionStore({ secretKey: SECRET, now: () => T0 }),
  },
  {
    name: 'a store that answers later',
    make: () => new AsyncStore(new CookieSessionStore({ secretKey: SECRET, now: () => T0 })),
  },
];

describe.each(STORES)('commitSession with $name', ({ make }) => {
  let hooked: Running;
  let classic: Running;

  beforeAll(async () => {
    hooked = await serve(makeApp(make(), true));
    classic = await serve(makeApp(make(), false));
  });
  afterAll(async () => {
    await hooked.close();
    await classic.close();
  });

  const send = (server: Running, method: string, path: string, cookie?: string) =>
    fetch(server.url + path, {
      method,
      redirect: 'manual',
      headers: cookie === undefined ? {} : { Cookie: cookie },
    });

  it('sends the same Set-Cookie and Vary, byte for byte, as the middleware does after the handler', async () => {
    const steps: [string, string][] = [
      ['GET', '/none'],
      ['GET', '/read'],
      ['POST', '/inc'],
      ['GET', '/read'],
      ['POST', '/inc'],
      ['POST', '/clear'],
    ];
    let hookedCookie: string | undefined;
    let classicCookie: string | undefined;
    for (const [method, path] of steps) {
      const a = await send(hooked, method, path, hookedCookie);
      const b = await send(classic, method, path, classicCookie);
      expect([a.status, a.headers.getSetCookie(), a.headers.get('Vary'), await a.text()]).toEqual([
        b.status,
        b.headers.getSetCookie(),
        b.headers.get('Vary'),
        await b.text(),
      ]);
      hookedCookie = a.headers.getSetCookie()[0]?.split(';')[0] ?? hookedCookie;
      classicCookie = b.headers.getSetCookie()[0]?.split(';')[0] ?? classicCookie;
    }
    // The walk did exercise a cookie and a Vary (not two empty answers compared).
    expect(hookedCookie).toMatch(/^session=/);
  });

  it('writes the handler’s own plain header object with one writeHead: no Headers was made', async () => {
    written.length = 0;
    built.length = 0;
    const res = await send(hooked, 'POST', '/inc');
    expect(res.status).toBe(302);
    expect(built).toHaveLength(1);
    expect(written).toHaveLength(1);
    // The very object the handler built reached Node: nobody read the response's headers.
    expect(written[0]?.headers).toBe(built[0]);
    expect(built[0]?.['Set-Cookie']).toMatch(/^session=/);
  });

  it('by contrast, the classic path hands Node headers rebuilt from a Headers object', async () => {
    written.length = 0;
    built.length = 0;
    await send(classic, 'POST', '/inc');
    expect(built).toHaveLength(0);
    expect(written).toHaveLength(1);
    expect(written[0]?.headers).toMatchObject({ 'set-cookie': [expect.stringMatching(/^session=/)] });
  });

  it('fails loudly when the session changes after its headers were committed', async () => {
    const res = await send(hooked, 'POST', '/late-change');
    expect(res.status).toBe(500);
    expect(await res.text()).toBe('onError: SessionAlreadyCommitted');
  });

  it('sends a session too large for its cookie to onError before any header, without a cookie', async () => {
    written.length = 0;
    const res = await send(hooked, 'POST', '/too-large');
    expect(res.status).toBe(500);
    expect(await res.text()).toBe('onError: SessionTooLarge');
    expect(res.headers.getSetCookie()).toEqual([]);
    // One response only: the refused page never reached the wire.
    expect(written.map((w) => w.status)).toEqual([500]);
  });

  it('returns the same headers when called twice without a change', async () => {
    const res = await send(hooked, 'POST', '/twice');
    expect(await res.json()).toEqual({ same: true, cookie: true });
  });
});

describe('commitSession without the middleware', () => {
  it('throws a TypeError that says what is missing', async () => {
    const app = new Hono<Env>();
    app.get('/', async (c) => c.text(JSON.stringify(await commitSession(c, 200))));
    app.onError(
      (error) => new Response(error instanceof TypeError ? error.message : 'other', { status: 500 }),
    );
    const res = await app.request('/');
    expect(await res.text()).toMatch(/sessionMiddleware\(\) to run first/);
  });
});
