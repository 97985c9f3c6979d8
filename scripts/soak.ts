/**
 * Soak test (`npm run soak`): the built server under steady load from many visitors at once.
 *
 * Builds nothing: it runs `node dist/http/main.js` (run `npm run build` first) as a child process, in
 * production mode with a random key, on a free port of 127.0.0.1, and drives it with `--connections`
 * virtual visitors over keep-alive `node:http` connections for `--seconds`. Each visitor gets a
 * cookie and a CSRF token from GET /add_stock, then mixes GET /stocks and POST /add_stock, keeping
 * every cookie the server sends, and clears its portfolio every `--clear-every` additions.
 *
 * ```sh
 * npm run build && npm run soak                 # 60 s, 256 connections
 * npm run soak -- --seconds 15 --connections 64
 * ```
 *
 * Checks, each failing the run (exit 1): no response outside 2xx/3xx (a 422 "portfolio full" and a 503
 * with Retry-After, the server shedding load, are counted apart; a shed visitor waits as told), no
 * socket error, nothing on the server's stderr, resident memory (VmRSS of the
 * server process) at the end within `--max-rss-growth` of its value at 10 s, and a clean exit on
 * SIGTERM. Everything is bounded: a watchdog kills the server and exits 3 if the run overstays.
 * @module
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { freePort } from '../test/e2e/app-process.js';
import { numberOption, productionServerEnv } from './cli.js';

const ROOT = fileURLToPath(new URL('../', import.meta.url));
const HOST = '127.0.0.1';
/** Visitors start spread over this long, as real ones would, not all in the same millisecond. */
const RAMP_UP_MS = 1_000;
/** Responses slower than this are counted apart: a visitor would notice. */
const SLOW_MS = 5_000;
/** When the baseline resident memory is read, once the server is warm. */
const BASELINE_AT_SECONDS = 10;

interface SoakOptions {
  readonly seconds: number;
  readonly connections: number;
  readonly clearEvery: number;
  readonly maxRssGrowth: number;
  /** How long one request may take before it is abandoned and counted as a socket error. */
  readonly timeoutMs: number;
  readonly entry: string;
}

const USAGE = `Usage: npm run soak -- [--seconds 60] [--connections 256] [--clear-every 50] [--max-rss-growth 0.2]
                       [--timeout-seconds 30] [--entry dist/http/main.js]`;

