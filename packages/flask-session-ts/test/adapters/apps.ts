/**
 * One tiny app per adapter, each with the same routes, each served by its real framework on a
 * free loopback port. The behaviour suite (`src/adapters.test.ts`) runs against all of them.
 *
 * Routes: `GET /none` does not touch the session; `GET /read` answers the count (or `empty`);
 * `POST /inc` adds one; `POST /clear` empties the session; `POST /big` stores more than a cookie
 * holds and redirects; `POST /unsaved` makes a change the store cannot save (see FaultyStore) and
 * redirects; `GET /stream` adds one and streams `ab`; `GET /fail` reads the session and answers 400;
 * `GET /vary` sets `Vary: Accept` and `Vary: Accept-Language` (two values) and reads the session.
 * The session's life: `POST /login` regenerates the session (data kept) and sets `user`;
 * `POST /login-fresh` regenerates it with `keepData: false` and sets `user`; `POST /logout`
 * destroys it; `POST /touch` touches it; `GET /user` answers `user` (or `anonymous`).
 * An error handler answers `SessionTooLarge` with 500 `too large`, `StoreUnavailable` with 503
 * `unavailable`.
 * @module
 */
import { randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Readable } from 'node:stream';
import { createAdaptorServer } from '@hono/node-server';
import express, { type ErrorRequestHandler } from 'express';
import Fastify from 'fastify';
import { Hono } from 'hono';
import { sessionMiddleware as expressSession } from '../../src/express.js';
import { sessionPlugin } from '../../src/fastify.js';
import { sessionMiddleware as honoSession, type SessionEnv } from '../../src/hono.js';
import type { SessionAdapterOptions } from '../../src/adapter.js';
import { SessionTooLarge, StoreUnavailable } from '../../src/errors.js';
import type { Session } from '../../src/session.js';
import type { SessionStore } from '../../src/store.js';

/** What each app is started with. */
export interface AppSetup extends SessionAdapterOptions {
  readonly store: SessionStore;
}

/** A server listening on 127.0.0.1. */
export interface RunningApp {
  readonly url: string;
  close(): Promise<void>;
}

/** How to start one framework's app. */
export interface AdapterHarness {
  readonly name: string;
  start(setup: AppSetup): Promise<RunningApp>;
}

/** Larger than any cookie, and random so that compression does not shrink it. */
const TOO_BIG = () => randomBytes(6000).toString('base64');

function count(session: Session): number {
  return Number(session.get('count') ?? 0);
}

function readText(session: Session): string {
  return session.has('count') ? String(count(session)) : 'empty';
}

function userText(session: Session): string {
  const user = session.get('user');
  return typeof user === 'string' ? user : 'anonymous';
}

/** What the life-cycle routes do to the session, the same in every framework. */
const LIFE: Readonly<Record<string, (session: Session) => void>> = {
  '/login': (session) => {
    session.regenerate();
    session.set('user', 'ann');
  },
  '/login-fresh': (session) => {
    session.regenerate({ keepData: false });
    session.set('user', 'ann');
  },
  '/logout': (session) => session.destroy(),
  '/touch': (session) => session.touch(),
};

function errorText(error: unknown): string {
  if (error instanceof SessionTooLarge) return 'too large';
  return error instanceof StoreUnavailable ? 'unavailable' : 'boom';
}

function errorStatus(error: unknown): 500 | 503 {
  return error instanceof StoreUnavailable ? 503 : 500;
}

/** Starts `server` on a free port of 127.0.0.1. */
export async function listen(server: Server): Promise<RunningApp> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
}

export const hono: AdapterHarness = {
  name: 'Hono',
  start({ store, ...options }) {
    const app = new Hono<SessionEnv>();
    app.use(honoSession(store, options));
    app.get('/none', (c) => c.text('untouched'));
    app.get('/read', (c) => c.text(readText(c.var.session)));
    app.post('/inc', (c) => {
      c.var.session.set('count', count(c.var.session) + 1);
      return c.text('ok');
    });
    app.post('/clear', (c) => {
      c.var.session.clear();
      return c.text('cleared');
    });
    app.post('/big', (c) => {
      c.var.session.set('blob', TOO_BIG());
      return c.redirect('/read', 302);
    });
    app.post('/unsaved', (c) => {
      c.var.session.set('unsaveable', true);
      return c.redirect('/read', 302);
    });
    app.get('/vary', (c) => {
      c.header('Vary', 'Accept');
      c.header('Vary', 'Accept-Language', { append: true });
      return c.text(readText(c.var.session));
    });
    app.get('/stream', (c) => {
      c.var.session.set('count', count(c.var.session) + 1);
      return c.body(Readable.toWeb(Readable.from(['a', 'b'])) as ReadableStream);
    });
    app.get('/fail', (c) => c.text(readText(c.var.session), 400));
    app.get('/user', (c) => c.text(userText(c.var.session)));
    for (const [path, act] of Object.entries(LIFE)) {
      app.post(path, (c) => {
        act(c.var.session);
        return c.text('ok');
      });
    }
    app.onError((error, c) => c.text(errorText(error), errorStatus(error)));
    return listen(createAdaptorServer({ fetch: app.fetch }) as Server);
  },
};

