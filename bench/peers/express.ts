/**
 * Peer 1: what a TypeScript team might write instead, Express 5 with `cookie-session` (a signed
 * cookie holding base64 JSON, plus a `session.sig` cookie), serving the app's pages through
 * `handlers.ts`. Rolling expiry: the session is re-saved on every response, as ours and Flask do.
 *
 * Run as a script (by `servers.ts`, compiled to plain JavaScript): SECRET_KEY, HOST, PORT, WORKERS.
 * @module
 */
import { createHmac } from 'node:crypto';
import cookieSession from 'cookie-session';
import express, { type Request, type Response } from 'express';
import {
  about,
  addStock,
  addStockForm,
  LIFETIME_SECONDS,
  listStocks,
  MAX_BODY_BYTES,
  PAGE_HEADERS,
  type PeerResponse,
  type PeerSession,
} from './handlers.js';
import { servePeer } from './serve.js';

/** The Express app with its session layer; `secretKey` signs the cookies. */
export function createExpressPeer(secretKey: string): express.Express {
  const app = express();
  app.disable('x-powered-by');
  app.disable('etag');
  app.use(
    cookieSession({
      name: 'session',
      keys: [secretKey],
      maxAge: LIFETIME_SECONDS * 1000,
      httpOnly: true,
      sameSite: 'lax',
      path: '/',
    }),
  );
  const sessionOf = (req: Request): PeerSession => (req.session ?? {}) as PeerSession;
  const reply = (req: Request, res: Response, response: PeerResponse) => {
    // cookie-session saves only a changed session: a new object makes every response refresh it.
    req.session = { ...sessionOf(req) };
    res.set(PAGE_HEADERS);
    if (response.status === 302) res.redirect(302, response.location);
    else res.status(response.status).type('html').send(response.html);
  };
  const cookieBytes = (req: Request) => req.headers.cookie?.length ?? 0;
  app.get('/stocks', (req, res) => reply(req, res, listStocks(sessionOf(req), cookieBytes(req))));
  app.get('/add_stock', (req, res) => reply(req, res, addStockForm(sessionOf(req))));
  app.get('/about', (req, res) => reply(req, res, about(sessionOf(req))));
  app.post(
    '/add_stock',
    express.urlencoded({ extended: false, limit: MAX_BODY_BYTES }),
    (req: Request<unknown, unknown, Record<string, unknown> | undefined>, res) =>
      reply(req as Request, res, addStock(sessionOf(req as Request), req.body ?? {})),
  );
  return app;
}

/** keygrip's signature, as `cookies` checks `session.sig`: HMAC-SHA1, base64 with URL-safe characters. */
function keygripSign(secretKey: string, text: string): string {
  return createHmac('sha1', secretKey)
    .update(text)
    .digest('base64')
    .replace(/\/|\+|=/g, (c) => ({ '/': '_', '+': '-', '=': '' })[c] ?? c);
}

/** Makes and reads cookie-session's cookies, for the bench's fixtures and answer checks. */
export const expressCodec = {
  /** The `Cookie` header a browser would send for `data`: base64 JSON, and its `session.sig`. */
  encode(secretKey: string, data: object): string {
    const value = Buffer.from(JSON.stringify(data)).toString('base64');
    return `session=${value}; session.sig=${keygripSign(secretKey, `session=${value}`)}`;
  },
  /** The data of a response's `Set-Cookie` headers, or undefined unless both cookies are there and sign right. */
  decode(secretKey: string, setCookies: readonly string[]): unknown {
    const pairs = new Map(
      setCookies.map((h) => {
        const pair = h.split(';')[0] ?? '';
        const eq = pair.indexOf('=');
        return [pair.slice(0, eq), pair.slice(eq + 1)] as const;
      }),
    );
    const value = pairs.get('session');
    if (value === undefined || pairs.get('session.sig') !== keygripSign(secretKey, `session=${value}`))
      return undefined;
    return JSON.parse(Buffer.from(value, 'base64').toString('utf8')) as unknown;
  },
};

servePeer(import.meta.url, 'express', (secretKey) => createExpressPeer(secretKey));
