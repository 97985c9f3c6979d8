/**
 * What an unsafe request must pass before a handler sees it: a body size limit (413), then, on a
 * route that takes its method, a form content type (415) and the CSRF checks (403).
 * @module
 */
import type { Context, MiddlewareHandler } from 'hono';
import type { Config } from '../platform/config.js';
import type { Logger } from '../platform/logging.js';
import {
  FILE_TOO_LARGE,
  MAX_IMPORT_BYTES,
  MULTIPART_ALLOWANCE_BYTES,
} from '../features/import-export/routes.js';
import type { AppEnv } from '../web/context.js';
import { CSRF_FIELD, checkRequestSite } from '../web/csrf.js';
import { formBodyLimit, isFormRequest, readForm } from '../web/form-body.js';
import { urlFor } from '../web/urls.js';
import { errorPage } from './error-pages.js';
import { hasRouteFor } from './method-not-allowed.js';

/** Requests with a bigger body get 413: the largest real form is well under 1 KiB. */
export const MAX_BODY_BYTES = 16 * 1024;

/** The message of every CSRF refusal, defined once for the page and the tests. */
export const CSRF_MESSAGE = 'This form expired or came from another site. Reload the page and try again.';

const UNSAFE_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/** Refuses bodies over the limit (the CSV import has its own, larger one) with 413. */
export function bodyLimits(): MiddlewareHandler<AppEnv> {
  const limitBody = formBodyLimit({
    maxSize: MAX_BODY_BYTES,
    onError: (c) =>
      errorPage(
        c as Context<AppEnv>,
        413,
        'Request Too Large',
        `A form can be at most ${MAX_BODY_BYTES / 1024} KiB.`,
      ),
  });
  // The file's limit plus the form around it: the handler measures the file itself.
  const limitImport = formBodyLimit({
    maxSize: MAX_IMPORT_BYTES + MULTIPART_ALLOWANCE_BYTES,
    onError: (c) => errorPage(c as Context<AppEnv>, 413, FILE_TOO_LARGE.heading, FILE_TOO_LARGE.message),
  });
  const importPath = urlFor('import_stocks');
  // Only requests that may carry a body: asking a GET for its body makes the Node adapter build a
  // full Request object, which cost 11% of a GET /stocks in a profile (bench/README.md). On the Node
  // server, a form with a Content-Length is checked by its length, without building one either.
  return (c, next) => {
    if (!UNSAFE_METHODS.has(c.req.method)) return next();
    return c.req.path === importPath ? limitImport(c, next) : limitBody(c, next);
  };
}

/**
 * Unsafe methods on a route that takes them: a form body, from this site, with this visitor's
 * token. Anything else (an unknown path, a method the path does not take) passes on to its 404 or
 * 405, before any body is read.
 */
export function formGuard(config: Pick<Config, 'allowedHosts'>, logger: Logger): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    if (!UNSAFE_METHODS.has(c.req.method) || !hasRouteFor(c)) return next();
    if (!isFormRequest(c)) {
      return errorPage(
        c,
        415,
        'Unsupported Form',
        'Send the form as application/x-www-form-urlencoded or multipart/form-data.',
      );
    }
    const failure =
      checkRequestSite({
        secFetchSite: c.req.header('sec-fetch-site'),
        origin: c.req.header('origin'),
        host: c.req.header('host') ?? new URL(c.req.url).host,
        allowedHosts: config.allowedHosts,
      }) ?? c.get('csrf').check((await readForm(c))[CSRF_FIELD]);
    if (failure !== undefined) {
      logger
        .forRequest(c.get('head').requestId)
        .info(`Refused ${c.req.method} ${c.req.path}: CSRF check failed (${failure})`);
      return errorPage(c, 403, 'Forbidden', CSRF_MESSAGE);
    }
    return next();
  };
}
