/**
 * The data every benchmark uses: a typical 10-holding portfolio, a deterministic 100-holding one,
 * the session around them, and the add-stock form that the POST scenario submits.
 * Shared by `session.ts` and `run.ts`, so the micro-benchmark and the HTTP runs measure the same cookie.
 * @module
 */
import { createHash } from 'node:crypto';
import type { EncodedHolding } from '../src/domain/portfolio.js';
import { CSRF_COOKIE_NAMES, CSRF_KEY_PURPOSE } from '../src/web/csrf.js';
import { CookieSigner } from '../src/session/app-cookies.js';
import type { SessionData } from 'flask-session-ts';

/** The fixed random part of the benchmark's CSRF token: 43 base64url characters. */
export const CSRF_TOKEN = 'bEnCh-ToKeN_0123456789abcdefghijklmnopqrstu';

/**
 * The CSRF token every server accepts: signed as the app's double-submit cookie is (a key derived
 * from SECRET_KEY), and the same string in the session for Flask and the limit server, which
 * compare the form's token with the session's. The app reads it from its own cookie.
 */
export function csrfTokenFor(secretKey: string, raw = CSRF_TOKEN): string {
  return new CookieSigner([secretKey], CSRF_KEY_PURPOSE).sign(raw);
}

/** The app's CSRF cookie as the benchmark sends it (the app runs with NODE_ENV=production). */
export function csrfCookie(token: string): string {
  return `${CSRF_COOKIE_NAMES.production}=${token}`;
}

/** Ten holdings of the kind a visitor types in: real tickers, whole and fractional shares, prices in cents. */
export const TYPICAL_HOLDINGS: readonly EncodedHolding[] = Object.freeze([
  ['AAPL', '15', '302.17'],
  ['MSFT', '8', '415.5'],
  ['GOOGL', '12', '139.82'],
  ['AMZN', '20', '178.25'],
  ['NVDA', '4.5', '881.86'],
  ['BRK.B', '3', '408.9'],
  ['JPM', '25', '196.62'],
  ['V', '10', '275.08'],
  ['TSLA', '6', '175.79'],
  ['KO', '40', '60.13'],
]);

/**
 * `count` holdings with pseudo-random 4-letter symbols, 1–5000 shares and prices to the cent, from a
 * fixed seed, so every run (and every server) sees the same page. Such data compresses about as
 * badly as real portfolios do.
 */
export function generatedHoldings(count: number, seed = 42): EncodedHolding[] {
  let state = seed;
  const next = (n: number) => {
    state = (state * 1103515245 + 12345) % 2 ** 31;
    return state % n;
  };
  return Array.from({ length: count }, (): EncodedHolding => {
    const symbol = Array.from({ length: 4 }, () => String.fromCharCode(65 + next(26))).join('');
    const shares = String(1 + next(5000));
    const price = `${1 + next(2000)}.${String(next(100)).padStart(2, '0')}`;
    return [symbol, shares, price];
  });
}

/** The session the app keeps for a visitor who has a portfolio: as `AppSessionData` plus Flask's `_permanent`. */
export function portfolioSession(portfolio: readonly EncodedHolding[], csrfToken = CSRF_TOKEN): SessionData {
  return {
    _permanent: true,
    csrf_token: csrfToken,
    portfolio: portfolio.map((h) => [...h]),
    theme: 'light',
  };
}

/** The holding the POST scenario adds; every server must answer 302 and a cookie that holds it. */
export const NEW_HOLDING: EncodedHolding = ['NFLX', '7', '612.4'];

/** The urlencoded add-stock form the POST scenario sends, with the visitor's CSRF token. */
export function addStockBody(csrfToken: string): string {
  const [symbol, shares, price] = NEW_HOLDING;
  return new URLSearchParams({
    csrf_token: csrfToken,
    stock_symbol: symbol,
    number_of_shares: shares,
    purchase_price: price,
  }).toString();
}

/** Visitors in the many-visitors scenarios: more than any cache of decoded sessions keeps (the app's holds 256). */
export const MANY_VISITORS = 1000;

/** Visitor `i`'s own 43-character CSRF token (deterministic, so every run sends the same requests). */
export function visitorToken(i: number): string {
  return createHash('sha256').update(`bench visitor ${i}`).digest('base64url');
}

/** Visitor `i`'s session: 10 holdings of its own (seeded by `i`) and its own token, signed with `secretKey`. */
export function visitorSession(i: number, secretKey: string): SessionData {
  return portfolioSession(generatedHoldings(10, 1000 + i), csrfTokenFor(secretKey, visitorToken(i)));
}
