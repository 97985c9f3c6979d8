/**
 * The Stock Portfolio app: middleware in the order a request meets it, then the routes.
 * `createApp` takes everything from its arguments, so tests build as many apps as they like.
 * @module
 */
import { Hono, type Context } from 'hono';
import { HTTPException } from 'hono/http-exception';
import { secureHeaders } from 'hono/secure-headers';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import type { Config } from '../platform/config.js';
import type { AppSessionData } from '../session/data.js';
import { createSessionStore } from '../session/stores.js';
import type { AppEnv } from '../web/context.js';
import type { Logger } from '../platform/logging.js';
import { formBodyLimit, isFormRequest, readForm } from '../web/form-body.js';
import { honoPaths, urlFor } from '../web/urls.js';
import { registerPages } from '../features/pages/routes.js';
import { registerStaticFiles } from '../features/static/routes.js';
import { registerClear } from '../features/clear/routes.js';
import { registerEdit } from '../features/edit/routes.js';
import { MAX_IMPORT_BYTES, registerExport } from '../features/import-export/routes.js';
import { registerPrices } from '../features/stocks/prices.js';
import { registerStocks } from '../features/stocks/routes.js';
import { registerUndo } from '../features/stocks/undo.js';
import { registerTheme } from '../features/theme/routes.js';
import { CSRF_FIELD, checkRequestSite, CsrfTokens } from '../web/csrf.js';
import { csrfMiddleware } from '../web/csrf-middleware.js';
import {
  Session,
  SessionConflict,
  SessionTooLarge,
  StoreUnavailable,
  type SessionStore,
} from 'flask-session-ts';
import { registerHealth } from '../features/health/routes.js';
import { hostCheck } from './host-check.js';
import { sessionMiddleware } from 'flask-session-ts/hono';
import { UnreadableNotices, unreadableSessionMiddleware } from '../session/unreadable.js';
import { errorPage as errorContent } from '../web/error-page.js';
import { renderPage } from '../web/render.js';

/** Requests with a bigger body get 413: the largest real form is well under 1 KiB. */
export const MAX_BODY_BYTES = 16 * 1024;
/** The CSV import alone may send more: see {@link MAX_IMPORT_BYTES}. */
export { MAX_IMPORT_BYTES };

/** The message of every CSRF refusal, defined once for the page and the tests. */
export const CSRF_MESSAGE = 'This form expired or came from another site. Reload the page and try again.';

/** The message of the 503 page when the session store cannot be reached or keeps conflicting. */
export const STORAGE_UNAVAILABLE_MESSAGE = 'Storage is unavailable, try again in a moment.';

/** What the app is built from. */
export interface AppDeps {
  readonly config: Config;
  readonly logger: Logger;
  /** The clock in milliseconds, for the session layer and "today" (purchase dates, export names). Default `Date.now`. */
  readonly now?: () => number;
  /** Where sessions live. Default: {@link createSessionStore} for `config`. */
  readonly store?: SessionStore;
}

const UNSAFE_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/**
 * Browser features the app never uses, denied to it and to anything it could ever embed
 * (`feature=()`). Current names: `browsing-topics` replaced the obsolete `interest-cohort`.
 */
const PERMISSIONS_POLICY = Object.freeze(
  Object.fromEntries(
    (
      [
        'accelerometer',
        'autoplay',
        'bluetooth',
        'browsingTopics',
        'camera',
        'displayCapture',
        'encryptedMedia',
        'fullscreen',
        'geolocation',
        'gyroscope',
        'hid',
        'identityCredentialsGet',
        'idleDetection',
        'localFonts',
        'magnetometer',
        'microphone',
        'midi',
        'otpCredentials',
        'payment',
        'pictureInPicture',
        'publickeyCredentialsGet',
        'screenWakeLock',
        'serial',
        'usb',
        'webShare',
        'windowManagement',
        'xrSpatialTracking',
      ] as const
    ).map((feature) => [feature, [] as never[]]),
  ),
);

