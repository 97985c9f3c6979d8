/**
 * Flask-compatible signed-cookie sessions: the public surface of `flask-session-ts`.
 *
 * Layers, each building on the one before: `encoding` → `signer` → `timed` →
 * `serializer` (with `tagged-json`) → `session` / `store`. Framework adapters are separate
 * entry points: `flask-session-ts/hono`, `flask-session-ts/express`, `flask-session-ts/fastify`; so are
 * the server-side stores, `flask-session-ts/sqlite` and `flask-session-ts/redis`, whose clients are
 * optional peers.
 * @module
 */
export { base64UrlDecode, base64UrlEncode, bytesToInt, intToBytes } from './encoding.js';
export {
  BadData,
  BadPayload,
  BadSignature,
  BadTimeSignature,
  SessionConfigError,
  SessionConflict,
  SessionTooLarge,
  StoreUnavailable,
  SignatureExpired,
  UnknownSession,
} from './errors.js';
export { Signer, type Digest, type Secret, type SignerOptions, type Verified } from './signer.js';
export { TimestampSigner, type TimedVerified, type TimestampSignerOptions } from './timed.js';
export {
  Uuid,
  dumps,
  loads,
  loadsWithSources,
  type LoadedData,
  type SessionData,
  type SessionValue,
} from './tagged-json.js';
export { SessionSerializer, type Loaded, type SessionSerializerOptions } from './serializer.js';
export {
  Session,
  type DeepReadonly,
  type FlashMessage,
  type RegenerateOptions,
  type SessionSnapshot,
} from './session.js';
export type {
  DefaultSession,
  DefaultSessionData,
  Settable,
  Storable,
  StorableData,
  SessionTypes,
} from './storable.js';
export {
  readCookie,
  serializeSetCookie,
  type CookieAttributes,
  type SameSite,
  type SetCookieOptions,
} from './cookie.js';
export type { CookieAction, MaybePromise, Opened, SessionStore } from './store.js';
export type { SessionAdapterOptions } from './adapter.js';
export {
  CookieSessionStore,
  SESSION_DEFAULTS,
  resolveCookieAttributes,
  type SessionCookieOptions,
  type SessionOptions,
} from './cookie-store.js';
export {
  SERVER_STORE_DEFAULTS,
  ServerSessionStore,
  hashId,
  type RecordToWrite,
  type ServerStoreOptions,
  type SessionBackend,
  type SessionRecord,
  type WriteOutcome,
} from './stores/server-store.js';
