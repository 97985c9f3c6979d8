/**
 * Every response the app makes, built once from one plain header object: the security headers
 * (computed at start-up), the request id, what the request added on its way (the app's own
 * cookies, `Allow`, `Retry-After`), the handler's headers, and the session's `Set-Cookie` and
 * `Vary`, committed just before the response is constructed.
 *
 * Why: @hono/node-server writes a response made from a plain object with one `writeHead`, as long
 * as nobody reads `res.headers`; any `c.header()` or `c.res.headers.set()` turns the headers into
 * undici `Headers` first (25 µs for the 13 security headers alone, issue 16). So nothing in the
 * app sets a header on `c` or `c.res`: it goes into {@link ResponseHead} or into {@link respond}.
 *
 * A text body beyond ASCII goes out as its UTF-8 bytes, encoded here once: given such a string,
 * @hono/node-server measures it with `Buffer.byteLength` and Node encodes it again on the socket
 * (60–70 µs more CPU for the 34 KB positions page when it held one `—`, issue 16). A pure-ASCII
 * body (the list pages are: their templates write references) goes as the string itself: its
 * length is its byte count, and Node writes it to the socket without a 34 KB Buffer to allocate
 * first (the response's share of GET /stocks (10), 78 → 69 µs under `bench/profile.ts`).
 * @module
 */
import { commitSession, type SessionResponseHeaders } from 'flask-session-ts/hono';
import type { Context } from 'hono';
import type { AppEnv } from './context.js';

/** The bodies a response is built from here: all go out on @hono/node-server's direct path. */
export type ResponseBody = string | Uint8Array<ArrayBuffer> | null;

/**
 * The response: `headers` are the handler's own (Content-Type, Location, …). The session is
 * committed here (see {@link FinishSession}), so make every change to it before calling this.
 */
export async function respond(
  c: Context<AppEnv>,
  body: ResponseBody,
  status: number,
  headers?: Readonly<Record<string, string>>,
): Promise<Response> {
  const head = c.get('head');
  const session = await finishSession(c, status);
  const bytes = typeof body === 'string' ? textBody(body) : body;
  const fields: Record<string, string> = { ...head.base, ...head.fields, ...headers };
  // Given here, where it is known, @hono/node-server does not measure a string body again.
  if (bytes !== null)
    fields['Content-Length'] = String(typeof bytes === 'string' ? bytes.length : bytes.byteLength);
  if (head.requestId !== undefined) fields['X-Request-Id'] = head.requestId;
  // A page built from a visitor's session must not be stored by any cache.
  if (session !== undefined && c.get('session').accessed) fields['Cache-Control'] = 'no-store';
  if (session?.Vary !== undefined) fields['Vary'] = session.Vary;
  const sessionCookie = session?.['Set-Cookie'];
  const cookies = sessionCookie === undefined ? head.cookies : [...head.cookies, sessionCookie];
  if (cookies.length <= 1) {
    if (cookies[0] !== undefined) fields['Set-Cookie'] = cookies[0];
    return new Response(bytes, { status, headers: fields });
  }
  // Several cookies (a first visit: the CSRF token beside the session) need `Headers`, the only
  // portable way to send repeated Set-Cookie lines. Rare, so the slower path is fine here.
  const many = new Headers(fields);
  for (const cookie of cookies) many.append('Set-Cookie', cookie);
  return new Response(bytes, { status, headers: many });
}

/** `text` as Node should be handed it: itself when pure ASCII, else its UTF-8 bytes. */
function textBody(text: string): string | Buffer {
  // One UTF-8 byte per UTF-16 unit holds only for ASCII: a character beyond it takes two or more
  // bytes, a surrogate half three. This flattens the page's string; Node copies it once more when
  // it puts the response head in front of it.
  return Buffer.byteLength(text, 'utf8') === text.length ? text : Buffer.from(text, 'utf8');
}

/** An HTML page. */
export function respondHtml(c: Context<AppEnv>, html: string, status: number): Promise<Response> {
  return respond(c, html, status, HTML);
}

const HTML = Object.freeze({ 'Content-Type': 'text/html; charset=UTF-8' });

/**
 * A redirect to `location`. Like Hono's `c.redirect`, a location with characters outside
 * Latin-1 is percent-encoded, since a header value cannot carry them.
 */
export function redirect(c: Context<AppEnv>, location: string, status: 301 | 302 | 303 | 307 | 308) {
  // eslint-disable-next-line no-control-regex -- the test is for characters a header cannot hold
  const value = /[^\x00-\xFF]/.test(location) ? encodeURI(location) : location;
  return respond(c, null, status, { Location: value });
}

/** Adds a `Set-Cookie` of the app's own (not the session's) to this request's response. */
export function addCookie(c: Context<AppEnv>, setCookie: string): void {
  c.get('head').cookies.push(setCookie);
}

/** Sets a header on this request's response, whichever part of the app builds it. */
export function setResponseHeader(c: Context<AppEnv>, name: string, value: string): void {
  c.get('head').fields[name] = value;
}

/**
 * Settles the unreadable-cookie rule, then commits the session for a response of `status`.
 * Undefined when no session was opened for this request (health checks and static files come
 * before the session middleware; a store outage can stop it from opening one): the unreadable
 * notice is set right after the session opens, so it tells which.
 */
async function finishSession(
  c: Context<AppEnv>,
  status: number,
): Promise<SessionResponseHeaders | undefined> {
  const notice = c.get('unreadableNotice') as AppEnv['Variables']['unreadableNotice'] | undefined;
  if (notice === undefined) return undefined;
  await notice.settle();
  return commitSession(c, status);
}
