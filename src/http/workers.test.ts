import { describe, expect, it } from 'vitest';
import { RestartBackoff } from './workers.js';

describe('RestartBackoff', () => {
  const options = { baseMs: 100, maxMs: 1000, windowMs: 60_000 };

  it('replaces a first death at once, then doubles the wait for each death within the window', () => {
    let now = 0;
    const backoff = new RestartBackoff(options, () => now);
    const delays = [0, 1, 2, 3, 4, 5].map(() => {
      now += 10;
      return backoff.nextDelayMs();
    });
    expect(delays).toEqual([0, 100, 200, 400, 800, 1000]);
  });

  it('forgets deaths older than the window', () => {
    let now = 0;
    const backoff = new RestartBackoff(options, () => now);
    backoff.nextDelayMs();
    backoff.nextDelayMs();
    now += 60_000;
    expect(backoff.nextDelayMs()).toBe(0);
  });
});
