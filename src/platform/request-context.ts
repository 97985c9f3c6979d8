/**
 * The request a line of code runs for, so that every log line it writes carries the request's
 * id without each handler passing it along. The server enters it once per request.
 * @module
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { randomUUID } from 'node:crypto';

/** What is known about the request being served. */
export interface RequestContext {
  readonly requestId: string;
}

/** Holds the current request's context across awaits. */
export const requestContext = new AsyncLocalStorage<RequestContext>();

/** The id of the request being served, or undefined outside a request. */
export function currentRequestId(): string | undefined {
  return requestContext.getStore()?.requestId;
}

// What a proxy may send: short, and only characters that are safe in a header and a log line
// (a UUID, a hex trace id, base64url…).
const VALID_REQUEST_ID = /^[A-Za-z0-9._:+/=-]{1,128}$/;

/**
 * The request's id: the proxy's `X-Request-Id` when it is trusted and well-formed, otherwise a
 * new random UUID (node:crypto). A malformed one is replaced, never echoed.
 */
export function requestIdFor(header: string | string[] | undefined, trustProxy: boolean): string {
  if (trustProxy && typeof header === 'string' && VALID_REQUEST_ID.test(header)) return header;
  return randomUUID();
}
