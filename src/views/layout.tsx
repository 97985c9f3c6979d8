/**
 * The page frame: header, navigation with the theme switch, flash messages, main, footer.
 * hono/jsx escapes every interpolated value, so visitor text can never become markup.
 * @module
 */
import type { Child } from 'hono/jsx';
import type { Theme } from '../env.js';
import { urlFor } from '../routes/names.js';
import { CSRF_FIELD } from '../security/csrf.js';
import type { FlashMessage } from '../session/index.js';

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

/** The whole page around `children`. */
export function Layout(props: { title: string; page: PageContext; children?: Child }) {
  const { page } = props;
  return (
    <html lang="en" data-theme={page.theme}>
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <meta name="color-scheme" content={page.theme} />
        <title>{`${props.title} · Stock Portfolio`}</title>
        <link rel="stylesheet" href={urlFor('static_file', { filename: 'style.css' })} />
        <link rel="icon" href={urlFor('static_file', { filename: 'favicon.svg' })} type="image/svg+xml" />
      </head>
      <body>
        <header class="site-header">
          <a class="brand" href={urlFor('index')}>
            Stock Portfolio
          </a>
          <nav aria-label="Main">
            <a href={urlFor('index')}>Home</a>
            <a href={urlFor('list_stocks')}>List Stocks</a>
            <a href={urlFor('add_stock')}>Add Stock</a>
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
        <footer class="site-footer">
          <p>Your portfolio lives only in this browser's signed session cookie: no account, no database.</p>
        </footer>
      </body>
    </html>
  );
}
