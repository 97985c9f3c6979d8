/**
 * The page frame: skip link, header, navigation with the theme switch, messages, main, footer.
 * Every value is escaped by `html`, so visitor text can never become markup.
 * @module
 */
import type { FlashMessage } from 'flask-session-ts';
import type { SessionType } from '../platform/config.js';
import { THEMES, type Theme } from '../session/data.js';
import { STORAGE_WORDS } from '../session/storage.js';
import { routes, urlFor } from './urls.js';
import { staticUrl } from './static-files.js';
import { CSRF_FIELD } from './csrf.js';
import { html, type Html } from './html.js';

/** What the frame needs to know about the visitor and the request. */
export interface PageContext {
  /** The theme the visitor chose; undefined: none yet, so the browser's `prefers-color-scheme` decides. */
  readonly theme: Theme | undefined;
  readonly flashes: readonly FlashMessage[];
  /** Absent on error pages, which must not set cookies: the theme switch is then hidden. */
  readonly csrfToken: string | undefined;
  /** The current path, so the theme switch can come back here. */
  readonly path: string;
  /** Where the portfolio lives, for the footer. Default: the cookie. */
  readonly storage?: SessionType;
}

/** A hidden field carrying the CSRF token; every state-changing form includes one. */
export function csrfField(token: string): Html {
  return html`<input type="hidden" name="${CSRF_FIELD}" value="${token}" />`;
}

const FLASH_CATEGORIES = new Set(['success', 'error', 'info']);

/** The button that switches to `theme`; its text says what it will do. */
function themeButton(theme: Theme): Html {
  return html`<button type="submit" name="theme" value="${theme}" class="theme-to-${theme}">Switch to ${theme} theme</button>`;
}

// The buttons for each chosen theme (and for none): built once, like the other fixed fragments.
const THEME_BUTTONS = new Map<Theme | undefined, Html>([
  [undefined, html`${[themeButton('dark'), themeButton('light')]}`],
  ['dark', themeButton('light')],
  ['light', themeButton('dark')],
]);
const SET_THEME_URL = urlFor('set_theme');

/**
 * The theme switch. With a chosen theme, one button for the other. Without one, the server cannot
 * know which theme the browser shows, so both buttons are sent and the stylesheet's
 * `prefers-color-scheme` query shows only the one that changes something (no script needed).
 */
function themeSwitch(page: PageContext): Html | undefined {
  const { theme, csrfToken, path } = page;
  if (csrfToken === undefined) return undefined;
  const buttons = THEME_BUTTONS.get(theme);
  return html`<form method="post" action="${SET_THEME_URL}" class="theme-switch">
    ${csrfField(csrfToken)}
    <input type="hidden" name="next" value="${path}" />
    ${buttons}
  </form>`;
}

// The same on every page: built once, when the module loads (which reads and fingerprints public/).
const HEAD_LINKS = html`<meta charset="utf-8" />
    <meta name="viewport" content="width=device-width, initial-scale=1" />
    <meta name="description" content="Record the stocks you bought and see what they cost you, kept in your own browser: no account needed." />
    <link rel="stylesheet" href="${staticUrl('style.css')}" />
    <link rel="icon" href="${staticUrl('favicon.svg')}" type="image/svg+xml" />`;

const SKIP_LINK = html`<a class="skip-link" href="#main">Skip to content</a>`;

const BRAND = html`<a class="brand" href="${urlFor('index')}">Stock Portfolio</a>`;

/** The menu: "portfolio" is the one word for the visitor's holdings, here as in headings and messages. */
const MENU_ITEMS = [
  { path: routes.index, label: 'Home' },
  { path: routes.list_stocks, label: 'Portfolio' },
  { path: routes.add_stock, label: 'Add a stock' },
  // Reachable from every page: after "Clear portfolio" an exported file is the way back.
  { path: routes.import_stocks, label: 'Import' },
  { path: routes.about, label: 'About' },
] as const;

function menuFor(current: string | undefined): Html {
  return html`${MENU_ITEMS.map(({ path, label }) =>
    path === current
      ? html`<a href="${path}" aria-current="page">${label}</a>`
      : html`<a href="${path}">${label}</a>`,
  )}`;
}

// One menu per page it can mark as current, and one for every other page: built once.
const MENUS = new Map(MENU_ITEMS.map(({ path }) => [path as string, menuFor(path)]));
const PLAIN_MENU = menuFor(undefined);

// One footer per kind of storage, each built once. The cookie's is written out so that its
// apostrophe stays literal: the bench's reference servers send these bytes (STORAGE_WORDS.cookie).
const FOOTERS = new Map<string, Html>([
  [
    'cookie',
    html`<footer class="site-footer">
    <p>Your portfolio lives only in this browser's signed session cookie: no account, no database.</p>
  </footer>`,
  ],
  ...Object.entries(STORAGE_WORDS)
    .filter(([type]) => type !== 'cookie')
    .map(
      ([type, words]) =>
        [
          type,
          html`<footer class="site-footer">
    <p>${words.footer}</p>
  </footer>`,
        ] as const,
    ),
]);

/**
 * The messages as one polite live region (`role="status"`), of paragraphs: a list inside it
 * would lose its list role (axe's `listitem` rule) and gains nothing for one or two messages.
 */
function messages(flashes: readonly FlashMessage[]): Html | undefined {
  if (flashes.length === 0) return undefined;
  const items = flashes.map(
    ([category, message]) =>
      html`<p class="flash flash-${FLASH_CATEGORIES.has(category) ? category : 'info'}">${message}</p>`,
  );
  return html`<div class="flashes" role="status">${items}</div>`;
}

/** The document's start for `theme`, up to the title's text. */
function documentStart(theme: Theme | undefined): Html {
  return html`<!DOCTYPE html>
<html lang="en"${theme !== undefined && html` data-theme="${theme}"`}>
  <head>
    ${HEAD_LINKS}
    <meta name="color-scheme" content="${theme ?? 'light dark'}" />
    <title>`;
}

// One start per theme (and for none), and the fixed part between the title and the menu: built once.
const DOCUMENT_STARTS = new Map<Theme | undefined, Html>(
  [undefined, ...THEMES].map((theme) => [theme, documentStart(theme)]),
);
const TITLE_TO_MENU = html` &middot; Stock Portfolio</title>
  </head>
  <body>
    ${SKIP_LINK}
    <header class="site-header">
      ${BRAND}
      <nav aria-label="Main">
      `;

/** The whole document around `content`. */
export function layout(title: string, page: PageContext, content: Html): Html {
  const { theme } = page;
  return html`${DOCUMENT_STARTS.get(theme) ?? documentStart(theme)}${title}${TITLE_TO_MENU}${MENUS.get(page.path) ?? PLAIN_MENU}
      ${themeSwitch(page)}
      </nav>
    </header>
    <main id="main" tabindex="-1">
      ${messages(page.flashes)}
      ${content}
    </main>
    ${FOOTERS.get(page.storage ?? 'cookie')}
  </body>
</html>`;
}
