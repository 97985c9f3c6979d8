/**
 * The app's Hono environment: what every handler can read from `c.var`, and what every feature
 * is built from.
 * @module
 */
import type { BadData, SessionStore } from 'flask-session-ts';
import type { Logger } from '../platform/logging.js';
import type { SessionType } from '../platform/config.js';
import type { AppSession } from '../session/data.js';
import type { RequestCookies } from '../session/request-cookies.js';
import type { UnreadableNotice } from '../session/unreadable.js';
import type { CsrfState } from './csrf-middleware.js';
import type { ResponseHead } from './response-head.js';

/** Hono environment of the app. */
export interface AppEnv {
  Variables: {
    session: AppSession;
    /** Why the visitor's session cookie could not be used, when it could not. */
    sessionError: BadData | undefined;
    csrf: CsrfState;
    /** The request's cookies once a reader parsed them: read through `requestCookies(c)`. */
    cookies: RequestCookies | undefined;
    unreadableNotice: UnreadableNotice;
    /** This request's response headers before the response exists: see `web/response.ts`. */
    head: ResponseHead;
    /** Where sessions live (`SESSION_TYPE`), for the words pages use about it. */
    storage: SessionType;
  };
}

/** What a feature's routes need from the app. */
export interface FeatureDeps {
  readonly store: SessionStore;
  readonly logger: Logger;
  /** The app's clock in milliseconds: "today" for purchase dates and export names. */
  readonly now: () => number;
}
