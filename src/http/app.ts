/**
 * The Stock Portfolio app: middleware in the order a request meets it, then the features. This
 * file only composes; each step lives in its own module. `createApp` takes everything from its
 * arguments, so tests build as many apps as they like.
 * @module
 */
import type { IncomingMessage } from 'node:http';
import type { SessionStore } from 'flask-session-ts';
import { sessionMiddleware } from 'flask-session-ts/hono';
import { Hono } from 'hono';
import { registerClear } from '../features/clear/routes.js';
import { registerEdit } from '../features/edit/routes.js';
import { registerHealth } from '../features/health/routes.js';
import { registerExport } from '../features/import-export/routes.js';
import { registerPages } from '../features/pages/routes.js';
import { registerStaticFiles } from '../features/static/routes.js';
import { registerPrices } from '../features/stocks/prices.js';
import { registerSales } from '../features/sales/routes.js';
import { registerStocks } from '../features/stocks/routes.js';
import { registerUndo } from '../features/stocks/undo.js';
import { registerTheme } from '../features/theme/routes.js';
import type { Config } from '../platform/config.js';
import type { Logger } from '../platform/logging.js';
import type { QuoteService } from '../platform/quotes/index.js';
import type { AppSessionData } from '../session/data.js';
import { createCookieStore } from '../session/stores.js';
import { UnreadableNotices, unreadableSessionMiddleware } from '../session/unreadable.js';
import type { AppEnv } from '../web/context.js';
import { CsrfTokens } from '../web/csrf.js';
import { csrfMiddleware } from '../web/csrf-middleware.js';
import { unreadableGuard } from '../web/unreadable-guard.js';
import { notFound, onError } from './error-pages.js';
import { FixedPathRouter } from './fixed-path-router.js';
import { bodyLimits, formGuard } from './form-guard.js';
import { hostCheck } from './host-check.js';
import { registerMethodNotAllowed } from './method-not-allowed.js';
import { responseHeadMiddleware } from '../web/response-head.js';
import { SECURITY_HEADERS } from './security-headers.js';

export { MAX_IMPORT_BYTES } from '../features/import-export/routes.js';
export { CSRF_MESSAGE, MAX_BODY_BYTES } from './form-guard.js';
export { STORAGE_UNAVAILABLE_MESSAGE } from './error-pages.js';

/** What the app is built from. */
export interface AppDeps {
  readonly config: Config;
  readonly logger: Logger;
  /** The clock in milliseconds, for the session layer and "today" (purchase dates, export names). Default `Date.now`. */
  readonly now?: () => number;
  /**
   * Where sessions live. Default: the cookie store for `config`. A server-side store
   * (`SESSION_TYPE` sqlite or redis) is opened first, `await createSessionStore(config)`, and given here.
   */
  readonly store?: SessionStore;
  /**
   * The id the server gave a request, from its Node `IncomingMessage` (`c.env.incoming` on
   * @hono/node-server): it goes on the response as `X-Request-Id` and on the request's log lines.
   * Default: none (tests through `app.request`).
   */
  readonly requestIdOf?: (incoming: IncomingMessage) => string | undefined;
  /**
   * Live quotes (`openLiveQuotes` for `config.quotes`, opened and closed by the server). Default:
   * none, so the pages show the visitor's own prices only.
   */
  readonly quotes?: QuoteService;
}

/** The default store: the cookie store; a server-side one must be opened (asynchronously) and given. */
function cookieStoreOf(config: Config, now: () => number): SessionStore {
  if (config.sessionType !== 'cookie') {
    throw new TypeError(
      `createApp: SESSION_TYPE=${config.sessionType} needs its store opened first: pass store: await createSessionStore(config).`,
    );
  }
  return createCookieStore(config, now);
}

/**
 * Builds the app. Throws SessionConfigError for impossible session settings, and TypeError when
 * the configuration names a server-side store and none is given.
 */
export function createApp({
  config,
  logger,
  now = Date.now,
  store = cookieStoreOf(config, now),
  requestIdOf,
  quotes,
}: AppDeps): Hono<AppEnv> {
  // The trie router, with the answers for fixed paths kept (see fixed-path-router.ts).
  const app = new Hono<AppEnv>({ router: new FixedPathRouter() });

  // First: every response, the health checks' included, is built from this request's header
  // object, which starts with the security headers (computed once) and the request id.
  app.use(responseHeadMiddleware(SECURITY_HEADERS, requestIdOf));

  // Before the host check and the session: probes use addresses as Host and must never get a cookie.
  registerHealth(app, store, logger);

  // Before any session is opened: a Host not in ALLOWED_HOSTS (a DNS-rebinding page) gets 400.
  app.use(hostCheck(config.allowedHosts, config.production));

  // Static files need no session: registered first, they never open or refresh it.
  registerStaticFiles(app);

  // Before anything that can fail: an error page (a store outage's 503) says where data lives too.
  app.use((c, next) => {
    c.set('storage', config.sessionType);
    return next();
  });

  // Before the session: its token is in a cookie of its own, and an error page drawn when the
  // session cannot be opened (a store outage) still needs it.
  const secretKeys = [config.secretKey, ...config.fallbackSecretKeys];
  app.use(
    csrfMiddleware(
      new CsrfTokens({
        secretKeys,
        production: config.production,
        maxAgeSeconds: config.sessionLifetimeSeconds,
      }),
    ),
  );
  app.use(sessionMiddleware<AppSessionData>(store));
  app.use((c, next) => {
    // Here rather than in the library's onInvalidCookie, which does not know the request.
    const error = c.get('sessionError');
    if (error !== undefined && logger.debugEnabled) {
      logger
        .forRequest(c.get('head').requestId)
        .debug(`Ignored session cookie: ${error.name}: ${error.message}`);
    }
    return next();
  });

  app.use(
    unreadableSessionMiddleware(
      new UnreadableNotices({
        secretKeys,
        production: config.production,
        lifetimeSeconds: config.sessionLifetimeSeconds,
        storage: config.sessionType,
      }),
      store,
    ),
  );

  // A page view of a visitor with no session yet reserves its id (server-side stores): the first
  // saves from several tabs then carry the same id and land in one session. No record is written;
  // a cookie that could not be read is never replaced (the store refuses), nor one on a non-GET.
  if (store.reserve !== undefined) {
    app.use((c, next) => {
      if (c.req.method === 'GET') store.reserve?.(c.get('session'));
      return next();
    });
  }

  app.use(bodyLimits());
  app.use(formGuard(config, logger));
  // After the form guard, before every route: no save replaces a session that could not be read.
  app.use(unreadableGuard());

  registerPages(app);
  const deps = { store, logger, now, quotes };
  registerStocks(app, deps);
  registerEdit(app, deps);
  registerPrices(app, deps);
  registerSales(app, deps);
  registerExport(app, deps);
  registerUndo(app, deps);
  registerClear(app, store);
  registerTheme(app, store);
  // After every route: a known path with a method it does not take is a 405 with `Allow`.
  registerMethodNotAllowed(app);

  app.notFound(notFound);
  app.onError(onError(logger, config.production));

  return app;
}
