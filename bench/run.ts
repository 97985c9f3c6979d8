/**
 * `npm run bench`: the app against the Flask original, the Node limit and two peers (Express +
 * cookie-session, Fastify + @fastify/secure-session).
 *
 * Builds the app, runs the session micro-benchmark, then for each worker count starts the five
 * servers on 127.0.0.1 with one secret key, checks that each answers every scenario correctly, and
 * loads them in turn (ours, flask, limit, express, fastify, ours, …) with `wrk -t2 -c50 --latency`
 * after a warm-up, sampling each server's RSS and CPU from /proc. Then, open loop, each server at
 * 25 %, 50 % and 75 % of its own measured peak (`open-loop.ts`). Prints the comparison table and the
 * open-loop table and writes `bench/results/latest.json` and `latest.md` (`quick.*` with `--quick`).
 *
 * Options: `--quick` (1 round of 3 s runs, WORKERS=1, open loop on the many-visitors scenario only:
 * under 6 minutes), `--workers 1,2`, `--rounds N`, `--duration S`, `--warmup S`, `--visitors N`,
 * `--scenarios a,b`, `--servers a,b`, `--ours-node-args "--flag …"`, `--no-open-loop`, `--no-build`, `--no-session`.
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
import { runOpenLoop, validRun } from './open-loop.js';
import { startTracked } from './processes.js';
import {
  compare,
  comparisonTable,
  cpuTable,
  judge,
  markdownTable,
  markdownVerdicts,
  openLoopTable,
  summarize,
  type Measurement,
  type OpenLoopMeasurement,
} from './report.js';
import {
  checkAnswer,
  makeCodecs,
  makeScenarios,
  pageTotal,
  send,
  type Codecs,
  type Scenario,
  type ScenarioId,
} from './scenarios.js';
import {
  RESULTS_DIR,
  ROOT,
  SERVER_NAMES,
  SYSTEM_PYTHON,
  cookieFormatOf,
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
import { runWrk, writeVisitorsFile } from './wrk.js';

const WRK_THREADS = 2;
const WRK_CONNECTIONS = 50;
/** Open loop: connections the client may open (a queue forms beyond them, its clock running). */
const OPEN_LOOP_CONNECTIONS = 32;
/** Shares of each server's own closed-loop peak at which the open-loop runs go. */
const LOAD_SHARES = [0.25, 0.5, 0.75] as const;
/** Other work on the machine (in cores) above which a run counts as disturbed and is repeated once. */
const NOISY_OTHER_CORES = 0.35;
/** Repeats allowed in the whole benchmark, so a machine that is never quiet cannot stretch it forever. */
const REPEAT_BUDGET = 6;
let repeatsLeft = REPEAT_BUDGET;

/** Printed with every result: the figures are only as good as the machine was quiet. */
const NOISE_NOTE =
  'Provisional: measured on a shared machine (2 cores, several engineers at work); see "other load" per run. ' +
  'Compare servers within this run only.';

