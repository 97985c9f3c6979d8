/**
 * The Hono middleware that refuses a request whose `Host` is not an allowed host, with a 400
 * page built without a session (so none is opened, no cookie is set).
 * @module
 */
import type { MiddlewareHandler } from 'hono';
import type { AppEnv } from '../web/context.js';
import { respond } from '../web/response.js';
import { html } from 'hono/html';
import { isAllowedHost, type AllowedHosts } from '../platform/hosts.js';

/** The heading of the refusal page, defined once for the page and the tests. */
export const BAD_HOST_HEADING = 'Unknown Host';

const BAD_HOST_HEADERS = Object.freeze({
  'Content-Type': 'text/html; charset=UTF-8',
  'Cache-Control': 'no-store',
});

/**
 * Refuses requests for hosts not in `allowed` with 400. In development the page says which
 * variable to change; in production it names nothing about the configuration.
 */
export function hostCheck(allowed: AllowedHosts, production: boolean): MiddlewareHandler<AppEnv> {
  if (allowed.any) return (_c, next) => next();
  return async (c, next) => {
    // app.request (tests) sends no Host header; a real HTTP/1.1 request always has one.
    const host = c.req.header('host') ?? new URL(c.req.url).host;
    if (isAllowedHost(allowed, host)) return next();
    const hint = production
      ? ''
      : html`<p>
          This development server answers to ${allowed.entries.join(', ')} only. To reach it by this name, add
          it to ALLOWED_HOSTS.
        </p>`;
    const page = html`<!DOCTYPE html>
        <html lang="en">
          <head>
            <meta charset="utf-8" />
            <title>${BAD_HOST_HEADING}</title>
            <link rel="stylesheet" href="/static/style.css" />
          </head>
          <body>
            <main>
              <h1>${BAD_HOST_HEADING}</h1>
              <p>This server does not answer to the name in this address.</p>
              ${hint}
            </main>
          </body>
        </html>`;
    return respond(c, String(await page), 400, BAD_HOST_HEADERS);
  };
}
