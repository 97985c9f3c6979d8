/**
 * What the framework adapters (`hono.ts`, `express.ts`, `fastify.ts`) share. Internal: not an
 * entry point of the package.
 * @module
 */
import { CookieSessionStore, type SessionOptions } from './cookie-store.js';
import type { BadData } from './errors.js';
import type { SessionStore } from './store.js';

/** Options every adapter takes beyond the store's. */
export interface SessionAdapterOptions {
  /**
   * Called once for each request whose session cookie could not be used (tampered, expired,
   * malformed): the session is then new and empty. Log `error.name`, never the cookie. Default: silent.
   * An `UndecodableSession` (the cookie verified, but its data cannot be decoded here: `error.reason`
   * says why) is valid data that is kept: a change to that session fails the request with it until
   * the handler calls `session.clear()`, `destroy()` or `regenerate()`.
   */
  readonly onInvalidCookie?: (error: BadData) => void;
}

/** A store as given, or a {@link CookieSessionStore} built from options. */
export function resolveStore(storeOrOptions: SessionStore | SessionOptions): SessionStore {
  return 'secretKey' in storeOrOptions ? new CookieSessionStore(storeOrOptions) : storeOrOptions;
}

/** `vary` with `field` added, unless it (or `*`) is listed already. */
export function withVary(vary: string | undefined, field: string): string {
  if (vary === undefined || vary === '') return field;
  const present = vary
    .split(',')
    .some((v) => v.trim() === '*' || v.trim().toLowerCase() === field.toLowerCase());
  return present ? vary : `${vary}, ${field}`;
}

/**
 * Headers that describe the response a handler made. When the session it changed cannot be
 * saved, that response is replaced by an error response, which must not inherit them (a
 * `Location` would turn the error into a redirect, an `ETag` would let a cache keep it).
 * Other headers (security headers, say) stay. finalhandler clears a similar list.
 */
export const REPLACED_RESPONSE_HEADERS: readonly string[] = Object.freeze([
  'content-type',
  'content-length',
  'content-encoding',
  'content-language',
  'content-range',
  'content-disposition',
  'etag',
  'last-modified',
  'location',
]);
