/**
 * Small helpers shared by the command-line scripts (`npm run fuzz`, `npm run soak`).
 * @module
 */

/**
 * A numeric option, or exit 2 with a message that says what is wrong and the usage.
 * @example `const runs = numberOption('runs', values.runs, 1, 1e9, USAGE);`
 */
export function numberOption(name: string, text: string, min: number, max: number, usage: string): number {
  const n = Number(text);
  if (!Number.isFinite(n) || n < min || n > max) {
    console.error(`--${name} must be a number from ${min} to ${max}, not ${JSON.stringify(text)}\n${usage}`);
    process.exit(2);
  }
  return n;
}
