/**
 * `npm run bench`: the app against the Flask original and against the Node limit.
 *
 * Builds the app, runs the session micro-benchmark, then for each worker count starts the three
 * servers on 127.0.0.1 with one secret key, checks that each answers every scenario correctly, and
 * loads them in turn (ours, flask, limit, ours, …) with `wrk -t2 -c50 --latency` after a warm-up,
 * sampling each server's RSS from /proc. Prints one markdown table of medians and writes
 * `bench/results/latest.json` and `latest.md` (`quick.*` with `--quick`).
 *
 * Options: `--quick` (1 round of 3 s runs, WORKERS=1 only: a smoke check of about 1.5 minutes),
 * `--workers 1,2`, `--rounds N`, `--duration S`, `--warmup S`, `--no-build`, `--no-session`.
 * Every server and load generator is stopped at the end, on error, and on SIGINT/SIGTERM.
 * @module
 */
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { watchCpu, waitForQuiet } from './cpu.js';
import { startTracked } from './processes.js';
import { judge, markdownTable, markdownVerdicts, summarize, type Measurement } from './report.js';
import { checkAnswer, makeScenarios, pageTotal, send, type Scenario, type ScenarioId } from './scenarios.js';
import {
  RESULTS_DIR,
  ROOT,
  SERVER_NAMES,
  SYSTEM_PYTHON,
  logTail,
  processTree,
  sampleMemory,
  startServer,
  stopServer,
  type Server,
  type ServerName,
} from './servers.js';
import { formatSessionBench, type SessionBenchResult } from './session.js';
import { benchStores, storesTable } from './stores.js';
import { runWrk } from './wrk.js';

const WRK_THREADS = 2;
const WRK_CONNECTIONS = 50;
/** Other work on the machine (in cores) above which a run counts as disturbed and is repeated once. */
const NOISY_OTHER_CORES = 0.35;
/** Repeats allowed in the whole benchmark, so a machine that is never quiet cannot stretch it forever. */
const REPEAT_BUDGET = 6;
let repeatsLeft = REPEAT_BUDGET;

interface Options {
  readonly quick: boolean;
  readonly workers: readonly number[];
  readonly rounds: number;
  readonly durationSeconds: number;
  readonly warmUpSeconds: number;
  readonly build: boolean;
  readonly session: boolean;
  readonly stores: boolean;
}

function positive(text: string, flag: string): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1) throw new Error(`${flag} must be a positive whole number, not ${text}`);
  return n;
}

function readOptions(): Options {
  const { values } = parseArgs({
    options: {
      quick: { type: 'boolean', default: false },
      workers: { type: 'string' },
      rounds: { type: 'string' },
      duration: { type: 'string' },
      warmup: { type: 'string' },
      'no-build': { type: 'boolean', default: false },
      'no-session': { type: 'boolean', default: false },
      'no-stores': { type: 'boolean', default: false },
    },
  });
  const quick = values.quick;
  return {
    quick,
    workers: (values.workers ?? (quick ? '1' : '1,2')).split(',').map((w) => positive(w, '--workers')),
    rounds: positive(values.rounds ?? (quick ? '1' : '2'), '--rounds'),
    durationSeconds: positive(values.duration ?? (quick ? '3' : '10'), '--duration'),
    warmUpSeconds: positive(values.warmup ?? (quick ? '1' : '3'), '--warmup'),
    build: !values['no-build'],
    session: !values['no-session'],
    stores: !values['no-stores'],
  };
}

/** Fails early, with the fix, when wrk, Flask or gunicorn is missing. */
function checkTools(): void {
  const missing: string[] = [];
  if (spawnSync('wrk', ['--version']).error !== undefined) missing.push('wrk');
  if (spawnSync(SYSTEM_PYTHON, ['-c', 'import flask, gunicorn']).status !== 0)
    missing.push('python3-flask, gunicorn');
  if (spawnSync(SYSTEM_PYTHON, ['-c', 'import flask_session, redis']).status !== 0)
    missing.push('python3-flask-session, python3-redis');
  if (spawnSync('redis-server', ['--version']).error !== undefined) missing.push('redis-server');
  if (missing.length > 0) {
    throw new Error(
      `Missing ${missing.join(', ')}. Install them with: bash scripts/ensure-system-deps.sh --bench`,
    );
  }
}

/** The commit measured, and whether src/ differs from it (read-only git commands). */
function sourceRevision(): string {
  const head = spawnSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: ROOT, encoding: 'utf8' });
  const status = spawnSync('git', ['status', '--porcelain', '--', 'src'], { cwd: ROOT, encoding: 'utf8' });
  if (head.status !== 0) return 'unknown';
  return `${head.stdout.trim()}${status.stdout.trim() === '' ? '' : ' + uncommitted changes in src/'}`;
}

