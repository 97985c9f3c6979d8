/**
 * Server-side session stores under load: GET /stocks (10 holdings) and POST /add_stock with the
 * app in cookie, sqlite and redis modes, and the anchor: the Flask reference app with Debian's
 * Flask-Session on the same Redis, under gunicorn. Redis runs as the README recommends for
 * durability (AOF, `appendfsync always`); SQLite with WAL and `synchronous=FULL`.
 *
 * Every visitor is made over HTTP (GET /add_stock, then ten adds), so each server holds its
 * sessions its own way. GET loads one session; POST spreads over {@link POST_SESSIONS} sessions
 * (each grows by a few holdings during a run; in cookie mode nothing grows, as wrk drops cookies).
 *
 * `npm run bench:stores` alone, or as part of `npm run bench` (which calls {@link benchStores}).
 * Options alone: `--workers 1`, `--duration S`, `--warmup S`, `--no-build`.
 * @module
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { startRedis, stopAll } from '../test/support/redis-server.js';
import { Client } from '../test/support/client.js';
import { CookieSessionStore } from 'flask-session-ts';
import { TYPICAL_HOLDINGS } from './fixtures.js';
import { startTracked } from './processes.js';
import { RESULTS_DIR, ROOT, startServer, stopServer, type Server, type ServerName } from './servers.js';
import { parseWrkReport, type WrkResult } from './wrk.js';

const SESSIONS_SCRIPT = join(ROOT, 'bench', 'wrk', 'sessions.lua');
/** Visitors the POST load spreads over. */
export const POST_SESSIONS = 200;

type Mode = 'cookie' | 'sqlite' | 'redis' | 'flask-session';
const MODES: readonly Mode[] = ['cookie', 'sqlite', 'redis', 'flask-session'];

/** One figure of the table. */
export interface StoreMeasurement {
  readonly mode: Mode;
  readonly workers: number;
  readonly scenario: 'GET /stocks (10)' | 'POST /add_stock';
  readonly wrk: WrkResult;
}

export interface StoreBenchOptions {
  readonly workers: readonly number[];
  readonly durationSeconds: number;
  readonly warmUpSeconds: number;
}

/** A visitor made over HTTP: its Cookie header and an add-stock form with its CSRF token. */
interface Visitor {
  readonly cookie: string;
  readonly body: string;
}

async function makeVisitor(baseUrl: string, symbols: readonly string[]): Promise<Visitor> {
  const target = {
    request: (path: string, init?: RequestInit) => fetch(baseUrl + path, { ...init, redirect: 'manual' }),
  };
  const client = new Client(target, new CookieSessionStore({ secretKey: 'only-its-cookie-name-is-used' }));
  await client.get('/add_stock');
  for (const [symbol, shares, price] of TYPICAL_HOLDINGS) {
    const page = await client.postForm('/add_stock', {
      stock_symbol: symbol,
      number_of_shares: shares,
      purchase_price: price,
    });
    if (page.status !== 302) throw new Error(`${baseUrl}: adding ${symbol} gave ${page.status}`);
  }
  const list = await client.get('/stocks');
  const missing = symbols.filter((s) => !list.html.includes(`>${s}<`));
  if (list.status !== 200 || missing.length > 0) {
    throw new Error(`${baseUrl}: GET /stocks gave ${list.status}, missing ${missing.join(', ')}`);
  }
  const body = new URLSearchParams({
    csrf_token: client.csrfToken ?? '',
    stock_symbol: 'NFLX',
    number_of_shares: '7',
    purchase_price: '612.4',
  }).toString();
  return { cookie: client.cookieHeader ?? '', body };
}

