/**
 * Knows when the process is saturated, cheaply enough to ask on every request. Two signals:
 * - the event loop's current stall: a timer ticks every {@link TICK_MS}; when a request arrives
 *   and the last tick is older than `maxLagMs`, the loop is stuck in one long turn (under
 *   keep-alive load Node serves every ready socket in one turn, and a fresh connection is
 *   accepted only between turns), so more work now only lengthens the wait of everyone queued;
 * - requests in flight: with a store that waits on I/O, requests pile up without stalling the loop.
 * The server answers a shed request with a small fixed 503 (see `server.ts`).
 * @module
 */

/** How often the lag timer ticks; its cost is one callback per tick. */
export const TICK_MS = 20;

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
  /** Stops the timer. */
  stop(): void;
}

/**
 * Starts watching the event loop. `now` is the clock in milliseconds (default `performance.now`).
 * @example `const load = createLoadMonitor({ maxLagMs: 300, maxInFlight: 1024 }); if (load.saturated(n)) shed();`
 */
export function createLoadMonitor(
  limits: LoadLimits,
  now: () => number = () => performance.now(),
): LoadMonitor {
  let lastTick = now();
  const timer = limits.maxLagMs > 0 ? setInterval(() => (lastTick = now()), TICK_MS) : undefined;
  // The timer alone must never keep the process alive.
  timer?.unref();
  const lagMs = () => Math.max(0, now() - lastTick - TICK_MS);
  return {
    saturated: (inFlight) =>
      (limits.maxInFlight > 0 && inFlight >= limits.maxInFlight) ||
      (limits.maxLagMs > 0 && lagMs() > limits.maxLagMs),
    lagMs,
    stop: () => clearInterval(timer),
  };
}
