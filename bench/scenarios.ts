/**
 * The benchmark scenarios and the check that each server really answers them: a benchmark that
 * measures error pages or empty portfolios is worthless, so every server must pass before any load.
 *
 * A scenario has one visitor (every request brings the same cookie: a visitor reloading, which lets
 * any cache of decoded sessions hit) or {@link MANY_VISITORS} (a different cookie on each request,
 * round-robin, so no cache sees the same cookie twice in a row). Each visitor's cookie is made in
 * every server's format: Flask's (ours, Flask, the limit) and each peer's own.
 * @module
 */
import { request } from 'node:http';
import { readCookie, SessionSerializer, type SessionData } from 'flask-session-ts';
import {
  addStockBody,
  csrfCookie,
  csrfTokenFor,
  generatedHoldings,
  MANY_VISITORS,
  NEW_HOLDING,
  portfolioSession,
  TYPICAL_HOLDINGS,
  visitorSession,
} from './fixtures.js';
import { expressCodec } from './peers/express.js';
import { fastifyCodec } from './peers/fastify.js';
import type { CookieFormat } from './servers.js';
import type { EncodedHolding } from '../src/domain/portfolio.js';
import { decodeLedger } from '../src/domain/ledger.js';

export type ScenarioId =
  'stocks10' | 'stocks100' | 'addStockForm' | 'addStockPost' | 'manyVisitors' | 'manyVisitorsPost';

/** One visitor: its session, its cookie in each format, and the form it posts. */
export interface BenchVisitor {
  readonly session: SessionData;
  readonly holdings: readonly EncodedHolding[];
  readonly csrfToken: string;
  /** The whole `Cookie` header, per format. */
  readonly cookies: Readonly<Record<CookieFormat, string>>;
  /** The urlencoded add-stock form with this visitor's token (POST scenarios). */
  readonly body?: string;
}

export interface Scenario {
  readonly id: ScenarioId;
  readonly title: string;
  readonly method: 'GET' | 'POST';
  readonly path: string;
  /** One visitor, or many rotated request by request. */
  readonly visitors: readonly BenchVisitor[];
  readonly expectedStatus: 200 | 302;
}

/** Makes and reads the cookies of every format with the shared secret key. */
export interface Codecs {
  /** The shared secret key every server gets. */
  readonly secretKey: string;
  encode(format: CookieFormat, data: SessionData): string;
  /** The session data in a response's `Set-Cookie` headers, or undefined when none verifies. */
  decode(format: CookieFormat, setCookies: readonly string[]): unknown;
  close(): Promise<void>;
}

export async function makeCodecs(secretKey: string): Promise<Codecs> {
  const flask = new SessionSerializer([secretKey]);
  const fastify = await fastifyCodec(secretKey);
  return {
    secretKey,
    encode(format, data) {
      if (format === 'flask') return `session=${flask.dumps(data)}`;
      return format === 'express' ? expressCodec.encode(secretKey, data) : fastify.encode(data);
    },
    decode(format, setCookies) {
      if (format === 'express') return expressCodec.decode(secretKey, setCookies);
      if (format === 'fastify') return fastify.decode(setCookies);
      const value = setCookies
        .map((header) => readCookie(header.split(';')[0], 'session'))
        .find((v) => v !== undefined);
      if (value === undefined) return undefined;
      try {
        return flask.loads(value).data;
      } catch {
        return undefined;
      }
    },
    close: () => fastify.close(),
  };
}

/** Largest `Set-Cookie` value the app sends (Werkzeug's limit); a bigger fixture would be refused. */
const MAX_COOKIE_BYTES = 4093;
const FORMATS: readonly CookieFormat[] = ['flask', 'express', 'fastify'];

function visitorOf(codecs: Codecs, session: SessionData, withBody: boolean): BenchVisitor {
  const cookies = Object.fromEntries(FORMATS.map((f) => [f, codecs.encode(f, session)])) as Record<
    CookieFormat,
    string
  >;
  // The Set-Cookie adds about 110 bytes of attributes to the value.
  if (cookies.flask.length + 110 > MAX_COOKIE_BYTES)
    throw new Error(`A fixture cookie is ${cookies.flask.length} bytes: too big for the app to refresh.`);
  const csrfToken = session['csrf_token'] as string;
  // Our app reads the token from its double-submit cookie; Flask and the peers from the session.
  const withCsrf = Object.fromEntries(
    FORMATS.map((f) => [f, `${cookies[f]}; ${csrfCookie(csrfToken)}`]),
  ) as Record<CookieFormat, string>;
  return {
    session,
    holdings: session['portfolio'] as EncodedHolding[],
    csrfToken,
    cookies: withCsrf,
    ...(withBody ? { body: addStockBody(csrfToken) } : {}),
  };
}