async function wrk(
  url: string,
  method: 'GET' | 'POST',
  sessionsFile: string,
  durationSeconds: number,
): Promise<WrkResult> {
  const args = ['-t2', '-c50', `-d${durationSeconds}s`, '--latency', '-s', SESSIONS_SCRIPT, url];
  const run = startTracked('wrk', 'wrk', args, {
    env: { ...process.env, BENCH_METHOD: method, BENCH_SESSIONS: sessionsFile },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  const closed = new Promise<void>((resolve) => run.child.once('close', () => resolve()));
  run.child.stdout?.on('data', (chunk: Buffer) => (out += chunk.toString()));
  run.child.stderr?.on('data', (chunk: Buffer) => (out += chunk.toString()));
  const code = await run.exited;
  await closed;
  if (code !== 0) throw new Error(`wrk exited with ${code}:\n${out}`);
  return parseWrkReport(out);
}

/** Runs every mode and scenario for each worker count; returns the figures. */
export async function benchStores(options: StoreBenchOptions): Promise<StoreMeasurement[]> {
  const dir = mkdtempSync(join(tmpdir(), 'bench-stores-'));
  const redis = await startRedis();
  const secretKey = randomBytes(32).toString('hex');
  const symbols = TYPICAL_HOLDINGS.map(([s]) => s);
  const results: StoreMeasurement[] = [];
  try {
    for (const workers of options.workers) {
      for (const mode of MODES) {
        const name: ServerName = mode === 'flask-session' ? 'flask' : 'ours';
        const env: Record<string, string> =
          mode === 'flask-session'
            ? { SESSION_REDIS_URL: redis.url }
            : {
                SESSION_TYPE: mode,
                SESSION_SQLITE_PATH: join(dir, `w${workers}.sqlite3`),
                REDIS_URL: redis.url,
              };
        const server: Server = await startServer(name, {
          workers,
          secretKey,
          env,
          logPath: join(RESULTS_DIR, `stores-${mode}-w${workers}.log`),
        });
        try {
          const visitors: Visitor[] = [];
          for (let i = 0; i <= POST_SESSIONS; i++) visitors.push(await makeVisitor(server.baseUrl, symbols));
          const [reader, ...writers] = visitors;
          const getFile = join(dir, `${mode}-get.tsv`);
          const postFile = join(dir, `${mode}-post.tsv`);
          writeFileSync(getFile, `${reader?.cookie ?? ''}\t\n`);
          writeFileSync(postFile, writers.map((v) => `${v.cookie}\t${v.body}`).join('\n') + '\n');
          for (const [scenario, method, path, file] of [
            ['GET /stocks (10)', 'GET', '/stocks', getFile],
            ['POST /add_stock', 'POST', '/add_stock', postFile],
          ] as const) {
            await wrk(server.baseUrl + path, method, file, options.warmUpSeconds);
            const result = await wrk(server.baseUrl + path, method, file, options.durationSeconds);
            results.push({ mode, workers, scenario, wrk: result });
            const errors = errorsOf(result);
            console.log(
              `  [stores W${workers}] ${scenario.padEnd(17)} ${mode.padEnd(13)} ${result.requestsPerSecond.toFixed(0).padStart(6)} req/s  ` +
                `p50 ${result.latencyMs.p50.toFixed(2)} ms  p99 ${result.latencyMs.p99.toFixed(2)} ms${errors > 0 ? `  ERRORS ${errors}` : ''}`,
            );
          }
        } finally {
          await stopServer(server);
        }
      }
    }
  } finally {
    await stopAll([redis]);
    rmSync(dir, { recursive: true, force: true });
  }
  return results;
}

/** Answers that were not 2xx/3xx, and socket errors: a run with any is no measurement of the mode. */
function errorsOf(result: StoreMeasurement['wrk']): number {
  return result.non2xx3xx + Object.values(result.socketErrors).reduce((a, b) => a + b, 0);
}

/**
 * The figures as a markdown table, with the issue's targets as ratios. A run that had errors (say,
 * load shedding's 503 on a busy machine) counts as no figure (NaN), so no ratio is drawn from it.
 */
export function storesTable(results: readonly StoreMeasurement[]): string {
  const rps = (mode: Mode, workers: number, scenario: StoreMeasurement['scenario']) => {
    const run = results.find((r) => r.mode === mode && r.workers === workers && r.scenario === scenario);
    return run === undefined || errorsOf(run.wrk) > 0 ? NaN : run.wrk.requestsPerSecond;
  };
  const lines = [
    '| W | scenario | cookie | sqlite | redis | Flask-Session (redis) | sqlite/cookie | redis/cookie | redis/Flask-Session |',
    '| ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
  ];
  for (const workers of [...new Set(results.map((r) => r.workers))]) {
    for (const scenario of ['GET /stocks (10)', 'POST /add_stock'] as const) {
      const [c = NaN, s = NaN, r = NaN, f = NaN] = MODES.map((m) => rps(m, workers, scenario));
      lines.push(
        `| ${workers} | ${scenario} | ${c.toFixed(0)} | ${s.toFixed(0)} | ${r.toFixed(0)} | ${f.toFixed(0)} | ` +
          `${(s / c).toFixed(2)}× | ${(r / c).toFixed(2)}× | ${(r / f).toFixed(1)}× |`,
      );
    }
  }
  lines.push(
    '',
    'Targets: sqlite GET ≥ 0.8× cookie, redis GET ≥ 0.6× cookie, redis ≥ 6× Flask-Session on Redis.',
    'NaN: the run had non-2xx/3xx answers or socket errors (printed as ERRORS while it ran), so it is no figure.',
  );
  return lines.join('\n');
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      workers: { type: 'string', default: '1' },
      duration: { type: 'string', default: '10' },
      warmup: { type: 'string', default: '3' },
      'no-build': { type: 'boolean', default: false },
    },
  });
  if (!values['no-build']) {
    const build = startTracked('build', 'npm', ['run', 'build'], { cwd: ROOT, stdio: 'inherit' });
    if ((await build.exited) !== 0) throw new Error('The build failed.');
  }
  const results = await benchStores({
    workers: values.workers.split(',').map(Number),
    durationSeconds: Number(values.duration),
    warmUpSeconds: Number(values.warmup),
  });
  const table = storesTable(results);
  console.log(`\n${table}`);
  // Shared machines make these noisy: the load average says how quiet it was.
  const load = loadavg()
    .map((l) => l.toFixed(1))
    .join(' ');
  const header = `\`npm run bench:stores -- ${process.argv.slice(2).join(' ')}\` on ${cpus().length} cores, load average ${load} at the end.`;
  writeFileSync(
    join(RESULTS_DIR, 'stores.md'),
    `# Session stores (${new Date().toISOString().slice(0, 10)})\n\n${header}\n\n${table}\n`,
  );
  writeFileSync(join(RESULTS_DIR, 'stores.json'), JSON.stringify(results, null, 2) + '\n');
  console.log('Wrote bench/results/stores.md and stores.json');
}

// Run as a script (`npm run bench:stores`), not when run.ts imports it.
if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) await main();
