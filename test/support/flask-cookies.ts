/**
 * Real Flask signing and reading session cookies, for the app's end-to-end tests: the app's own
 * small helper (the library's Flask oracle is the library's test code, which the app does not
 * reach into). Each call runs Debian's Flask (`/usr/bin/python3`) once, with the clock frozen at
 * `now`, through `SecureCookieSessionInterface().get_signing_serializer(app)`: exactly what a Flask
 * app sharing the cookie would write and read.
 * @module
 */
import { execFile } from 'node:child_process';
import type { SessionData } from 'flask-session-ts';

/** Debian's python3, with Flask 2.2 (the `python3` first on PATH has Flask 3.1). */
export const DEBIAN_PYTHON = '/usr/bin/python3';

const SCRIPT = `
import json, sys, time
request = json.load(sys.stdin)
time.time = lambda: request["now"]
from flask import Flask
from flask.sessions import SecureCookieSessionInterface
from itsdangerous import BadData
app = Flask("oracle")
app.secret_key = request["secret"]
serializer = SecureCookieSessionInterface().get_signing_serializer(app)
if request["op"] == "ping":
    answer = {"ok": True}
elif request["op"] == "dumps":
    answer = {"ok": True, "cookie": serializer.dumps(request["value"])}
else:
    try:
        answer = {"ok": True, "value": serializer.loads(request["cookie"], max_age=request["maxAge"])}
    except BadData as error:
        answer = {"ok": False, "error": type(error).__name__}
json.dump(answer, sys.stdout)
`;

/** What Flask read from a cookie, or the itsdangerous class name of why it could not. */
export type LoadsResult = { ok: true; value: SessionData } | { ok: false; error: string };

interface Keys {
  /** Flask's `SECRET_KEY`, as text (its UTF-8 bytes, as in Flask). */
  readonly secret: string;
  /** The frozen clock, in whole seconds since the epoch. */
  readonly now: number;
}

/** Flask's session serializer, one Python process per call. */
export class FlaskCookies {
  private constructor(readonly python: string) {}

  /** Checks that `python` has Flask, so a missing Flask fails before the tests, saying so. */
  static async start(python: string = DEBIAN_PYTHON): Promise<FlaskCookies> {
    const cookies = new FlaskCookies(python);
    await cookies.#run({ op: 'ping', secret: 'x', now: 0 });
    return cookies;
  }

  /** The cookie value Flask's session serializer writes for `value`. */
  async dumps(opts: Keys & { readonly value: SessionData }): Promise<string> {
    const answer = await this.#run({ op: 'dumps', ...opts });
    if (typeof answer['cookie'] !== 'string')
      throw new Error(`Flask gave no cookie: ${JSON.stringify(answer)}`);
    return answer['cookie'];
  }

  /** Reads `cookie` as Flask's `open_session` does (`serializer.loads(cookie, max_age=…)`). */
  async loads(opts: Keys & { readonly maxAge: number; readonly cookie: string }): Promise<LoadsResult> {
    const answer = await this.#run({ op: 'loads', ...opts });
    if (answer['ok'] === true) return { ok: true, value: answer['value'] as SessionData };
    return { ok: false, error: String(answer['error']) };
  }

  /** Nothing to stop: each call is its own process. */
  close(): Promise<void> {
    return Promise.resolve();
  }

  #run(request: Record<string, unknown>): Promise<Record<string, unknown>> {
    return new Promise((resolve, reject) => {
      const child = execFile(this.python, ['-c', SCRIPT], { timeout: 30_000 }, (error, stdout, stderr) => {
        if (error !== null) {
          reject(new Error(`${this.python} (Flask) failed: ${error.message}\n${stderr}`));
          return;
        }
        resolve(JSON.parse(stdout) as Record<string, unknown>);
      });
      child.stdin?.end(JSON.stringify(request));
    });
  }
}
