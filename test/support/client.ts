/**
 * Test support for the app: a config and a recording logger to build apps with, a cookie-jar
 * client around `app.request` that behaves like one browser tab, and readers for the parts of a
 * page the tests look at.
 * @module
 */
import type { Hono } from 'hono';
import { createApp } from '../../src/http/app.js';
import { createCookieStore } from '../../src/session/stores.js';
import { COOKIE_SESSION_SETTINGS, type Config } from '../../src/platform/config.js';
import { LOOPBACK_HOSTS } from '../../src/platform/hosts.js';
import type { AppEnv } from '../../src/web/context.js';
import { accessLine, type AccessEntry, type Logger } from '../../src/platform/logging.js';
import { urlFor } from '../../src/web/urls.js';
import type { CookieSessionStore, SessionData } from 'flask-session-ts';

/** The secret every test app signs with, unless a test says otherwise. At least 32 characters, as production needs. */
export const TEST_SECRET_KEY = 'test-secret-key-for-the-app-tests-0123456789';

/** A development configuration; `overrides` replace single settings. */
export function testConfig(overrides: Partial<Config> = {}): Config {
  return {
    production: false,
    debug: false,
    secretKey: TEST_SECRET_KEY,
    fallbackSecretKeys: [],
    sessionCookieName: 'session',
    secretKeySource: 'test',
    host: '127.0.0.1',
    port: 0,
    sessionLifetimeSeconds: 31 * 86400,
    workers: 1,
    ...COOKIE_SESSION_SETTINGS,
    allowedHosts: LOOPBACK_HOSTS,
    logFormat: 'text',
    trustProxyRequestId: false,
    headersTimeoutMs: 10_000,
    requestTimeoutMs: 30_000,
    keepAliveTimeoutMs: 5_000,
    listenBacklog: 511,
    // Off in tests: a busy CI machine must not turn a test's request into a 503.
    overloadMaxLagMs: 0,
    overloadMaxInFlight: 0,
    overloadMaxQueueWaitMs: 0,
    overloadCloseConnection: true,
    ...overrides,
  };
}

/** One recorded log line. */
export interface LogLine {
  readonly level: 'info' | 'debug' | 'error';
  readonly message: string;
  readonly error?: unknown;
  /** For access lines: the entry the server logged. */
  readonly access?: AccessEntry;
  /** The id of the request being served when the line was written. */
  readonly requestId?: string;
}

/** A {@link Logger} that keeps its lines; like `createLogger`, it drops debug lines unless `debug` is on. */
export interface RecordingLogger extends Logger {
  readonly lines: LogLine[];
  /** Every line as the real logger would print it, stack traces included, for "never logged" checks. */
  text(): string;
}

export function recordingLogger(options: { debug: boolean } = { debug: false }): RecordingLogger {
  const lines: LogLine[] = [];
  const bind = (requestId: string | undefined): Logger => {
    const push = (line: LogLine) => lines.push(requestId === undefined ? line : { ...line, requestId });
    return {
      info: (message) => push({ level: 'info', message }),
      debug: (message) => {
        if (options.debug) push({ level: 'debug', message });
      },
      debugEnabled: options.debug,
      error: (message, error) => push({ level: 'error', message, error }),
      access: (entry, level = 'info') => {
        if (level !== 'info' && !options.debug) return;
        const line: LogLine = { level, message: accessLine(entry), access: entry };
        lines.push(entry.requestId === undefined ? line : { ...line, requestId: entry.requestId });
      },
      forRequest: (id) => (id === undefined ? root : bind(id)),
    };
  };
  const root = bind(undefined);
  return {
    ...root,
    lines,
    text: () =>
      lines
        .map(({ message, error }) => (error instanceof Error ? `${message}\n${error.stack ?? ''}` : message))
        .join('\n'),
  };
}

/** An app under test, with what it was built from. */
export interface TestApp {
  readonly app: Hono<AppEnv>;
  readonly config: Config;
  readonly logger: RecordingLogger;
  /** A store with the app's secret and cookie settings, to read and forge its cookies. */
  readonly store: CookieSessionStore;
  /** A new visitor: an empty cookie jar. */
  client(): Client;
}

