/**
 * Turns the load runs into medians, ratios, target verdicts and one markdown table.
 * @module
 */
import type { CpuUse } from './cpu.js';
import type { OpenLoopResult } from './open-loop.js';
import type { ScenarioId } from './scenarios.js';
import { PEER_NAMES, type MemoryPeak, type ServerName } from './servers.js';
import { grouped, median, round } from './stats.js';
import type { WrkResult } from './wrk.js';

/** One measured wrk run. */
export interface Measurement {
  readonly workers: number;
  readonly scenario: ScenarioId;
  readonly server: ServerName;
  readonly round: number;
  /** 2 when the first attempt was disturbed by other work and repeated. */
  readonly attempt: number;
  readonly wrk: WrkResult;
  readonly memory: MemoryPeak;
  readonly cpu: CpuUse;
}

/** The medians of one server on one scenario at one worker count. */
export interface Summary {
  readonly workers: number;
  readonly scenario: ScenarioId;
  readonly server: ServerName;
  readonly rounds: number;
  readonly requestsPerSecond: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  /** Highest over the rounds. */
  readonly peakRssTotalMiB: number;
  readonly peakRssProcessMiB: number;
  readonly processes: number;
  /** Non-2xx/3xx responses plus socket errors, summed over the rounds. */
  readonly errors: number;
  /** CPU the server used, median over the rounds, in cores. */
  readonly serverCores: number;
  /** CPU other work on the machine took during the runs, the highest over the rounds, in cores. */
  readonly otherCores: number;
  /** ours ÷ this server, by median requests per second (1 for ours). */
  readonly oursOver: number;
}

/** One fixed-rate run: a server at a share of its own peak. */
export interface OpenLoopMeasurement {
  readonly workers: number;
  readonly scenario: ScenarioId;
  readonly server: ServerName;
  /** The server's closed-loop peak (median req/s) that the rate is a share of. */
  readonly peakRequestsPerSecond: number;
  /** 0.25, 0.5 or 0.75. */
  readonly loadShare: number;
  readonly result: OpenLoopResult;
  readonly valid: boolean;
  readonly cpu: CpuUse;
}

/** The targets of the benchmark issue (9), one worker unless stated. */
export const TARGETS = Object.freeze({
  /** ours ÷ limit, per scenario that has a target. */
  oursOverLimit: Object.freeze({ stocks10: 0.75, manyVisitors: 0.6, addStockPost: 0.5 }),
  oursOverFlask: 6,
  oursOverFasterPeer: 1.25,
  /** p99 of ours at half its peak rate, open loop. */
  openLoopHalfPeakP99Ms: 10,
  rssPerProcessMiB: 150,
});

export interface TargetVerdict {
  readonly target: string;
  readonly met: boolean;
  readonly detail: string;
}

/** Medians per (workers, scenario, server), in the order they were first measured. */
export function summarize(measurements: readonly Measurement[]): Summary[] {
  const groups = new Map<string, Measurement[]>();
  for (const m of measurements) {
    const key = `${m.workers}|${m.scenario}|${m.server}`;
    groups.set(key, [...(groups.get(key) ?? []), m]);
  }
  const base = [...groups.values()].map((runs) => {
    const first = runs[0] as Measurement;
    return {
      workers: first.workers,
      scenario: first.scenario,
      server: first.server,
      rounds: runs.length,
      requestsPerSecond: round(median(runs.map((r) => r.wrk.requestsPerSecond)), 1),
      p50Ms: round(median(runs.map((r) => r.wrk.latencyMs.p50)), 3),
      p99Ms: round(median(runs.map((r) => r.wrk.latencyMs.p99)), 3),
      peakRssTotalMiB: Math.max(...runs.map((r) => r.memory.totalMiB)),
      peakRssProcessMiB: Math.max(...runs.map((r) => r.memory.processMiB)),
      processes: Math.max(...runs.map((r) => r.memory.processes)),
      serverCores: round(median(runs.map((r) => r.cpu.serverCores)), 2),
      otherCores: Math.max(...runs.map((r) => r.cpu.otherCores)),
      errors: runs.reduce((sum, r) => {
        const s = r.wrk.socketErrors;
        return sum + r.wrk.non2xx3xx + s.connect + s.read + s.write + s.timeout;
      }, 0),
    };
  });
  return base.map((s) => {
    const ours = base.find(
      (o) => o.server === 'ours' && o.workers === s.workers && o.scenario === s.scenario,
    );
    return {
      ...s,
      oursOver: ours === undefined ? NaN : round(ours.requestsPerSecond / s.requestsPerSecond, 3),
    };
  });
}

