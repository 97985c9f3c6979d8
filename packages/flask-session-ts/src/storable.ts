/**
 * Compile-time types for typed session data: what a session may hold, checked member by member,
 * so that data typed by an `interface` (which has no index signature, hence is not a
 * {@link SessionData}) is accepted when every member is storable, while functions, symbols,
 * `Map`s, `Set`s and other objects with methods are refused before the code runs.
 *
 * These are types only. At run time the serialiser is what refuses a value it cannot write.
 * @module
 */
import type { Session } from './session.js';
import type { SessionData, SessionValue, Uuid } from './tagged-json.js';

/** Values stored as they are: what a cookie holds without looking inside. */
type StorableLeaf = null | undefined | boolean | number | bigint | string | Uint8Array | Date | Uuid;

/**
 * `V` when a session can hold it, otherwise a type no value has (`never` where it fails), so
 * that `value: V & Storable<V>` refuses it at compile time. Accepted: `null`, booleans, numbers,
 * bigints, strings, `Uint8Array`, `Date`, {@link Uuid}, and arrays and objects of those,
 * including objects typed by an `interface`. Refused: functions, symbols (as values or keys),
 * `unknown`, and objects with methods (`Map`, `Set`, `Promise`, class instances with methods).
 * A class instance with fields only looks like a plain object to TypeScript: the serialiser
 * refuses it at run time.
 *
 * @example
 * interface Holding { symbol: string; shares: number }
 * type Ok = Storable<Holding[]>; // Holding[]
 * type No = Storable<Map<string, number>>; // an object type no Map is assignable to
 */
export type Storable<V> = [V] extends [SessionValue | undefined] ? V : StorableMembers<V>;

type StorableMembers<V> = V extends StorableLeaf
  ? V
  : V extends (...args: never) => unknown
    ? never
    : V extends object
      ? { [K in keyof V]: K extends symbol ? never : Storable<V[K]> }
      : never;

/**
 * The constraint of typed session data `T` (as in `Session<T>`): an object whose members are
 * all {@link Storable}. Satisfied by {@link SessionData}, by type aliases and by interfaces.
 *
 * @example
 * interface Cart { items: { sku: string; qty: number }[]; coupon?: string }
 * const session = new Session<Cart>(); // fine: Cart satisfies StorableData<Cart>
 */
export type StorableData<T> = { [K in keyof T]: K extends symbol ? never : Storable<T[K]> };

/**
 * What `Session<T>.set(key, value)` accepts under `key`, before the {@link Storable} check: the
 * declared type, or any value when the key is untyped (its declared type is the whole
 * {@link SessionValue}, as in the default {@link SessionData}).
 */
export type Settable<Declared> = SessionValue extends Declared ? unknown : Declared;

/**
 * The interface to augment to type `req.session` (Express) and `request.session` (Fastify), and
 * the default of Hono's `SessionEnv`, like express-session's `SessionData`. Empty by default, and
 * then sessions are untyped ({@link SessionData}); once it declares a key, sessions hold the
 * declared keys only. (`SessionData` is taken: it names the untyped data everywhere.)
 *
 * @example
 * declare module 'flask-session-ts' {
 *   interface SessionTypes {
 *     cart: { sku: string; qty: number }[];
 *     user?: string;
 *   }
 * }
 * // then, in Express: req.session.get('cart') is `readonly { … }[] | undefined`
 */
// An interface, not a type alias: only an interface can be augmented by declaration merging.
// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface SessionTypes {}

/** {@link SessionTypes} when it was augmented, otherwise the untyped {@link SessionData}. */
export type DefaultSessionData = [keyof SessionTypes] extends [never] ? SessionData : SessionTypes;

/** The type of Express's `req.session` and Fastify's `request.session`: typed by {@link SessionTypes}. */
// Not the default type argument once SessionTypes is augmented, whatever the rule sees without it.
// eslint-disable-next-line @typescript-eslint/no-unnecessary-type-arguments
export type DefaultSession = Session<DefaultSessionData>;
