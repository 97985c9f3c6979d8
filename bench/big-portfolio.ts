/**
 * `npm run bench:big-portfolio`: issue 18's loss path #9 as figures. The app in server mode
 * (SQLite, in this process) holds the largest portfolio the store's cap allows for one visitor, in
 * two shapes (one position per holding; every holding a lot of one symbol), and answers GET /stocks,
 * the lots page, the sell form and the sales page; prints the CPU time (median of several requests) and the bytes of each, and
 * PASS/FAIL against the issue's targets (≤ 0.5 s, < 1 MB). Not a test: CPU time depends on the machine.
 * @module
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createApp } from '../src/http/app.js';
import { createSessionStore } from '../src/session/stores.js';
import { urlFor } from '../src/web/urls.js';
import { buildTestApp, Client, recordingLogger, startSession, testConfig } from '../test/support/client.js';
import { fillToCap, type PortfolioShape } from '../test/support/big-portfolio.js';

const TARGETS = Object.freeze({ cpuMs: 500, bytes: 1_000_000 });
const RUNS = 5;

const dir = mkdtempSync(join(tmpdir(), 'big-portfolio-'));
const failures: string[] = [];
const verdict = (ok: boolean, what: string) => {
  if (!ok) failures.push(what);
  return ok ? 'PASS' : 'FAIL';
};

/** CPU milliseconds (user + system) of one GET, and its body's bytes. */
async function measure(
  client: Client,
  path: string,
): Promise<{ cpuMs: number; bytes: number; status: number }> {
  const before = process.cpuUsage();
  const page = await client.get(path);
  const used = process.cpuUsage(before);
  return {
    cpuMs: (used.user + used.system) / 1000,
    bytes: Buffer.byteLength(page.html),
    status: page.status,
  };
}

try {
  console.log(`big portfolio bench, ${new Date().toISOString()}`);
  const config = testConfig({ sessionType: 'sqlite', sessionSqlitePath: join(dir, 'sessions.sqlite3') });
  const store = await createSessionStore(config);
  const app = createApp({ config, logger: recordingLogger(), store });
  for (const shape of ['many-symbols', 'one-symbol'] as PortfolioShape[]) {
    const client = new Client(app, buildTestApp().store);
    await startSession(client);
    const count = await fillToCap(store, client.cookieHeader, shape);
    console.log(`\n${shape}: ${count} holdings (cap ${store.maxSessionBytes} bytes)`);
    // The sell form lists the symbol's open lots to pick from, and /sales replays the ledger.
    const sales = [`${urlFor('sell_stock')}?symbol=AAPL`, urlFor('list_sales')];
    const paths =
      shape === 'one-symbol'
        ? [urlFor('list_stocks'), `${urlFor('list_lots', { symbol: 'AAPL' })}?page=3`, ...sales]
        : [urlFor('list_stocks'), `${urlFor('list_stocks')}?sort=value&page=2`, ...sales];
    for (const path of paths) {
      const runs = [];
      for (let i = 0; i < RUNS; i++) runs.push(await measure(client, path));
      const cpu = runs.map((r) => r.cpuMs).sort((a, b) => a - b)[Math.floor(RUNS / 2)] ?? 0;
      const bytes = Math.max(...runs.map((r) => r.bytes));
      console.log(
        `  GET ${path} (status ${runs[0]?.status}): ${cpu.toFixed(0)} ms CPU (median of ${RUNS}) ≤ ${TARGETS.cpuMs}: ${verdict(cpu <= TARGETS.cpuMs, `${shape} ${path} CPU`)}; ${bytes} bytes < ${TARGETS.bytes}: ${verdict(bytes < TARGETS.bytes, `${shape} ${path} bytes`)}`,
      );
    }
  }
  await store.close?.();
} finally {
  rmSync(dir, { recursive: true, force: true });
}
console.log(failures.length === 0 ? '\nall targets met' : `\nmissed: ${failures.join('; ')}`);
process.exitCode = failures.length === 0 ? 0 : 1;
