/**
 * The request id: one per request, given by the server to the app (`c.get('head').requestId`),
 * the response (`X-Request-Id`) and every log line written for the request (`logger.forRequest`).
 * Passed explicitly: AsyncLocalStorage would carry it across awaits for free in the code, but its
 * promise hooks cost 20–28 µs a request (issue 16).
 * @module
 */
import { randomUUID } from 'node:crypto';

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
