/**
 * Turns the load runs into medians, ratios, target verdicts and one markdown table.
 * @module
 */
import type { CpuUse } from './cpu.js';
import type { ScenarioId } from './scenarios.js';
import type { MemoryPeak, ServerName } from './servers.js';
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

/** The targets of the benchmark issue. */
export const TARGETS = Object.freeze({
  oursOverFlask: 6,
  oursOverLimitStocks10: 0.75,
  p99Ms: 5,
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

/** Each target, met or not, with the figure that decides it. */
export function judge(summaries: readonly Summary[]): TargetVerdict[] {
  const ours = summaries.filter((s) => s.server === 'ours');
  const flask = summaries.filter((s) => s.server === 'flask');
  const limit10 = summaries.filter((s) => s.server === 'limit' && s.scenario === 'stocks10');
  const list = (items: readonly Summary[], value: (s: Summary) => string) =>
    items.map((s) => `W${s.workers} ${s.scenario} ${value(s)}`).join(', ');
  return [
    {
      target: `ours ≥ ${TARGETS.oursOverFlask}× flask on every scenario`,
      met: flask.length > 0 && flask.every((s) => s.oursOver >= TARGETS.oursOverFlask),
      detail: list(flask, (s) => `${s.oursOver.toFixed(2)}×`),
    },
    {
      target: `ours ≥ ${TARGETS.oursOverLimitStocks10}× limit on GET /stocks with 10 holdings`,
      met: limit10.length > 0 && limit10.every((s) => s.oursOver >= TARGETS.oursOverLimitStocks10),
      detail: list(limit10, (s) => `${s.oursOver.toFixed(2)}×`),
    },
    {
      target: `ours p99 ≤ ${TARGETS.p99Ms} ms at 50 connections`,
      met: ours.every((s) => s.p99Ms <= TARGETS.p99Ms),
      detail: list(ours, (s) => `${s.p99Ms.toFixed(2)} ms`),
    },
    {
      target: `ours peak RSS ≤ ${TARGETS.rssPerProcessMiB} MB per process`,
      met: ours.every((s) => s.peakRssProcessMiB <= TARGETS.rssPerProcessMiB),
      detail: `largest ${Math.max(...ours.map((s) => s.peakRssProcessMiB)).toFixed(1)} MiB`,
    },
  ];
}

const SCENARIO_TITLES: Readonly<Record<ScenarioId, string>> = {
  stocks10: 'GET /stocks (10)',
  stocks100: 'GET /stocks (100)',
  addStockForm: 'GET /add_stock',
  addStockPost: 'POST /add_stock',
};

/** The one results table: a row per server per scenario per worker count. */
export function markdownTable(summaries: readonly Summary[]): string {
  const lines = [
    '| W | scenario | server | req/s | p50 ms | p99 ms | peak RSS MiB (sum / largest process) | ours ÷ server | server CPU | other load | errors |',
    '| ---: | --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
  ];
  for (const s of summaries) {
    const ratio = s.server === 'ours' ? '—' : `${s.oursOver.toFixed(2)}×`;
    lines.push(
      `| ${s.workers} | ${SCENARIO_TITLES[s.scenario]} | ${s.server} | ${grouped(s.requestsPerSecond)} | ` +
        `${s.p50Ms.toFixed(2)} | ${s.p99Ms.toFixed(2)} | ${s.peakRssTotalMiB.toFixed(0)} / ${s.peakRssProcessMiB.toFixed(0)} (${s.processes} proc) | ` +
        `${ratio} | ${s.serverCores.toFixed(2)} | ${s.otherCores.toFixed(2)} | ${s.errors} |`,
    );
  }
  return lines.join('\n');
}

/** The verdicts as a markdown list. */
export function markdownVerdicts(verdicts: readonly TargetVerdict[]): string {
  return verdicts.map((v) => `- ${v.met ? '✅ met' : '❌ missed'}: ${v.target} (${v.detail})`).join('\n');
}
