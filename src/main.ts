/**
 * Entry point (`npm start`): reads the configuration, starts the server or a cluster of
 * workers, and shuts down gracefully on SIGTERM/SIGINT. A bad setting exits 1 with a
 * message that says what to change.
 * @module
 */
import cluster from 'node:cluster';
import { ConfigError, loadConfig, type Config } from './config.js';
import { createLogger } from './logging.js';
import { openStore, startServer, type RunningServer } from './server.js';
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

  if (config.workers > 1 && cluster.isPrimary) {
    // Checked once here: workers failing on an unreachable store would only be restarted forever.
    try {
      await (await openStore(config, logger)).close?.();
    } catch (error) {
      if (error instanceof SessionConfigError || error instanceof StoreUnavailable) fail(error.message);
      throw error;
    }
    logger.info(` * Secret key from ${config.secretKeySource}`);
    logger.info(` * Starting ${config.workers} workers`);
    cluster.once('listening', (_worker, address) => {
      const host = config.host.includes(':') ? `[${config.host}]` : config.host;
      logger.info(` * Running on http://${host}:${address.port}/ (Press CTRL+C to quit)`);
    });
    for (let i = 0; i < config.workers; i++) cluster.fork();
    let stopping = false;
    const stop = () => {
      stopping = true;
      for (const worker of Object.values(cluster.workers ?? {})) worker?.process.kill('SIGTERM');
    };
    process.once('SIGTERM', stop);
    process.once('SIGINT', stop);
    cluster.on('exit', (worker, code) => {
      if (!stopping) {
        logger.error(`Worker ${worker.process.pid ?? '?'} exited with ${code}; starting another`);
        cluster.fork();
      } else if (Object.keys(cluster.workers ?? {}).length === 0) process.exit(0);
    });
    return;
  }

  let running: RunningServer;
  try {
    running = await startServer(config, logger);
  } catch (error) {
    if (error instanceof SessionConfigError || error instanceof StoreUnavailable) fail(error.message);
    if ((error as NodeJS.ErrnoException).code === 'EADDRINUSE') {
      fail(
        `Port ${config.port} on ${config.host} is in use. Stop the other server or set PORT to a free port.`,
      );
    }
    throw error;
  }
  if (cluster.isPrimary) {
    logger.info(` * Secret key from ${config.secretKeySource}`);
    logger.info(` * Running on ${running.url}/ (Press CTRL+C to quit)`);
  }
  const shutdown = (signal: string) => {
    if (cluster.isPrimary) logger.info(` * ${signal}: finishing requests in flight, then stopping`);
    void running.close().then(() => process.exit(0));
  };
  process.once('SIGTERM', () => shutdown('SIGTERM'));
  process.once('SIGINT', () => shutdown('SIGINT'));
}

await main();
