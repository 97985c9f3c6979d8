/**
 * Typing by declaration merging, as express-session's `SessionData`: augmenting `SessionTypes`
 * types Express's `req.session`, Fastify's `request.session` and Hono's default `SessionEnv`.
 * Checked by `tsc -p` on this folder (run by test/types/augmented.test.ts); each
 * `@ts-expect-error` fails the check when the line it covers compiles.
 */
import express from 'express';
import Fastify from 'fastify';
import { Hono } from 'hono';
import { expectTypeOf } from 'vitest';
import { CookieSessionStore } from '../../../src/cookie-store.js';
import { sessionMiddleware as expressSession } from '../../../src/express.js';
import { sessionPlugin } from '../../../src/fastify.js';
import { sessionMiddleware as honoSession, type SessionEnv } from '../../../src/hono.js';
import type { DeepReadonly, Session } from '../../../src/session.js';

interface CartItem {
  sku: string;
  qty: number;
}

declare module '../../../src/storable.js' {
  interface SessionTypes {
    cart: CartItem[];
    user?: string;
  }
}

interface Declared {
  cart: CartItem[];
  user?: string;
}

const store = new CookieSessionStore({ secretKey: 'a type test key, never used to sign' });
const item: CartItem = { sku: 'A-1', qty: 2 };

const app = express();
app.use(expressSession(store));
app.get('/', (req, res) => {
  expectTypeOf(req.session).toEqualTypeOf<Session<Declared>>();
  expectTypeOf(req.session.get('cart')).toEqualTypeOf<DeepReadonly<CartItem[]> | undefined>();
  req.session.set('cart', [item]);
  req.session.set('user', 'ann');
  // @ts-expect-error not declared in SessionTypes
  req.session.set('other', 1);
  // @ts-expect-error the wrong type for a declared key
  req.session.set('user', 1);
  res.send('ok');
});

const fastify = Fastify();
void fastify.register(sessionPlugin(store));
fastify.get('/', (request) => {
  expectTypeOf(request.session).toEqualTypeOf<Session<Declared>>();
  request.session.set('cart', [item]);
  // @ts-expect-error not declared in SessionTypes
  request.session.set('other', 1);
  // @ts-expect-error a member of the wrong type
  request.session.set('cart', [{ sku: 'A-1', qty: '2' }]);
  return 'ok';
});

const hono = new Hono<SessionEnv>();
hono.use(honoSession(store));
hono.get('/', (c) => {
  expectTypeOf(c.var.session).toEqualTypeOf<Session<Declared>>();
  c.var.session.set('cart', [item]);
  // @ts-expect-error not declared in SessionTypes
  c.var.session.set('other', 1);
  return c.text('ok');
});