/** Builds an app with {@link testConfig}; the logger records debug lines when `config.debug` is on. */
export function buildTestApp(options: { config?: Partial<Config>; now?: () => number } = {}): TestApp {
  const config = testConfig(options.config);
  const logger = recordingLogger({ debug: config.debug });
  const app = createApp({ config, logger, ...(options.now === undefined ? {} : { now: options.now }) });
  // The same settings as the app's own store: a cookie from one opens in the other.
  const store = createCookieStore(config, options.now);
  return { app, config, logger, store, client: () => new Client(app, store) };
}

/** The clock of {@link clockedApp}: noon UTC on 2026-03-04, so "today" is known. */
export const TEST_NOW = Date.UTC(2026, 2, 4, 12);
/** "Today" on {@link TEST_NOW}'s clock. */
export const TEST_TODAY = '2026-03-04';

/** An app on the fixed clock {@link TEST_NOW}. */
export function clockedApp(): TestApp {
  return buildTestApp({ now: () => TEST_NOW });
}

/** An add-stock form with a purchase date: 15 AAPL at $302.17 on 2026-01-02. */
export const AAPL_LOT = Object.freeze({
  stock_symbol: 'AAPL',
  number_of_shares: '15',
  purchase_price: '302.17',
  purchase_date: '2026-01-02',
});

/** A visitor who has loaded the add-stock form, so holds a session and a CSRF token. */
export async function visitorAtForm(t: TestApp = clockedApp()): Promise<Client> {
  const client = t.client();
  await client.get(urlFor('add_stock'));
  return client;
}

/** A visitor with the given holdings, added through the form (each add must succeed). */
export async function visitorWith(
  holdings: readonly FormInput[],
  t: TestApp = clockedApp(),
): Promise<Client> {
  const client = await visitorAtForm(t);
  for (const holding of holdings) {
    const page = await client.postForm(urlFor('add_stock'), holding);
    if (page.status !== 302) throw new Error(`Adding ${JSON.stringify(holding)} answered ${page.status}`);
    await client.get(urlFor('list_stocks'));
  }
  return client;
}

/** A response with its body already read. */
export interface Page {
  readonly status: number;
  readonly headers: Headers;
  /** The body as text (HTML for pages). */
  readonly html: string;
  /** The `Location` header, or null. */
  readonly location: string | null;
  /** Every `Set-Cookie` header of the response. */
  readonly setCookies: string[];
}

/** Form fields to post; an array repeats the field. */
export type FormInput = Readonly<Record<string, string | readonly string[]>>;

/** Options of {@link Client.postForm}. */
export interface PostOptions {
  /** Add the CSRF token of the last page as `csrf_token`. Default true. */
  readonly csrf?: boolean;
  readonly headers?: Readonly<Record<string, string>>;
}

interface RequestTarget {
  request(input: string, init?: RequestInit): Response | Promise<Response>;
}

const CSRF_INPUT = /<input type="hidden" name="csrf_token" value="([^"]*)" ?\/?>/;

/**
 * One visitor: keeps the cookies the app sets (honouring deletion by `Max-Age=0`), sends them
 * back, and remembers the CSRF token of the last HTML page that had one, as a browser tab would.
 * Redirects are not followed: tests look at them.
 */
export class Client {
  readonly #target: RequestTarget;
  readonly #store: CookieSessionStore;
  readonly #cookies = new Map<string, string>();
  readonly #sessionCookieHistory: string[] = [];
  #csrfToken: string | undefined;

  constructor(target: RequestTarget, store: CookieSessionStore) {
    this.#target = target;
    this.#store = store;
  }

