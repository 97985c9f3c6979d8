/**
 * Issue 18, loss path 3: export → clear → import gives back everything on the /stocks page (buys,
 * fees, sells matched first in, first out or to picked lots, realized gain, and the current prices
 * with their source and "as of" date), in cookie mode and with a server-side store (SQLite).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { SessionStore } from 'flask-session-ts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  buildTestApp,
  Client,
  flashes,
  recordingLogger,
  startSession,
  testConfig,
  TEST_NOW,
} from '../../../test/support/client.js';
import { createApp } from '../../http/app.js';
import type { Config } from '../../platform/config.js';
import { createSessionStore } from '../../session/stores.js';
import type { AppSessionData } from '../../session/data.js';
import { decodeLedger } from '../../domain/ledger.js';
import { urlFor } from '../../web/urls.js';
import { importFlowMessages } from './routes.js';

const DAY_MS = 86_400_000;
let dir = '';
const opened: SessionStore[] = [];
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'csv-round-trip-'));
});
afterAll(async () => {
  await Promise.all(opened.splice(0).map(async (s) => s.close?.()));
  rmSync(dir, { recursive: true, force: true });
});

/** A visitor of an app in `mode` on a clock the test moves (prices are dated by it). */
async function visitor(mode: Partial<Config>): Promise<{ client: Client; clock: { now: number } }> {
  const clock = { now: TEST_NOW - 30 * DAY_MS };
  const now = () => clock.now;
  if (mode.sessionType === undefined || mode.sessionType === 'cookie') {
    return { client: buildTestApp({ config: mode, now }).client(), clock };
  }
  const config = testConfig(mode);
  const store = await createSessionStore(config, now);
  opened.push(store);
  const app = createApp({ config, logger: recordingLogger(), store, now });
  return { client: new Client(app, buildTestApp().store), clock };
}

/**
 * The part of a page that shows the portfolio: `<main>` without the flashes, the undo notice (an
 * import is not undone by Undo) and the room it took in "about N more fit", the CSRF token, and
 * with record ids (new after a clear: ids are never reused) numbered in order of appearance, so
 * the same lot reads the same.
 */
