/**
 * Knows when the process is saturated, cheaply enough to ask on every request. Two signals:
 * - the event loop's current stall: a timer ticks every {@link TICK_MS}; when a request arrives
 *   and the last tick is older than `maxLagMs`, the loop is stuck in one long turn (under
 *   keep-alive load Node serves every ready socket in one turn, and a fresh connection is
 *   accepted only between turns), so more work now only lengthens the wait of everyone queued;
 * - requests in flight: with a store that waits on I/O, requests pile up without stalling the loop.
 * The server answers a shed request with a small fixed 503 (see `server.ts`).
 *
 * And one softer signal, {@link LoadMonitor.busy}: the loop was never idle over the last
 * {@link BUSY_WINDOW_MS}. Node accepts about one new connection per loop turn, so a process kept
 * busy by its keep-alive connections leaves newcomers in the kernel's accept queue for as long as
 * the load lasts (measured: docs/SECURITY.md). While busy, the server closes each connection after
 * its answer, so waiting connections get their turn in the order they came.
 * @module
 */

/** How often the lag timer ticks; its cost is one callback per tick. */
export const TICK_MS = 20;

/** The window over which the loop's utilisation is measured for {@link LoadMonitor.busy}. */
export const BUSY_WINDOW_MS = 100;

/** Utilisation (busy time / elapsed) at and above which the loop counts as busy. */
export const BUSY_UTILIZATION = 0.9;

/** The loop's utilisation (busy time / elapsed, 0–1) since the previous call: `performance.eventLoopUtilization`. */
export type UtilizationMeter = () => number;

/** The real meter, reading libuv's idle time (a few hundred nanoseconds per call). */
export function eventLoopMeter(): UtilizationMeter {
  let mark = performance.eventLoopUtilization();
  return () => {
    const window = performance.eventLoopUtilization(mark);
    mark = performance.eventLoopUtilization();
    return window.utilization;
  };
}

/** Options of {@link createLoadMonitor}. 0 turns a signal off. */
export interface LoadLimits {
  readonly maxLagMs: number;
  readonly maxInFlight: number;
}

/** What {@link createLoadMonitor} returns. */
export interface LoadMonitor {
  /** Whether a request arriving now should be shed, given the requests already in flight. */
  saturated(inFlight: number): boolean;
  /** The event loop's current stall in milliseconds (time since the last tick beyond its period). */
  lagMs(): number;
  /** Whether the loop was busy (utilisation ≥ {@link BUSY_UTILIZATION}) over the last window. */
  busy(): boolean;
  /** Samples the clock (and, once a window is over, the utilisation); the timer calls it. */
  tick(): void;
  /** Stops the timer. */
  stop(): void;
}

/**
 * Starts watching the event loop. `now` (milliseconds) and `meter` are parameters for tests.
 * @example `const load = createLoadMonitor({ maxLagMs: 300, maxInFlight: 1024 }); if (load.saturated(n)) shed();`
 */
export function createLoadMonitor(
  limits: LoadLimits,
  now: () => number = () => performance.now(),
  meter: UtilizationMeter = eventLoopMeter(),
): LoadMonitor {
  let lastTick = now();
  let windowStartMs = lastTick;
  let busy = false;
  const tick = () => {
    lastTick = now();
    if (lastTick - windowStartMs < BUSY_WINDOW_MS) return;
    busy = meter() >= BUSY_UTILIZATION;
    windowStartMs = lastTick;
  };
  const timer = limits.maxLagMs > 0 ? setInterval(tick, TICK_MS) : undefined;
  // The timer alone must never keep the process alive.
  timer?.unref();
  const lagMs = () => Math.max(0, now() - lastTick - TICK_MS);
  return {
    saturated: (inFlight) =>
      (limits.maxInFlight > 0 && inFlight >= limits.maxInFlight) ||
      (limits.maxLagMs > 0 && lagMs() > limits.maxLagMs),
    lagMs,
    busy: () => busy,
    tick,
    stop: () => clearInterval(timer),
  };
}