interface Options {
  readonly quick: boolean;
  readonly workers: readonly number[];
  readonly rounds: number;
  readonly durationSeconds: number;
  readonly warmUpSeconds: number;
  readonly build: boolean;
  readonly session: boolean;
  readonly openLoop: boolean;
  /** Visitors in the many-visitors scenarios. */
  readonly visitors: number;
  /** Scenarios loaded closed loop (all by default). */
  readonly scenarios: readonly ScenarioId[] | undefined;
  /** Scenarios also run open loop. */
  readonly openLoopScenarios: readonly ScenarioId[];
  /** Longest wait for a quiet machine before each run. */
  readonly quietWaitMs: number;
  /** Servers to start (all by default; fewer for a focused before/after comparison). */
  readonly servers: readonly ServerName[];
  /** Extra `node` flags for ours, e.g. `--max-old-space-size=96` (heap-cap measurements). */
  readonly oursNodeArgs: readonly string[];
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
      visitors: { type: 'string' },
      scenarios: { type: 'string' },
      servers: { type: 'string' },
      'ours-node-args': { type: 'string' },
      'no-build': { type: 'boolean', default: false },
      'no-session': { type: 'boolean', default: false },
      'no-open-loop': { type: 'boolean', default: false },
      'no-stores': { type: 'boolean', default: false },
    },
  });
  const quick = values.quick;
  const scenarios = values.scenarios?.split(',') as ScenarioId[] | undefined;
  return {
    quick,
    workers: (values.workers ?? (quick ? '1' : '1,2')).split(',').map((w) => positive(w, '--workers')),
    rounds: positive(values.rounds ?? (quick ? '1' : '2'), '--rounds'),
    durationSeconds: positive(values.duration ?? (quick ? '3' : '10'), '--duration'),
    warmUpSeconds: positive(values.warmup ?? (quick ? '1' : '3'), '--warmup'),
    build: !values['no-build'],
    session: !values['no-session'],
    openLoop: !values['no-open-loop'],
    visitors: positive(values.visitors ?? '1000', '--visitors'),
    scenarios,
    openLoopScenarios: (quick ? ['manyVisitors'] : ['stocks10', 'manyVisitors']).filter(
      (id) => scenarios === undefined || scenarios.includes(id as ScenarioId),
    ) as ScenarioId[],
    quietWaitMs: quick ? 1_000 : 3_000,
    servers: (values.servers?.split(',') as ServerName[] | undefined) ?? SERVER_NAMES,
    oursNodeArgs: values['ours-node-args']?.split(' ').filter((a) => a !== '') ?? [],
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

/** Largest difference in page size from ours that a fair comparison allows. */
const MAX_PAGE_SIZE_DIFFERENCE = 0.02;

/** Visitors checked per scenario: all of a one-visitor scenario, a sample of the many. */
const CHECKED_VISITORS = 3;

/** Sends every scenario to every server and refuses to go on unless all answers are right. */
async function verify(
  servers: readonly Server[],
  scenarios: readonly Scenario[],
  codecs: Codecs,
): Promise<PageBytes> {
  const problems: string[] = [];
  const pageBytes: PageBytes = {};
  for (const scenario of scenarios) {
    const step = Math.max(1, Math.floor(scenario.visitors.length / CHECKED_VISITORS));
    for (let v = 0; v < scenario.visitors.length; v += step) {
      const visitor = scenario.visitors[v];
      if (visitor === undefined) break;
      const totals = new Map<ServerName, string | undefined>();
      for (const server of servers) {
        const format = cookieFormatOf(server.name);
        const answer = await send(server.baseUrl, scenario, visitor, format);
        for (const problem of checkAnswer(scenario, visitor, answer, format, codecs)) {
          problems.push(`${server.name} ${scenario.title} (visitor ${v}): ${problem}`);
        }
        if (v === 0) pageBytes[scenario.id] = { ...pageBytes[scenario.id], [server.name]: answer.bodyBytes };
        totals.set(server.name, pageTotal(answer.body));
      }
      // Equal work on the wire: every server sends the app's markup (within 2 %), or the ratios mislead.
      const sizes = pageBytes[scenario.id] ?? {};
      const oursBytes = sizes.ours;
      if (v === 0 && scenario.method === 'GET' && oursBytes !== undefined) {
        for (const [name, bytes] of Object.entries(sizes)) {
          if (Math.abs(bytes - oursBytes) > oursBytes * MAX_PAGE_SIZE_DIFFERENCE)
            problems.push(`${scenario.title}: ${name} sends ${bytes} bytes where ours sends ${oursBytes}`);
        }
      }
      // Every server computes the total (ours, Flask and the peers with exact decimals): they must agree.
      if (scenario.method === 'GET' && scenario.path === '/stocks') {
        const oursTotal = totals.get('ours');
        for (const [name, total] of totals) {
          if (name !== 'limit' && total !== oursTotal)
            problems.push(
              `${scenario.title} (visitor ${v}): total ${oursTotal ?? '?'} (ours) ≠ ${total ?? '?'} (${name})`,
            );
        }
      }
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

/** The variable part of a scenario's requests for one server: its visitors' cookies (and bodies). */
function visitorsFor(scenario: Scenario, server: Server) {
  const format = cookieFormatOf(server.name);
  return scenario.visitors.map((v) => ({ cookie: v.cookies[format], body: v.body }));
}

/** One file per scenario and server, written once: wrk and the open-loop client read the same one. */
const visitorFiles = new Map<string, string>();
function visitorsFileFor(scenario: Scenario, server: Server): string {
  const key = `${scenario.id}|${cookieFormatOf(server.name)}`;
  let file = visitorFiles.get(key);
  if (file === undefined) {
    file = writeVisitorsFile(visitorsFor(scenario, server));
    visitorFiles.set(key, file);
  }
  return file;
}

async function measure(
  server: Server,
  scenario: Scenario,
  workers: number,
  round: number,
  options: Options,
): Promise<Measurement> {
  const [only] = scenario.visitors;
  const load = {
    url: new URL(scenario.path, server.baseUrl).href,
    threads: WRK_THREADS,
    connections: WRK_CONNECTIONS,
    method: scenario.method,
    // One visitor: wrk sends one prebuilt request (no per-request Lua); many: rotate.lua.
    ...(scenario.visitors.length === 1 && only !== undefined
      ? {
          cookie: only.cookies[cookieFormatOf(server.name)],
          ...(only.body === undefined ? {} : { body: only.body }),
        }
      : { visitorsFile: visitorsFileFor(scenario, server) }),
  };
  for (let attempt = 1; ; attempt++) {
    // Start from a quiet machine when it can be had within a few seconds.
    await waitForQuiet(NOISY_OTHER_CORES, options.quietWaitMs);
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

/** Each server, open loop, at shares of its own closed-loop peak on the scenario. */
async function openLoopRuns(
  workers: number,
  servers: readonly Server[],
  scenarios: readonly Scenario[],
  peaks: ReadonlyMap<string, number>,
  options: Options,
  openLoop: OpenLoopMeasurement[],
): Promise<void> {
  for (const scenario of scenarios.filter((s) => options.openLoopScenarios.includes(s.id))) {
    for (const loadShare of LOAD_SHARES) {
      for (const server of servers) {
        const peak = peaks.get(`${scenario.id}|${server.name}`);
        if (peak === undefined || !(peak > 0)) continue;
        await waitForQuiet(NOISY_OTHER_CORES, options.quietWaitMs);
        const url = new URL(server.baseUrl);
        const cpu = watchCpu(processTree(server.process.pid));
        const result = await runOpenLoop({
          host: url.hostname,
          port: Number(url.port),
          method: scenario.method,
          path: scenario.path,
          visitorsFile: visitorsFileFor(scenario, server),
          ratePerSecond: Math.max(1, Math.round(peak * loadShare)),
          connections: OPEN_LOOP_CONNECTIONS,
          durationSeconds: options.durationSeconds,
          warmUpSeconds: options.warmUpSeconds,
        });
        const m: OpenLoopMeasurement = {
          workers,
          scenario: scenario.id,
          server: server.name,
          peakRequestsPerSecond: peak,
          loadShare,
          result,
          valid: validRun(result),
          cpu: cpu.stop(),
        };
        openLoop.push(m);
        console.log(
          `  [W${workers} open loop] ${scenario.id.padEnd(16)} ${server.name.padEnd(7)} ${String(loadShare * 100).padStart(2)} % ` +
            `${result.targetRate.toFixed(0).padStart(6)} → ${result.achievedRate.toFixed(0).padStart(6)} req/s  ` +
            `p50 ${result.latencyMs.p50.toFixed(2)} ms  p99 ${result.latencyMs.p99.toFixed(2)} ms  max ${result.latencyMs.max.toFixed(2)} ms` +
            (m.valid ? '' : '  INVALID'),
        );
      }
    }
  }
}

async function benchWorkers(
  workers: number,
  scenarios: readonly Scenario[],
  codecs: Codecs,
  options: Options,
  measurements: Measurement[],
  openLoop: OpenLoopMeasurement[],
): Promise<PageBytes> {
  const servers: Server[] = [];
  try {
    for (const name of options.servers)
      servers.push(
        await startServer(name, {
          workers,
          secretKey: codecs.secretKey,
          ...(name === 'ours' ? { nodeArgs: options.oursNodeArgs } : {}),
        }),
      );
    const pageBytes = await verify(servers, scenarios, codecs);
    console.log(`WORKERS=${workers}: all servers answer every scenario correctly; loading.`);
    const mine: Measurement[] = [];
    for (let round = 1; round <= options.rounds; round++) {
      for (const scenario of scenarios) {
        for (const server of servers) {
          const m = await measure(server, scenario, workers, round, options);
          mine.push(m);
          const errors = m.wrk.non2xx3xx + Object.values(m.wrk.socketErrors).reduce((a, b) => a + b, 0);
          console.log(
            `  [W${workers} round ${round}/${options.rounds}] ${scenario.id.padEnd(16)} ${server.name.padEnd(7)} ` +
              `${m.wrk.requestsPerSecond.toFixed(0).padStart(6)} req/s  p50 ${m.wrk.latencyMs.p50.toFixed(2)} ms  ` +
              `p99 ${m.wrk.latencyMs.p99.toFixed(2)} ms  RSS ${m.memory.totalMiB} MiB  ` +
              `CPU server ${m.cpu.serverCores} / other ${m.cpu.otherCores} cores${errors > 0 ? `  ERRORS ${errors}` : ''}`,
          );
        }
      }
    }
    measurements.push(...mine);
    if (options.openLoop) {
      const peaks = new Map(summarize(mine).map((s) => [`${s.scenario}|${s.server}`, s.requestsPerSecond]));
      await openLoopRuns(workers, servers, scenarios, peaks, options, openLoop);
    }
    return pageBytes;
  } finally {
    await Promise.all(servers.map((server) => stopServer(server)));
  }
}

function pageBytesTable(pageBytes: PageBytes): string {
  const lines = [
    `| scenario | ${SERVER_NAMES.join(' | ')} |`,
    `| --- | ${SERVER_NAMES.map(() => '---:').join(' | ')} |`,
  ];
  for (const [id, sizes] of Object.entries(pageBytes)) {
    lines.push(`| ${id} | ${SERVER_NAMES.map((name) => sizes[name] ?? '-').join(' | ')} |`);
  }
  return lines.join('\n');
}

async function main(): Promise<void> {
  const options = readOptions();
  // A quick run is a smoke check: it goes on through noise rather than stretch past its budget.
  if (options.quick) repeatsLeft = 0;
  checkTools();
  mkdirSync(RESULTS_DIR, { recursive: true });
  const started = Date.now();
  const secretKey = randomBytes(32).toString('hex');
  const codecs = await makeCodecs(secretKey);
  const scenarios = makeScenarios(codecs, options.visitors).filter(
    (s) => options.scenarios === undefined || options.scenarios.includes(s.id),
  );
  const runs = options.workers.length * options.rounds * scenarios.length * options.servers.length;
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

  const measurements: Measurement[] = [];
  const openLoop: OpenLoopMeasurement[] = [];
  let pageBytes: PageBytes = {};
  try {
    for (const workers of options.workers) {
      const bytes = await benchWorkers(workers, scenarios, codecs, options, measurements, openLoop);
      if (Object.keys(pageBytes).length === 0) pageBytes = bytes;
    }
  } finally {
    await codecs.close();
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
  const verdicts = judge(summaries, openLoop);
  const comparison = comparisonTable(compare(summaries), SERVER_NAMES);
  const cpuComparison = cpuTable(compare(summaries), SERVER_NAMES);
  const openLoopText = openLoop.length === 0 ? '(no open-loop runs)' : openLoopTable(openLoop);
  const table = markdownTable(summaries);
  const command = options.quick ? 'npm run bench -- --quick' : 'npm run bench';
  const machine = `${cpus().length} × ${cpus()[0]?.model ?? 'CPU'}, Node ${process.version}`;
  const minutes = ((Date.now() - started) / 60_000).toFixed(1);
  console.log(
    `\n${NOISE_NOTE}\n\n${comparison}\n\nServer CPU per request (less sensitive to other load):\n\n${cpuComparison}\n\nOpen loop (latency from each request's scheduled send time):\n\n${openLoopText}\n\n` +
      `Targets:\n${markdownVerdicts(verdicts)}\n\nDone in ${minutes} min.`,
  );

  const name = options.quick ? 'quick' : 'latest';
  const result = {
    date: new Date().toISOString(),
    command,
    revision,
    machine,
    options,
    load: {
      tool: 'wrk',
      threads: WRK_THREADS,
      connections: WRK_CONNECTIONS,
      openLoop: {
        tool: 'bench/open-loop-client.ts',
        connections: OPEN_LOOP_CONNECTIONS,
        shares: LOAD_SHARES,
      },
    },
    visitors: options.visitors,
    pageBytes,
    summaries,
    openLoop,
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
      `${options.durationSeconds} s per run, ${options.rounds} round(s), medians. W = worker processes per server. ${minutes} min. ` +
      `Many visitors: ${options.visitors} sessions of 10 holdings each, a different cookie on every request (round-robin).`,
    '',
    NOISE_NOTE,
    '',
    '## Ours against every server (closed loop, wrk)',
    '',
    comparison,
    '',
    '## Server CPU per request',
    '',
    'CPU time the server used per request answered (from /proc, all its processes): less sensitive than req/s to other work on the machine, which takes cores away but not CPU time per request.',
    '',
    cpuComparison,
    '',
    `## Open loop: each server at 25, 50 and 75 % of its own peak (${OPEN_LOOP_CONNECTIONS} connections, latency from the scheduled send)`,
    '',
    openLoopText,
    '',
    '## Every server, every scenario',
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