/** Runs a command to completion with its output shown; throws on failure. */
async function runStep(name: string, command: string, args: readonly string[]): Promise<void> {
  const step = startTracked(name, command, args, { cwd: ROOT, stdio: 'inherit' });
  const code = await step.exited;
  if (code !== 0) throw new Error(`${name} failed (${code})`);
}

type PageBytes = Partial<Record<ScenarioId, Partial<Record<ServerName, number>>>>;

/** Sends every scenario to every server once and refuses to go on unless all answers are right. */
async function verify(
  servers: readonly Server[],
  scenarios: readonly Scenario[],
  secretKey: string,
): Promise<PageBytes> {
  const problems: string[] = [];
  const pageBytes: PageBytes = {};
  for (const scenario of scenarios) {
    const totals = new Map<ServerName, string | undefined>();
    for (const server of servers) {
      const answer = await send(server.baseUrl, scenario);
      for (const problem of checkAnswer(scenario, answer, secretKey)) {
        problems.push(`${server.name} ${scenario.title}: ${problem}`);
      }
      pageBytes[scenario.id] = { ...pageBytes[scenario.id], [server.name]: answer.bodyBytes };
      totals.set(server.name, pageTotal(answer.body));
    }
    // The app and Flask both use exact decimals: their totals must agree to the cent.
    if (scenario.id.startsWith('stocks') && totals.get('ours') !== totals.get('flask')) {
      problems.push(
        `${scenario.title}: total ${totals.get('ours') ?? '?'} (ours) ≠ ${totals.get('flask') ?? '?'} (flask)`,
      );
    }
  }
  if (problems.length > 0) {
    const logs = servers.map((s) => `--- ${s.logPath}\n${logTail(s.logPath, 8)}`).join('\n');
    throw new Error(
      `Servers gave wrong answers; not measuring error pages:\n  ${problems.join('\n  ')}\n${logs}`,
    );
  }
  return pageBytes;
}

async function measure(
  server: Server,
  scenario: Scenario,
  workers: number,
  round: number,
  options: Options,
): Promise<Measurement> {
  const load = {
    url: new URL(scenario.path, server.baseUrl).href,
    threads: WRK_THREADS,
    connections: WRK_CONNECTIONS,
    method: scenario.method,
    cookie: scenario.cookie,
    ...(scenario.body === undefined ? {} : { body: scenario.body }),
  };
  for (let attempt = 1; ; attempt++) {
    // Start from a quiet machine when it can be had within a few seconds.
    await waitForQuiet(NOISY_OTHER_CORES, 3_000);
    await runWrk({ ...load, durationSeconds: options.warmUpSeconds });
    const memory = sampleMemory(server.process.pid);
    const cpu = watchCpu(processTree(server.process.pid));
    const wrk = await runWrk({ ...load, durationSeconds: options.durationSeconds });
    const measurement: Measurement = {
      workers,
      scenario: scenario.id,
      server: server.name,
      round,
      attempt,
      wrk,
      memory: memory.stop(),
      cpu: cpu.stop(),
    };
    if (measurement.cpu.otherCores <= NOISY_OTHER_CORES || attempt > 1 || repeatsLeft === 0)
      return measurement;
    repeatsLeft--;
    console.log(
      `  (other work took ${measurement.cpu.otherCores} cores during ${scenario.id} on ${server.name}: repeating)`,
    );
  }
}

async function benchWorkers(
  workers: number,
  scenarios: readonly Scenario[],
  secretKey: string,
  options: Options,
  measurements: Measurement[],
): Promise<PageBytes> {
  const servers: Server[] = [];
  try {
    for (const name of SERVER_NAMES) servers.push(await startServer(name, { workers, secretKey }));
    const pageBytes = await verify(servers, scenarios, secretKey);
    console.log(`WORKERS=${workers}: all servers answer every scenario correctly; loading.`);
    for (let round = 1; round <= options.rounds; round++) {
      for (const scenario of scenarios) {
        for (const server of servers) {
          const m = await measure(server, scenario, workers, round, options);
          measurements.push(m);
          const errors = m.wrk.non2xx3xx + Object.values(m.wrk.socketErrors).reduce((a, b) => a + b, 0);
          console.log(
            `  [W${workers} round ${round}/${options.rounds}] ${scenario.id.padEnd(12)} ${server.name.padEnd(5)} ` +
              `${m.wrk.requestsPerSecond.toFixed(0).padStart(6)} req/s  p50 ${m.wrk.latencyMs.p50.toFixed(2)} ms  ` +
              `p99 ${m.wrk.latencyMs.p99.toFixed(2)} ms  RSS ${m.memory.totalMiB} MiB  ` +
              `CPU server ${m.cpu.serverCores} / other ${m.cpu.otherCores} cores${errors > 0 ? `  ERRORS ${errors}` : ''}`,
          );
        }
      }
    }
    return pageBytes;
  } finally {
    await Promise.all(servers.map((server) => stopServer(server)));
  }
}