/** One row per (workers, scenario): ours and every other server side by side, with ours' ratios. */
export interface Comparison {
  readonly workers: number;
  readonly scenario: ScenarioId;
  readonly rps: Readonly<Partial<Record<ServerName, number>>>;
  /** Server CPU time per request answered, in µs (median cores ÷ median req/s). */
  readonly cpuMicros: Readonly<Partial<Record<ServerName, number>>>;
  readonly oursP99Ms: number;
  readonly overLimit: number;
  readonly overFlask: number;
  readonly fasterPeer: ServerName | undefined;
  readonly overFasterPeer: number;
}

export function compare(summaries: readonly Summary[]): Comparison[] {
  const rows: Comparison[] = [];
  for (const ours of summaries.filter((s) => s.server === 'ours')) {
    const same = summaries.filter((s) => s.workers === ours.workers && s.scenario === ours.scenario);
    const of = (name: ServerName) => same.find((s) => s.server === name);
    const peers = same.filter((s) => (PEER_NAMES as readonly ServerName[]).includes(s.server));
    const faster = peers.reduce<Summary | undefined>(
      (best, s) => (best === undefined || s.requestsPerSecond > best.requestsPerSecond ? s : best),
      undefined,
    );
    rows.push({
      workers: ours.workers,
      scenario: ours.scenario,
      rps: Object.fromEntries(same.map((s) => [s.server, s.requestsPerSecond])),
      cpuMicros: Object.fromEntries(
        same.map((s) => [s.server, round((s.serverCores * 1e6) / s.requestsPerSecond, 1)]),
      ),
      oursP99Ms: ours.p99Ms,
      overLimit: of('limit')?.oursOver ?? NaN,
      overFlask: of('flask')?.oursOver ?? NaN,
      fasterPeer: faster?.server,
      overFasterPeer: faster?.oursOver ?? NaN,
    });
  }
  return rows;
}

/** Each target, met or not, with the figures that decide it. */
export function judge(
  summaries: readonly Summary[],
  openLoop: readonly OpenLoopMeasurement[],
): TargetVerdict[] {
  const rows = compare(summaries);
  const ours = summaries.filter((s) => s.server === 'ours');
  const list = (items: readonly Comparison[], value: (c: Comparison) => number) =>
    items.map((c) => `W${c.workers} ${c.scenario} ${value(c).toFixed(2)}×`).join(', ');
  const verdicts: TargetVerdict[] = [];
  for (const [scenario, bar] of Object.entries(TARGETS.oursOverLimit)) {
    const items = rows.filter((c) => c.scenario === scenario && c.workers === 1);
    if (items.length === 0) continue;
    verdicts.push({
      target: `ours ≥ ${bar}× limit on ${scenario} (W1)`,
      met: items.every((c) => c.overLimit >= bar),
      detail: list(items, (c) => c.overLimit),
    });
  }
  verdicts.push(
    {
      target: `ours ≥ ${TARGETS.oursOverFlask}× flask on every scenario`,
      met: rows.length > 0 && rows.every((c) => c.overFlask >= TARGETS.oursOverFlask),
      detail: list(rows, (c) => c.overFlask),
    },
    {
      target: `ours ≥ ${TARGETS.oursOverFasterPeer}× the faster peer on every scenario`,
      met: rows.length > 0 && rows.every((c) => c.overFasterPeer >= TARGETS.oursOverFasterPeer),
      detail: list(rows, (c) => c.overFasterPeer),
    },
  );
  const half = openLoop.filter((m) => m.server === 'ours' && m.loadShare === 0.5);
  if (half.length > 0) {
    verdicts.push({
      target: `ours p99 ≤ ${TARGETS.openLoopHalfPeakP99Ms} ms at half its peak, open loop`,
      met: half.every((m) => m.valid && m.result.latencyMs.p99 <= TARGETS.openLoopHalfPeakP99Ms),
      detail: half
        .map(
          (m) =>
            `W${m.workers} ${m.scenario} ${m.result.latencyMs.p99.toFixed(2)} ms${m.valid ? '' : ' (invalid run)'}`,
        )
        .join(', '),
    });
  }
  verdicts.push({
    target: `ours peak RSS ≤ ${TARGETS.rssPerProcessMiB} MB per process`,
    met: ours.every((s) => s.peakRssProcessMiB <= TARGETS.rssPerProcessMiB),
    detail: `largest ${Math.max(...ours.map((s) => s.peakRssProcessMiB)).toFixed(1)} MiB`,
  });
  return verdicts;
}

const SCENARIO_TITLES: Readonly<Record<ScenarioId, string>> = {
  stocks10: 'GET /stocks (10)',
  stocks100: 'GET /stocks (100)',
  addStockForm: 'GET /add_stock',
  addStockPost: 'POST /add_stock',
  manyVisitors: 'GET /stocks, many visitors',
  manyVisitorsPost: 'POST /add_stock, many visitors',
};

const ratio = (value: number) => (Number.isFinite(value) ? `${value.toFixed(2)}×` : '-');

