/**
 * What the peer servers do per request, without any framework: the same portfolio decoding, cost
 * summary, form validation, CSRF comparison and pages as ours (imported from the app), over a plain
 * session object that each peer's own session layer loads and saves. The peers (`express.ts`,
 * `fastify.ts`) are thin adapters over these functions.
 * @module
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { Theme } from '../../src/session/data.js';
import { parseStockForm } from '../../src/domain/stock-rules.js';
import { purchaseDateBounds } from '../../src/domain/stock-fields.js';
import { decodePortfolio, encodePortfolio } from '../../src/domain/portfolio.js';
import { buildPositions } from '../../src/domain/positions.js';
import { decodePrices } from '../../src/domain/prices.js';
import type { FlashMessage } from 'flask-session-ts';
import { renderPage, type Visitor } from './page.js';

/** The session of a peer: the same keys as the app's (`_flashes` as Flask names them). */
export interface PeerSession {
  csrf_token?: unknown;
  portfolio?: unknown;
  prices?: unknown;
  theme?: unknown;
  _flashes?: unknown;
}

/** A response for the adapter to send. */
export type PeerResponse =
  | { readonly status: 200 | 403 | 422; readonly html: string }
  | { readonly status: 302; readonly location: string };

/** Largest cookie a browser keeps; the page says how many more holdings fit, as ours does. */
const MAX_COOKIE_BYTES = 4093;
/** Bytes a typical holding adds to a peer's cookie (JSON, before base64 or encryption). */
const BYTES_PER_HOLDING = 30;

/** The session's token, created on first use (43 base64url characters; the benchmark's shared one is longer, signed as ours). */
function csrfToken(session: PeerSession): string {
  if (typeof session.csrf_token === 'string' && session.csrf_token.length >= 43) return session.csrf_token;
  const token = randomBytes(32).toString('base64url');
  session.csrf_token = token;
  return token;
}

function visitor(session: PeerSession, path: string): Visitor {
  const flashes = Array.isArray(session._flashes) ? (session._flashes as FlashMessage[]) : [];
  if (flashes.length > 0) delete session._flashes;
  const theme: Theme = session.theme === 'dark' ? 'dark' : 'light';
  return { csrfToken: csrfToken(session), theme, flashes, path };
}

/** GET /stocks. `cookieBytes`: the size of the session cookie the request brought. */
export function listStocks(session: PeerSession, cookieBytes: number): PeerResponse {
  const view = buildPositions(decodePortfolio(session.portfolio), decodePrices(session.prices), 'symbol');
  const remaining = Math.max(0, Math.floor((MAX_COOKIE_BYTES - cookieBytes) / BYTES_PER_HOLDING));
  return {
    status: 200,
    html: renderPage(visitor(session, '/stocks'), { kind: 'stocks', view, remaining }),
  };
}

/** GET /add_stock. */
export function addStockForm(session: PeerSession): PeerResponse {
  return { status: 200, html: renderPage(visitor(session, '/add_stock'), { kind: 'add-stock' }) };
}

/** GET /about (the readiness probe of the bench). */
export function about(session: PeerSession): PeerResponse {
  return { status: 200, html: renderPage(visitor(session, '/about'), { kind: 'about' }) };
}

function tokenMatches(session: PeerSession, submitted: unknown): boolean {
  if (typeof submitted !== 'string' || typeof session.csrf_token !== 'string') return false;
  const a = Buffer.from(submitted);
  const b = Buffer.from(session.csrf_token);
  return a.length === b.length && timingSafeEqual(a, b);
}

/** POST /add_stock with the parsed urlencoded fields: 403, 422 with the form, or 302 after saving. */
export function addStock(session: PeerSession, fields: Record<string, unknown>): PeerResponse {
  if (!tokenMatches(session, fields['csrf_token'])) {
    return { status: 403, html: renderPage(visitor(session, '/add_stock'), { kind: 'about' }) };
  }
  const result = parseStockForm(fields, purchaseDateBounds(Date.now()));
  if (!result.ok) {
    const form = { values: result.values, errors: result.errors };
    return { status: 422, html: renderPage(visitor(session, '/add_stock'), { kind: 'add-stock', form }) };
  }
  const holdings = decodePortfolio(session.portfolio);
  session.portfolio = encodePortfolio([...holdings, result.holding]);
  session._flashes = [['success', `Added new stock (${result.holding.symbol})!`]];
  return { status: 302, location: '/stocks' };
}

/** The headers ours sends with every page (hono/secure-headers as the app configures it). */
export const PAGE_HEADERS: Readonly<Record<string, string>> = Object.freeze({
  'content-security-policy':
    "default-src 'self'; script-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'; object-src 'none'",
  'cross-origin-opener-policy': 'same-origin',
  'cross-origin-resource-policy': 'same-origin',
  'origin-agent-cluster': '?1',
  'permissions-policy':
    'accelerometer=(), autoplay=(), bluetooth=(), browsing-topics=(), camera=(), display-capture=(), encrypted-media=(), fullscreen=(), geolocation=(), gyroscope=(), hid=(), identity-credentials-get=(), idle-detection=(), local-fonts=(), magnetometer=(), microphone=(), midi=(), otp-credentials=(), payment=(), picture-in-picture=(), publickey-credentials-get=(), screen-wake-lock=(), serial=(), usb=(), web-share=(), window-management=(), xr-spatial-tracking=()',
  'referrer-policy': 'same-origin',
  'strict-transport-security': 'max-age=15552000; includeSubDomains',
  'x-content-type-options': 'nosniff',
  'x-dns-prefetch-control': 'off',
  'x-download-options': 'noopen',
  'x-frame-options': 'DENY',
  'x-permitted-cross-domain-policies': 'none',
  'x-xss-protection': '0',
  'cache-control': 'no-store',
  vary: 'Cookie',
});

/** Session lifetime, as ours and Flask: 31 days, refreshed on every response. */
export const LIFETIME_SECONDS = 31 * 24 * 60 * 60;

/** Largest form body accepted, as ours (16 KiB). */
export const MAX_BODY_BYTES = 16 * 1024;