function parseOptions(argv: string[]): SoakOptions {
  const { values } = parseArgs({
    args: argv,
    options: {
      seconds: { type: 'string', default: '60' },
      connections: { type: 'string', default: '256' },
      'clear-every': { type: 'string', default: '50' },
      'max-rss-growth': { type: 'string', default: '0.2' },
      'timeout-seconds': { type: 'string', default: '30' },
      entry: { type: 'string', default: 'dist/http/main.js' },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) {
    console.log(USAGE);
    process.exit(0);
  }
  const number = (name: string, text: string, min: number, max: number) =>
    numberOption(name, text, min, max, USAGE);
  return {
    seconds: number('seconds', values.seconds, 1, 3600),
    connections: Math.floor(number('connections', values.connections, 1, 4096)),
    clearEvery: Math.floor(number('clear-every', values['clear-every'], 1, 10_000)),
    maxRssGrowth: number('max-rss-growth', values['max-rss-growth'], 0, 10),
    timeoutMs: number('timeout-seconds', values['timeout-seconds'], 1, 600) * 1000,
    entry: path.resolve(ROOT, values.entry),
  };
}

/** The newest source file, to warn when dist/ is older than src/. */
function newestSourceMs(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const file = path.join(dir, entry.name);
    if (entry.isDirectory()) newest = Math.max(newest, newestSourceMs(file));
    else if (/\.tsx?$/.test(entry.name) && !/\.test\.tsx?$/.test(entry.name)) {
      newest = Math.max(newest, statSync(file).mtimeMs);
    }
  }
  return newest;
}

// V8's trace line for a full GC: `Mark-Compact 43.2 (62.6) -> 17.1 (62.6) MB, …`.
const FULL_GC = /Mark-Compact(?: \(reduce\))? [\d.]+ \([\d.]+\) -> ([\d.]+) \(/;

/** The server's resident memory in KiB, from /proc (Linux). */
function residentKib(pid: number): number | undefined {
  try {
    const match = /^VmRSS:\s+(\d+)\s+kB$/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match?.[1] === undefined ? undefined : Number(match[1]);
  } catch {
    return undefined;
  }
}

interface Server {
  readonly child: ChildProcess;
  readonly pid: number;
  readonly stderr: string[];
  accessLines: number;
  /** Live heap in MB after each full GC, with the time it was logged (from `--trace-gc`). */
  readonly liveHeapMb: { atMs: number; mb: number }[];
  readonly exited: Promise<number | null>;
}

/** Starts `node <entry>` and resolves once it says it is running. */
async function startServer(options: SoakOptions, port: number): Promise<Server> {
  // --trace-gc: the live heap after each full GC tells a leak from V8 merely growing its heap.
  const child = spawn(process.execPath, ['--trace-gc', options.entry], {
    cwd: ROOT,
    env: productionServerEnv(HOST, port),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const pid = child.pid;
  if (pid === undefined) throw new Error(`Could not start ${options.entry}`);
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const server: Server = { child, pid, stderr: [], accessLines: 0, liveHeapMb: [], exited };
  child.stderr.setEncoding('utf8').on('data', (text: string) => server.stderr.push(text));
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('The server did not start within 15 s')), 15_000);
    let pending = '';
    let started = false;
    child.stdout.setEncoding('utf8').on('data', (text: string) => {
      // Read to the end always: a full pipe would block the server.
      const lines = (pending + text).split('\n');
      pending = lines.pop() ?? '';
      for (const line of lines) {
        if (line.includes('" ')) server.accessLines++;
        const gc = FULL_GC.exec(line);
        if (gc?.[1] !== undefined) server.liveHeapMb.push({ atMs: Date.now(), mb: Number(gc[1]) });
        if (!started && line.includes('Running on')) {
          started = true;
          clearTimeout(timer);
          resolve();
        }
      }
    });
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`The server exited with ${code} before it started:\n${server.stderr.join('')}`));
    });
  });
  return server;
}

/** What the run saw. */
interface Stats {
  requests: number;
  byClass: Record<string, number>;
  byStatus: Map<number, number>;
  portfolioFull: number;
  /** 503s with Retry-After: the server shedding load, an answer rather than a failure. */
  shed: number;
  socketErrors: number;
  errorSamples: string[];
  unexpected: string[];
  latenciesMs: number[];
  adds: number;
  clears: number;
}

interface Reply {
  readonly status: number;
  readonly retryAfter: string | undefined;
  readonly setCookie: readonly string[];
  readonly body: string;
}

/** One HTTP request on the shared keep-alive agent. */
function send(
  timeoutMs: number,
  agent: http.Agent,
  port: number,
  method: 'GET' | 'POST',
  path: string,
  cookie: string,
  form?: URLSearchParams,
): Promise<Reply> {
  const body = form?.toString();
  const headers: Record<string, string> = { Cookie: cookie };
  if (body !== undefined) {
    headers['Content-Type'] = 'application/x-www-form-urlencoded';
    headers['Content-Length'] = String(Buffer.byteLength(body));
  }
  return new Promise((resolve, reject) => {
    const req = http.request({ agent, host: HOST, port, method, path, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () =>
        resolve({
          status: res.statusCode ?? 0,
          retryAfter: res.headers['retry-after'],
          setCookie: res.headers['set-cookie'] ?? [],
          body: Buffer.concat(chunks).toString('utf8'),
        }),
      );
      res.on('error', reject);
    });
    req.setTimeout(timeoutMs, () => req.destroy(new Error(`No answer within ${timeoutMs} ms`)));
    req.on('error', reject);
    req.end(body);
  });
}

const SYMBOLS = ['AAPL', 'MSFT', 'GOOG', 'AMZN', 'BRK.B', 'NVDA', 'TSLA', 'META', 'BF-B', 'V'];
const FULL_MESSAGE = 'Your portfolio is full';