/** The headline table: ours against every server, one row per worker count and scenario. */
export function comparisonTable(rows: readonly Comparison[], servers: readonly ServerName[]): string {
  const lines = [
    `| W | scenario | ${servers.map((s) => `${s} req/s`).join(' | ')} | ours ÷ limit | ours ÷ flask | ours ÷ faster peer | ours p99 ms (wrk) |`,
    `| ---: | --- | ${servers.map(() => '---:').join(' | ')} | ---: | ---: | ---: | ---: |`,
  ];
  for (const c of rows) {
    const rps = servers.map((s) => (c.rps[s] === undefined ? '-' : grouped(c.rps[s])));
    lines.push(
      `| ${c.workers} | ${SCENARIO_TITLES[c.scenario]} | ${rps.join(' | ')} | ${ratio(c.overLimit)} | ` +
        `${ratio(c.overFlask)} | ${ratio(c.overFasterPeer)}${c.fasterPeer === undefined ? '' : ` (${c.fasterPeer})`} | ${c.oursP99Ms.toFixed(2)} |`,
    );
  }
  return lines.join('\n');
}

/** CPU per request of every server, and ours' ratios by that measure (cost of theirs ÷ cost of ours). */
export function cpuTable(rows: readonly Comparison[], servers: readonly ServerName[]): string {
  const lines = [
    `| W | scenario | ${servers.map((s) => `${s} µs`).join(' | ')} | limit ÷ ours | flask ÷ ours | faster peer ÷ ours |`,
    `| ---: | --- | ${servers.map(() => '---:').join(' | ')} | ---: | ---: | ---: |`,
  ];
  for (const c of rows) {
    const ours = c.cpuMicros.ours ?? NaN;
    const over = (name: ServerName | undefined) =>
      ratio((name === undefined ? NaN : (c.cpuMicros[name] ?? NaN)) / ours);
    lines.push(
      `| ${c.workers} | ${SCENARIO_TITLES[c.scenario]} | ${servers.map((s) => c.cpuMicros[s]?.toFixed(0) ?? '-').join(' | ')} | ` +
        `${over('limit')} | ${over('flask')} | ${over(c.fasterPeer)} |`,
    );
  }
  return lines.join('\n');
}

/** The fixed-rate runs: latency from the scheduled send time. */
export function openLoopTable(runs: readonly OpenLoopMeasurement[]): string {
  const lines = [
    '| W | scenario | server | peak req/s | load | target req/s | achieved | p50 ms | p99 ms | max ms | client lag p99 ms | other load | valid |',
    '| ---: | --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |',
  ];
  for (const m of runs) {
    const r = m.result;
    lines.push(
      `| ${m.workers} | ${SCENARIO_TITLES[m.scenario]} | ${m.server} | ${grouped(m.peakRequestsPerSecond)} | ${Math.round(m.loadShare * 100)} % | ` +
        `${grouped(r.targetRate)} | ${grouped(r.achievedRate)} | ${r.latencyMs.p50.toFixed(2)} | ${r.latencyMs.p99.toFixed(2)} | ` +
        `${r.latencyMs.max.toFixed(2)} | ${r.dispatchLagP99Ms.toFixed(2)} | ${m.cpu.otherCores.toFixed(2)} | ${m.valid ? 'yes' : `**no**${r.errors > 0 ? ` (${r.errors} errors)` : ' (short of the rate)'}`} |`,
    );
  }
  return lines.join('\n');
}

/** Every run's medians: a row per server per scenario per worker count. */
export function markdownTable(summaries: readonly Summary[]): string {
  const lines = [
    '| W | scenario | server | req/s | p50 ms | p99 ms | peak RSS MiB (sum / largest process) | ours ÷ server | server CPU | other load | errors |',
    '| ---: | --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
  ];
  for (const s of summaries) {
    const ratioText = s.server === 'ours' ? '—' : `${s.oursOver.toFixed(2)}×`;
    lines.push(
      `| ${s.workers} | ${SCENARIO_TITLES[s.scenario]} | ${s.server} | ${grouped(s.requestsPerSecond)} | ` +
        `${s.p50Ms.toFixed(2)} | ${s.p99Ms.toFixed(2)} | ${s.peakRssTotalMiB.toFixed(0)} / ${s.peakRssProcessMiB.toFixed(0)} (${s.processes} proc) | ` +
        `${ratioText} | ${s.serverCores.toFixed(2)} | ${s.otherCores.toFixed(2)} | ${s.errors} |`,
    );
  }
  return lines.join('\n');
}

/** The verdicts as a markdown list. */
export function markdownVerdicts(verdicts: readonly TargetVerdict[]): string {
  return verdicts.map((v) => `- ${v.met ? '✅ met' : '❌ missed'}: ${v.target} (${v.detail})`).join('\n');
}
