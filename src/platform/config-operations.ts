/**
 * The settings for running the app in production: which host names it answers to, its
 * timeouts, when it sheds load, and how it logs. Kept apart from `config.ts` (the app's own
 * settings) so each file has one job; `loadConfig` merges both into one frozen `Config`.
 * @module
 */
import { z } from 'zod';
import { ConfigError, flag, seconds, wholeNumber } from './config-env.js';
import { AllowedHostsError, LOOPBACK_HOSTS, parseAllowedHosts, type AllowedHosts } from './hosts.js';

/** The operations part of the configuration. */
export interface OperationsConfig {
  /** Host names the app answers to (`ALLOWED_HOSTS`); any other `Host` gets 400. */
  readonly allowedHosts: AllowedHosts;
  /** `text`: Werkzeug's access line (the default); `json`: one JSON object per line. */
  readonly logFormat: 'text' | 'json';
  /** Take `X-Request-Id` from the request (a proxy sets it) instead of always generating one. */
  readonly trustProxyRequestId: boolean;
  /** The request line and headers must arrive within this long. */
  readonly headersTimeoutMs: number;
  /** The whole request, body included, must arrive within this long. */
  readonly requestTimeoutMs: number;
  /** An idle keep-alive connection is closed after this long. */
  readonly keepAliveTimeoutMs: number;
  /** Connections the kernel queues for `accept()` (`listen(backlog)`; capped by `net.core.somaxconn`). */
  readonly listenBacklog: number;
  /** Shed (503) new requests while the event loop has been stalled longer than this; 0 turns it off. */
  readonly overloadMaxLagMs: number;
  /** Shed (503) new requests while more than this many are in flight; 0 turns it off. */
  readonly overloadMaxInFlight: number;
  /** Shed (503) new requests while newcomers would wait longer than this to be accepted (Linux); 0 turns it off. */
  readonly overloadMaxQueueWaitMs: number;
  /** A shed request's connection is closed (`Connection: close`), so an overloaded process holds fewer. */
  readonly overloadCloseConnection: boolean;
}

/**
 * The defaults, in one place. The timeouts: a phone on a slow network sends a form in well
 * under a second, so 30 s for a whole request is generous while still ending slow-loris
 * connections (Node's own default is 300 s). Keep-alive stays at Node's 5 s; behind a proxy,
 * set it above the proxy's idle timeout. Overload figures: docs/SECURITY.md.
 */
export const OPERATIONS_DEFAULTS = Object.freeze({
  headersTimeoutSeconds: 10,
  requestTimeoutSeconds: 30,
  keepAliveTimeoutSeconds: 5,
  listenBacklog: 4096,
  overloadMaxLagMs: 300,
  overloadMaxInFlight: 1024,
  overloadMaxQueueWaitMs: 1000,
  overloadCloseConnection: true,
});

/** The variables this module reads; `config.ts` merges them into its own schema. */
export const operationsEnvSchema = z.object({
  ALLOWED_HOSTS: z.string().optional(),
  LOG_FORMAT: z.enum(['text', 'json'], { error: 'must be text or json' }).default('text'),
  TRUST_PROXY_REQUEST_ID: flag.default(false),
  HEADERS_TIMEOUT_SECONDS: seconds(600).default(OPERATIONS_DEFAULTS.headersTimeoutSeconds),
  REQUEST_TIMEOUT_SECONDS: seconds(600).default(OPERATIONS_DEFAULTS.requestTimeoutSeconds),
  KEEP_ALIVE_TIMEOUT_SECONDS: seconds(600).default(OPERATIONS_DEFAULTS.keepAliveTimeoutSeconds),
  LISTEN_BACKLOG: wholeNumber(1, 65535).default(OPERATIONS_DEFAULTS.listenBacklog),
  OVERLOAD_MAX_LAG_MS: wholeNumber(0, 60_000).default(OPERATIONS_DEFAULTS.overloadMaxLagMs),
  OVERLOAD_MAX_IN_FLIGHT: wholeNumber(0, 1_000_000).default(OPERATIONS_DEFAULTS.overloadMaxInFlight),
  OVERLOAD_MAX_QUEUE_WAIT_MS: wholeNumber(0, 60_000).default(OPERATIONS_DEFAULTS.overloadMaxQueueWaitMs),
  OVERLOAD_CLOSE_CONNECTION: flag.default(OPERATIONS_DEFAULTS.overloadCloseConnection),
});

/**
 * The operations settings from the parsed variables.
 * @throws ConfigError for settings that cannot work, saying how to fix them.
 */
export function readOperationsConfig(
  e: z.infer<typeof operationsEnvSchema>,
  production: boolean,
): OperationsConfig {
  const headersTimeoutMs = e.HEADERS_TIMEOUT_SECONDS * 1000;
  const requestTimeoutMs = e.REQUEST_TIMEOUT_SECONDS * 1000;
  if (headersTimeoutMs > requestTimeoutMs) {
    throw new ConfigError(
      'HEADERS_TIMEOUT_SECONDS must not be longer than REQUEST_TIMEOUT_SECONDS: the headers are part of the request.',
    );
  }
  return {
    allowedHosts: allowedHosts(e.ALLOWED_HOSTS, production),
    logFormat: e.LOG_FORMAT,
    trustProxyRequestId: e.TRUST_PROXY_REQUEST_ID,
    headersTimeoutMs,
    requestTimeoutMs,
    keepAliveTimeoutMs: e.KEEP_ALIVE_TIMEOUT_SECONDS * 1000,
    listenBacklog: e.LISTEN_BACKLOG,
    overloadMaxLagMs: e.OVERLOAD_MAX_LAG_MS,
    overloadMaxInFlight: e.OVERLOAD_MAX_IN_FLIGHT,
    overloadMaxQueueWaitMs: e.OVERLOAD_MAX_QUEUE_WAIT_MS,
    overloadCloseConnection: e.OVERLOAD_CLOSE_CONNECTION,
  };
}

const HOSTS_EXAMPLE = 'e.g. ALLOWED_HOSTS=portfolio.example.com,www.portfolio.example.com';

function allowedHosts(text: string | undefined, production: boolean): AllowedHosts {
  if (text === undefined) {
    if (production) {
      throw new ConfigError(
        `ALLOWED_HOSTS is required when NODE_ENV=production: set it to the host names visitors use, comma-separated (${HOSTS_EXAMPLE}).`,
      );
    }
    return LOOPBACK_HOSTS;
  }
  let result: AllowedHosts;
  try {
    result = parseAllowedHosts(text);
  } catch (error) {
    if (error instanceof AllowedHostsError) {
      throw new ConfigError(`ALLOWED_HOSTS ${error.message} (${HOSTS_EXAMPLE}).`);
    }
    throw error;
  }
  if (production && result.any) {
    throw new ConfigError(
      `ALLOWED_HOSTS=* is refused when NODE_ENV=production: it lets a DNS-rebinding page reach the app. List the host names instead (${HOSTS_EXAMPLE}).`,
    );
  }
  return result;
}