function portfolioPart(html: string): string {
  const main = /<main[\s\S]*<\/main>/.exec(html)?.[0] ?? '';
  const ids = new Map<string, number>();
  const renumber = (id: string) => {
    if (!ids.has(id)) ids.set(id, ids.size + 1);
    return String(ids.get(id));
  };
  return main
    .replace(/<div class="flashes"[\s\S]*?<\/div>/, '')
    .replace(/<div class="notice"[\s\S]*?<\/div>/, '')
    .replace(/name="csrf_token" value="[^"]*"/g, 'name="csrf_token"')
    .replace(/About \d+ more fit/, 'About N more fit')
    .replace(
      /(\/lots\/|\/sales\/|lot #|pick_|sale #)(\d+)/g,
      (_, prefix: string, id: string) => prefix + renumber(id),
    );
}

/** The /stocks and /sales pages, as {@link portfolioPart} keeps them. */
async function pages(client: Client): Promise<{ stocks: string; sales: string }> {
  const stocks = portfolioPart((await client.get(urlFor('list_stocks'))).html);
  const sales = portfolioPart((await client.get(urlFor('list_sales'))).html);
  return { stocks, sales };
}

/** An exported file with its lot labels (lot ids) numbered in order of appearance. */
function sameLabels(csv: string): string {
  const labels = new Map<string, number>();
  const renumber = (label: string) => {
    if (!labels.has(label)) labels.set(label, labels.size + 1);
    return String(labels.get(label));
  };
  return csv
    .split('\r\n')
    .map((line) => {
      const cells = line.split(',');
      if (cells[7] !== undefined && cells[7] !== '' && cells[0] !== 'type') cells[7] = renumber(cells[7]);
      if (cells[8] !== undefined && cells[0] === 'sell')
        cells[8] = cells[8].replace(/([^ :]+):/g, (_, label: string) => `${renumber(label)}:`);
      return cells.join(',');
    })
    .join('\r\n');
}

async function ok(page: Promise<{ status: number }>, what: string) {
  const { status } = await page;
  if (status !== 302) throw new Error(`${what} answered ${status}`);
}

describe.each([
  { name: 'cookie', mode: {} },
  { name: 'sqlite', mode: { sessionType: 'sqlite', sessionSqlitePath: '' } },
] as const)('in $name mode', ({ mode }) => {
  it('export → clear → import (replace) gives back the same /stocks page', async () => {
    const { client, clock } = await visitor(
      mode.sessionType === 'sqlite' ? { ...mode, sessionSqlitePath: join(dir, 'sessions.sqlite3') } : {},
    );
    await startSession(client);
    const buy = (symbol: string, shares: string, price: string, date: string, fee = '') =>
      ok(
        client.postForm(urlFor('add_stock'), {
          stock_symbol: symbol,
          number_of_shares: shares,
          purchase_price: price,
          purchase_date: date,
          fee,
        }),
        `buy ${symbol}`,
      );
    await buy('AAPL', '10', '100', '2024-01-02', '4.95');
    await buy('AAPL', '10', '150', '2024-06-03');
    await buy('MSFT', '5', '300.5', '2025-02-03', '1');
    await buy('NVDA', '8', '40', '2023-05-06');
    await client.get(urlFor('sell_stock'));
    const sell = (fields: Record<string, string>) =>
      ok(client.postForm(urlFor('sell_stock'), { fee: '', ...fields }), `sell ${fields['stock_symbol']}`);
    // First in, first out: 4 of AAPL's first lot.
    await sell({
      stock_symbol: 'AAPL',
      number_of_shares: '4',
      sale_price: '180',
      sale_date: '2025-01-10',
      fee: '2.5',
    });
    // Picked: 3 of AAPL's second lot (id 2), not the oldest.
    await sell({
      stock_symbol: 'AAPL',
      number_of_shares: '3',
      sale_price: '170',
      sale_date: '2025-03-10',
      pick_2: '3',
    });
    await sell({ stock_symbol: 'NVDA', number_of_shares: '8', sale_price: '120', sale_date: '2025-04-01' });
    await client.get(urlFor('list_stocks'));
    await ok(client.postForm(urlFor('set_price'), { symbol: 'AAPL', current_price: '190.25' }), 'price AAPL');
    clock.now += 10 * DAY_MS;
    await ok(client.postForm(urlFor('set_price'), { symbol: 'MSFT', current_price: '410' }), 'price MSFT');
    clock.now = TEST_NOW;

    const before = await pages(client);
    const csv = (await client.get(urlFor('export_stocks'))).html;

    await ok(client.postForm(urlFor('clear_stocks'), { confirm: 'yes' }), 'clear');
    expect((await pages(client)).stocks).not.toContain('AAPL');
    await client.get(urlFor('import_stocks'));
    const form = new FormData();
    form.append('file', new File([csv], 'portfolio.csv', { type: 'text/csv' }));
    form.append('mode', 'replace');
    form.append('confirm', 'yes');
    await ok(client.postMultipart(urlFor('import_stocks'), form), 'import');
    expect(flashes((await client.get(urlFor('list_stocks'))).html)).toEqual([
      ['success', importFlowMessages.done({ buys: 4, sells: 3, prices: 2 }, 'replace')],
    ]);

    const after = await pages(client);
    expect(after.stocks).toBe(before.stocks);
    expect(after.sales).toBe(before.sales);
    // The prices' sources and "as of" dates, and every sale's lots, as the file says them.
    expect(sameLabels((await client.get(urlFor('export_stocks'))).html)).toBe(sameLabels(csv));
  });
});

describe('an import with a server-side store (SQLite)', () => {
  it('keeps a holding another tab added while the file was being checked (no lost update)', async () => {
    let checking: () => void = () => undefined;
    const checkingStarted = new Promise<void>((resolve) => (checking = resolve));
    const base = recordingLogger({ debug: true });
    const logger = {
      ...base,
      debug: (message: string) => {
        base.debug(message);
        if (message.startsWith('import: checking')) checking();
      },
    };
    const config = testConfig({ sessionType: 'sqlite', sessionSqlitePath: join(dir, 'concurrent.sqlite3') });
    const store = await createSessionStore(config);
    opened.push(store);
    const client = new Client(createApp({ config, logger, store }), buildTestApp().store);
    await startSession(client);
    await ok(
      client.postForm(urlFor('add_stock'), {
        stock_symbol: 'AAPL',
        number_of_shares: '1',
        purchase_price: '1',
      }),
      'add AAPL',
    );
    await client.get(urlFor('import_stocks'));
    // Blank lines are skipped but still checked in slices: the check takes many turns of the loop.
    const file = `type,symbol,shares,price,date\r\n${'\r\n'.repeat(300_000)}buy,GOOG,3,150,2025-05-06\r\n`;
    const form = new FormData();
    form.append('file', new File([file], 'portfolio.csv', { type: 'text/csv' }));
    form.append('mode', 'append');
    const answered: string[] = [];
    const imported = client.postMultipart(urlFor('import_stocks'), form).then((page) => {
      answered.push('import');
      return page;
    });
    // This runs between two slices of the check, before the import saves.
    await checkingStarted;
    const added = await client.postForm(urlFor('add_stock'), {
      stock_symbol: 'MSFT',
      number_of_shares: '2',
      purchase_price: '2',
    });
    answered.push('add');
    expect(added.status).toBe(302);
    expect((await imported).status).toBe(302);
    expect(answered).toEqual(['add', 'import']);
    const { session } = await store.open<AppSessionData>(client.cookieHeader);
    expect(decodeLedger({ portfolio: session.get('portfolio') }).lots.map((lot) => lot.symbol)).toEqual([
      'AAPL',
      'MSFT',
      'GOOG',
    ]);
  });
});
