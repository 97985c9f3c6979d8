/**
 * The HTTP server around the app: Werkzeug-style access lines, and a close that lets
 * requests in flight finish.
 * @module
 */
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createAdaptorServer } from '@hono/node-server';
import { StoreUnavailable, type SessionStore } from 'flask-session-ts';
import { createApp, createSessionStore } from './app.js';
import type { Config } from './config.js';
import { accessLine, type Logger } from './logging.js';

/** Requests in flight get this long to finish after SIGTERM. */
export const SHUTDOWN_GRACE_MS = 10_000;

/** A running server. */
export interface RunningServer {
  readonly server: Server;
  readonly url: string;
  /** Stops accepting, lets requests in flight finish (up to `graceMs`), then resolves. */
  close(graceMs?: number): Promise<void>;
}

/** Starts the app on `config.host:config.port`. */
export async function startServer(config: Config, logger: Logger): Promise<RunningServer> {
  const store = await openStore(config, logger);
  const app = createApp({ config, logger, store });
  const server = createAdaptorServer({ fetch: app.fetch }) as Server;
  const inFlight = new Set<ServerResponse>();
  let closing = false;
  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    inFlight.add(res);
    if (closing) res.setHeader('Connection', 'close');
    res.on('close', () => inFlight.delete(res));
    res.on('finish', () => {
      logger.info(
        accessLine({
          address: req.socket.remoteAddress ?? '-',
          date: new Date(),
          method: req.method ?? '-',
          url: req.url ?? '-',
          httpVersion: req.httpVersion,
          status: res.statusCode,
        }),
      );
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.port, config.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  const host = config.host.includes(':') ? `[${config.host}]` : config.host;
  return {
    server,
    url: `http://${host}:${port}`,
    close: (graceMs = SHUTDOWN_GRACE_MS) =>
      new Promise<void>((resolve) => {
        closing = true;
        // Answers still to be written end their connection, so keep-alive clients let go at once.
        for (const res of inFlight) {
          if (!res.headersSent) res.setHeader('Connection', 'close');
          else res.once('finish', () => setImmediate(() => server.closeIdleConnections()));
        }
        const timer = setTimeout(() => server.closeAllConnections(), graceMs);
        timer.unref();
        server.close(() => {
          clearTimeout(timer);
          void (store.close?.() ?? Promise.resolve()).finally(resolve);
        });
        // Keep-alive connections with no request in flight would hold close() open.
        server.closeIdleConnections();
      }),
  };
}

/**
 * The configured session store, answering. An unreachable store is a start-up error with the fix,
 * not a server that answers 503 forever.
 */
export async function openStore(config: Config, logger: Logger): Promise<SessionStore> {
  let store: SessionStore | undefined;
  try {
    store = createSessionStore(config, undefined, logger);
    await store.ping?.();
    return store;
  } catch (error) {
    await store?.close?.();
    if (error instanceof StoreUnavailable) throw new StoreUnavailable(storeHint(config, error), error);
    throw error;
  }
}

/** What to change when the session store cannot be reached at start. */
function storeHint(config: Config, error: StoreUnavailable): string {
  if (config.sessionType === 'redis') {
    const where =
      config.redisClusterNodes.length > 0
        ? `REDIS_CLUSTER_NODES (${config.redisClusterNodes.join(', ')})`
        : `REDIS_URL (${config.redisUrl})`;
    return `${error.message}\nStart Redis, or point ${where} at a running server, or set SESSION_TYPE=cookie.`;
  }
  return `${error.message}\nCheck SESSION_SQLITE_PATH (${config.sessionSqlitePath}): its folder must be writable.`;
}
