/**
 * Where the visitor's portfolio lives, in the words pages and messages use: the signed cookie
 * itself (the default, Flask-compatible), or a server-side store (SQLite, Redis) that the cookie
 * only points at. Defined once, so the footer, About, the unreadable-session notice and the
 * "portfolio full" messages never contradict `SESSION_TYPE`.
 * @module
 */
import { CookieSessionStore, ServerSessionStore, type SessionStore } from 'flask-session-ts';
import type { SessionType } from '../platform/config.js';

/** The wording for one kind of storage. */
export interface StorageWords {
  /** The sentence in every page's footer. */
  readonly footer: string;
  /** The About page's paragraph on where the holdings are and who can read them. */
  readonly about: string;
  /** What the unreadable-session notice says was kept. */
  readonly kept: string;
  /** Why an import did not fit: where the limit is. */
  readonly importFull: (count: number, limitBytes: number) => string;
}

const STORE_NAMES: Readonly<Record<Exclude<SessionType, 'cookie'>, string>> = {
  sqlite: 'SQLite',
  redis: 'Redis',
};

/** `1048576` → `1 MiB`, `20000` → `19.5 KB`: the cap as a visitor reads it. */
export function formatBytes(bytes: number): string {
  if (bytes >= 1024 * 1024) return `${Number((bytes / (1024 * 1024)).toFixed(1))} MiB`;
  return `${Number((bytes / 1024).toFixed(1))} KB`;
}

const COOKIE: StorageWords = Object.freeze({
  footer: "Your portfolio lives only in this browser's signed session cookie: no account, no database.",
  about:
    'Stock Portfolio keeps your holdings in a session cookie in your browser. The cookie is signed, not encrypted: you (and anyone with access to this browser) can read it, but nobody can change it without the server noticing. Another browser is another portfolio.',
  kept: 'Nothing has been deleted: the old data stays in this browser, and nothing you do here replaces it unless you choose to start a new portfolio (on the Clear portfolio page).',
  importFull: (count: number) =>
    `Your portfolio is full: ${count} holdings do not fit in a browser cookie, so nothing was imported. Import fewer rows, or remove holdings first.`,
});

function serverWords(store: string): StorageWords {
  const where = `on this server (${store})`;
  return Object.freeze({
    footer: `Your portfolio is kept ${where}, found by the session cookie in this browser: no account needed.`,
    about: `Stock Portfolio keeps your holdings ${where}. Your browser keeps only a signed cookie with a random id that finds them, so the holdings are not in the cookie; anyone with that cookie sees the same portfolio. Another browser is another portfolio.`,
    kept: `Nothing has been deleted: whatever this browser's cookie points at stays ${where} until it expires, and nothing you do here replaces the cookie unless you choose to start a new portfolio (on the Clear portfolio page).`,
    importFull: (count: number, limitBytes: number) =>
      `Your portfolio is full: ${count} holdings do not fit in the ${formatBytes(limitBytes)} this server keeps for one portfolio, so nothing was imported. Import fewer rows, or remove holdings first.`,
  });
}

/**
 * Where a change that did not fit ran out of room, for "portfolio full" messages: the browser
 * cookie, or the server store's cap on one portfolio (which the visitor cannot see otherwise).
 */
export function roomOf(store: SessionStore): string {
  return store instanceof ServerSessionStore
    ? `the ${formatBytes(store.maxSessionBytes)} this server keeps for one portfolio`
    : 'the browser cookie';
}

/** The wording for each `SESSION_TYPE`. */
export const STORAGE_WORDS: Readonly<Record<SessionType, StorageWords>> = Object.freeze({
  cookie: COOKIE,
  sqlite: serverWords(STORE_NAMES.sqlite),
  redis: serverWords(STORE_NAMES.redis),
});

/** A server store's cap on one session, in bytes; undefined for the cookie. */
export function capBytesOf(store: SessionStore): number | undefined {
  return store instanceof ServerSessionStore ? store.maxSessionBytes : undefined;
}

/** Where the session lives, for messages: in the cookie itself, or on the server. */
export function storageOf(store: SessionStore): 'cookie' | 'server' {
  return store instanceof CookieSessionStore ? 'cookie' : 'server';
}
