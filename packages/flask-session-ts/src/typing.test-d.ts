/**
 * Type tests, checked by `tsc -p packages/flask-session-ts/tsconfig.json` (part of `npm run check`):
 * typed session data in every adapter, by generic, and what `set()` accepts and refuses. Each
 * `@ts-expect-error` fails the check when the line it covers compiles. Typing by augmenting
 * `SessionTypes` is in test/types/augmented (its own program, since an augmentation is global).
 */
import express from 'express';
import Fastify from 'fastify';
import { Hono } from 'hono';
import { expectTypeOf } from 'vitest';
import { CookieSessionStore } from './cookie-store.js';
import { sessionMiddleware as expressSession } from './express.js';
import { sessionPlugin } from './fastify.js';
import { sessionMiddleware as honoSession, type SessionEnv } from './hono.js';
import { Session, type DeepReadonly } from './session.js';
import type { Storable } from './storable.js';
import { Uuid, type SessionValue } from './tagged-json.js';

// Typed by interfaces: no index signature, which SessionData has.
interface Holding {
  symbol: string;
  shares: number;
  bought?: Date;
}
interface Portfolio {
  holdings: Holding[];
  owner?: string;
  tags: readonly string[];
  pair: [string, number];
  id: Uuid;
  raw: Uint8Array;
  big: bigint;
}
interface WithFunction {
  name: string;
  compute: () => number;
}
interface WithMap {
  index: Map<string, number>;
}

const store = new CookieSessionStore({ secretKey: 'a type test key, never used to sign' });
const holding: Holding = { symbol: 'AAPL', shares: 3 };

// --- Session<T> with an interface T ---
const typed = new Session<Portfolio>();
typed.set('holdings', [holding]);
typed.set('owner', 'ann');
typed.set('pair', ['a', 1]);
typed.set('id', new Uuid('12345678123456781234567812345678'));
expectTypeOf(typed.get('holdings')).toEqualTypeOf<DeepReadonly<Holding[]> | undefined>();
expectTypeOf(typed.get('owner')).toEqualTypeOf<string | undefined>();
// @ts-expect-error a key the interface does not declare
typed.set('unknown', 1);
// @ts-expect-error a value of the wrong type for its key
typed.set('owner', 1);
// @ts-expect-error a member of the wrong type
typed.set('holdings', [{ symbol: 'AAPL', shares: '3' }]);
const held = typed.get('holdings');
if (held !== undefined) {
  // @ts-expect-error read-only: change it with set()
  held[0] = holding;
}
// @ts-expect-error an interface with a function member cannot be session data
new Session<WithFunction>();
// @ts-expect-error an interface with a Map member cannot be session data
new Session<WithMap>();
// A typed session goes to a store's methods as it is.
store.commit(typed);
store.measure(typed);
store.update(typed, (s) => s.set('owner', 'bob'));

// --- the untyped session: any storable value, interfaces included ---
const untyped = new Session();
expectTypeOf(untyped).toEqualTypeOf<Session>();
untyped.set('holding', holding);
untyped.set('holdings', [holding]);
untyped.set('n', 1);
untyped.set('gone', undefined);
untyped.set('when', new Date(0));
untyped.set('nested', { a: [{ b: null }] });
expectTypeOf(untyped.get('n')).toEqualTypeOf<DeepReadonly<SessionValue> | undefined>();
// @ts-expect-error a function is not storable
untyped.set('f', () => 1);
// @ts-expect-error a Map is not storable
untyped.set('m', new Map<string, number>());
// @ts-expect-error a Set is not storable
untyped.set('s', new Set<string>());
// @ts-expect-error a symbol is not storable
untyped.set('sym', Symbol('x'));
// @ts-expect-error a Promise is not storable
untyped.set('p', Promise.resolve(1));
// @ts-expect-error a RegExp (it has methods)
untyped.set('re', /x/);
const withFunction: WithFunction = { name: 'x', compute: () => 1 };
const withMaps: WithMap[] = [{ index: new Map() }];
// @ts-expect-error an interface whose member is a function
untyped.set('bad', withFunction);
// @ts-expect-error an interface whose member is a Map, nested in an array
untyped.set('bad', withMaps);
// @ts-expect-error an interface with a symbol-keyed member
untyped.set('bad', holding as Holding & { [Symbol.iterator]: number });
declare const unknownValue: unknown;
// @ts-expect-error unknown: check it first
untyped.set('u', unknownValue);

// --- Storable on its own ---
expectTypeOf<Storable<Holding[]>>().toEqualTypeOf<Holding[]>();
expectTypeOf<Storable<string | (() => void)>>().toEqualTypeOf<string>();
expectTypeOf<Storable<symbol>>().toBeNever();
expectTypeOf<Storable<() => void>>().toBeNever();

// --- Hono: by generic (SessionEnv<T>) ---
const hono = new Hono<SessionEnv<Portfolio>>();
hono.use(honoSession<Portfolio>(store));
hono.get('/', (c) => {
  expectTypeOf(c.var.session).toEqualTypeOf<Session<Portfolio>>();
  c.var.session.set('holdings', [holding]);
  // @ts-expect-error not declared
  c.var.session.set('nope', 1);
  return c.text('ok');
});
// Untyped by default.
new Hono<SessionEnv>().get('/', (c) => {
  expectTypeOf(c.var.session).toEqualTypeOf<Session>();
  return c.text('ok');
});

// --- Express: req.session untyped by default; typed by the middleware's generic through of(req) ---
const app = express();
const sessions = expressSession<Portfolio>(store);
app.use(sessions);
app.get('/', (req, res) => {
  expectTypeOf(req.session).toEqualTypeOf<Session>();
  req.session.set('anything', holding);
  const session = sessions.of(req);
  expectTypeOf(session).toEqualTypeOf<Session<Portfolio>>();
  session.set('holdings', [holding]);
  // @ts-expect-error not declared
  session.set('nope', 1);
  // @ts-expect-error not storable
  req.session.set('f', () => 1);
  res.send('ok');
});

// --- Fastify: request.session untyped by default; typed by the plugin's generic through of(request) ---
const fastify = Fastify();
const plugin = sessionPlugin<Portfolio>(store);
void fastify.register(plugin);
fastify.get('/', (request) => {
  expectTypeOf(request.session).toEqualTypeOf<Session>();
  request.session.set('anything', holding);
  const session = plugin.of(request);
  expectTypeOf(session).toEqualTypeOf<Session<Portfolio>>();
  session.set('holdings', [holding]);
  // @ts-expect-error not declared
  session.set('nope', 1);
  // @ts-expect-error not storable
  request.session.set('m', new Map());
  return 'ok';
});