export const expressHarness: AdapterHarness = {
  name: 'Express',
  start({ store, ...options }) {
    const app = express();
    app.use(expressSession(store, options));
    app.get('/none', (_req, res) => res.send('untouched'));
    app.get('/read', (req, res) => res.send(readText(req.session)));
    app.post('/inc', (req, res) => {
      req.session.set('count', count(req.session) + 1);
      res.send('ok');
    });
    app.post('/clear', (req, res) => {
      req.session.clear();
      res.send('cleared');
    });
    app.post('/big', (req, res) => {
      req.session.set('blob', TOO_BIG());
      res.redirect(302, '/read');
    });
    app.post('/unsaved', (req, res) => {
      req.session.set('unsaveable', true);
      res.redirect(302, '/read');
    });
    app.get('/vary', (req, res) => {
      res.append('Vary', 'Accept');
      res.append('Vary', 'Accept-Language');
      res.send(readText(req.session));
    });
    app.get('/stream', (req, res) => {
      req.session.set('count', count(req.session) + 1);
      res.type('text');
      // A pipe stops at the first write that answers false, until 'drain'.
      Readable.from(['a', 'b']).pipe(res);
    });
    app.get('/fail', (req, res) => res.status(400).send(readText(req.session)));
    app.get('/user', (req, res) => res.send(userText(req.session)));
    for (const [path, act] of Object.entries(LIFE)) {
      app.post(path, (req, res) => {
        act(req.session);
        res.send('ok');
      });
    }
    const onError: ErrorRequestHandler = (error, _req, res, next) => {
      // Express's idiom: once the body has begun, only its default handler can end the request.
      if (res.headersSent) {
        next(error);
        return;
      }
      res.status(errorStatus(error)).type('text').send(errorText(error));
    };
    app.use(onError);
    return listen(createServer(app));
  },
};

export const fastify: AdapterHarness = {
  name: 'Fastify',
  async start({ store, ...options }) {
    const app = Fastify();
    await app.register(sessionPlugin(store, options));
    app.get('/none', () => 'untouched');
    app.get('/read', (request) => readText(request.session));
    app.post('/inc', (request) => {
      request.session.set('count', count(request.session) + 1);
      return 'ok';
    });
    app.post('/clear', (request) => {
      request.session.clear();
      return 'cleared';
    });
    app.post('/big', (request, reply) => {
      request.session.set('blob', TOO_BIG());
      return reply.redirect('/read', 302);
    });
    app.post('/unsaved', (request, reply) => {
      request.session.set('unsaveable', true);
      return reply.redirect('/read', 302);
    });
    app.get('/vary', (request, reply) => {
      reply.header('Vary', ['Accept', 'Accept-Language']);
      return readText(request.session);
    });
    app.get('/stream', (request, reply) => {
      request.session.set('count', count(request.session) + 1);
      return reply.type('text/plain').send(Readable.from(['a', 'b']));
    });
    app.get('/fail', (request, reply) => reply.code(400).send(readText(request.session)));
    app.get('/user', (request) => userText(request.session));
    for (const [path, act] of Object.entries(LIFE)) {
      app.post(path, (request) => {
        act(request.session);
        return 'ok';
      });
    }
    app.setErrorHandler((error, _request, reply) =>
      reply.code(errorStatus(error)).type('text/plain').send(errorText(error)),
    );
    await app.listen({ port: 0, host: '127.0.0.1' });
    const { port } = app.server.address() as AddressInfo;
    return { url: `http://127.0.0.1:${port}`, close: () => app.close() };
  },
};

export const ADAPTERS: readonly AdapterHarness[] = [hono, expressHarness, fastify];
