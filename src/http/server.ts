/**
 * The HTTP server around the app: deliberate timeouts, load shedding before any work is done,
 * a request id and an access line per request, and a close that lets requests in flight finish.
 * @module
 */
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { getRequestListener } from '@hono/node-server';
import { StoreUnavailable, type SessionStore } from 'flask-session-ts';
import { acceptQueueReader } from './accept-queue.js';
import { createSessionStore } from '../session/stores.js';
import { createApp } from './app.js';
import type { Config } from '../platform/config.js';
import { HEALTH_PATHS } from '../features/health/routes.js';
import type { Logger } from '../platform/logging.js';
import { createLoadMonitor } from './overload.js';
import { requestIdFor } from '../platform/request-context.js';
import { maskCredentials } from '../platform/redis-url.js';
import { QuoteCacheUnavailable, openLiveQuotes, type LiveQuotes } from '../platform/quotes/index.js';

/** Requests in flight get this long to finish after SIGTERM. */
export const SHUTDOWN_GRACE_MS = 10_000;

/** What a shed request is told: try again in this many seconds. */
export const RETRY_AFTER_SECONDS = 2;

/** A running server. */
export interface RunningServer {
  readonly server: http.Server;
  readonly url: string;
  /** Stops accepting, lets requests in flight finish (up to `graceMs`), then resolves. */
  close(graceMs?: number): Promise<void>;
}

// A fixed page, built once: shedding must cost next to nothing, so no template, no session.
const SHED_BODY = Buffer.from(
  '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>Busy</title>' +
    '<link rel="stylesheet" href="/static/style.css"></head><body><main><h1>Busy</h1>' +
    `<p>The server is too busy to answer right now. Please try again in a few seconds.</p></main></body></html>`,
);

function shedHeaders(closeConnection: boolean): http.OutgoingHttpHeaders {
  return {
    'Content-Type': 'text/html; charset=utf-8',
    'Content-Length': SHED_BODY.length,
    'Retry-After': String(RETRY_AFTER_SECONDS),
    'Cache-Control': 'no-store',
    'X-Content-Type-Options': 'nosniff',
    'Content-Security-Policy': "default-src 'none'; style-src 'self'; frame-ancestors 'none'",
    ...(closeConnection ? { Connection: 'close' } : {}),
  };
}

/** How often a shedding process says so in its log (one line, not one per request). */
const SHED_REPORT_MS = 1000;

/** Starts the app on `config.host:config.port`. */
export async function startServer(config: Config, logger: Logger): Promise<RunningServer> {
  const store = await openStore(config, logger);
  let quotes: LiveQuotes | undefined;
  try {
    quotes = await openQuotes(config, logger);
  } catch (error) {
    await store.close?.();
    throw error;
  }
  // Each request's id, for the app (its response and log lines) and the access line.
  const requestIds = new WeakMap<IncomingMessage, string>();
  const app = createApp({
    config,
    logger,
    store,
    requestIdOf: (incoming) => requestIds.get(incoming),
    ...(quotes === undefined ? {} : { quotes: quotes.service }),
  });
  const handle = getRequestListener(app.fetch);
  // The accept queue of our port, known once the server listens.
  let acceptQueue: () => number | undefined = () => undefined;
  const load = createLoadMonitor(
    {
      maxLagMs: config.overloadMaxLagMs,
      maxInFlight: config.overloadMaxInFlight,
      maxQueueWaitMs: config.overloadMaxQueueWaitMs,
    },
    { acceptQueue: () => acceptQueue() },
  );
  const shed = shedHeaders(config.overloadCloseConnection);
  const inFlight = new Set<ServerResponse>();
  let shedCount = 0;
  let closing = false;

  const server = http.createServer(
    {
      headersTimeout: config.headersTimeoutMs,
      requestTimeout: config.requestTimeoutMs,
      // Node checks the two timeouts above on this period (30 s by default, which would double them).
      connectionsCheckingInterval: Math.max(50, Math.min(1000, Math.floor(config.headersTimeoutMs / 4))),
    },
    (req: IncomingMessage, res: ServerResponse) => {
      if (load.saturated(inFlight.size)) {
        shedCount++;
        res.writeHead(503, shed).end(SHED_BODY);
        return;
      }
      const startedMs = performance.now();
      const requestId = requestIdFor(req.headers['x-request-id'], config.trustProxyRequestId);
      // Not res.setHeader: a header set on the Node response makes writeHead merge every header of
      // the app's response into it one by one. The app puts the id in its own header object.
      requestIds.set(req, requestId);
      // While the loop is busy and newcomers wait, connections take turns: see overload.ts.
      if (closing || (config.overloadCloseConnection && load.newcomersWaiting())) {
        res.setHeader('Connection', 'close');
      }
      inFlight.add(res);
      res.on('close', () => inFlight.delete(res));
      res.on('finish', () => {
        const url = req.url ?? '-';
        const path = url.split('?', 1)[0] ?? url;
        logger.access(
          {
            address: req.socket.remoteAddress ?? '-',
            date: new Date(),
            method: req.method ?? '-',
            url,
            httpVersion: req.httpVersion,
            status: res.statusCode,
            durationMs: performance.now() - startedMs,
            requestId,
          },
          HEALTH_PATHS.has(path) ? 'debug' : 'info',
        );
      });
      void handle(req, res);
    },
  );
  server.keepAliveTimeout = config.keepAliveTimeoutMs;
  server.on('connection', () => load.accepted());

  const report = setInterval(() => {
    if (shedCount === 0) return;
    logger.info(
      `Overloaded: answered ${shedCount} requests with 503 in the last ${SHED_REPORT_MS / 1000} s ` +
        `(event loop stalled ${Math.round(load.lagMs())} ms, ${inFlight.size} requests in flight, ` +
        `accept queue ≈ ${Math.round(load.queueWaitMs())} ms)`,
    );
    shedCount = 0;
  }, SHED_REPORT_MS);
  report.unref();

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen({ port: config.port, host: config.host, backlog: config.listenBacklog }, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port, family } = server.address() as AddressInfo;
  acceptQueue = acceptQueueReader(port, family === 'IPv6');
  const host = config.host.includes(':') ? `[${config.host}]` : config.host;
  return {
    server,
    url: `http://${host}:${port}`,
    close: (graceMs = SHUTDOWN_GRACE_MS) =>
      new Promise<void>((resolve) => {
        closing = true;
        load.stop();
        clearInterval(report);
        // Answers still to be written end their connection, so keep-alive clients let go at once.
        for (const res of inFlight) {
          if (!res.headersSent) res.setHeader('Connection', 'close');
          else res.once('finish', () => setImmediate(() => server.closeIdleConnections()));
        }
        const timer = setTimeout(() => server.closeAllConnections(), graceMs);
        timer.unref();
        server.close(() => {
          clearTimeout(timer);
          void Promise.allSettled([store.close?.(), quotes?.close()]).finally(resolve);
        });
        // Keep-alive connections with no request in flight would hold close() open.
        server.closeIdleConnections();
      }),
  };
}

