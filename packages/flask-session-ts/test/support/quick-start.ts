/**
 * Runs a README quick start as its own Node process and checks that it shares a session with real
 * Flask. Used by `test/flask/quickstart.test.ts` (the examples from the workspace) and
 * `test/pack.test.ts` (the same examples, compiled against the installed tarball).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { expect } from 'vitest';
import type { FlaskOracle } from '../flask/oracle.js';

/** The `SECRET_KEY` the quick starts and Flask share in these tests. */
export const QUICK_START_SECRET = 'the-secret-key-both-services-share';
/** Long enough for a cold `tsx` start on a busy machine; not a timing assertion. */
const START_TIMEOUT_MS = 60_000;

export interface QuickStart {
  readonly process: ChildProcess;
  readonly url: string;
}

/** Runs `node ...args` in `cwd` and waits for the port the app prints (`port: N` or a URL). */
export function startQuickStart(args: readonly string[], cwd: string): Promise<QuickStart> {
  const child = spawn(process.execPath, args, {
    cwd,
    env: { ...process.env, SECRET_KEY: QUICK_START_SECRET, PORT: '0', NODE_ENV: 'test' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => fail('printed no port in time'), START_TIMEOUT_MS);
    function fail(why: string): void {
      clearTimeout(timer);
      child.kill();
      reject(new Error(`node ${args.join(' ')} ${why}\n${stderr}`));
    }
    child.once('exit', (code) => fail(`exited with code ${String(code)}`));
    createInterface({ input: child.stdout }).on('line', (line) => {
      const port = /port: (\d+)|:(\d+)$/.exec(line);
      if (port === null) return;
      clearTimeout(timer);
      child.removeAllListeners('exit');
      resolve({ process: child, url: `http://127.0.0.1:${port[1] ?? port[2] ?? ''}/` });
    });
  });
}

/** Stops a quick start and waits for its exit. */
export function stopQuickStart(app: QuickStart | undefined): Promise<void> {
  const child = app?.process;
  if (child === undefined || child.exitCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    child.kill();
  });
}

/**
 * Sends the quick start a cookie real Flask signed (41 visits), expects `Visits: 42`, and has
 * Flask read the cookie the app sent back.
 */
export async function expectSharesSessionWithFlask(oracle: FlaskOracle, url: string): Promise<void> {
  const flaskSetCookie = await oracle.sessionCookie({
    secret: QUICK_START_SECRET,
    now: Math.floor(Date.now() / 1000),
    value: { visits: 41, user: 'ada' },
    permanent: false,
  });
  const res = await fetch(url, {
    redirect: 'manual',
    headers: { Cookie: flaskSetCookie.split(';')[0] ?? '' },
  });
  expect(await res.text()).toBe('Visits: 42');
  const ours = res.headers.getSetCookie()[0]?.split(';')[0] ?? '';
  expect(ours).toMatch(/^session=/);
  const seenByFlask = await oracle.openSession({
    secret: QUICK_START_SECRET,
    // Read now: the app signed at its own clock, maybe a second later, and Flask refuses a
    // signature from the future.
    now: Math.floor(Date.now() / 1000),
    cookie: ours.slice('session='.length),
  });
  // `_permanent: false` is Flask's own key (its view set session.permanent), kept as Flask wrote it.
  expect(seenByFlask).toEqual({ _permanent: false, visits: 42, user: 'ada' });
}
