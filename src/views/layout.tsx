/**
 * The page frame: header, navigation with the theme switch, flash messages, main, footer.
 * hono/jsx escapes every interpolated value, so visitor text can never become markup.
 * @module
 */
import { raw } from 'hono/html';
import type { Child } from 'hono/jsx';
import type { HtmlEscapedString } from 'hono/utils/html';
import type { Theme } from '../env.js';
import { urlFor } from '../routes/names.js';
import { CSRF_FIELD } from '../security/csrf.js';
import type { FlashMessage } from 'flask-session-ts';

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
export function CsrfField(props: { token: string }) {
  return <input type="hidden" name={CSRF_FIELD} value={props.token} />;
}

const FLASH_CATEGORIES = new Set(['success', 'error', 'info']);

function ThemeSwitch(props: { page: PageContext }) {
  const { theme, csrfToken, path } = props.page;
  if (csrfToken === undefined) return null;
  const other: Theme = theme === 'dark' ? 'light' : 'dark';
  return (
    <form method="post" action={urlFor('set_theme')} class="theme-switch">
      <CsrfField token={csrfToken} />
      <input type="hidden" name="theme" value={other} />
      <input type="hidden" name="next" value={path} />
      <button type="submit" aria-label={`Switch to the ${other} theme`}>
        {other === 'dark' ? 'Dark theme' : 'Light theme'}
      </button>
    </form>
  );
}

/**
 * Renders a tree that never changes once, the first time it is needed, and reuses the HTML:
 * the head's links, the navigation and the footer are the same on every page, and building
 * them as JSX nodes on each request was a visible share of a GET in the profile (bench/README.md).
 */
export function renderedOnce(tree: () => Child): () => HtmlEscapedString {
  let html: HtmlEscapedString | undefined;
  return () => {
    if (html === undefined) {
      const node = <>{tree()}</>;
      if (node instanceof Promise) throw new TypeError('A static fragment must render synchronously');
      html = raw(node.toString());
    }
    return html;
  };
}

const headLinks = renderedOnce(() => (
  <>
    <meta charset="utf-8" />
    <meta name="viewport" content="width=device-width, initial-scale=1" />
    <link rel="stylesheet" href={urlFor('static_file', { filename: 'style.css' })} />
    <link rel="icon" href={urlFor('static_file', { filename: 'favicon.svg' })} type="image/svg+xml" />
  </>
));

const navLinks = renderedOnce(() => (
  <>
    <a class="brand" href={urlFor('index')}>
      Stock Portfolio
    </a>
  </>
));

const menuLinks = renderedOnce(() => (
  <>
    <a href={urlFor('index')}>Home</a>
    <a href={urlFor('list_stocks')}>List Stocks</a>
    <a href={urlFor('add_stock')}>Add Stock</a>
  </>
));

const footer = renderedOnce(() => (
  <footer class="site-footer">
    <p>Your portfolio lives only in this browser's signed session cookie: no account, no database.</p>
  </footer>
));

/** The whole page around `children`. */
export function Layout(props: { title: string; page: PageContext; children?: Child }) {
  const { page } = props;
  return (
    <html lang="en" data-theme={page.theme}>
      <head>
        {headLinks()}
        <meta name="color-scheme" content={page.theme} />
        <title>{`${props.title} · Stock Portfolio`}</title>
      </head>
      <body>
        <header class="site-header">
          {navLinks()}
          <nav aria-label="Main">
            {menuLinks()}
            <ThemeSwitch page={page} />
          </nav>
        </header>
        <main>
          {page.flashes.length > 0 && (
            <ul class="flashes" role="status">
              {page.flashes.map(([category, message]) => (
                <li class={`flash flash-${FLASH_CATEGORIES.has(category) ? category : 'info'}`}>{message}</li>
              ))}
            </ul>
          )}
          {props.children}
        </main>
        {footer()}
      </body>
    </html>
  );
}