/**
 * This process's live quotes for `config.quotes` (absent: off). Their cache is shared with the
 * other workers through the place the configuration chose (see `platform/config-quotes.ts`).
 * @throws QuoteCacheUnavailable when the cache's SQLite file cannot be opened, with what to change.
 */
export async function openQuotes(config: Config, logger: Logger): Promise<LiveQuotes | undefined> {
  if (config.quotes === undefined) return undefined;
  const { cache } = config.quotes;
  try {
    return await openLiveQuotes(config.quotes, {
      // A cache that did not answer, or a bug: the page still shows its prices and says why.
      onError: (error) =>
        logger.error(
          `Live quotes: ${maskCredentials(error instanceof Error ? error.message : String(error), config.credentials)}`,
        ),
    });
  } catch (error) {
    if (!(error instanceof QuoteCacheUnavailable) || cache.kind !== 'sqlite') throw error;
    const variable = config.sessionType === 'sqlite' ? 'SESSION_SQLITE_PATH' : 'QUOTES_SQLITE_PATH';
    throw new QuoteCacheUnavailable(
      `${error.message}\nSet ${variable} to a file in a writable folder, or unset ALPHAVANTAGE_API_KEY to turn live quotes off.`,
      { cause: error },
    );
  }
}

/**
 * The configured session store, answering. An unreachable store is a start-up error with the fix,
 * not a server that answers 503 forever.
 */
export async function openStore(config: Config, logger: Logger): Promise<SessionStore> {
  let store: SessionStore | undefined;
  try {
    store = await createSessionStore(config, undefined, logger);
    await store.ping?.();
    return store;
  } catch (error) {
    await store?.close?.();
    if (error instanceof StoreUnavailable) {
      // The cause is kept, but as a copy whose message names no password either.
      const cause = error.originalError instanceof Error ? error.originalError : undefined;
      throw new StoreUnavailable(
        storeHint(config, error),
        cause === undefined ? undefined : new Error(maskCredentials(cause.message, config.credentials)),
      );
    }
    throw error;
  }
}

/**
 * What to change when the session store cannot be reached at start. The store's message already
 * names the server, so the variable is named here without repeating it; never with a password.
 */
function storeHint(config: Config, error: StoreUnavailable): string {
  const message = maskCredentials(error.message, config.credentials);
  if (config.sessionType === 'redis') {
    const where = config.redisClusterNodes.length > 0 ? 'REDIS_CLUSTER_NODES' : 'REDIS_URL';
    return `${message}\nStart Redis, or point ${where} at a running server, or set SESSION_TYPE=cookie.`;
  }
  return `${message}\nCheck SESSION_SQLITE_PATH (${config.sessionSqlitePath}): its folder must be writable.`;
}
