/**
 * The page frame: header, navigation with the theme switch, flash messages, main, footer.
 * Every value is escaped by `html`, so visitor text can never become markup.
 * @module
 */
import type { FlashMessage } from 'flask-session-ts';
import type { Theme } from '../env.js';
import { urlFor } from '../routes/names.js';
import { CSRF_FIELD } from '../security/csrf.js';
import { html, type Html } from './html.js';

/** What the frame needs to know about the visitor and the request. */
export interface PageContext {
  readonly theme: Theme;
  readonly flashes: readonly FlashMessage[];
  /** Absent on error pages, which must not create session state: the theme switch is then hidden. */
  readonly csrfToken: string | undefined;
  /** The current path, so the theme switch can come back here. */
  readonly path: string;
}

/** A hidden field carrying the CSRF token; every state-changing form includes one. */
export function csrfField(token: string): Html {
  return html`<input type="hidden" name="${CSRF_FIELD}" value="${token}" />`;
}

const FLASH_CATEGORIES = new Set(['success', 'error', 'info']);

function themeSwitch(page: PageContext): Html | undefined {
  const { theme, csrfToken, path } = page;
  if (csrfToken === undefined) return undefined;
  const other: Theme = theme === 'dark' ? 'light' : 'dark';
  return html`<form method="post" action="${urlFor('set_theme')}" class="theme-switch">
    ${csrfField(csrfToken)}
    <input type="hidden" name="theme" value="${other}" />
    <input type="hidden" name="next" value="${path}" />
    <button type="submit" aria-label="Switch to the ${other} theme">${other === 'dark' ? 'Dark theme' : 'Light theme'}</button>
  </form>`;
}

// The same on every page: built once, when the module loads.
const HEAD_LINKS = html`<meta charset="utf-8" />
    <meta name="viewport" content="width=device-width, initial-scale=1" />
    <link rel="stylesheet" href="${urlFor('static_file', { filename: 'style.css' })}" />
    <link rel="icon" href="${urlFor('static_file', { filename: 'favicon.svg' })}" type="image/svg+xml" />`;

const BRAND = html`<a class="brand" href="${urlFor('index')}">Stock Portfolio</a>`;

const MENU = html`<a href="${urlFor('index')}">Home</a>
      <a href="${urlFor('list_stocks')}">List Stocks</a>
      <a href="${urlFor('add_stock')}">Add Stock</a>`;

const FOOTER = html`<footer class="site-footer">
    <p>Your portfolio lives only in this browser's signed session cookie: no account, no database.</p>
  </footer>`;

function flashList(flashes: readonly FlashMessage[]): Html | undefined {
  if (flashes.length === 0) return undefined;
  const items = flashes.map(
    ([category, message]) =>
      html`<li class="flash flash-${FLASH_CATEGORIES.has(category) ? category : 'info'}">${message}</li>`,
  );
  return html`<ul class="flashes" role="status">${items}</ul>`;
}

/** The whole document around `content`. */
export function layout(title: string, page: PageContext, content: Html): Html {
  return html`<!DOCTYPE html>
<html lang="en" data-theme="${page.theme}">
  <head>
    ${HEAD_LINKS}
    <meta name="color-scheme" content="${page.theme}" />
    <title>${title} · Stock Portfolio</title>
  </head>
  <body>
    <header class="site-header">
      ${BRAND}
      <nav aria-label="Main">
      ${MENU}
      ${themeSwitch(page)}
      </nav>
    </header>
    <main>
      ${flashList(page.flashes)}
      ${content}
    </main>
    ${FOOTER}
  </body>
</html>`;
}
