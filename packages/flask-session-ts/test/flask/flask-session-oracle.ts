/**
 * A client for `flask_session_oracle.py`: a real Flask app with Flask-Session 0.8
 * (`SESSION_TYPE='redis'`), run by the venv of `test/support/flask-session-venv.ts`.
 * Values cross the pipe in PYWIRE (see the script), which keeps Python's types apart.
 * @module
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

const SCRIPT = fileURLToPath(new URL('./flask_session_oracle.py', import.meta.url));

/** A Python value as the oracle sends and takes it. */
export type PyWire =
  | null
  | boolean
  | string
  | PyWire[]
  | { $int: string }
  | { $float: string }
  | { $dict: [PyWire, PyWire][] }
  | { $bytes: string }
  | { $datetime: string }
  | { $tuple: PyWire[] }
  | { $set: PyWire[] }
  | { $uuid: string }
  | { $decimal: string };

/** The Flask-Session settings of the oracle's app. */
export interface FlaskSessionConfig {
  readonly redisUrl: string;
  readonly secret: string;
  readonly format: 'msgpack' | 'json';
  readonly useSigner: boolean;
  readonly keyPrefix: string;
  readonly lifetime: number;
  readonly permanent: boolean;
  readonly cookieName: string;
}

/** A session dict as PYWIRE, from `[key, value]` pairs. */
export function pyDict(entries: Record<string, PyWire>): { $dict: [PyWire, PyWire][] } {
  return { $dict: Object.entries(entries) };
}

interface Answer {
  ok: boolean;
  id: number;
  error?: string;
  message?: string;
  [field: string]: unknown;
}

/** One long-running oracle process. */
export class FlaskSessionOracle {
  readonly #child: ChildProcessWithoutNullStreams;
  readonly #pending = new Map<number, { resolve: (a: Answer) => void; reject: (e: Error) => void }>();
  readonly #exited: Promise<void>;
  #stderr = '';
  #nextId = 1;

  private constructor(python: string) {
    this.#child = spawn(python, ['-I', SCRIPT], { stdio: ['pipe', 'pipe', 'pipe'] });
    this.#child.stderr.setEncoding('utf8');
    this.#child.stderr.on('data', (chunk: string) => {
      this.#stderr = (this.#stderr + chunk).slice(-16_000);
    });
    this.#child.stdin.on('error', () => undefined);
    createInterface({ input: this.#child.stdout }).on('line', (line) => {
      const answer = JSON.parse(line) as Answer;
      const pending = this.#pending.get(answer.id);
      this.#pending.delete(answer.id);
      pending?.resolve(answer);
    });
    this.#exited = new Promise((resolve) => {
      this.#child.on('close', (code) => {
        const error = new Error(`Flask-Session oracle exited (${String(code)}): ${this.#stderr}`);
        for (const pending of this.#pending.values()) pending.reject(error);
        this.#pending.clear();
        resolve();
      });
    });
  }

  /** Spawns the oracle with `python` and waits until Flask-Session is imported. */
  static async start(python: string): Promise<FlaskSessionOracle> {
    const oracle = new FlaskSessionOracle(python);
    const answer = await oracle.#request({ op: 'ping' });
    if (answer['flaskSession'] !== '0.8.0') {
      await oracle.close();
      throw new Error(`Expected Flask-Session 0.8.0, the oracle has ${String(answer['flaskSession'])}`);
    }
    return oracle;
  }

  /**
   * A Flask request (carrying `cookie`, the cookie's value, when given) whose view does
   * `session.update(value)`, or `session.clear()`; the `Set-Cookie` header Flask sent, if any.
   */
  async write(
    config: FlaskSessionConfig,
    options: { cookie?: string; value?: PyWire; clear?: boolean },
  ): Promise<string | null> {
    const answer = await this.#request({ op: 'write', config, ...options });
    return answer['setCookie'] as string | null;
  }

  /** A Flask request carrying `cookie`: the session Flask-Session opened, its id and whether it is new. */
  async read(
    config: FlaskSessionConfig,
    cookie: string | undefined,
  ): Promise<{ value: { $dict: [PyWire, PyWire][] }; sid: string; new: boolean }> {
    const answer = await this.#request({ op: 'read', config, ...(cookie === undefined ? {} : { cookie }) });
    return answer as unknown as { value: { $dict: [PyWire, PyWire][] }; sid: string; new: boolean };
  }

  async close(): Promise<void> {
    this.#child.stdin.end();
    await this.#exited;
  }

  #request(body: Record<string, unknown>): Promise<Answer> {
    const id = this.#nextId++;
    return new Promise<Answer>((resolve, reject) => {
      this.#pending.set(id, {
        resolve: (answer) => {
          if (answer.ok) resolve(answer);
          else
            reject(
              new Error(`Flask-Session oracle ${String(body['op'])}: ${answer.error}: ${answer.message}`),
            );
        },
        reject,
      });
      this.#child.stdin.write(JSON.stringify({ id, ...body }) + '\n');
    });
  }
}

/** The cookie's value in a `Set-Cookie` header. */
export function cookieValue(setCookie: string): string {
  const first = setCookie.split(';')[0] ?? '';
  return first.slice(first.indexOf('=') + 1);
}
