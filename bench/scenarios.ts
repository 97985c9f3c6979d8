/**
 * The benchmark scenarios and the check that each server really answers them: a benchmark that
 * measures error pages or empty portfolios is worthless, so every server must pass before any load.
 * @module
 */
import { request } from 'node:http';
import { readCookie, SessionSerializer } from 'flask-session-ts';
import {
  addStockBody,
  csrfCookie,
  csrfTokenFor,
  generatedHoldings,
  NEW_HOLDING,
  portfolioSession,
  TYPICAL_HOLDINGS,
} from './fixtures.js';
import type { EncodedHolding } from '../src/portfolio/portfolio.js';

export type ScenarioId = 'stocks10' | 'stocks100' | 'addStockForm' | 'addStockPost';

/** One request, sent unchanged by every wrk connection to every server. */
export interface Scenario {
  readonly id: ScenarioId;
  readonly title: string;
  readonly method: 'GET' | 'POST';
  readonly path: string;
  /** The `Cookie` header: a session made once, shared by all servers. */
  readonly cookie: string;
  readonly body?: string;
  readonly expectedStatus: 200 | 302;
  /** The holdings the page must list (GET /stocks) or the cookie must hold before the new one (POST). */
  readonly holdings: readonly EncodedHolding[];
}

/** The cookie header of a session holding `holdings`, signed now with the shared key, and the CSRF cookie. */
function cookieFor(
  serializer: SessionSerializer,
  holdings: readonly EncodedHolding[],
  token: string,
): string {
  return `session=${serializer.dumps(portfolioSession(holdings, token))}; ${csrfCookie(token)}`;
}

/** Largest `Set-Cookie` value the app sends (Werkzeug's limit); a bigger fixture would be refused. */
const MAX_COOKIE_BYTES = 4093;

/** The four scenarios, their cookies made once with `secretKey`. */
export function makeScenarios(secretKey: string): Scenario[] {
  const serializer = new SessionSerializer([secretKey]);
  const token = csrfTokenFor(secretKey);
  const hundred = generatedHoldings(100);
  const scenarios: Scenario[] = [
    {
      id: 'stocks10',
      title: 'GET /stocks, 10 holdings',
      method: 'GET',
      path: '/stocks',
      cookie: cookieFor(serializer, TYPICAL_HOLDINGS, token),
      expectedStatus: 200,
      holdings: TYPICAL_HOLDINGS,
    },
    {
      id: 'stocks100',
      title: 'GET /stocks, 100 holdings',
      method: 'GET',
      path: '/stocks',
      cookie: cookieFor(serializer, hundred, token),
      expectedStatus: 200,
      holdings: hundred,
    },
    {
      id: 'addStockForm',
      title: 'GET /add_stock',
      method: 'GET',
      path: '/add_stock',
      cookie: cookieFor(serializer, TYPICAL_HOLDINGS, token),
      expectedStatus: 200,
      holdings: TYPICAL_HOLDINGS,
    },
    {
      id: 'addStockPost',
      title: 'POST /add_stock',
      method: 'POST',
      path: '/add_stock',
      cookie: cookieFor(serializer, TYPICAL_HOLDINGS, token),
      body: addStockBody(token),
      expectedStatus: 302,
      holdings: TYPICAL_HOLDINGS,
    },
  ];
  for (const scenario of scenarios) {
    // The Set-Cookie adds about 110 bytes of attributes to the value.
    if (scenario.cookie.length + 110 > MAX_COOKIE_BYTES) {
      throw new Error(
        `The ${scenario.id} cookie is ${scenario.cookie.length} bytes: too big for the app to refresh.`,
      );
    }
  }
  return scenarios;
}

/** A response as the check sees it. */
export interface Answer {
  readonly status: number;
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  readonly body: string;
  readonly bodyBytes: number;
}

/** Sends the scenario's request once. */
export function send(baseUrl: string, scenario: Scenario): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const url = new URL(scenario.path, baseUrl);
    const headers: Record<string, string> = { cookie: scenario.cookie, connection: 'close' };
    if (scenario.body !== undefined) {
      headers['content-type'] = 'application/x-www-form-urlencoded';
      headers['content-length'] = String(Buffer.byteLength(scenario.body));
    }
    const req = request(url, { method: scenario.method, headers, timeout: 10_000 }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => {
        const bytes = Buffer.concat(chunks);
        resolve({
          status: res.statusCode ?? 0,
          headers: res.headers,
          body: bytes.toString('utf8'),
          bodyBytes: bytes.length,
        });
      });
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error(`${scenario.method} ${url.href} timed out`)));
    req.on('error', reject);
    req.end(scenario.body);
  });
}

/** What is wrong with `answer` for `scenario`, or an empty list. */
export function checkAnswer(scenario: Scenario, answer: Answer, secretKey: string): string[] {
  const problems: string[] = [];
  if (answer.status !== scenario.expectedStatus) {
    problems.push(`status ${answer.status}, expected ${scenario.expectedStatus}`);
    return problems;
  }
  switch (scenario.id) {
    case 'stocks10':
    case 'stocks100': {
      // The app labels its cells for the phone layout (`<td data-label=…>`); Flask's do not.
      const missing = scenario.holdings.filter(
        ([symbol]) =>
          !answer.body.includes(`<td>${symbol}</td>`) && !answer.body.includes(`">${symbol}</td>`),
      );
      if (missing.length > 0)
        problems.push(`${missing.length} of ${scenario.holdings.length} holdings missing from the page`);
      const rows = answer.body.split('aria-label="Remove ').length - 1;
      if (rows !== scenario.holdings.length)
        problems.push(`${rows} rows, expected ${scenario.holdings.length}`);
      break;
    }
    case 'addStockForm':
      if (!answer.body.includes(`name="csrf_token" value="${csrfTokenFor(secretKey)}"`))
        problems.push("the form lacks the session's CSRF token");
      if (!answer.body.includes('name="purchase_price"')) problems.push('the form lacks its fields');
      break;
    case 'addStockPost': {
      const location = answer.headers['location'];
      if (typeof location !== 'string' || !location.endsWith('/stocks'))
        problems.push(`Location ${String(location)}, expected /stocks`);
      const setCookie = [answer.headers['set-cookie'] ?? []].flat();
      const value = setCookie
        .map((header) => readCookie(header.split(';')[0], 'session'))
        .find((v) => v !== undefined);
      if (value === undefined) {
        problems.push('no session Set-Cookie');
        break;
      }
      // The new cookie must verify with the shared key and hold the old holdings plus the new one.
      try {
        const data = new SessionSerializer([secretKey]).loads(value).data;
        const portfolio = JSON.stringify(data['portfolio']);
        const expected = JSON.stringify([...scenario.holdings, NEW_HOLDING]);
        if (portfolio !== expected) problems.push(`the new cookie holds ${portfolio}, expected ${expected}`);
      } catch (error) {
        problems.push(`the new cookie does not verify: ${String(error)}`);
      }
      break;
    }
  }
  return problems;
}

/** The total cost line of a /stocks page, to compare servers with each other. */
export function pageTotal(body: string): string | undefined {
  return /Total<\/th><td class="num"[^>]*>([^<]+)</.exec(body)?.[1];
}
