/**
 * `npm run bench:views`: the list page's own work, in-process, without a server: reading the
 * ledger from the session's data, the gains and positions, building the page, and the page made
 * ready to send (flattened and measured, as `web/response.ts` does). For the bench's one visitor
 * (GET /stocks (10)) and its 1,000 visitors (a different session each time, round-robin).
 *
 * A server under load runs each of these slower (cold caches, other requests in between), so
 * compare figures of this script with each other, and server CPU with `npm run bench`. Operations
 * take turns round by round, so that noise hits them alike; prints the best and the median round.
 *
 * Options: `--rounds N` (default 7), `--iterations N` per round (default 4000).
 * @module
 */
import { parseArgs } from 'node:util';
import type { SessionData } from 'flask-session-ts';
import { utcDate } from '../src/domain/dates.js';
import { viewLedger } from '../src/domain/gains.js';
import { decodeFrozenLedger } from '../src/domain/ledger.js';
import { positionsOfLedger, type Positions } from '../src/domain/positions.js';
import { decodePriceBook } from '../src/domain/price-book.js';
import { listStocksPage, type ListOptions } from '../src/features/stocks/view.js';
import { CSRF_TOKEN, MANY_VISITORS, portfolioSession, TYPICAL_HOLDINGS, visitorSession } from './fixtures.js';
import { median, round } from './stats.js';

const { values } = parseArgs({
  options: { rounds: { type: 'string', default: '7' }, iterations: { type: 'string', default: '4000' } },
});
const rounds = Number(values.rounds);
const iterations = Number(values.iterations);

const today = utcDate(Date.now());
const book = decodePriceBook(undefined);
const options: ListOptions = { sort: 'symbol', remaining: 20, storage: 'cookie', salesCount: 0, page: 1 };

function positionsOf(session: SessionData): Positions {
  return positionsOfLedger(viewLedger(decodeFrozenLedger(session), book, today), book, 'symbol');
}

function pageOf(positions: Positions): string {
  return listStocksPage(positions, options, CSRF_TOKEN).toString();
}

interface Operation {
  readonly name: string;
  readonly run: (i: number) => unknown;
}

function operationsFor(label: string, sessions: readonly SessionData[]): Operation[] {
  const views = sessions.map(positionsOf);
  const at = <T>(list: readonly T[], i: number): T => list[i % list.length] as T;
  return [
    { name: `${label}: ledger, gains, positions`, run: (i) => positionsOf(at(sessions, i)) },
    { name: `${label}: page built`, run: (i) => pageOf(at(views, i)) },
    { name: `${label}: page built, ready to send`, run: (i) => Buffer.byteLength(pageOf(at(views, i))) },
  ];
}

const operations = [
  ...operationsFor('1 visitor', [portfolioSession(TYPICAL_HOLDINGS)]),
  ...operationsFor(
    `${MANY_VISITORS} visitors`,
    Array.from({ length: MANY_VISITORS }, (_, i) => visitorSession(i, 'k')),
  ),
];

const perRound = new Map<string, number[]>(operations.map((op) => [op.name, []]));
for (const op of operations) for (let i = 0; i < iterations; i++) op.run(i);
for (let r = 0; r < rounds; r++) {
  for (const op of operations) {
    const start = process.cpuUsage();
    for (let i = 0; i < iterations; i++) op.run(i);
    const used = process.cpuUsage(start);
    perRound.get(op.name)?.push((used.user + used.system) / iterations);
  }
}
console.log(`CPU µs per call, ${rounds} rounds of ${iterations} calls (best / median):`);
for (const [name, figures] of perRound) {
  console.log(`  ${name.padEnd(44)} ${round(Math.min(...figures), 1)} / ${round(median(figures), 1)}`);
}