function pageBytesTable(pageBytes: PageBytes): string {
  const lines = ['| scenario | ours | flask | limit |', '| --- | ---: | ---: | ---: |'];
  for (const [id, sizes] of Object.entries(pageBytes)) {
    lines.push(`| ${id} | ${sizes.ours ?? '-'} | ${sizes.flask ?? '-'} | ${sizes.limit ?? '-'} |`);
  }
  return lines.join('\n');
}

async function main(): Promise<void> {
  const options = readOptions();
  checkTools();
  mkdirSync(RESULTS_DIR, { recursive: true });
  const started = Date.now();
  const runs = options.workers.length * options.rounds * 4 * SERVER_NAMES.length;
  console.log(
    `Benchmark: WORKERS ${options.workers.join(' and ')}, ${options.rounds} round(s), ${runs} runs of ` +
      `${options.warmUpSeconds} s warm-up + ${options.durationSeconds} s (about ${Math.ceil((runs * (options.warmUpSeconds + options.durationSeconds + 0.5)) / 60)} min of load).`,
  );

  const revision = sourceRevision();
  if (options.build) {
    console.log(`Building the app at ${revision} (tsc -p tsconfig.build.json)…`);
    await runStep('build', 'npx', ['tsc', '-p', 'tsconfig.build.json']);
  }
  const sessionJson = join(RESULTS_DIR, options.quick ? 'session-quick.json' : 'session.json');
  let session: SessionBenchResult | undefined;
  if (options.session) {
    console.log('Session micro-benchmark…');
    await runStep('session bench', process.execPath, [
      '--import',
      'tsx',
      join(ROOT, 'bench', 'session.ts'),
      '--json',
      sessionJson,
      ...(options.quick ? ['--quick'] : []),
    ]);
    session = JSON.parse(readFileSync(sessionJson, 'utf8')) as SessionBenchResult;
  }

  const secretKey = randomBytes(32).toString('hex');
  const scenarios = makeScenarios(secretKey);
  const measurements: Measurement[] = [];
  let pageBytes: PageBytes = {};
  for (const workers of options.workers) {
    const bytes = await benchWorkers(workers, scenarios, secretKey, options, measurements);
    if (Object.keys(pageBytes).length === 0) pageBytes = bytes;
  }

  // Server-side session stores (bench/stores.ts): cookie, sqlite, redis and Flask-Session on Redis.
  const stores = options.stores
    ? await benchStores({
        workers: options.workers,
        durationSeconds: options.durationSeconds,
        warmUpSeconds: options.warmUpSeconds,
      })
    : [];

  const summaries = summarize(measurements);
  const verdicts = judge(summaries);
  const table = markdownTable(summaries);
  const command = options.quick ? 'npm run bench -- --quick' : 'npm run bench';
  const machine = `${cpus().length} × ${cpus()[0]?.model ?? 'CPU'}, Node ${process.version}`;
  const minutes = ((Date.now() - started) / 60_000).toFixed(1);
  console.log(`\n${table}\n\nTargets:\n${markdownVerdicts(verdicts)}\n\nDone in ${minutes} min.`);

  const name = options.quick ? 'quick' : 'latest';
  const result = {
    date: new Date().toISOString(),
    command,
    revision,
    machine,
    options,
    load: { tool: 'wrk', threads: WRK_THREADS, connections: WRK_CONNECTIONS },
    pageBytes,
    summaries,
    verdicts,
    session: session ?? null,
    measurements,
    stores,
  };
  writeFileSync(join(RESULTS_DIR, `${name}.json`), JSON.stringify(result, null, 2) + '\n');
  const markdown = [
    `# Benchmark results (${result.date.slice(0, 10)})`,
    '',
    `\`${command}\` at ${revision} on ${machine}; wrk -t${WRK_THREADS} -c${WRK_CONNECTIONS}, ${options.warmUpSeconds} s warm-up + ` +
      `${options.durationSeconds} s per run, ${options.rounds} round(s), medians. W = worker processes per server. ${minutes} min.`,
    '',
    table,
    '',
    '## Targets',
    '',
    markdownVerdicts(verdicts),
    '',
    '## Response body bytes',
    '',
    pageBytesTable(pageBytes),
    ...(session === undefined ? [] : ['', '## Session codec', '', formatSessionBench(session)]),
    ...(stores.length === 0 ? [] : ['', '## Session stores', '', storesTable(stores)]),
    '',
  ].join('\n');
  writeFileSync(join(RESULTS_DIR, `${name}.md`), markdown);
  console.log(`Wrote bench/results/${name}.json and bench/results/${name}.md`);
}

await main();
