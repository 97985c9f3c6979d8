/**
 * A real Flask app on Flask-Session 0.8 (`test/fixtures/flask_session_app.py`), run from the venv
 * that `scripts/ensure-system-deps.sh` makes under `node_modules/.cache/flask-session-venv`: the
 * app's own small helper (the library's venv helper is the library's test code, which the app does
 * not reach into). It listens on a free 127.0.0.1 port and is stopped by `stop()`.
 * @module
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));
const VENV_PYTHON = join(REPO_ROOT, 'node_modules', '.cache', 'flask-session-venv', 'bin', 'python');
const SCRIPT = join(REPO_ROOT, 'test', 'fixtures', 'flask_session_app.py');
const CHECK =
  'import flask, redis, msgspec, importlib.metadata as m; assert m.version("flask-session") == "0.8.0"';

/**
 * The venv's interpreter.
 * @throws Error saying how to make the venv, when it is missing or incomplete.
 */
export function flaskSessionPython(): string {
  if (existsSync(VENV_PYTHON) && spawnSync(VENV_PYTHON, ['-I', '-c', CHECK]).status === 0) return VENV_PYTHON;
  throw new Error(
    `No venv with Flask-Session 0.8 at ${VENV_PYTHON}. Run \`bash scripts/ensure-system-deps.sh\`: ` +
      'it makes one from the wheels on disk (or says what is missing).',
  );
}

/** What the Flask app shares with ours. */
export interface FlaskSessionAppSettings {
  readonly redisUrl: string;
  readonly secretKey: string;
  readonly cookieName: string;
  readonly lifetimeSeconds: number;
  readonly serializationFormat: 'msgpack' | 'json';
}

/** A running Flask app. */
export interface FlaskSessionApp {
  readonly url: string;
  stop(): Promise<void>;
}

/** Starts the Flask app and waits until it listens. */
export function startFlaskSessionApp(settings: FlaskSessionAppSettings): Promise<FlaskSessionApp> {
  const child = spawn(flaskSessionPython(), [SCRIPT], {
    env: {
      PATH: process.env['PATH'] ?? '/usr/bin:/bin',
      REDIS_URL: settings.redisUrl,
      SECRET_KEY: settings.secretKey,
      SESSION_COOKIE_NAME: settings.cookieName,
      LIFETIME_SECONDS: String(settings.lifetimeSeconds),
      SESSION_SERIALIZATION_FORMAT: settings.serializationFormat,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const stopped = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    await stopped;
  };
  return new Promise((resolve, reject) => {
    let output = '';
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const port = /^port (\d+)$/m.exec(output)?.[1];
      if (port !== undefined) {
        child.stdout.off('data', onData);
        resolve({ url: `http://127.0.0.1:${port}`, stop });
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.once('exit', (code) => reject(new Error(`The Flask-Session app exited (${code}):\n${output}`)));
  });
}
