/**
 * Runs Debian's `wrk` for a fixed time against one URL and reads its report.
 * @module
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { onExit, startTracked, stopTracked } from './processes.js';
import { ROOT } from './servers.js';

const REQUEST_SCRIPT = join(ROOT, 'bench', 'wrk', 'request.lua');
const ROTATE_SCRIPT = join(ROOT, 'bench', 'wrk', 'rotate.lua');

/** One request's variable part: its `Cookie` header and (POST) its urlencoded body. */
export interface VisitorRequest {
  readonly cookie: string;
  readonly body?: string | undefined;
}

let visitorsDir: string | undefined;
let visitorFiles = 0;

/** Writes the visitors for rotate.lua, one line each; the file is removed on exit. */
export function writeVisitorsFile(visitors: readonly VisitorRequest[]): string {
  if (visitorsDir === undefined) {
    const dir = mkdtempSync(join(tmpdir(), 'stock-portfolio-wrk-'));
    onExit(() => rmSync(dir, { recursive: true, force: true }));
    visitorsDir = dir;
  }
  const path = join(visitorsDir, `visitors-${++visitorFiles}.txt`);
  for (const v of visitors) {
    if (/[\t\n]/.test(v.cookie + (v.body ?? ''))) throw new Error('A visitor request holds a tab or newline');
  }
  writeFileSync(path, visitors.map((v) => `${v.cookie}\t${v.body ?? ''}`).join('\n') + '\n');
  return path;
}

/** One load run. */
export interface WrkOptions {
  readonly url: string;
  readonly threads: number;
  readonly connections: number;
  readonly durationSeconds: number;
  readonly method: 'GET' | 'POST';
  /** The whole `Cookie` header value. */
  readonly cookie?: string;
  /** An urlencoded form body (POST). */
  readonly body?: string;
  /**
   * A file from {@link writeVisitorsFile}: each request then takes the next visitor's cookie and
   * body, round-robin (`cookie` and `body` are ignored).
   */
  readonly visitorsFile?: string;
}

/** What wrk reported. Latencies in milliseconds. */
export interface WrkResult {
  readonly requestsPerSecond: number;
  readonly requests: number;
  readonly latencyMs: {
    readonly p50: number;
    readonly p75: number;
    readonly p90: number;
    readonly p99: number;
  };
  /** Responses with a status outside 2xx/3xx: a scenario should have none. */
  readonly non2xx3xx: number;
  readonly socketErrors: {
    readonly connect: number;
    readonly read: number;
    readonly write: number;
    readonly timeout: number;
  };
}

const UNIT_MS: Readonly<Record<string, number>> = { us: 0.001, ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

function latency(report: string, percentile: number): number {
  const match = new RegExp(`^\\s*${percentile}%\\s+([\\d.]+)(us|ms|s|m|h)\\s*$`, 'm').exec(report);
  if (match === null) throw new Error(`wrk printed no ${percentile}% latency:\n${report}`);
  return Number(match[1]) * (UNIT_MS[match[2] ?? ''] ?? NaN);
}

/** Parses wrk's text report (`--latency` output). */
export function parseWrkReport(report: string): WrkResult {
  const rps = /^Requests\/sec:\s+([\d.]+)/m.exec(report);
  const total = /^\s*(\d+) requests in /m.exec(report);
  if (rps === null || total === null) throw new Error(`Unexpected wrk output:\n${report}`);
  const non2xx = /Non-2xx or 3xx responses: (\d+)/.exec(report);
  const socket = /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/.exec(report);
  return {
    requestsPerSecond: Number(rps[1]),
    requests: Number(total[1]),
    latencyMs: {
      p50: latency(report, 50),
      p75: latency(report, 75),
      p90: latency(report, 90),
      p99: latency(report, 99),
    },
    non2xx3xx: non2xx === null ? 0 : Number(non2xx[1]),
    socketErrors: {
      connect: Number(socket?.[1] ?? 0),
      read: Number(socket?.[2] ?? 0),
      write: Number(socket?.[3] ?? 0),
      timeout: Number(socket?.[4] ?? 0),
    },
  };
}

/** Runs wrk to completion (it stops by itself after `durationSeconds`; a stuck one is killed). */
export async function runWrk(options: WrkOptions): Promise<WrkResult> {
  const args = [
    `-t${options.threads}`,
    `-c${options.connections}`,
    `-d${options.durationSeconds}s`,
    '--latency',
    '-s',
    options.visitorsFile === undefined ? REQUEST_SCRIPT : ROTATE_SCRIPT,
    options.url,
  ];
  const wrk = startTracked('wrk', 'wrk', args, {
    env: {
      ...process.env,
      BENCH_METHOD: options.method,
      BENCH_COOKIE: options.cookie ?? '',
      BENCH_BODY: options.body ?? '',
      BENCH_VISITORS_FILE: options.visitorsFile ?? '',
      BENCH_THREADS: String(options.threads),
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  // 'close' comes after the last output; 'exit' may come before it.
  const closed = new Promise<void>((resolve) => wrk.child.once('close', () => resolve()));
  wrk.child.stdout?.on('data', (chunk: Buffer) => (out += chunk.toString()));
  wrk.child.stderr?.on('data', (chunk: Buffer) => (out += chunk.toString()));
  const watchdog = setTimeout(() => void stopTracked(wrk, 1000), (options.durationSeconds + 30) * 1000);
  const code = await wrk.exited;
  await closed;
  clearTimeout(watchdog);
  if (code !== 0) throw new Error(`wrk exited with ${code}:\n${out}`);
  return parseWrkReport(out);
}
