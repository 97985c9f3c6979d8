/**
 * One side of a race to create SQLite files: opens a {@link SqliteSessionStore} on `dir/0.sqlite3`,
 * `dir/1.sqlite3`, … each at its own moment (`start + i × stepMs`, the start read from stdin once
 * the other side is ready too), and prints the messages of the opens that failed, as JSON.
 *
 * Usage: `node --import tsx test/support/open-race.ts DIR FILES STEP_MS`
 * @module
 */
import { once } from 'node:events';
import { join } from 'node:path';
import { SqliteSessionStore } from '../../src/stores/sqlite.js';

const [dir = '', files = '0', stepMs = '0'] = process.argv.slice(2);
process.stdout.write('ready\n');
const [line] = (await once(process.stdin, 'data')) as [Buffer];
const start = Number(line.toString().trim());
const failures: string[] = [];
for (let i = 0; i < Number(files); i++) {
  while (Date.now() < start + i * Number(stepMs)) {
    // Spin to the moment: both sides open file i together.
  }
  try {
    await new SqliteSessionStore({ path: join(dir, `${i}.sqlite3`), secretKey: 'race' }).close();
  } catch (error) {
    failures.push((error as Error).message);
  }
}
process.stdout.write(`${JSON.stringify(failures)}\n`);
process.exit(0);
