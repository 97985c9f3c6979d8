/**
 * Runs the built app as `npm start` does (`node dist/http/main.js`) on a free loopback port, for
 * end-to-end tests. Start it in `beforeAll`, stop it in `afterAll`.
 * @module
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

/** The project root, where `npm start` runs. */
export const PROJECT_ROOT = fileURLToPath(new URL('../../', import.meta.url));
const MAIN = fileURLToPath(new URL('../../dist/http/main.js', import.meta.url));
const TSC = fileURLToPath(new URL('../../node_modules/typescript/bin/tsc', import.meta.url));

/** The variables `src/platform/config.ts` reads; inherited values are dropped so the test alone decides them. */
const APP_VARIABLES = [
  'NODE_ENV',
  'DEBUG',
  'SECRET_KEY',
  'SECRET_KEY_FALLBACKS',
  'HOST',
  'PORT',
  'SESSION_LIFETIME_DAYS',
  'WORKERS',
  'SESSION_TYPE',
  'SESSION_SQLITE_PATH',
  'SESSION_ABSOLUTE_LIFETIME_DAYS',
  'REDIS_URL',
  'REDIS_CLUSTER_NODES',
  'ALLOWED_HOSTS',
  'LOG_FORMAT',
  'TRUST_PROXY_REQUEST_ID',
  'HEADERS_TIMEOUT_SECONDS',
  'REQUEST_TIMEOUT_SECONDS',
  'KEEP_ALIVE_TIMEOUT_SECONDS',
  'LISTEN_BACKLOG',
  'OVERLOAD_MAX_LAG_MS',
  'OVERLOAD_MAX_IN_FLIGHT',
  'OVERLOAD_MAX_QUEUE_WAIT_MS',
  'OVERLOAD_CLOSE_CONNECTION',
];

/** The start-up line `src/http/main.ts` prints once the server listens, as Flask's development server does. */
const RUNNING_LINE = /^ \* Running on (http:\/\/\S+?)\/ /m;

/** How long start-up (and a graceful stop) may take before the process is given up on. */
const START_TIMEOUT_MS = 15_000;
const STOP_TIMEOUT_MS = 5_000;

/** How a process ended. */
export interface ProcessExit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
}

/** Options of {@link startApp}. */
export interface AppProcessOptions {
  /** Loopback address to listen on. Default `127.0.0.1`. */
  readonly host?: string;
  /** Default: 64 random hex digits. */
  readonly secretKey?: string;
  /**
   * More variables for the app (`DEBUG`, `SESSION_LIFETIME_DAYS`, `WORKERS`, …); they win over the
   * defaults above. With workers, "Running on" is printed when the first one listens.
   */
  readonly env?: Readonly<Record<string, string>>;
}

/** A running app process. */
export interface AppProcess {
  /** Origin without a trailing slash, e.g. `http://127.0.0.1:40123`. */
  readonly url: string;
  readonly secretKey: string;
  /** The process id (the cluster primary's, with workers). */
  readonly pid: number;
  /** Everything the process wrote to stdout and stderr so far. */
  output(): string;
  /** Sends SIGTERM and waits for the exit (SIGKILL if it takes longer than 5 s). */
  stop(): Promise<ProcessExit>;
  /** `kill -9`: no chance to finish anything. With `WORKERS` > 1 the workers are killed too. */
  kill(): Promise<void>;
  /** True until the process exits. */
  alive(): boolean;
}

/** A port that was free a moment ago on `host`: the OS picks it for a listener on port 0. */
export async function freePort(host = '127.0.0.1'): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, host, resolve);
  });
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address === 'string') throw new Error(`No port from a listener on ${host}`);
  return address.port;
}

/**
 * Builds `dist/` with `tsconfig.build.json` unless `dist/http/main.js` exists (`npm test` builds
 * before vitest runs, so this only happens when a test file is run on its own).
 */
export async function ensureBuilt(): Promise<void> {
  if (existsSync(MAIN)) return;
  await promisify(execFile)(process.execPath, [TSC, '-p', 'tsconfig.build.json'], { cwd: PROJECT_ROOT });
}

/** The inherited environment without the app's own variables. */
function baseEnv(): NodeJS.ProcessEnv {
  return Object.fromEntries(Object.entries(process.env).filter(([name]) => !APP_VARIABLES.includes(name)));
}

/**
 * Starts `node dist/http/main.js` in development mode with a random secret key, and resolves once it
 * prints its "Running on" line.
 * @throws Error with the process output when it exits or stays silent for 15 s.
 */
export async function startApp(options: AppProcessOptions = {}): Promise<AppProcess> {
  await ensureBuilt();
  const host = options.host ?? '127.0.0.1';
  const secretKey = options.secretKey ?? randomBytes(32).toString('hex');
  const child = spawn(process.execPath, [MAIN], {
    cwd: PROJECT_ROOT,
    env: {
      ...baseEnv(),
      PORT: String(await freePort(host)),
      HOST: host,
      SECRET_KEY: secretKey,
      NODE_ENV: 'development',
      // Load shedding off unless a test turns it on: a busy CI machine must not turn a test's
      // request into a 503 (the shedding itself is tested in src/server-operations.test.ts).
      OVERLOAD_MAX_LAG_MS: '0',
      OVERLOAD_MAX_IN_FLIGHT: '0',
      OVERLOAD_MAX_QUEUE_WAIT_MS: '0',
      ...options.env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
    // Its own process group, so kill() reaches cluster workers as well.
    detached: true,
  });
  let output = '';
  const exited = new Promise<ProcessExit>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );

  const url = await new Promise<string>((resolve, reject) => {
    const fail = (reason: string) => {
      clearTimeout(timer);
      child.kill('SIGKILL');
      reject(new Error(`node dist/http/main.js ${reason}\n--- output ---\n${output}`));
    };
    const timer = setTimeout(
      () => fail(`printed no "Running on" line in ${START_TIMEOUT_MS} ms`),
      START_TIMEOUT_MS,
    );
    child.once('error', (error) => fail(`could not be spawned: ${error.message}`));
    const onExit = (code: number | null, signal: NodeJS.Signals | null) =>
      fail(`exited with ${signal ?? `code ${String(code)}`}`);
    child.once('exit', onExit);
    const collect = (chunk: Buffer) => {
      output += chunk.toString('utf8');
      const match = RUNNING_LINE.exec(output);
      if (match?.[1] !== undefined) {
        clearTimeout(timer);
        child.off('exit', onExit);
        resolve(match[1]);
      }
    };
    child.stdout.on('data', collect);
    child.stderr.on('data', collect);
  });

  return {
    url,
    secretKey,
    pid: child.pid ?? 0,
    output: () => output,
    stop: () => stopProcess(child, exited),
    kill: async () => {
      if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) return;
      process.kill(-child.pid, 'SIGKILL');
      await exited;
    },
    alive: () => child.exitCode === null && child.signalCode === null,
  };
}

async function stopProcess(child: ChildProcess, exited: Promise<ProcessExit>): Promise<ProcessExit> {
  if (child.exitCode !== null || child.signalCode !== null) return exited;
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), STOP_TIMEOUT_MS);
  const exit = await exited;
  clearTimeout(timer);
  return exit;
}
