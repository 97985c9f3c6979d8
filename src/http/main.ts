/**
 * Entry point (`npm start`): reads the configuration, starts the server or a cluster of
 * workers (`workers.ts`), and shuts down gracefully on SIGTERM/SIGINT. A bad setting exits 1 with a
 * message that says what to change.
 * @module
 */
import cluster from 'node:cluster';
import { ConfigError, loadConfig, type Config } from '../platform/config.js';
import { describeQuotes } from '../platform/config-quotes.js';
import { createLogger } from '../platform/logging.js';
import { QuoteCacheUnavailable } from '../platform/quotes/index.js';
import { openQuotes, openStore, startServer, type RunningServer } from './server.js';
import { runPrimary } from './workers.js';
import { SessionConfigError, StoreUnavailable } from 'flask-session-ts';

function fail(message: string): never {
  process.stderr.write(`Cannot start Stock Portfolio:\n${message}\n`);
  process.exit(1);
}

async function main(): Promise<void> {
  let config: Config;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) fail(error.message);
    throw error;
  }
  const logger = createLogger(config);

  // Production always runs a primary, even for one worker, so that a worker that dies is replaced.
  if ((config.workers > 1 || config.production) && cluster.isPrimary) {
    // Checked once here: workers failing on an unreachable store would only be restarted forever.
    try {
      await (await openStore(config, logger)).close?.();
      await (await openQuotes(config, logger))?.close();
    } catch (error) {
      if (error instanceof SessionConfigError || error instanceof StoreUnavailable) fail(error.message);
      if (error instanceof QuoteCacheUnavailable) fail(error.message);
      throw error;
    }
    runPrimary(config, logger);
    return;
  }

  let running: RunningServer;
  try {
    running = await startServer(config, logger);
  } catch (error) {
    if (error instanceof SessionConfigError || error instanceof StoreUnavailable) fail(error.message);
    if (error instanceof QuoteCacheUnavailable) fail(error.message);
    if ((error as NodeJS.ErrnoException).code === 'EADDRINUSE') {
      fail(
        `Port ${config.port} on ${config.host} is in use. Stop the other server or set PORT to a free port.`,
      );
    }
    throw error;
  }
  if (cluster.isPrimary) {
    logger.info(` * Secret key from ${config.secretKeySource}`);
    logger.info(` * Live prices: ${describeQuotes(config.quotes)}`);
    logger.info(` * Running on ${running.url}/ (Press CTRL+C to quit)`);
  }
  let shuttingDown = false;
  const shutdown = (signal: string) => {
    // A worker can get both the primary's SIGTERM and the terminal's SIGINT.
    if (shuttingDown) return;
    shuttingDown = true;
    if (cluster.isPrimary) logger.info(` * ${signal}: finishing requests in flight, then stopping`);
    void running.close().then(() => process.exit(0));
  };
  process.once('SIGTERM', () => shutdown('SIGTERM'));
  process.once('SIGINT', () => shutdown('SIGINT'));
}

await main();
