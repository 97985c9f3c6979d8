/**
 * Error mapping: which failure becomes which error page (404, 413, 503, 422, 500, …), all drawn
 * inside the layout like any other page, but read-only (no flash consumed, no cookie set).
 * @module
 */
import {
  Session,
  SessionConflict,
  SessionTooLarge,
  StoreUnavailable,
  UndecodableSession,
  UnstorableValue,
} from 'flask-session-ts';
import type { Context, ErrorHandler, NotFoundHandler } from 'hono';
import { HTTPException } from 'hono/http-exception';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import type { Logger } from '../platform/logging.js';
import type { AppEnv } from '../web/context.js';
import { errorPage as errorContent } from '../web/error-page.js';
import { KEEP_UNREADABLE_MESSAGE } from '../session/unreadable.js';
import { renderPage } from '../web/render.js';
import { setResponseHeader } from '../web/response.js';

/** The message of the 503 page when the session store cannot be reached or keeps conflicting. */
export const STORAGE_UNAVAILABLE_MESSAGE = 'Storage is unavailable, try again in a moment.';

/** Responds with an error page: `heading`, what happened, and (development only) a detail. */
export function errorPage(
  c: Context<AppEnv>,
  status: ContentfulStatusCode,
  heading: string,
  message: string,
  detail?: string,
) {
  return renderPage(c, { title: heading, status, readOnly: true }, () =>
    errorContent(heading, message, detail),
  );
}

/** The 404 page. */
export const notFound: NotFoundHandler<AppEnv> = (c) =>
  errorPage(
    c,
    404,
    'Page Not Found',
    'There is no page at this address. Check the link, or start again from the home page.',
  );

/** The error handler: a typed error becomes its page, anything else a 500 (with its stack in development). */
export function onError(logger: Logger, production: boolean): ErrorHandler<AppEnv> {
  return (error, c) => {
    // The handler may have answered before a later step failed: Hono would copy that response's
    // headers (a redirect's Location, say) onto the error page. Forget it; the page is built anew.
    if (c.finalized) c.res = undefined;
    const log = logger.forRequest(c.get('head').requestId);
    if (error instanceof HTTPException) {
      return errorPage(c, error.status, 'Bad Request', error.message);
    }
    if (error instanceof StoreUnavailable || error instanceof SessionConflict) {
      log.error(`${error.name} on ${c.req.method} ${c.req.path}: ${error.message}`);
      // The session could not be opened: the error page is drawn from an empty one, and never saved.
      if ((c.var.session as Session | undefined) === undefined) c.set('session', new Session());
      setResponseHeader(c, 'Retry-After', '1');
      return errorPage(c, 503, 'Storage Unavailable', STORAGE_UNAVAILABLE_MESSAGE);
    }
    if (error instanceof SessionTooLarge) {
      log.info(`Session too large on ${c.req.method} ${c.req.path}: ${error.sizeBytes} bytes`);
      return errorPage(
        c,
        422,
        'Session Full',
        'Your session is full, so nothing was saved. Remove a holding and try again.',
      );
    }
    if (error instanceof UndecodableSession) {
      // The library refuses to overwrite a cookie (or record) that verified but could not be
      // decoded; only the confirmed "start a new portfolio" discards it.
      log.info(`Kept an undecodable session on ${c.req.method} ${c.req.path}: ${error.reason}`);
      return errorPage(c, 409, 'Nothing Was Saved', KEEP_UNREADABLE_MESSAGE);
    }
    if (error instanceof UnstorableValue) {
      // A programming error (a value the session cannot hold), named by key and reason in the log.
      log.error(`Unstorable session value on ${c.req.method} ${c.req.path}: ${error.key} (${error.reason})`);
    } else {
      log.error(`Unhandled error on ${c.req.method} ${c.req.path}`, error);
    }
    const detail = production
      ? undefined
      : error instanceof Error
        ? (error.stack ?? error.message)
        : String(error);
    return errorPage(
      c,
      500,
      'Something Went Wrong',
      'The server hit an unexpected error. Please try again.',
      detail,
    );
  };
}
