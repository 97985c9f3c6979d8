import { afterEach, describe, expect, it } from 'vitest';
import { BUSY_WINDOW_MS, TICK_MS, createLoadMonitor, type LoadMonitor } from './overload.js';

let monitor: LoadMonitor | undefined;
afterEach(() => monitor?.stop());

/** A monitor on a clock the test moves by hand, and a utilisation meter it sets. */
function manual(limits: { maxLagMs: number; maxInFlight: number }) {
  const clock = { ms: 1000, utilization: 0 };
  monitor = createLoadMonitor(
    limits,
    () => clock.ms,
    () => clock.utilization,
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
    const { clock, load } = manual({ maxLagMs: 0, maxInFlight: 0 });
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
});
