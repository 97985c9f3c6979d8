/**
 * Profiles the app under load: starts `node --cpu-prof dist/http/main.js` (WORKERS=1), checks that it
 * answers the scenario, loads it with wrk, stops it (which writes the `.cpuprofile`), and prints the
 * functions with the largest share of CPU time, self and total, and the share per area of code.
 *
 *     npx tsx bench/profile.ts --scenario stocks10 --duration 10
 *
 * Options: `--scenario` (stocks10, stocks100, addStockForm, addStockPost, manyVisitors,
 * manyVisitorsPost), `--duration S`, `--top N`, `--no-build`, `--server ours|limit|express|fastify`, `--functions a,b` (total share of those functions), `--profile FILE`
 * (summarize an existing profile instead of making one). The profile is kept in `bench/results/profiles/` (git-ignored
 * by the `*.cpuprofile` rule); open it in Chrome DevTools for the flame chart.
 * @module
 */
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { parseArgs } from 'node:util';
import { checkAnswer, makeCodecs, makeScenarios, send, type ScenarioId } from './scenarios.js';
import {
  cookieFormatOf,
  RESULTS_DIR,
  ROOT,
  SERVER_NAMES,
  startServer,
  stopServer,
  type ServerName,
} from './servers.js';
import { runWrk, writeVisitorsFile } from './wrk.js';

interface CallFrame {
  readonly functionName: string;
  readonly url: string;
  readonly lineNumber: number;
}

interface ProfileNode {
  readonly id: number;
  readonly callFrame: CallFrame;
  readonly children?: readonly number[];
}

interface CpuProfile {
  readonly nodes: readonly ProfileNode[];
  readonly samples: readonly number[];
  readonly timeDeltas: readonly number[];
}

/** Where a function lives, in a few words. */
function area(url: string, name: string): string {
  if (url === '') return name.startsWith('(') ? name : '(native)';
  if (url.includes('/node_modules/hono/dist/jsx/') || url.includes('/node_modules/hono/dist/utils/html')) {
    return 'hono/jsx rendering';
  }
  if (url.includes('/node_modules/hono/')) return 'hono';
  if (url.includes('/node_modules/@hono/node-server/')) return '@hono/node-server';
  if (url.includes('/node_modules/zod/')) return 'zod';
  if (url.includes('/node_modules/')) return 'other packages';
  if (url.includes('/flask-session-ts/')) return 'session library';
  if (url.includes('/dist/views/') || url.includes('/dist/routes/')) return 'app: views & routes';
  if (url.includes('/dist/portfolio/') || url.includes('/dist/forms/')) return 'app: portfolio & forms';
  if (url.includes('/dist/')) return 'app: other';
  if (url.startsWith('node:internal/deps/undici')) return 'undici (Request/Response/Headers)';
  if (url.startsWith('node:internal/webstreams')) return 'web streams';
  if (url.startsWith('node:_http') || url.startsWith('node:internal/http') || url === 'node:net')
    return 'node:http/net';
  if (url.startsWith('node:zlib')) return 'node:zlib';
  if (url.startsWith('node:internal/crypto')) return 'node:crypto';
  if (url.startsWith('node:internal/abort_controller') || url.startsWith('node:internal/event_target')) {
    return 'AbortSignal/EventTarget';
  }
  if (url.startsWith('node:')) return 'node: other';
  return 'other';
}

function label(frame: CallFrame): string {
  const file =
    frame.url === ''
      ? ''
      : ` ${frame.url.replace(/^file:\/\//, '').replace(ROOT, '')}:${frame.lineNumber + 1}`;
  return `${frame.functionName === '' ? '(anonymous)' : frame.functionName}${file}`;
}

