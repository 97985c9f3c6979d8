/**
 * "Done when" of the package: the README's quick starts, run as written (each file in
 * examples/ is quoted in the README, and this test checks the quote), share a session with real
 * Flask. Each app starts in its own Node process on a free loopback port and resolves
 * `flask-session-ts/…` by its package name, so it runs the built `dist/` (npm test builds first).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FlaskOracle } from './oracle.js';

const PACKAGE_DIR = fileURLToPath(new URL('../..', import.meta.url));
const README = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
const SECRET = 'the-secret-key-both-services-share';
/** Long enough for a cold `tsx` start on a busy machine; not a timing assertion. */
const START_TIMEOUT_MS = 60_000;

interface QuickStart {
  readonly process: ChildProcess;
  readonly url: string;
}

/** Runs `examples/<name>.ts` and waits for the port it prints (`port: N` or a URL). */
function startExample(name: string): Promise<QuickStart> {
  const child = spawn(process.execPath, ['--import', 'tsx', `examples/${name}.ts`], {
    cwd: PACKAGE_DIR,
    env: { ...process.env, SECRET_KEY: SECRET, PORT: '0', NODE_ENV: 'test' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => fail('printed no port in time'), START_TIMEOUT_MS);
    function fail(why: string): void {
      clearTimeout(timer);
      child.kill();
      reject(new Error(`examples/${name}.ts ${why}\n${stderr}`));
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

function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    child.kill();
  });
}

let oracle: FlaskOracle;

beforeAll(async () => {
  oracle = await FlaskOracle.start();
});

afterAll(async () => {
  await oracle.close();
});

describe.each(['express', 'fastify', 'hono'])('the %s quick start', (name) => {
  let app: QuickStart;

  beforeAll(async () => {
    app = await startExample(name);
  });

  afterAll(async () => {
    await stop(app.process);
  });

  it('is quoted in the README exactly as it runs', () => {
    const source = readFileSync(new URL(`../../examples/${name}.ts`, import.meta.url), 'utf8');
    expect(README).toContain('```ts\n' + source + '```');
  });

  it('reads a cookie real Flask signed, and writes one real Flask reads', async () => {
    const now = Math.floor(Date.now() / 1000);
    const flaskSetCookie = await oracle.sessionCookie({
      secret: SECRET,
      now,
      value: { visits: 41, user: 'ada' },
      permanent: false,
    });
    const res = await fetch(app.url, {
      redirect: 'manual',
      headers: { Cookie: flaskSetCookie.split(';')[0] ?? '' },
    });
    expect(await res.text()).toBe('Visits: 42');
    const ours = res.headers.getSetCookie()[0]?.split(';')[0] ?? '';
    expect(ours).toMatch(/^session=/);
    const seenByFlask = await oracle.openSession({
      secret: SECRET,
      now,
      cookie: ours.slice('session='.length),
    });
    // `_permanent: false` is Flask's own key (its view set session.permanent), kept as Flask wrote it.
    expect(seenByFlask).toEqual({ _permanent: false, visits: 42, user: 'ada' });
  });
});
