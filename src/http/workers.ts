/**
 * The cluster primary: starts the workers, replaces one that dies (with a back-off, so a worker
 * that crashes at start does not spin), and on SIGTERM/SIGINT forwards the signal to every
 * worker, waits for them to finish their requests, and exits 0.
 * @module
 */
import cluster, { type Worker } from 'node:cluster';
import type { Config } from '../platform/config.js';
import { describeQuotes } from '../platform/config-quotes.js';
import type { Logger } from '../platform/logging.js';
import { SHUTDOWN_GRACE_MS } from './server.js';

/**
 * How long to wait before replacing a worker that died: nothing for a first death, then doubling
 * with each death within `windowMs`, up to `maxMs`. The clock is a parameter for tests.
 */
export class RestartBackoff {
  readonly #deaths: number[] = [];

  constructor(
    private readonly options: { baseMs: number; maxMs: number; windowMs: number } = {
      baseMs: 100,
      maxMs: 10_000,
      windowMs: 60_000,
    },
    private readonly now: () => number = Date.now,
  ) {}

  /** Records a death now and returns the delay before the replacement starts. */
  nextDelayMs(): number {
    const at = this.now();
    while (this.#deaths.length > 0 && (this.#deaths[0] ?? at) <= at - this.options.windowMs)
      this.#deaths.shift();
    this.#deaths.push(at);
    const recent = this.#deaths.length;
    if (recent === 1) return 0;
    return Math.min(this.options.maxMs, this.options.baseMs * 2 ** (recent - 2));
  }
}

/** Workers get this long beyond their own grace to exit before they are killed. */
const DRAIN_MARGIN_MS = 5_000;

/** Runs the cluster primary for `config.workers` workers; the process exits when they are drained. */
export function runPrimary(config: Config, logger: Logger): void {
  logger.info(` * Secret key from ${config.secretKeySource}`);
  logger.info(` * Live prices: ${describeQuotes(config.quotes)}`);
  logger.info(` * Starting ${config.workers} workers`);
  cluster.once('listening', (_worker, address) => {
    const host = config.host.includes(':') ? `[${config.host}]` : config.host;
    logger.info(` * Running on http://${host}:${address.port}/ (Press CTRL+C to quit)`);
  });
  cluster.on('listening', (worker) => logger.info(` * Worker ${describe(worker)} listening`));

  const backoff = new RestartBackoff();
  const pendingRestarts = new Set<NodeJS.Timeout>();
  let stopping = false;
  let failedExits = 0;

  cluster.on('exit', (worker, code, signal) => {
    // Node types `signal` as a string, but it is null when the worker exited by itself.
    const how = (signal as string | null) === null ? `exit code ${String(code)}` : `signal ${signal}`;
    if (stopping) {
      if (code !== 0) failedExits++;
      if (Object.keys(cluster.workers ?? {}).length === 0) {
        logger.info(` * All workers stopped`);
        process.exit(failedExits === 0 ? 0 : 1);
      }
      return;
    }
    const delayMs = backoff.nextDelayMs();
    logger.error(
      `Worker ${describe(worker)} died (${how}); starting another` +
        (delayMs === 0 ? '' : ` in ${delayMs} ms (it keeps dying: check the errors above)`),
    );
    const timer = setTimeout(() => {
      pendingRestarts.delete(timer);
      cluster.fork();
    }, delayMs);
    pendingRestarts.add(timer);
  });

  const stop = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    logger.info(` * ${signal}: finishing requests in flight in every worker, then stopping`);
    for (const timer of pendingRestarts) clearTimeout(timer);
    const workers = Object.values(cluster.workers ?? {}).filter((w): w is Worker => w !== undefined);
    if (workers.length === 0) process.exit(0);
    for (const worker of workers) worker.process.kill('SIGTERM');
    setTimeout(() => {
      logger.error(
        `Workers still running ${SHUTDOWN_GRACE_MS + DRAIN_MARGIN_MS} ms after ${signal}; killing them`,
      );
      for (const worker of Object.values(cluster.workers ?? {})) worker?.process.kill('SIGKILL');
      process.exit(1);
    }, SHUTDOWN_GRACE_MS + DRAIN_MARGIN_MS).unref();
  };
  process.once('SIGTERM', () => stop('SIGTERM'));
  process.once('SIGINT', () => stop('SIGINT'));

  // The workers accept from the shared socket themselves rather than the primary handing each
  // connection over: a busy worker then sees its accept queue and sheds, and an idle worker takes
  // the newcomers (docs/SECURITY.md has the measurements). NODE_CLUSTER_SCHED_POLICY=rr overrides.
  if (process.env['NODE_CLUSTER_SCHED_POLICY'] === undefined) cluster.schedulingPolicy = cluster.SCHED_NONE;
  for (let i = 0; i < config.workers; i++) cluster.fork();
}

function describe(worker: Worker): string {
  return String(worker.process.pid ?? `#${worker.id}`);
}