/** One visitor: its own cookie and token, requests one at a time until the deadline. */
async function visitor(
  id: number,
  agent: http.Agent,
  port: number,
  deadline: number,
  options: SoakOptions,
  stats: Stats,
) {
  /** Every cookie the server set, by name: the session and the CSRF token's own cookie. */
  const jar = new Map<string, string>();
  let token = '';
  let addsSinceClear = 0;
  // xorshift32: exact in 32-bit integers (a float LCG loses its low bits and stops alternating).
  let state = (id + 1) * 0x9e3779b1 || 1;
  const random = (n: number) => {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    return (state >>> 0) % n;
  };

  const call = async (
    method: 'GET' | 'POST',
    path: string,
    form?: URLSearchParams,
  ): Promise<Reply | undefined> => {
    const started = performance.now();
    try {
      const cookie = [...jar].map(([name, value]) => `${name}=${value}`).join('; ');
      const reply = await send(options.timeoutMs, agent, port, method, path, cookie, form);
      stats.latenciesMs.push(performance.now() - started);
      stats.requests++;
      stats.byStatus.set(reply.status, (stats.byStatus.get(reply.status) ?? 0) + 1);
      const statusClass = `${Math.floor(reply.status / 100)}xx`;
      stats.byClass[statusClass] = (stats.byClass[statusClass] ?? 0) + 1;
      // Keep every cookie the server sends, as a browser would.
      for (const line of reply.setCookie) {
        const pair = line.slice(0, line.indexOf(';'));
        const eq = pair.indexOf('=');
        jar.set(pair.slice(0, eq), pair.slice(eq + 1));
      }
      if (reply.status === 503 && reply.retryAfter !== undefined) {
        // Shed: wait as told (within the run), then carry on as a visitor reloading would.
        stats.shed++;
        const waitMs = Math.min(Number(reply.retryAfter) * 1000, Math.max(0, deadline - Date.now()));
        await new Promise((resolve) => setTimeout(resolve, waitMs));
        return undefined;
      }
      return reply;
    } catch (error) {
      stats.socketErrors++;
      if (stats.errorSamples.length < 5) stats.errorSamples.push(`${method} ${path}: ${String(error)}`);
      return undefined;
    }
  };

  const expectStatus = (reply: Reply | undefined, status: number, what: string) => {
    if (reply !== undefined && reply.status !== status && stats.unexpected.length < 10) {
      stats.unexpected.push(`${what}: ${reply.status} ${reply.body.slice(0, 200).replace(/\s+/g, ' ')}`);
    }
  };

  // Visitors arrive over the first second rather than in one burst of connects.
  await new Promise((resolve) => setTimeout(resolve, (id / options.connections) * RAMP_UP_MS));
  while (Date.now() < deadline) {
    if (token === '') {
      const page = await call('GET', '/add_stock');
      expectStatus(page, 200, 'GET /add_stock');
      token = /name="csrf_token" value="([^"]+)"/.exec(page?.body ?? '')?.[1] ?? '';
      if (token === '') continue;
    }
    if (addsSinceClear >= options.clearEvery) {
      const cleared = await call(
        'POST',
        '/stocks/clear',
        new URLSearchParams({ csrf_token: token, confirm: 'yes' }),
      );
      expectStatus(cleared, 302, 'POST /stocks/clear');
      if (cleared?.status === 302) {
        stats.clears++;
        addsSinceClear = 0;
      }
      continue;
    }
    if (random(2) === 0) {
      expectStatus(await call('GET', '/stocks'), 200, 'GET /stocks');
      continue;
    }
    const form = new URLSearchParams({
      csrf_token: token,
      stock_symbol: SYMBOLS[random(SYMBOLS.length)] ?? 'AAPL',
      number_of_shares: String(1 + random(5000)),
      purchase_price: `${1 + random(2000)}.${String(random(100)).padStart(2, '0')}`,
    });
    const added = await call('POST', '/add_stock', form);
    if (added?.status === 422 && added.body.includes(FULL_MESSAGE)) {
      // Counted apart, then cleared on the next turn.
      stats.portfolioFull++;
      addsSinceClear = options.clearEvery;
    } else {
      expectStatus(added, 302, 'POST /add_stock');
      if (added?.status === 302) {
        stats.adds++;
        addsSinceClear++;
      }
    }
  }
}