  /** The `Cookie` header the next request sends, or undefined when the jar is empty. */
  get cookieHeader(): string | undefined {
    if (this.#cookies.size === 0) return undefined;
    return [...this.#cookies].map(([name, value]) => `${name}=${value}`).join('; ');
  }

  /** The current session cookie value, or undefined. */
  get sessionCookie(): string | undefined {
    return this.#cookies.get(this.#store.cookie.name);
  }

  /** Every session cookie value the app has set on this client, oldest first. */
  get sessionCookieHistory(): readonly string[] {
    return this.#sessionCookieHistory;
  }

  /** The CSRF token of the last page that carried one. */
  get csrfToken(): string | undefined {
    return this.#csrfToken;
  }

  /** Replaces the session cookie with a raw value (to tamper with it), or removes it. */
  setSessionCookie(value: string | undefined): void {
    if (value === undefined) this.#cookies.delete(this.#store.cookie.name);
    else this.#cookies.set(this.#store.cookie.name, value);
  }

  /** Replaces the session with `data`, signed now with the app's key, as if the app had set it. */
  setSession(data: SessionData): void {
    const { session } = this.#store.open(undefined);
    for (const [key, value] of Object.entries(data)) session.set(key, value);
    const action = this.#store.commit(session);
    if (action.kind !== 'set') throw new Error(`Expected a cookie for ${JSON.stringify(data)}`);
    this.#receiveSetCookie(action.header);
  }

  /** The data of the current session cookie; `{}` without one. Throws the store's error for a cookie it refuses. */
  decodeSession(): SessionData {
    const { session, error } = this.#store.open(this.cookieHeader);
    if (error !== undefined) throw error;
    return session.toJSON();
  }

  async request(path: string, init: RequestInit = {}): Promise<Page> {
    const headers = new Headers(init.headers);
    const cookie = this.cookieHeader;
    if (cookie !== undefined && !headers.has('cookie')) headers.set('Cookie', cookie);
    const response = await this.#target.request(path, { ...init, headers });
    const html = await response.text();
    const setCookies = response.headers.getSetCookie();
    for (const header of setCookies) this.#receiveSetCookie(header);
    const token = CSRF_INPUT.exec(html)?.[1];
    if (token !== undefined) this.#csrfToken = token;
    return {
      status: response.status,
      headers: response.headers,
      html,
      location: response.headers.get('Location'),
      setCookies,
    };
  }

  get(path: string, headers: Readonly<Record<string, string>> = {}): Promise<Page> {
    return this.request(path, { headers });
  }

  /** Posts `form` as `multipart/form-data` (a file upload), with the page's CSRF token. */
  postMultipart(path: string, form: FormData): Promise<Page> {
    if (this.#csrfToken === undefined) throw new Error('No CSRF token yet: get a page with a form first.');
    const body = new FormData();
    body.append('csrf_token', this.#csrfToken);
    for (const [name, value] of form) body.append(name, value);
    return this.request(path, { method: 'POST', body });
  }

  /** Posts `fields` as `application/x-www-form-urlencoded`, with the page's CSRF token unless `csrf: false`. */
  postForm(path: string, fields: FormInput = {}, options: PostOptions = {}): Promise<Page> {
    const body = new URLSearchParams();
    if (options.csrf ?? true) {
      if (this.#csrfToken === undefined) throw new Error('No CSRF token yet: get a page with a form first.');
      body.append('csrf_token', this.#csrfToken);
    }
    for (const [name, value] of Object.entries(fields)) {
      for (const item of typeof value === 'string' ? [value] : value) body.append(name, item);
    }
    return this.request(path, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded', ...options.headers },
      body,
    });
  }

  #receiveSetCookie(header: string): void {
    const [pair = '', ...attributes] = header.split(';');
    const eq = pair.indexOf('=');
    if (eq < 0) return;
    const name = pair.slice(0, eq).trim();
    const value = pair.slice(eq + 1).trim();
    const deleted = attributes.some((attribute) => {
      const [key = '', setting = ''] = attribute.split('=');
      return key.trim().toLowerCase() === 'max-age' && Number(setting.trim()) <= 0;
    });
    if (deleted || value === '') {
      this.#cookies.delete(name);
      return;
    }
    this.#cookies.set(name, value);
    if (name === this.#store.cookie.name) this.#sessionCookieHistory.push(value);
  }
}

/** The named character references the views write: the escapes, and punctuation beyond ASCII. */
const NAMED: Readonly<Record<string, string>> = {
  amp: '&',
  lt: '<',
  gt: '>',
  quot: '"',
  mdash: '—',
  ndash: '–',
  hellip: '…',
  middot: '·',
};

/**
 * Undoes the views' escaping and character references (`&#39;`, `&mdash;`, `&#9650;`), so page
 * text compares with the plain strings the app defines. One pass: `&amp;mdash;` stays `&mdash;`.
 */
export function unescapeHtml(text: string): string {
  return text.replace(/&(#[0-9]+|[a-z]+);/g, (reference, name: string) => {
    if (name.startsWith('#')) return String.fromCodePoint(Number(name.slice(1)));
    return NAMED[name] ?? reference;
  });
}

/** The text of an element without its tags, unescaped and with whitespace collapsed. */
export function textOf(html: string): string {
  return unescapeHtml(html.replace(/<[^>]*>/g, ' '))
    .replace(/\s+/g, ' ')
    .trim();
}

/** The attributes of each `<input>` tag, unescaped; a bare attribute (`required`) has the value `''`. */
export function inputs(html: string): Record<string, string>[] {
  return [...html.matchAll(/<input\b([^>]*?)\/?>/g)].map(([, attributes = '']) =>
    Object.fromEntries(
      [...attributes.matchAll(/([\w-]+)(?:="([^"]*)")?/g)].map(([, name = '', value = '']) => [
        name,
        unescapeHtml(value),
      ]),
    ),
  );
}

/** The attributes of the `<input>` named `name` in the add-stock form (not the hidden ones of other forms). */
export function formInput(html: string, name: string): Record<string, string> | undefined {
  return inputs(html).find((input) => input['name'] === name && input['id'] === name);
}

/** The message shown beside field `name`, or undefined. */
export function fieldError(html: string, name: string): string | undefined {
  const match = new RegExp(`<p class="field-error" id="${name}-error">([^<]*)</p>`).exec(html);
  return match?.[1] === undefined ? undefined : unescapeHtml(match[1]);
}

/** The flash messages on a page, as `[category, text]`. */
export function flashes(html: string): [string, string][] {
  return [...html.matchAll(/<p class="flash flash-(\w+)">([^<]*)<\/p>/g)].map(
    ([, category = '', text = '']) => [category, unescapeHtml(text)],
  );
}

/**
 * The cells of each lot (holding) on the list page, as text, in page order (positions by the
 * page's sort, lots in portfolio order): symbol, purchase date, shares, price, cost, actions.
 */
export function tableRows(html: string): string[][] {
  return [...html.matchAll(/<tr class="lot">([\s\S]*?)<\/tr>/g)].map(([, row = '']) =>
    [...row.matchAll(/<t[hd][^>]*>([\s\S]*?)<\/t[hd]>/g)].map(([, cell = '']) => textOf(cell)),
  );
}

/** The cells of each position row of the positions table, as text: symbol first. */
export function positionRows(html: string): string[][] {
  return [...html.matchAll(/<tr class="position-row">([\s\S]*?)<\/tr>/g)].map(([, row = '']) =>
    [...row.matchAll(/<t[hd][^>]*>([\s\S]*?)<\/t[hd]>/g)].map(([, cell = '']) => textOf(cell)),
  );
}

/** The header cells of the positions table, as text. */
export function tableHeaders(html: string): string[] {
  const head = /<table id="positions-table"[^>]*>[\s\S]*?<thead>([\s\S]*?)<\/thead>/.exec(html)?.[1] ?? '';
  return [...head.matchAll(/<th[^>]*>([\s\S]*?)<\/th>/g)].map(([, cell = '']) => textOf(cell));
}

/** The cells of the positions table's total row, as text. */
export function totalRow(html: string): string[] {
  const foot = /<table id="positions-table"[\s\S]*?<tfoot>([\s\S]*?)<\/tfoot>/.exec(html)?.[1] ?? '';
  return [...foot.matchAll(/<t[hd][^>]*>([\s\S]*?)<\/t[hd]>/g)].map(([, cell = '']) => textOf(cell));
}

/** The text of the `<main>` element: the page without header, navigation and footer. */
export function mainText(html: string): string {
  return textOf(/<main[^>]*>([\s\S]*)<\/main>/.exec(html)?.[1] ?? '');
}

/**
 * A small seeded random number generator (mulberry32), so "random" data is the same on every run
 * and a failure can be replayed.
 */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Gives `client` a stored session by a real save (the theme): a page view saves nothing, since the
 * CSRF token is a cookie of its own, so with a server-side store a visitor has no session id until
 * a first save. Tests of concurrent writes to one session start with this.
 */
export async function startSession(client: Client): Promise<void> {
  await client.get(urlFor('add_stock'));
  const saved = await client.postForm(urlFor('set_theme'), { theme: 'light', next: urlFor('list_stocks') });
  if (saved.status !== 302) throw new Error(`Saving the theme answered ${saved.status}`);
}
