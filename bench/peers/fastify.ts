/**
 * Peer 2: Fastify 5 with `@fastify/secure-session` (the whole session encrypted and authenticated
 * with libsodium's secretbox in one cookie) and `@fastify/formbody`, serving the app's pages
 * through `handlers.ts`. Rolling expiry: `touch()` re-seals the session on every response, as ours
 * and Flask refresh theirs.
 *
 * Run as a script (by `servers.ts`, compiled to plain JavaScript): SECRET_KEY, HOST, PORT, WORKERS.
 * @module
 */
import { createHash } from 'node:crypto';
import { createServer, type RequestListener, type Server } from 'node:http';
import formBody from '@fastify/formbody';
import secureSession from '@fastify/secure-session';
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
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

declare module '@fastify/secure-session' {
  interface SessionData {
    csrf_token: unknown;
    portfolio: unknown;
    theme: unknown;
    _flashes: unknown;
  }
}

const SESSION_KEYS = ['csrf_token', 'portfolio', 'theme', '_flashes'] as const;

/** secretbox needs a 32-byte key: derived from the shared secret, once. */
function sessionKey(secretKey: string): Buffer {
  return createHash('sha256').update(`fastify-secure-session:${secretKey}`).digest();
}

/** The Fastify app with its session layer, ready to serve (or to make cookies). */
export async function createFastifyPeer(
  secretKey: string,
  serverFactory?: (handler: RequestListener) => Server,
): Promise<FastifyInstance> {
  const app = Fastify({
    logger: false,
    bodyLimit: MAX_BODY_BYTES,
    ...(serverFactory ? { serverFactory } : {}),
  });
  await app.register(secureSession, {
    key: sessionKey(secretKey),
    cookieName: 'session',
    expiry: LIFETIME_SECONDS,
    cookie: { path: '/', httpOnly: true, sameSite: 'lax', maxAge: LIFETIME_SECONDS },
  });
  await app.register(formBody);

  const run = (request: FastifyRequest, reply: FastifyReply, handle: (s: PeerSession) => PeerResponse) => {
    const session = request.session;
    const data: PeerSession = {};
    for (const key of SESSION_KEYS) {
      const value: unknown = session.get(key);
      if (value !== undefined) data[key] = value;
    }
    const response = handle(data);
    for (const key of SESSION_KEYS) session.set(key, data[key]);
    session.touch();
    void reply.headers(PAGE_HEADERS);
    if (response.status === 302) return reply.redirect(response.location, 302);
    return reply.code(response.status).type('text/html; charset=utf-8').send(response.html);
  };
  const cookieBytes = (request: FastifyRequest) => request.headers.cookie?.length ?? 0;
  app.get('/stocks', (q, r) => run(q, r, (s) => listStocks(s, cookieBytes(q))));
  app.get('/add_stock', (q, r) => run(q, r, addStockForm));
  app.get('/about', (q, r) => run(q, r, about));
  app.post('/add_stock', (q, r) => run(q, r, (s) => addStock(s, (q.body ?? {}) as Record<string, unknown>)));
  return app;
}

/** Seals and opens the peer's cookies with the plugin itself, for the bench's fixtures and answer checks. */
export async function fastifyCodec(secretKey: string) {
  const app = await createFastifyPeer(secretKey);
  await app.ready();
  return {
    /** The `Cookie` header for `data`. The sealed value holds "+", "/" and ";": the plugin percent-encodes it too. */
    encode(data: object): string {
      const session = app.createSecureSession(data as Record<string, unknown>);
      return `session=${encodeURIComponent(app.encodeSecureSession(session))}`;
    },
    /** The data of a response's `session` Set-Cookie, or undefined when it is missing or does not open. */
    decode(setCookies: readonly string[]): unknown {
      const value = setCookies.map((h) => /^session=([^;]*)/.exec(h)?.[1]).find((v) => v !== undefined);
      return value === undefined ? undefined : app.decodeSecureSession(decodeURIComponent(value))?.data();
    },
    close: () => app.close(),
  };
}

servePeer(import.meta.url, 'fastify', async (secretKey) => {
  let listener: RequestListener | undefined;
  const app = await createFastifyPeer(secretKey, (handler) => {
    listener = handler;
    return createServer(handler);
  });
  await app.ready();
  if (listener === undefined) throw new Error('Fastify did not hand over its request handler');
  return listener;
});
