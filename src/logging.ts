/**
 * Log lines: access lines in the format of Flask's development server (Werkzeug), and a
 * small logger whose debug lines appear only with DEBUG on. Nothing here ever receives a
 * secret or a cookie value.
 * @module
 */

/** Where the app writes its lines. */
export interface Logger {
  info(message: string): void;
  /** Only shown with DEBUG on. */
  debug(message: string): void;
  error(message: string, error?: unknown): void;
}

/** A logger to stdout/stderr. With `debug` off, debug lines cost one branch. */
export function createLogger(options: { debug: boolean; production: boolean }): Logger {
  return {
    info: (message) => process.stdout.write(message + '\n'),
    debug: options.debug ? (message) => process.stdout.write(`[debug] ${message}\n`) : () => undefined,
    error: (message, error) => {
      // In production a stack trace goes to the log, never to the visitor.
      const detail =
        error instanceof Error
          ? (error.stack ?? error.message)
          : error === undefined
            ? ''
            : JSON.stringify(error);
      process.stderr.write(detail === '' ? `${message}\n` : `${message}\n${detail}\n`);
    },
  };
}

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
