/**
 * How busy the machine was with work that is not the benchmark's. On a shared 2-core machine
 * another job can take a core in the middle of a run; this reads /proc to tell, so a disturbed run
 * can be repeated and every figure carries the noise it was measured under.
 * @module
 */
import { readFileSync } from 'node:fs';

/** Linux reports CPU time in clock ticks of 1/100 s (USER_HZ) on every mainstream platform. */
const TICKS_PER_SECOND = 100;

interface SystemTicks {
  readonly busy: number;
  readonly steal: number;
  readonly total: number;
}

function systemTicks(): SystemTicks {
  const line = readFileSync('/proc/stat', 'utf8').split('\n', 1)[0] ?? '';
  const [user = 0, nice = 0, system = 0, idle = 0, iowait = 0, irq = 0, softirq = 0, steal = 0] = line
    .trim()
    .split(/\s+/)
    .slice(1)
    .map(Number);
  const busy = user + nice + system + irq + softirq;
  return { busy, steal, total: busy + idle + iowait + steal };
}

/** utime + stime of a process, and (for our own process) the time of the children it has reaped. */
function processTicks(pid: number | 'self'): { own: number; reapedChildren: number } {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat
      .slice(stat.lastIndexOf(')') + 2)
      .split(' ')
      .map(Number);
    // Fields 14–17 of proc(5), counted from the state field (3) after the command name.
    return {
      own: (fields[11] ?? 0) + (fields[12] ?? 0),
      reapedChildren: (fields[13] ?? 0) + (fields[14] ?? 0),
    };
  } catch {
    return { own: 0, reapedChildren: 0 };
  }
}

/** CPU use during one run, in cores (1.0 = one core busy the whole time). */
export interface CpuUse {
  /** The server's processes. */
  readonly serverCores: number;
  /** The load generator and the benchmark itself. */
  readonly benchCores: number;
  /** Everything else on the machine: the noise. */
  readonly otherCores: number;
  /** Time the hypervisor gave to other machines, in percent of all CPU time. */
  readonly stealPercent: number;
}

/**
 * Starts watching. `serverPids` are read at start and stop; the load generator must be a child of
 * this process that has exited (been reaped) by the time `stop` is called, so its time is counted.
 */
export function watchCpu(serverPids: readonly number[]): { stop(): CpuUse } {
  const sum = (pids: readonly number[]) => pids.reduce((total, pid) => total + processTicks(pid).own, 0);
  const startWall = performance.now();
  const startSystem = systemTicks();
  const startServer = sum(serverPids);
  const startSelf = processTicks('self');
  return {
    stop() {
      const seconds = (performance.now() - startWall) / 1000;
      const system = systemTicks();
      const self = processTicks('self');
      const cores = (ticks: number) => Math.max(0, ticks) / TICKS_PER_SECOND / seconds;
      const server = sum(serverPids) - startServer;
      const bench = self.own - startSelf.own + (self.reapedChildren - startSelf.reapedChildren);
      const total = system.total - startSystem.total;
      return {
        serverCores: round2(cores(server)),
        benchCores: round2(cores(bench)),
        otherCores: round2(cores(system.busy - startSystem.busy - server - bench)),
        stealPercent: total > 0 ? round2((100 * (system.steal - startSystem.steal)) / total) : 0,
      };
    },
  };
}

function round2(value: number): number {
  return Math.round(value * 100) / 100;
}

/**
 * Waits, up to `maxWaitMs`, for a second in which other work used less than `maxOtherCores`
 * (the servers are idle then, so all busy time is other work). Returns what the last second showed.
 */
export async function waitForQuiet(maxOtherCores: number, maxWaitMs: number): Promise<number> {
  const deadline = performance.now() + maxWaitMs;
  for (;;) {
    const watch = watchCpu([]);
    await new Promise((resolve) => setTimeout(resolve, 1000));
    const { otherCores } = watch.stop();
    if (otherCores < maxOtherCores || performance.now() >= deadline) return otherCores;
  }
}
