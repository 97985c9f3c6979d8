/**
 * Knows when the process is saturated, cheaply enough to ask on every request. Three signals,
 * any one of which sheds (the server answers a small fixed 503, see `server.ts`):
 * - the event loop's current stall: a timer ticks every {@link TICK_MS}; when a request arrives
 *   and the last tick is older than `maxLagMs`, the loop is stuck in one long turn;
 * - requests in flight: with a store that waits on I/O, requests pile up without stalling the loop;
 * - the wait in the kernel's accept queue: under keep-alive load Node accepts about one new
 *   connection per loop turn, so newcomers queue where the loop cannot see them. While the loop
 *   is busy, every {@link BUSY_WINDOW_MS} it reads the queue's length (`accept-queue.ts`) and divides it by the recent
 *   accept rate; over `maxQueueWaitMs`, new requests are shed so the queue drains fast.
 *
 * And one softer signal, {@link LoadMonitor.newcomersWaiting}: the loop was (nearly) never idle over
 * the last {@link BUSY_WINDOW_MS} and a newcomer would wait over {@link TAKE_TURNS_AFTER_WAIT_MS} in
 * the accept queue (or it cannot be read).
 * Then the server closes each connection after its answer, so connections take turns in the order
 * they came instead of the kept-alive ones starving the rest (measured: docs/SECURITY.md); with
 * nobody waiting, a busy server keeps its connections alive (a benchmark's fixed connections).
 * @module
 */

/** How often the lag timer ticks; its cost is one callback per tick. */
export const TICK_MS = 20;

/** The window over which the loop's utilisation is measured for {@link LoadMonitor.busy}. */
export const BUSY_WINDOW_MS = 100;

/**
 * Connections take turns only when a newcomer would wait longer than this: a benchmark's fixed
 * connections (a short queue at start) keep their keep-alive.
 */
export const TAKE_TURNS_AFTER_WAIT_MS = 100;

/** Utilisation (busy time / elapsed) at and above which the loop counts as busy. */
export const BUSY_UTILIZATION = 0.9;

/** The loop's utilisation (busy time / elapsed, 0–1) since the previous call. */
export type UtilizationMeter = () => number;

/** The real meter, from `performance.eventLoopUtilization` (libuv's idle time; sub-microsecond). */
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
  readonly maxQueueWaitMs: number;
}

/** The signals' sources; parameters so tests can drive them. */
export interface LoadSources {
  /** The clock in milliseconds. Default `performance.now`. */
  readonly now?: () => number;
  readonly meter?: UtilizationMeter;
  /** Connections waiting to be accepted, or undefined when unknown. Default: unknown. */
  readonly acceptQueue?: () => number | undefined;
}

/** What {@link createLoadMonitor} returns. */
export interface LoadMonitor {
  /** Whether a request arriving now should be shed, given the requests already in flight. */
  saturated(inFlight: number): boolean;
  /** The event loop's current stall in milliseconds (time since the last tick beyond its period). */
  lagMs(): number;
  /** The estimated wait in the accept queue at the last window's end, in milliseconds (0 when not busy). */
  queueWaitMs(): number;
  /** Whether the loop was busy (utilisation ≥ {@link BUSY_UTILIZATION}) over the last window. */
  busy(): boolean;
  /** Whether, at the last window's end, the loop was busy and newcomers would wait over {@link TAKE_TURNS_AFTER_WAIT_MS} (or the queue was unknown). */
  newcomersWaiting(): boolean;
  /** Counts an accepted connection (the server calls it on `connection`). */
  accepted(): void;
  /** Samples the signals; the timer calls it every {@link TICK_MS}. */
  tick(): void;
  /** Stops the timer. */
  stop(): void;
}

/** Weight of the newest tick in the accept-rate average. */
const RATE_SMOOTHING = 0.2;

/**
 * Starts watching the process.
 * @example `const load = createLoadMonitor({ maxLagMs: 300, maxInFlight: 1024, maxQueueWaitMs: 1000 });`
 */
export function createLoadMonitor(limits: LoadLimits, sources: LoadSources = {}): LoadMonitor {
  const now = sources.now ?? (() => performance.now());
  const meter = sources.meter ?? eventLoopMeter();
  const acceptQueue = sources.acceptQueue ?? (() => undefined);
  let lastTick = now();
  let windowStartMs = lastTick;
  let busy = false;
  let newcomersWaiting = false;
  let acceptsSinceTick = 0;
  let acceptsPerMs = 0;
  let queueWaitMs = 0;

  const tick = () => {
    const at = now();
    const elapsed = Math.max(1, at - lastTick);
    acceptsPerMs = (1 - RATE_SMOOTHING) * acceptsPerMs + RATE_SMOOTHING * (acceptsSinceTick / elapsed);
    acceptsSinceTick = 0;
    lastTick = at;
    if (at - windowStartMs < BUSY_WINDOW_MS) return;
    busy = meter() >= BUSY_UTILIZATION;
    windowStartMs = at;
    // An idle loop accepts everything at once: the queue only matters while busy. Reading it
    // costs up to a millisecond (measured on a loaded 2-core machine), hence once per window.
    const queued = busy ? acceptQueue() : 0;
    queueWaitMs = queued === undefined || queued === 0 ? 0 : queued / Math.max(acceptsPerMs, 0.001);
    newcomersWaiting = busy && (queued === undefined || queueWaitMs > TAKE_TURNS_AFTER_WAIT_MS);
  };
  const timer = setInterval(tick, TICK_MS);
  // The timer alone must never keep the process alive.
  timer.unref();
  const lagMs = () => Math.max(0, now() - lastTick - TICK_MS);
  return {
    saturated: (inFlight) =>
      (limits.maxInFlight > 0 && inFlight >= limits.maxInFlight) ||
      (limits.maxLagMs > 0 && lagMs() > limits.maxLagMs) ||
      (limits.maxQueueWaitMs > 0 && queueWaitMs > limits.maxQueueWaitMs),
    lagMs,
    queueWaitMs: () => queueWaitMs,
    busy: () => busy,
    newcomersWaiting: () => newcomersWaiting,
    accepted: () => {
      acceptsSinceTick++;
    },
    tick,
    stop: () => clearInterval(timer),
  };
}
