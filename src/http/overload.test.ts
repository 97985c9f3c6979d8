import { afterEach, describe, expect, it } from 'vitest';
import { BUSY_WINDOW_MS, TICK_MS, createLoadMonitor, type LoadMonitor } from './overload.js';

let monitor: LoadMonitor | undefined;
afterEach(() => monitor?.stop());

/** A monitor on a clock the test moves by hand, and a utilisation meter it sets. */
function manual(limits: { maxLagMs: number; maxInFlight: number; maxQueueWaitMs?: number }) {
  const clock = { ms: 1000, utilization: 0, queue: undefined as number | undefined };
  monitor = createLoadMonitor(
    { maxQueueWaitMs: 0, ...limits },
    { now: () => clock.ms, meter: () => clock.utilization, acceptQueue: () => clock.queue },
  );
  return { clock, load: monitor };
}

describe('createLoadMonitor', () => {
  it('is not saturated while the loop ticks on time and few requests are in flight', () => {
    const { clock, load } = manual({ maxLagMs: 300, maxInFlight: 10 });
    clock.ms += TICK_MS;
    load.tick();
    expect(load.saturated(9)).toBe(false);
  });

  it('is saturated while the loop has been stalled longer than maxLagMs', () => {
    const { clock, load } = manual({ maxLagMs: 300, maxInFlight: 0 });
    load.tick();
    clock.ms += TICK_MS + 301;
    expect(load.lagMs()).toBe(301);
    expect(load.saturated(0)).toBe(true);
    load.tick();
    expect(load.saturated(0)).toBe(false);
  });

  it('is saturated with maxInFlight requests in flight', () => {
    const { load } = manual({ maxLagMs: 0, maxInFlight: 10 });
    expect(load.saturated(10)).toBe(true);
  });

  it('ignores a signal set to 0', () => {
    const { clock, load } = manual({ maxLagMs: 0, maxInFlight: 0, maxQueueWaitMs: 0 });
    clock.utilization = 1;
    clock.queue = 100_000;
    clock.ms += BUSY_WINDOW_MS;
    load.tick();
    clock.ms += 60_000;
    expect(load.saturated(1_000_000)).toBe(false);
  });

  it('is busy after a window in which the loop was never idle, and not after an idle one', () => {
    const { clock, load } = manual({ maxLagMs: 300, maxInFlight: 0 });
    expect(load.busy()).toBe(false);
    clock.utilization = 0.97;
    clock.ms += BUSY_WINDOW_MS;
    load.tick();
    expect(load.busy()).toBe(true);
    clock.utilization = 0.4;
    clock.ms += BUSY_WINDOW_MS;
    load.tick();
    expect(load.busy()).toBe(false);
  });

  it('is saturated while the accept queue holds more than maxQueueWaitMs of connections at the recent accept rate', () => {
    const { clock, load } = manual({ maxLagMs: 0, maxInFlight: 0, maxQueueWaitMs: 1000 });
    clock.utilization = 1;
    // 25 accepts per 100 ms window: 250 per second, for long enough that the average settles.
    for (let i = 0; i < 20; i++) {
      for (let a = 0; a < 25; a++) load.accepted();
      clock.queue = i < 19 ? 100 : 500;
      clock.ms += BUSY_WINDOW_MS;
      load.tick();
    }
    // 500 waiting at 250/s: about 2 s.
    expect(load.busy()).toBe(true);
    expect(load.queueWaitMs()).toBeGreaterThan(1900);
    expect(load.queueWaitMs()).toBeLessThan(2100);
    expect(load.saturated(0)).toBe(true);
    clock.queue = 100;
    for (let a = 0; a < 25; a++) load.accepted();
    clock.ms += BUSY_WINDOW_MS;
    load.tick();
    expect(load.saturated(0)).toBe(false);
  });

  it('says newcomers wait only while busy with over 100 ms of them in the accept queue, or an unknown queue', () => {
    const { clock, load } = manual({ maxLagMs: 0, maxInFlight: 0, maxQueueWaitMs: 0 });
    // 25 accepts per 100 ms window: 250 per second.
    const window = (utilization: number, queue: number | undefined) => {
      for (let a = 0; a < 25; a++) load.accepted();
      clock.utilization = utilization;
      clock.queue = queue;
      clock.ms += BUSY_WINDOW_MS;
      load.tick();
      return load.newcomersWaiting();
    };
    for (let i = 0; i < 20; i++) window(1, 0);
    expect(window(1, 0)).toBe(false);
    // 10 waiting at 250/s: 40 ms, not worth closing connections for.
    expect(window(1, 10)).toBe(false);
    // 500 waiting: 2 s.
    expect(window(1, 500)).toBe(true);
    expect(window(1, undefined)).toBe(true);
    expect(window(0.5, 500)).toBe(false);
  });

  it('ignores the accept queue while the loop is not busy', () => {
    const { clock, load } = manual({ maxLagMs: 0, maxInFlight: 0, maxQueueWaitMs: 1000 });
    clock.utilization = 0.5;
    clock.queue = 10_000;
    clock.ms += BUSY_WINDOW_MS;
    load.tick();
    expect(load.queueWaitMs()).toBe(0);
    expect(load.saturated(0)).toBe(false);
  });
});