/** Builds the app. Throws SessionConfigError for impossible session settings. */
export function createApp({
  config,
  logger,
  now = Date.now,
  store = createSessionStore(config, now, logger),
}: AppDeps): Hono<AppEnv> {
  const app = new Hono<AppEnv>();

  const errorPage = (
    c: Context<AppEnv>,
    status: ContentfulStatusCode,
    heading: string,
    message: string,
    detail?: string,
  ) =>
    renderPage(c, { title: heading, status, readOnly: true }, () => errorContent(heading, message, detail));

  app.use(
    secureHeaders({
      contentSecurityPolicy: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'none'"],
        styleSrc: ["'self'"],
        imgSrc: ["'self'"],
        formAction: ["'self'"],
        frameAncestors: ["'none'"],
        baseUri: ["'none'"],
        objectSrc: ["'none'"],
      },
      referrerPolicy: 'same-origin',
      xFrameOptions: 'DENY',
      permissionsPolicy: PERMISSIONS_POLICY,
    }),
  );

  // Before the host check and the session: probes use addresses as Host and must never get a cookie.
  registerHealth(app, store, logger);

  // Before any session is opened: a Host not in ALLOWED_HOSTS (a DNS-rebinding page) gets 400.
  app.use(hostCheck(config.allowedHosts, config.production));

  // Static files need no session: registered first, they never open or refresh it.
  registerStaticFiles(app);

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
  app.use(
    sessionMiddleware<AppSessionData>(store, {
      onInvalidCookie: (error) => logger.debug(`Ignored session cookie: ${error.name}: ${error.message}`),
    }),
  );

  app.use(
    unreadableSessionMiddleware(
      new UnreadableNotices({
        secretKeys,
        production: config.production,
        lifetimeSeconds: config.sessionLifetimeSeconds,
      }),
      store,
    ),
  );

  app.use(async (c, next) => {
    await next();
    // A page built from a visitor's session must not be stored by any cache. Set on the response's
    // own headers: `c.header()` after the handler rebuilds the response around a stream body, which
    // costs @hono/node-server its string fast path (a quarter of a GET /stocks in a profile).
    if (c.get('session').accessed) c.res.headers.set('Cache-Control', 'no-store');
  });

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
  const limitImport = formBodyLimit({
    maxSize: MAX_IMPORT_BYTES,
    onError: (c) =>
      errorPage(
        c as Context<AppEnv>,
        413,
        'File Too Large',
        `A CSV file to import can be at most ${MAX_IMPORT_BYTES / 1024 / 1024} MiB. Nothing was imported.`,
      ),
  });
  const importPath = urlFor('import_stocks');
  // Only requests that may carry a body: asking a GET for its body makes the Node adapter build a
  // full Request object, which cost 11% of a GET /stocks in a profile (bench/README.md). On the Node
  // server, a form with a Content-Length is checked by its length, without building one either.
  app.use((c, next) => {
    if (!UNSAFE_METHODS.has(c.req.method)) return next();
    return c.req.path === importPath ? limitImport(c, next) : limitBody(c, next);
  });

  // A known path with the wrong method is a 405 with `Allow`, before any body is read.
  const methodsOf = routeMethods(app);
  app.use(async (c, next) => {
    const methods = methodsOf(c.req.path);
    if (methods === undefined || methods.has(c.req.method)) return next();
    const allow = [...methods].sort().join(', ');
    c.header('Allow', allow);
    return errorPage(c, 405, 'Method Not Allowed', `This address accepts ${allow} only.`);
  });

  // Unsafe methods on a route: a form body, from this site, with this visitor's token.
  app.use(async (c, next) => {
    if (!UNSAFE_METHODS.has(c.req.method) || methodsOf(c.req.path) === undefined) return next();
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
      logger.info(`Refused ${c.req.method} ${c.req.path}: CSRF check failed (${failure})`);
      return errorPage(c, 403, 'Forbidden', CSRF_MESSAGE);
    }
    return next();
  });

  registerPages(app);
  const stockDeps = { store, logger, now };
  registerStocks(app, stockDeps);
  registerEdit(app, stockDeps);
  registerPrices(app, stockDeps);
  registerExport(app, stockDeps);
  registerUndo(app, store);
  registerClear(app, store);
  registerTheme(app, store);

  app.notFound((c) =>
    errorPage(
      c,
      404,
      'Page Not Found',
      'There is no page at this address. Check the link, or start again from the home page.',
    ),
  );

  app.onError((error, c) => {
    // The handler may have answered before a later step failed: its redirect must not leak onto the error page.
    c.header('Location', undefined);
    if (error instanceof HTTPException) {
      return errorPage(c, error.status, 'Bad Request', error.message);
    }
    if (error instanceof StoreUnavailable || error instanceof SessionConflict) {
      logger.error(`${error.name} on ${c.req.method} ${c.req.path}: ${error.message}`);
      // The session could not be opened: the error page is drawn from an empty one, and never saved.
      if ((c.var.session as Session | undefined) === undefined) c.set('session', new Session());
      c.header('Retry-After', '1');
      return errorPage(c, 503, 'Storage Unavailable', STORAGE_UNAVAILABLE_MESSAGE);
    }
    if (error instanceof SessionTooLarge) {
      logger.info(`Session too large on ${c.req.method} ${c.req.path}: ${error.sizeBytes} bytes`);
      return errorPage(
        c,
        422,
        'Session Full',
        'Your session is full, so nothing was saved. Remove a holding and try again.',
      );
    }
    logger.error(`Unhandled error on ${c.req.method} ${c.req.path}`, error);
    const detail = config.production
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
  });

  return app;
}

/** Compiles a Hono path (`/stocks/:index{[0-9]+}/delete`) to an anchored RegExp. */
function pathRegExp(path: string): RegExp {
  const source = path
    .split('/')
    .map((segment) => {
      const param = /^:[A-Za-z_]\w*(?:\{(.+)\})?$/.exec(segment);
      if (param === null) return segment.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
      return `(?:${param[1] ?? '[^/]+'})`;
    })
    .join('/');
  return new RegExp(`^${source}$`);
}

/**
 * The methods each known path accepts, read from the app's routes once they are all registered.
 * Lets the app answer 405 (with `Allow`) for a known path, and leave unknown paths to the 404.
 */
function routeMethods(app: Hono<AppEnv>): (path: string) => ReadonlySet<string> | undefined {
  let table: { regexp: RegExp; methods: Set<string> }[] | undefined;
  return (path) => {
    table ??= Object.values(honoPaths).map((pattern) => {
      const methods = new Set(
        app.routes.filter((r) => r.path === pattern && r.method !== 'ALL').map((r) => r.method),
      );
      if (methods.has('GET')) methods.add('HEAD');
      return { regexp: pathRegExp(pattern), methods };
    });
    return table.find((entry) => entry.regexp.test(path))?.methods;
  };
}
