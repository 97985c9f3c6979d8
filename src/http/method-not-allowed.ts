/**
 * 405 with `Allow` for a known path asked with a method it does not take, from Hono's own routing:
 * registered after every feature, one catch-all per route path answers what the real handlers did
 * not. Unknown paths match none of them and stay 404s.
 * @module
 */
import type { Hono } from 'hono';
import { matchedRoutes } from 'hono/route';
import type { AppEnv } from '../web/context.js';
import { honoPaths } from '../web/urls.js';
import { setResponseHeader } from '../web/response.js';
import { errorPage } from './error-pages.js';

/**
 * Whether a handler registered for this request's method matched its path: middleware and the
 * 405 catch-alls are registered for every method (`ALL`), route handlers for their own.
 */
export function hasRouteFor(c: Parameters<typeof matchedRoutes>[0]): boolean {
  return matchedRoutes(c).some((route) => route.method !== 'ALL');
}

/** Registers the 405 catch-alls; call after every route is registered. */
export function registerMethodNotAllowed(app: Hono<AppEnv>): void {
  for (const path of new Set<string>(Object.values(honoPaths))) {
    const methods = new Set(
      app.routes
        .filter((route) => route.path === path && route.method !== 'ALL')
        .map((route) => route.method),
    );
    if (methods.size === 0) continue;
    // Hono answers HEAD with the GET handler.
    if (methods.has('GET')) methods.add('HEAD');
    const allow = [...methods].sort().join(', ');
    app.all(path, (c) => {
      // The route's own handler passed (a static file that is not there): a 404, not a 405.
      if (methods.has(c.req.method)) return c.notFound();
      setResponseHeader(c, 'Allow', allow);
      return errorPage(c, 405, 'Method Not Allowed', `This address accepts ${allow} only.`);
    });
  }
}
