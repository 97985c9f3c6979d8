/**
 * The cluster as `npm start` runs it in production (`node dist/http/main.js`, two workers): a worker
 * that dies is replaced and logged, and SIGTERM drains every worker before the primary exits 0.
 */
import http from 'node:http';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { addStockForm, request } from '../support/http.js';
import { startApp, type AppProcess } from './app-process.js';

const running: AppProcess[] = [];
afterEach(async () => {
  for (const app of running.splice(0)) await app.stop();
});

async function startCluster(): Promise<AppProcess> {
  const app = await startApp({
    env: { NODE_ENV: 'production', ALLOWED_HOSTS: '127.0.0.1', WORKERS: '2' },
  });
  running.push(app);
  await vi.waitFor(() => expect(workerPids(app)).toHaveLength(2), { timeout: 15_000, interval: 50 });
  return app;
}

/** The pids of the workers the primary reported listening, in order. */
function workerPids(app: AppProcess): number[] {
  return [...app.output().matchAll(/ \* Worker (\d+) listening/g)].map((match) => Number(match[1]));
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe('the production cluster', () => {
  it('replaces a worker that dies and logs why', async () => {
    const app = await startCluster();
    const [victim] = workerPids(app);
    if (victim === undefined) throw new Error('no worker');
    process.kill(victim, 'SIGKILL');
    await vi.waitFor(() => expect(workerPids(app)).toHaveLength(3), { timeout: 15_000, interval: 50 });
    expect(app.output()).toContain(`Worker ${victim} died (signal SIGKILL); starting another`);
    expect(isAlive(victim)).toBe(false);
    expect((await request(`${app.url}/stocks`)).status).toBe(200);
  });

  it('on SIGTERM lets a request in flight finish in its worker, stops every worker, and exits 0', async () => {
    const app = await startCluster();
    const { cookie, body } = await addStockForm(app.url);

    const req = http.request(`${app.url}/add_stock`, {
      method: 'POST',
      agent: false,
      headers: {
        Cookie: cookie,
        'Content-Type': 'application/x-www-form-urlencoded',
        'Content-Length': String(Buffer.byteLength(body)),
        // The worker's "100 Continue" says it has the request: it is in flight from then on.
        Expect: '100-continue',
      },
    });
    const reply = new Promise<{ status: number; location: string | undefined }>((resolve, reject) => {
      req.on('response', (res) => {
        res.resume();
        resolve({ status: res.statusCode ?? 0, location: res.headers.location });
      });
      req.on('error', reject);
    });
    await new Promise<void>((resolve) => req.once('continue', () => resolve()));

    const workers = workerPids(app);
    const stopped = app.stop();
    await vi.waitFor(() =>
      expect(app.output()).toContain('SIGTERM: finishing requests in flight in every worker'),
    );
    req.end(body);

    expect(await reply).toEqual({ status: 302, location: '/stocks' });
    expect(await stopped).toEqual({ code: 0, signal: null });
    expect(app.output()).toContain('All workers stopped');
    for (const pid of workers) expect(isAlive(pid)).toBe(false);
  });
});