/** The scenarios, their cookies made once with the shared key. `visitors`: how many in the many-visitors ones. */
export function makeScenarios(codecs: Codecs, visitors = MANY_VISITORS): Scenario[] {
  const token = csrfTokenFor(codecs.secretKey);
  const typical = portfolioSession(TYPICAL_HOLDINGS, token);
  const one = (withBody: boolean) => [visitorOf(codecs, typical, withBody)];
  const many = (withBody: boolean) =>
    Array.from({ length: visitors }, (_, i) =>
      visitorOf(codecs, visitorSession(i, codecs.secretKey), withBody),
    );
  return [
    {
      id: 'stocks10',
      title: 'GET /stocks (10)',
      method: 'GET',
      path: '/stocks',
      visitors: one(false),
      expectedStatus: 200,
    },
    {
      id: 'stocks100',
      title: 'GET /stocks (100)',
      method: 'GET',
      path: '/stocks',
      visitors: [visitorOf(codecs, portfolioSession(generatedHoldings(100), token), false)],
      expectedStatus: 200,
    },
    {
      id: 'addStockForm',
      title: 'GET /add_stock',
      method: 'GET',
      path: '/add_stock',
      visitors: one(false),
      expectedStatus: 200,
    },
    {
      id: 'addStockPost',
      title: 'POST /add_stock',
      method: 'POST',
      path: '/add_stock',
      visitors: one(true),
      expectedStatus: 302,
    },
    {
      id: 'manyVisitors',
      title: `GET /stocks, ${visitors} visitors`,
      method: 'GET',
      path: '/stocks',
      visitors: many(false),
      expectedStatus: 200,
    },
    {
      id: 'manyVisitorsPost',
      title: `POST /add_stock, ${visitors} visitors`,
      method: 'POST',
      path: '/add_stock',
      visitors: many(true),
      expectedStatus: 302,
    },
  ];
}

/** A response as the check sees it. */
export interface Answer {
  readonly status: number;
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  readonly body: string;
  readonly bodyBytes: number;
}

/** Sends one visitor's request of the scenario once, with its cookie in `format`. */
export function send(
  baseUrl: string,
  scenario: Scenario,
  visitor: BenchVisitor,
  format: CookieFormat,
): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const url = new URL(scenario.path, baseUrl);
    const headers: Record<string, string> = { cookie: visitor.cookies[format], connection: 'close' };
    if (visitor.body !== undefined) {
      headers['content-type'] = 'application/x-www-form-urlencoded';
      headers['content-length'] = String(Buffer.byteLength(visitor.body));
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
    req.end(visitor.body);
  });
}

/**
 * What is wrong with `answer` for this visitor, or an empty list. Every answer must also carry the
 * visitor's session back in a `Set-Cookie` that verifies (the refresh on GET, the new holding on
 * POST): a server that skipped the refresh would be doing less work than ours.
 */
export function checkAnswer(
  scenario: Scenario,
  visitor: BenchVisitor,
  answer: Answer,
  format: CookieFormat,
  codecs: Codecs,
): string[] {
  const problems: string[] = [];
  if (answer.status !== scenario.expectedStatus) {
    problems.push(`status ${answer.status}, expected ${scenario.expectedStatus}`);
    return problems;
  }
  // Compared as the app reads them: a server may write "65.4" for the fixture's "65.40". Ours also
  // records the purchase date (today, a fourth element); the Flask port and the peers do not.
  // Read as a ledger: lots with ids (ours, the Flask port and the limit write them) and without.
  const canonical = (raw: unknown) =>
    JSON.stringify(
      decodeLedger({ portfolio: raw }).lots.map(({ symbol, shares, price }) => [symbol, shares, price]),
    );
  const expectedPortfolio =
    scenario.method === 'POST' ? [...visitor.holdings, NEW_HOLDING] : [...visitor.holdings];
  const data = codecs.decode(format, [answer.headers['set-cookie'] ?? []].flat());
  const saved =
    typeof data === 'object' && data !== null ? (data as Record<string, unknown>)['portfolio'] : undefined;
  if (data === undefined) problems.push('no session Set-Cookie that verifies with the shared key');
  else if (
    canonical(saved) !== canonical(expectedPortfolio) ||
    !Array.isArray(saved) ||
    saved.length !== expectedPortfolio.length
  )
    problems.push(
      `the new cookie holds ${JSON.stringify(saved)}, expected ${JSON.stringify(expectedPortfolio)}`,
    );

  if (scenario.method === 'POST') {
    const location = answer.headers['location'];
    if (typeof location !== 'string' || !location.endsWith('/stocks'))
      problems.push(`Location ${String(location)}, expected /stocks`);
  } else if (scenario.path === '/stocks') {
    // Each lot's symbol is its row's header (lots grouped by position, every server the same markup).
    const missing = visitor.holdings.filter(
      ([symbol]) => !answer.body.includes(`<th scope="row">${symbol}</th>`),
    );
    if (missing.length > 0)
      problems.push(`${missing.length} of ${visitor.holdings.length} holdings missing from the page`);
    const rows = answer.body.split('aria-label="Remove ').length - 1;
    if (rows !== visitor.holdings.length) problems.push(`${rows} rows, expected ${visitor.holdings.length}`);
  } else {
    if (!answer.body.includes(`name="csrf_token" value="${visitor.csrfToken}"`))
      problems.push("the form lacks the session's CSRF token");
    if (!answer.body.includes('name="purchase_price"')) problems.push('the form lacks its fields');
  }
  return problems;
}

/** The total cost line of a /stocks page, to compare servers with each other. */
export function pageTotal(body: string): string | undefined {
  return /Total<\/th>\s*<td class="num"[^>]*>([^<]+)</.exec(body)?.[1];
}
