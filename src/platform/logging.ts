/**
 * Log lines: access lines in the format of Flask's development server (Werkzeug), or one JSON
 * object per line for log shippers (`LOG_FORMAT=json`), and a small logger whose debug lines
 * appear only with DEBUG on. Every line written for a request carries its id: the request's code
 * logs through `logger.forRequest(id)`, and access entries carry the id (passed explicitly, not
 * through AsyncLocalStorage, whose promise hooks cost 20–28 µs a request: issue 16).
 * Nothing here ever receives a secret or a cookie value on purpose; the passwords of the Redis
 * URLs (`credentials`) are masked in every line all the same, since errors from a client quote them.
 * @module
 */
import { maskCredentials } from './redis-url.js';

/** Where the app writes its lines. */
export interface Logger {
  info(message: string): void;
  /** Only shown with DEBUG on. */
  debug(message: string): void;
  /** Whether debug lines are written: test it before building a costly one (or binding a request). */
  readonly debugEnabled: boolean;
  error(message: string, error?: unknown): void;
  /** One answered request; `debug` for requests not worth a line in normal operation (health checks). */
  access(entry: AccessEntry, level?: 'info' | 'debug'): void;
  /** The same logger, naming request `requestId` on every line (this logger itself when undefined). */
  forRequest(requestId: string | undefined): Logger;
}

/** Options of {@link createLogger}. */
export interface LoggerOptions {
  readonly debug: boolean;
  readonly logFormat?: 'text' | 'json';
  /** Where lines go; default stdout (info, debug) and stderr (error). */
  readonly write?: (stream: 'stdout' | 'stderr', line: string) => void;
  /** Texts never written (`Config.credentials`): each is shown as `***`. */
  readonly credentials?: readonly string[];
}

const writeToProcess = (stream: 'stdout' | 'stderr', line: string) => process[stream].write(line);

/** A logger to stdout/stderr. With `debug` off, debug lines cost one branch. */
export function createLogger(options: LoggerOptions): Logger {
  const write = options.write ?? writeToProcess;
  const make = options.logFormat === 'json' ? jsonLogger : textLogger;
  const credentials = options.credentials ?? [];
  // The common case, no password anywhere, costs nothing.
  const mask: Mask = credentials.length === 0 ? (text) => text : (text) => maskCredentials(text, credentials);
  // Bound loggers are made only when a request logs something: never on the hot path.
  const bind = (requestId: string | undefined): Logger => ({
    ...make(options.debug, write, mask, requestId),
    debugEnabled: options.debug,
    forRequest: (id) => (id === undefined ? root : bind(id)),
  });
  const root = bind(undefined);
  return root;
}

type Write = (stream: 'stdout' | 'stderr', line: string) => void;
type Mask = (text: string) => string;

/** A logger whose lines name request `id` (none when undefined); `forRequest` is added by createLogger. */
type Make = (
  debug: boolean,
  write: Write,
  mask: Mask,
  id: string | undefined,
) => Omit<Logger, 'forRequest' | 'debugEnabled'>;

// In production a stack trace goes to the log, never to the visitor.
function errorDetail(error: unknown): string {
  if (error instanceof Error) return error.stack ?? error.message;
  return error === undefined ? '' : JSON.stringify(error);
}

const textLogger: Make = (debug, write, mask, id) => {
  // The access line stays exactly Werkzeug's, for the tools that parse it; other lines of a request name it.
  const tagged =
    id === undefined ? (message: string) => message : (message: string) => `${message} [request ${id}]`;
  const access = (entry: AccessEntry) => write('stdout', accessLine(entry) + '\n');
  return {
    info: (message) => write('stdout', mask(tagged(message)) + '\n'),
    debug: debug ? (message) => write('stdout', `[debug] ${mask(tagged(message))}\n`) : () => undefined,
    error: (message, error) => {
      const detail = mask(errorDetail(error));
      const line = mask(tagged(message));
      write('stderr', detail === '' ? `${line}\n` : `${line}\n${detail}\n`);
    },
    access: debug ? access : (entry, level = 'info') => (level === 'info' ? access(entry) : undefined),
  };
};

const jsonLogger: Make = (debug, write, mask, boundId) => {
  const line = (
    stream: 'stdout' | 'stderr',
    level: string,
    msg: string,
    fields?: object,
    requestId?: string,
  ) => {
    const id = requestId ?? boundId;
    const record = {
      time: new Date().toISOString(),
      level,
      msg,
      ...fields,
      ...(id === undefined ? {} : { request_id: id }),
    };
    write(stream, JSON.stringify(record) + '\n');
  };
  const access = (entry: AccessEntry, level: string) =>
    line(
      'stdout',
      level,
      `${entry.method} ${entry.url} ${entry.status}`,
      {
        method: entry.method,
        path: entry.url,
        status: entry.status,
        duration_ms: entry.durationMs === undefined ? undefined : Math.round(entry.durationMs * 100) / 100,
        remote_addr: entry.address,
        http_version: entry.httpVersion,
      },
      entry.requestId,
    );
  return {
    info: (message) => line('stdout', 'info', mask(message)),
    debug: debug ? (message) => line('stdout', 'debug', mask(message)) : () => undefined,
    error: (message, error) => {
      const detail = mask(errorDetail(error));
      line('stderr', 'error', mask(message), detail === '' ? undefined : { error: detail });
    },
    access: (entry, level = 'info') => (level === 'info' || debug ? access(entry, level) : undefined),
  };
};

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const pad = (n: number) => String(n).padStart(2, '0');

/** Werkzeug's `log_date_time_string`: `25/Nov/2026 20:18:45`, in local time. */
export function logDateTime(date: Date): string {
  return (
    `${pad(date.getDate())}/${MONTHS[date.getMonth()] ?? '???'}/${date.getFullYear()} ` +
    `${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())}`
  );
}

/** One request as Werkzeug logs it: `127.0.0.1 - - [25/Nov/2026 20:18:45] "POST /add_stock HTTP/1.1" 302 -`. */
export interface AccessEntry {
  readonly address: string;
  readonly date: Date;
  readonly method: string;
  /** Path and query, as requested. */
  readonly url: string;
  readonly httpVersion: string;
  readonly status: number;
  /** From the request's arrival to its last byte sent (JSON lines only: Werkzeug's line has no field for it). */
  readonly durationMs?: number;
  /** The request's id (JSON lines only, as `request_id`). */
  readonly requestId?: string;
}

/** Formats an access line. Control characters in the URL are escaped so a request cannot forge log lines. */
export function accessLine(entry: AccessEntry): string {
  const requestLine = `${entry.method} ${entry.url} HTTP/${entry.httpVersion}`.replace(
    // eslint-disable-next-line no-control-regex -- escaping control characters is the point
    /[\u0000-\u001f\u007f"\\]/g,
    (ch) => '\\x' + ch.charCodeAt(0).toString(16).padStart(2, '0'),
  );
  return `${entry.address} - - [${logDateTime(entry.date)}] "${requestLine}" ${entry.status} -`;
}