/** Self and total time per function, and self time per area, as shares of all non-idle time. */
export function summarizeProfile(profile: CpuProfile, top: number, focus: readonly string[] = []): string {
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const parent = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);
  const selfMicros = new Map<number, number>();
  profile.samples.forEach((id, i) =>
    selfMicros.set(id, (selfMicros.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0)),
  );

  let busy = 0;
  let idle = 0;
  const selfBy = new Map<string, number>();
  const totalBy = new Map<string, number>();
  const areaBy = new Map<string, number>();
  for (const [id, micros] of selfMicros) {
    const node = byId.get(id);
    if (node === undefined) continue;
    const name = node.callFrame.functionName;
    if (name === '(idle)') {
      idle += micros;
      continue;
    }
    busy += micros;
    selfBy.set(label(node.callFrame), (selfBy.get(label(node.callFrame)) ?? 0) + micros);
    const where = area(node.callFrame.url, name);
    areaBy.set(where, (areaBy.get(where) ?? 0) + micros);
    // Total time: every distinct function on the stack gets the sample once.
    const seen = new Set<string>();
    for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
      const frame = byId.get(at)?.callFrame;
      if (frame === undefined || frame.functionName === '(root)') continue;
      const key = label(frame);
      if (seen.has(key)) continue;
      seen.add(key);
      totalBy.set(key, (totalBy.get(key) ?? 0) + micros);
    }
  }
  const focusLines = focus.map((name) => {
    const entries = [...totalBy.entries()].filter(([key]) => key === name || key.startsWith(`${name} `));
    const micros = entries.reduce((sum, [, v]) => sum + v, 0);
    return `  ${((100 * micros) / busy).toFixed(1).padStart(5)}%  ${name} (${entries.length} location(s))`;
  });
  const share = (micros: number) => `${((100 * micros) / busy).toFixed(1).padStart(5)}%`;
  const ranked = (map: Map<string, number>, n: number) =>
    [...map.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, n)
      .map(([key, micros]) => `  ${share(micros)}  ${key}`);
  return [
    `Busy ${(busy / 1e6).toFixed(2)} s, idle ${(idle / 1e6).toFixed(2)} s; shares are of busy time.`,
    '',
    'By area (self time):',
    ...ranked(areaBy, 20),
    '',
    `Top ${top} functions by self time:`,
    ...ranked(selfBy, top),
    '',
    `Top ${top} functions by total time (self + callees):`,
    ...ranked(totalBy, top),
    ...(focus.length === 0
      ? []
      : ['', 'Total time of the functions asked for (--functions):', ...focusLines]),
  ].join('\n');
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      scenario: { type: 'string', default: 'stocks10' },
      duration: { type: 'string', default: '10' },
      top: { type: 'string', default: '25' },
      server: { type: 'string', default: 'ours' },
      functions: { type: 'string', default: '' },
      profile: { type: 'string' },
      'no-build': { type: 'boolean', default: false },
    },
  });
  const top = Number(values.top);
  const focus = values.functions === '' ? [] : values.functions.split(',');
  if (values.profile !== undefined) {
    // Summarize an existing profile only.
    console.log(summarizeProfile(JSON.parse(readFileSync(values.profile, 'utf8')) as CpuProfile, top, focus));
    return;
  }
  const server = values.server as ServerName;
  if (!SERVER_NAMES.includes(server) || server === 'flask')
    throw new Error(`--server must be one of ${SERVER_NAMES.filter((n) => n !== 'flask').join(', ')}`);
  if (!values['no-build']) {
    const build = spawnSync('npx', ['tsc', '-p', 'tsconfig.build.json'], { cwd: ROOT, stdio: 'inherit' });
    if (build.status !== 0) throw new Error('The build failed.');
  }
  const secretKey = randomBytes(32).toString('hex');
  const codecs = await makeCodecs(secretKey);
  const scenario = makeScenarios(codecs).find((s) => s.id === (values.scenario as ScenarioId));
  if (scenario === undefined) throw new Error(`Unknown scenario ${values.scenario}`);
  const format = cookieFormatOf(server);
  const [visitor] = scenario.visitors;
  if (visitor === undefined) throw new Error(`${scenario.id} has no visitors`);
  const dir = join(RESULTS_DIR, 'profiles');
  mkdirSync(dir, { recursive: true });
  const before = new Set(readdirSync(dir));

  const running = await startServer(server, {
    workers: 1,
    secretKey,
    nodeArgs: ['--cpu-prof', '--cpu-prof-dir', dir],
    logPath: join(RESULTS_DIR, `profile-${server}.log`),
  });
  try {
    const answer = await send(running.baseUrl, scenario, visitor, format);
    const problems = checkAnswer(scenario, visitor, answer, format, codecs);
    if (problems.length > 0)
      throw new Error(`${server} answers ${scenario.title} wrongly: ${problems.join('; ')}`);
    const result = await runWrk({
      url: new URL(scenario.path, running.baseUrl).href,
      threads: 2,
      connections: 50,
      durationSeconds: Number(values.duration),
      method: scenario.method,
      ...(scenario.visitors.length === 1
        ? { cookie: visitor.cookies[format], ...(visitor.body === undefined ? {} : { body: visitor.body }) }
        : {
            visitorsFile: writeVisitorsFile(
              scenario.visitors.map((v) => ({ cookie: v.cookies[format], body: v.body })),
            ),
          }),
    });
    console.log(
      `${server} ${scenario.title} under --cpu-prof: ${result.requestsPerSecond.toFixed(0)} req/s, ` +
        `p50 ${result.latencyMs.p50.toFixed(2)} ms, p99 ${result.latencyMs.p99.toFixed(2)} ms\n`,
    );
  } finally {
    await stopServer(running);
    await codecs.close();
  }
  const written = readdirSync(dir)
    .filter((name) => name.endsWith('.cpuprofile') && !before.has(name))
    .map((name) => join(dir, name))
    // The primary process writes a profile too (start-up only); the worker that served is the largest.
    .sort((a, b) => statSync(b).size - statSync(a).size)[0];
  if (written === undefined) throw new Error(`No profile was written to ${dir}`);
  const profile = JSON.parse(readFileSync(written, 'utf8')) as CpuProfile;
  console.log(summarizeProfile(profile, top, focus));
  console.log(`\nProfile: ${relative(ROOT, written)}`);
}

await main();
