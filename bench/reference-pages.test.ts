/**
 * The Flask reference and the limit send the app's pages: for the bench's sessions and for a
 * portfolio with several lots per symbol, dates and fractional shares, their markup equals ours but
 * for the "about N more fit" estimate, and their POST records the purchase date as ours does.
 * Real servers: ours from `dist/`, Flask under gunicorn, the limit under plain node.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { SessionData } from 'flask-session-ts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  addStockBody,
  csrfCookie,
  csrfTokenFor,
  generatedHoldings,
  portfolioSession,
  TYPICAL_HOLDINGS,
} from './fixtures.js';
import { stopAll } from './processes.js';
import { makeCodecs, type Codecs } from './scenarios.js';
import { startServer, type Server, type ServerName } from './servers.js';
import type { EncodedHolding } from '../src/domain/portfolio.js';

const secretKey = randomBytes(24).toString('hex');
const logs = mkdtempSync(join(tmpdir(), 'reference-pages-'));
const servers = new Map<ServerName, Server>();
let codecs: Codecs;

beforeAll(async () => {
  codecs = await makeCodecs(secretKey);
  for (const name of ['ours', 'flask', 'limit'] as const) {
    servers.set(name, await startServer(name, { workers: 1, secretKey, logPath: join(logs, `${name}.log`) }));
  }
});

afterAll(async () => {
  await codecs.close();
  await stopAll();
  rmSync(logs, { recursive: true, force: true });
});

/**
 * The visitor's cookies: the session (with the token Flask and the limit compare) and the app's
 * double-submit token cookie, the same token, as the bench sends them.
 */
function cookies(holdings: readonly EncodedHolding[], extra: SessionData = {}): string {
  const token = csrfTokenFor(secretKey);
  const session = { ...portfolioSession(holdings, token), ...extra };
  return `${codecs.encode('flask', session)}; ${csrfCookie(token)}`;
}

function baseUrl(name: ServerName): string {
  const server = servers.get(name);
  if (server === undefined) throw new Error(`${name} did not start`);
  return server.baseUrl;
}

async function page(
  name: ServerName,
  path: string,
  holdings: readonly EncodedHolding[],
  extra: SessionData = {},
): Promise<string> {
  const response = await fetch(new URL(path, baseUrl(name)), {
    headers: { cookie: cookies(holdings, extra) },
  });
  expect(response.status).toBe(200);
  // The one figure each server estimates its own way.
  return (await response.text()).replace(/About \d+ more fit/, 'About N more fit');
}

const MIXED: readonly EncodedHolding[] = [
  ['AAPL', '15', '302.17', '2024-03-01'],
  ['MSFT', '0.3333', '415.1234'],
  ['AAPL', '2.5', '0.0001', '2025-12-31'],
  ['BF-B', '3', '10'],
  ['AAPL', '1000000', '999.99'],
  ['MSFT', '1', '2', 'not a date'],
];

describe.each(['flask', 'limit'] as const)('%s', (name) => {
  // Each row names a piece of ours' page that shows the case is the one described.
  it.each([
    ['/stocks', '10 holdings', TYPICAL_HOLDINGS, {}, '10 holdings.'],
    ['/stocks', '100 holdings', generatedHoldings(100), {}, '100 holdings.'],
    ['/stocks', 'lots of one symbol, dates, fractional shares', MIXED, {}, '3 lots of AAPL'],
    // BF-B's 3 shares padded to MSFT's 1.3333: figures aligned on the decimal point.
    [
      '/stocks',
      'figures of 0 to 4 decimals in one column',
      MIXED,
      {},
      '3<span class="pad" aria-hidden="true" data-pad=".0000"></span>',
    ],
    ['/stocks', 'an empty portfolio', [], {}, 'Your portfolio is empty.'],
    ['/add_stock', 'the form', TYPICAL_HOLDINGS, {}, 'name="purchase_date"'],
    ['/stocks', 'the dark theme', TYPICAL_HOLDINGS, { theme: 'dark' }, 'data-theme="dark"'],
    ['/add_stock', 'no theme chosen: both switches', [], { theme: null }, 'content="light dark"'],
  ])('GET %s (%s) sends the markup ours sends', async (path, _what, holdings, extra, marker) => {
    const ours = await page('ours', path, holdings, extra);
    expect(ours).toContain(marker);
    expect(await page(name, path, holdings, extra)).toBe(ours);
  });

  it('sends the security headers ours sends, with the same values', async () => {
    const headersOf = async (server: ServerName) => {
      const response = await fetch(new URL('/stocks', baseUrl(server)));
      await response.arrayBuffer();
      return response.headers;
    };
    const ours = await headersOf('ours');
    const theirs = await headersOf(name);
    // Per-response or per-transport headers, and ours' request id for its logs.
    const skip = new Set([
      'date',
      'connection',
      'keep-alive',
      'content-length',
      'set-cookie',
      'x-request-id',
    ]);
    const expected = [...ours].filter(([key]) => !skip.has(key));
    expect(expected.length).toBeGreaterThan(10);
    // Werkzeug writes `charset=utf-8`; the charset's name is case-insensitive.
    const same = (key: string, value: string) =>
      key === 'content-type'
        ? theirs.get(key)?.toLowerCase() === value.toLowerCase()
        : theirs.get(key) === value;
    expect(expected.filter(([key, value]) => !same(key, value))).toEqual([]);
  });

  async function post(date: string | undefined) {
    const body = new URLSearchParams(addStockBody(csrfTokenFor(secretKey)));
    if (date !== undefined) body.set('purchase_date', date);
    const response = await fetch(new URL('/add_stock', baseUrl(name)), {
      method: 'POST',
      redirect: 'manual',
      headers: {
        cookie: cookies(TYPICAL_HOLDINGS),
        'content-type': 'application/x-www-form-urlencoded',
      },
      body: body.toString(),
    });
    await response.arrayBuffer();
    const data = codecs.decode('flask', response.headers.getSetCookie()) as
      { portfolio?: unknown[] } | undefined;
    return { status: response.status, added: data?.portfolio?.at(-1) };
  }

  it('POST /add_stock records the purchase date, today when the field is blank', async () => {
    // With the next lot id, as ours: the bench's 10 holdings have ids 1–10.
    expect(await post('2024-05-06')).toEqual({
      status: 302,
      added: ['NFLX', '7', '612.4', '2024-05-06', 11],
    });
    const today = new Date().toISOString().slice(0, 10);
    const blank = await post('');
    expect(blank.status).toBe(302);
    // Either side of midnight UTC between the two clocks.
    expect([today, new Date().toISOString().slice(0, 10)]).toContain((blank.added as string[])[3]);
  });

  it('POST /add_stock refuses a purchase date in the future, as ours does', async () => {
    expect((await post('2999-01-01')).status).toBe(422);
  });
});

describe('flask', () => {
  it('rounds an average cost that ends in a half away from zero, from the exact quotient, as ours', async () => {
    // (0.0001 + 0.0002) ÷ 2 = 0.00015 → $0.0002; a float quotient (the limit's) may give $0.0001.
    const halves: readonly EncodedHolding[] = [
      ['TINY', '1', '0.0001'],
      ['TINY', '1', '0.0002'],
      ['AAPL', '1', '1'],
    ];
    const ours = await page('ours', '/stocks', halves);
    expect(ours).toContain('<td class="num" data-label="Average Cost">$0.0002</td>');
    expect(await page('flask', '/stocks', halves)).toBe(ours);
  });
});
