/**
 * Child processes of a benchmark, and the guarantee that none outlives it: every child is tracked,
 * and SIGINT, SIGTERM, an uncaught error or a normal exit stops whatever is still running.
 * Servers run in their own process group (`detached`), so a forked worker cannot be left behind.
 * @module
 */
import { spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';

/** A child process started through {@link startTracked}. */
export interface Tracked {
  readonly name: string;
  readonly child: ChildProcess;
  readonly pid: number;
  /** Whether it leads its own process group (servers), which is then killed as a whole. */
  readonly group: boolean;
  /** Resolves with the exit code (or the signal name) once the process has exited. */
  readonly exited: Promise<number | string>;
  hasExited(): boolean;
}

const live = new Set<Tracked>();
const exitHooks: (() => void)[] = [];
let installed = false;

/** Starts `command` and tracks it until it exits. `group: true` makes it lead a new process group. */
export function startTracked(
  name: string,
  command: string,
  args: readonly string[],
  options: SpawnOptions & { group?: boolean },
): Tracked {
  installCleanup();
  const { group = false, ...spawnOptions } = options;
  const child = spawn(command, args, { ...spawnOptions, detached: group });
  if (child.pid === undefined) {
    throw new Error(`Could not start ${name} (${command}): is it installed?`);
  }
  let done = false;
  const exited = new Promise<number | string>((resolve) => {
    child.once('exit', (code, signal) => {
      done = true;
      live.delete(tracked);
      resolve(code ?? signal ?? 'unknown');
    });
  });
  const tracked: Tracked = { name, child, pid: child.pid, group, exited, hasExited: () => done };
  live.add(tracked);
  return tracked;
}

function signalTo(tracked: Tracked, signal: NodeJS.Signals, wholeGroup: boolean): void {
  try {
    // A negative pid is the process group the server leads: its forked workers included.
    process.kill(wholeGroup && tracked.group ? -tracked.pid : tracked.pid, signal);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ESRCH') throw error;
  }
}

/**
 * Stops a tracked process: SIGTERM to it (a server's primary then stops its own workers), and after
 * `graceMs` SIGKILL to it and its whole group. Also sweeps the group after a clean exit, in case a
 * worker was orphaned.
 */
export async function stopTracked(tracked: Tracked, graceMs = 8000): Promise<void> {
  if (!tracked.hasExited()) {
    signalTo(tracked, 'SIGTERM', false);
    let timer: NodeJS.Timeout | undefined;
    const timedOut = await Promise.race([
      tracked.exited.then(() => false),
      new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(true), graceMs))),
    ]);
    clearTimeout(timer);
    if (timedOut) signalTo(tracked, 'SIGKILL', true);
    await tracked.exited;
  }
  if (tracked.group) signalTo(tracked, 'SIGKILL', true);
}

/** Stops every tracked process, servers and load generators alike. */
export async function stopAll(graceMs = 3000): Promise<void> {
  await Promise.all([...live].map((tracked) => stopTracked(tracked, graceMs)));
}

/** Runs `hook` on exit, after the processes are gone (e.g. to remove a temporary directory). */
export function onExit(hook: () => void): void {
  installCleanup();
  exitHooks.push(hook);
}

function installCleanup(): void {
  if (installed) return;
  installed = true;
  const interrupted = (signal: NodeJS.Signals, code: number) => {
    process.stderr.write(`\n${signal}: stopping ${live.size} child process(es)…\n`);
    void stopAll().finally(() => process.exit(code));
  };
  process.once('SIGINT', () => interrupted('SIGINT', 130));
  process.once('SIGTERM', () => interrupted('SIGTERM', 143));
  // Last resort, synchronous: whatever is still alive when the process exits for any reason.
  process.on('exit', () => {
    for (const tracked of live) signalTo(tracked, 'SIGKILL', true);
    for (const hook of exitHooks) hook();
  });
}
