/**
 * Latency at a fixed rate: runs `open-loop-client.ts` (plain node, its own process) against one
 * server and reads its report. A run whose achieved rate falls more than
 * {@link MAX_SHORTFALL} below the target is marked invalid: the server (or the machine) could
 * not keep up, so its percentiles describe a queue, not the server at that rate.
 * @module
 */
import type { OpenLoopConfig, OpenLoopResult } from './open-loop-client.js';
import { startTracked, stopTracked } from './processes.js';
import { compiledScript } from './servers.js';

export type { OpenLoopResult } from './open-loop-client.js';

/** Achieved rate may fall short of the target by at most 5 %. */
export const MAX_SHORTFALL = 0.05;

/** Whether the run delivered its rate (within {@link MAX_SHORTFALL}) with no errors. */
export function validRun(result: OpenLoopResult): boolean {
  return result.achievedRate >= result.targetRate * (1 - MAX_SHORTFALL) && result.errors === 0;
}

/** Runs one fixed-rate load to completion (it stops by itself; a stuck one is killed). */
export async function runOpenLoop(config: OpenLoopConfig): Promise<OpenLoopResult> {
  const client = startTracked(
    'open-loop',
    process.execPath,
    [compiledScript('open-loop-client.ts'), JSON.stringify(config)],
    {
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let out = '';
  const closed = new Promise<void>((resolve) => client.child.once('close', () => resolve()));
  client.child.stdout?.on('data', (chunk: Buffer) => (out += chunk.toString()));
  client.child.stderr?.on('data', (chunk: Buffer) => (out += chunk.toString()));
  const watchdog = setTimeout(() => void stopTracked(client, 1000), (config.durationSeconds + 30) * 1000);
  const code = await client.exited;
  await closed;
  clearTimeout(watchdog);
  if (code !== 0) throw new Error(`The open-loop client exited with ${code}:\n${out}`);
  return JSON.parse(out) as OpenLoopResult;
}
