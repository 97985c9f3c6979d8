/**
 * The headers of a request's response, gathered before the response exists (see `response.ts`).
 * @module
 */
import { IncomingMessage } from 'node:http';
import type { MiddlewareHandler } from 'hono';

/** What a request's response will carry before the response exists. One per request, in `c.var.head`. */
export interface ResponseHead {
  /** The headers every response carries (frozen, shared by all requests). */
  readonly base: Readonly<Record<string, string>>;
  /** The id the server gave this request, for the response and the log lines; absent outside the server. */
  readonly requestId: string | undefined;
  /** Fields added by the request's middleware (`Allow`, `Retry-After`), by wire name. */
  readonly fields: Record<string, string>;
  /** `Set-Cookie` values of the app's own cookies, in the order they were added. */
  readonly cookies: string[];
}

/** A new head for one request. */
export function newResponseHead(base: Readonly<Record<string, string>>, requestId?: string): ResponseHead {
  return { base, requestId, fields: {}, cookies: [] };
}

/**
 * Gives each request its {@link ResponseHead} as `c.get('head')`. Register first: every response
 * is built from it. `requestIdOf` finds the id the server gave the request from its Node
 * `IncomingMessage` (`c.env.incoming` on @hono/node-server); without one, responses carry none.
 */
export function responseHeadMiddleware(
  base: Readonly<Record<string, string>>,
  requestIdOf?: (incoming: IncomingMessage) => string | undefined,
): MiddlewareHandler<{ Variables: { head: ResponseHead } }> {
  return (c, next) => {
    const env: unknown = c.env;
    const incoming = typeof env === 'object' && env !== null && 'incoming' in env ? env.incoming : undefined;
    const requestId =
      requestIdOf !== undefined && incoming instanceof IncomingMessage ? requestIdOf(incoming) : undefined;
    c.set('head', newResponseHead(base, requestId));
    return next();
  };
}
