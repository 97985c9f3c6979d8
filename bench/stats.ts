/**
 * Small numeric helpers for the benchmarks.
 * @module
 */

/** The median of `values` (the mean of the middle two for an even count); NaN for none. */
export function median(values: readonly number[]): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  const upper = sorted[mid] ?? NaN;
  return sorted.length % 2 === 1 ? upper : ((sorted[mid - 1] ?? NaN) + upper) / 2;
}

/** `value` rounded to `digits` decimals, as a number (for JSON that stays readable). */
export function round(value: number, digits = 2): number {
  const factor = 10 ** digits;
  return Math.round(value * factor) / factor;
}

/** `1234567` → `1,234,567`; fractions dropped. */
export function grouped(value: number): string {
  return Math.round(value).toLocaleString('en-US');
}