function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;
}

const formatCount = (n: number) => n.toLocaleString('en-US');
const mib = (kib: number | undefined) => (kib === undefined ? '?' : `${(kib / 1024).toFixed(1)} MiB`);

async function main(): Promise<void> {
  const options = parseOptions(process.argv.slice(2));
  if (!existsSync(options.entry)) {
    console.error(`${options.entry} does not exist. Run \`npm run build\` first.`);
    process.exit(2);
  }
  if (newestSourceMs(path.join(ROOT, 'src')) > statSync(options.entry).mtimeMs) {
    console.warn('Warning: src/ has changed since the last build; this run tests the older dist/.');
  }

  const port = await freePort(HOST);
  const server = await startServer(options, port);
  // The watchdog: whatever happens, this process and its server are gone soon after the deadline.
  const watchdog = setTimeout(
    () => {
      console.error('Watchdog: the run overstayed; killing the server.');
      server.child.kill('SIGKILL');
      process.exit(3);
    },
    options.seconds * 1000 + options.timeoutMs + 60_000,
  );

  console.log(
    `Soaking ${path.relative(ROOT, options.entry)} (pid ${server.pid}) on http://${HOST}:${port} ` +
      `for ${options.seconds} s with ${options.connections} connections`,
  );
  const agent = new http.Agent({ keepAlive: true, maxSockets: options.connections });
  const stats: Stats = {
    requests: 0,
    byClass: {},
    byStatus: new Map(),
    portfolioFull: 0,
    shed: 0,
    socketErrors: 0,
    errorSamples: [],
    unexpected: [],
    latenciesMs: [],
    adds: 0,
    clears: 0,
  };

  const started = Date.now();
  const deadline = started + options.seconds * 1000;
  // Baseline at 10 s, or at half time for a run shorter than 20 s.
  const baselineAtMs =
    (options.seconds >= 2 * BASELINE_AT_SECONDS ? BASELINE_AT_SECONDS : options.seconds / 2) * 1000;
  const rssStart = residentKib(server.pid);
  let rssBaseline: number | undefined;
  let rssPeak = rssStart ?? 0;
  let lastRequests = 0;
  const sampler = setInterval(() => {
    const kib = residentKib(server.pid);
    if (kib !== undefined) rssPeak = Math.max(rssPeak, kib);
    const elapsedMs = Date.now() - started;
    if (rssBaseline === undefined && elapsedMs >= baselineAtMs) rssBaseline = kib;
    if (Math.round(elapsedMs / 1000) % 5 === 0) {
      console.log(
        `  ${(elapsedMs / 1000).toFixed(0).padStart(3)} s: ${formatCount(stats.requests)} requests ` +
          `(${formatCount(Math.round((stats.requests - lastRequests) / 5))}/s lately), RSS ${mib(kib)}`,
      );
      lastRequests = stats.requests;
    }
  }, 1000);

  await Promise.all(
    Array.from({ length: options.connections }, (_, id) =>
      visitor(id, agent, port, deadline, options, stats),
    ),
  );
  const elapsedSeconds = (Date.now() - started) / 1000;
  clearInterval(sampler);
  const rssEnd = residentKib(server.pid);
  agent.destroy();

  server.child.kill('SIGTERM');
  const exitCode = await Promise.race([
    server.exited,
    new Promise<'timeout'>((resolve) => setTimeout(() => resolve('timeout'), 15_000)),
  ]);
  if (exitCode === 'timeout') server.child.kill('SIGKILL');
  clearTimeout(watchdog);

  const sorted = stats.latenciesMs.sort((a, b) => a - b);
  const unexpectedCount =
    [...stats.byStatus].filter(([status]) => status < 200 || status >= 400).reduce((n, [, c]) => n + c, 0) -
    stats.portfolioFull -
    stats.shed;
  const growth = rssBaseline !== undefined && rssEnd !== undefined ? rssEnd / rssBaseline - 1 : undefined;
  const statuses = [...stats.byStatus].sort(([a], [b]) => a - b).map(([s, c]) => `${s}: ${formatCount(c)}`);

  console.log(
    `\nRequests:        ${formatCount(stats.requests)} in ${elapsedSeconds.toFixed(1)} s = ${formatCount(Math.round(stats.requests / elapsedSeconds))} requests/s`,
  );
  console.log(
    `By class:        ${Object.entries(stats.byClass)
      .sort()
      .map(([k, v]) => `${k} ${formatCount(v)}`)
      .join(', ')}`,
  );
  console.log(`By status:       ${statuses.join(', ')}`);
  console.log(
    `Holdings added:  ${formatCount(stats.adds)}, portfolios cleared: ${formatCount(stats.clears)}, "portfolio full" 422s: ${formatCount(stats.portfolioFull)}`,
  );
  console.log(
    `Shed:            ${formatCount(stats.shed)} × 503 with Retry-After (the visitor waited as told, then went on)`,
  );
  const slow = sorted.filter((ms) => ms > SLOW_MS).length;
  console.log(
    `Latency:         p50 ${percentile(sorted, 50).toFixed(1)} ms, p99 ${percentile(sorted, 99).toFixed(1)} ms, ` +
      `p99.9 ${percentile(sorted, 99.9).toFixed(1)} ms, max ${percentile(sorted, 100).toFixed(1)} ms, ` +
      `${formatCount(slow)} over ${SLOW_MS / 1000} s`,
  );
  console.log(
    `Socket errors:   ${stats.socketErrors}${stats.errorSamples.length > 0 ? ` (${stats.errorSamples.join('; ')})` : ''}`,
  );
  console.log(
    `Server RSS:      start ${mib(rssStart)}, at ${(baselineAtMs / 1000).toFixed(0)} s ${mib(rssBaseline)}, ` +
      `end ${mib(rssEnd)}, peak ${mib(rssPeak)}, growth since ${(baselineAtMs / 1000).toFixed(0)} s ${growth === undefined ? '?' : `${(growth * 100).toFixed(1)}%`}`,
  );
  const liveAfterBaseline = server.liveHeapMb
    .filter(({ atMs }) => atMs - started >= baselineAtMs)
    .map(({ mb }) => mb);
  console.log(
    liveAfterBaseline.length === 0
      ? 'Live heap:       no full GC after the baseline (nothing to compare)'
      : `Live heap:       after each of ${liveAfterBaseline.length} full GCs since ${(baselineAtMs / 1000).toFixed(0)} s: ` +
          `first ${liveAfterBaseline[0]?.toFixed(1)} MB, min ${Math.min(...liveAfterBaseline).toFixed(1)} MB, ` +
          `max ${Math.max(...liveAfterBaseline).toFixed(1)} MB, last ${liveAfterBaseline.at(-1)?.toFixed(1)} MB`,
  );
  console.log(
    `Server log:      ${formatCount(server.accessLines)} access lines, exit code ${String(exitCode)} after SIGTERM`,
  );

  const checks: [string, boolean][] = [
    ['requests were made', stats.requests > 0],
    [
      'every response 2xx/3xx (422 "portfolio full" and 503 load shedding excepted)',
      unexpectedCount === 0 && stats.unexpected.length === 0,
    ],
    ['no socket errors', stats.socketErrors === 0],
    [
      `RSS growth under ${options.maxRssGrowth * 100}%`,
      growth !== undefined && growth < options.maxRssGrowth,
    ],
    ['nothing on the server’s stderr', server.stderr.join('').trim() === ''],
    ['the server exits 0 on SIGTERM', exitCode === 0],
  ];
  console.log('');
  for (const [name, ok] of checks) console.log(`${ok ? 'PASS' : 'FAIL'}  ${name}`);
  if (stats.unexpected.length > 0)
    console.log(
      `\nUnexpected responses (first ${stats.unexpected.length}):\n  ${stats.unexpected.join('\n  ')}`,
    );
  if (server.stderr.length > 0) console.log(`\nServer stderr:\n${server.stderr.join('').slice(0, 2000)}`);
  process.exitCode = checks.every(([, ok]) => ok) ? 0 : 1;
}

await main();
