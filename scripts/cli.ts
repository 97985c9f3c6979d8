/**
 * Small helpers shared by the command-line scripts (`npm run fuzz`, `npm run soak`).
 * @module
 */
import { randomBytes } from 'node:crypto';

/**
 * A numeric option, or exit 2 with a message that says what is wrong and the usage.
 * @example `const runs = numberOption('runs', values.runs, 1, 1e9, USAGE);`
 */
export function numberOption(name: string, text: string, min: number, max: number, usage: string): number {
  const n = Number(text);
  if (!Number.isFinite(n) || n < min || n > max) {
    console.error(`--${name} must be a number from ${min} to ${max}, not ${JSON.stringify(text)}\n${usage}`);
    process.exit(2);
  }
  return n;
}

/**
 * A clean environment for the built server in production on `host:port` with one worker and a
 * random key: nothing from the caller's shell (DEBUG, fallback keys…) leaks in.
 */
export function productionServerEnv(host: string, port: number): NodeJS.ProcessEnv {
  return {
    PATH: process.env['PATH'] ?? '',
    NODE_ENV: 'production',
    SECRET_KEY: randomBytes(32).toString('hex'),
    HOST: host,
    ALLOWED_HOSTS: host,
    PORT: String(port),
    WORKERS: '1',
  };
}
