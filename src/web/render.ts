/**
 * Renders a page inside the layout, with the visitor's theme, flashes and CSRF token.
 * @module
 */
import type { FlashMessage } from 'flask-session-ts';
import type { Context } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { THEMES, type Theme } from '../session/data.js';
import type { AppEnv } from './context.js';
import type { Html } from './html.js';
import { layout, type PageContext } from './layout.js';
import { addCookie, respondHtml } from './response.js';
import { pathOfRequestUrl } from './urls.js';

/** How a page is rendered. */
export interface RenderOptions {
  readonly title: string;
  readonly status?: ContentfulStatusCode;
  /**
   * Error pages read the session but never change it: no flash is consumed (it waits for the
   * next real page) and no CSRF cookie is set (the theme switch is hidden without one).
   */
  readonly readOnly?: boolean;
  /** Messages about this page itself (e.g. live prices that could not be fetched), after the flashes. */
  readonly notices?: readonly FlashMessage[];
}

/** The theme the visitor chose; undefined (the browser's preference decides) if none or unknown. */
export function themeOf(c: Context<AppEnv>): Theme | undefined {
  const theme = c.get('session').get('theme');
  return theme !== undefined && THEMES.includes(theme) ? theme : undefined;
}

/** The flashes, after the unreadable-cookie notice when this page is the first to show it. */
function withNotice(c: Context<AppEnv>, flashes: FlashMessage[]): readonly FlashMessage[] {
  const notice = c.get('unreadableNotice').take();
  if (notice === undefined) return flashes;
  addCookie(c, notice.setCookie);
  return [['error', notice.message], ...flashes];
}

/** The flashes, then the page's own notices: the same array when there are none. */
function withPageNotices(
  flashes: readonly FlashMessage[],
  notices: readonly FlashMessage[] | undefined,
): readonly FlashMessage[] {
  return notices === undefined || notices.length === 0 ? flashes : [...flashes, ...notices];
}

/**
 * Responds with a full HTML page. `body` receives the page context, so a view can use the
 * CSRF token and run after the flashes were consumed. The session is committed as the response
 * is built (`response.ts`): change it before calling this.
 */
export function renderPage(
  c: Context<AppEnv>,
  options: RenderOptions,
  body: (page: PageContext) => Html,
): Promise<Response> {
  const session = c.get('session');
  const csrf = c.get('csrf');
  const page: PageContext = {
    theme: themeOf(c),
    flashes: withPageNotices(
      options.readOnly === true ? [] : withNotice(c, session.consumeFlashes()),
      options.notices,
    ),
    csrfToken: options.readOnly === true ? csrf.existing() : csrf.token(),
    // Still percent-encoded (c.req.path is partly decoded), so it can go back into a Location header.
    path: pathOfRequestUrl(c.req.url),
    storage: c.get('storage'),
  };
  const content = body(page);
  return respondHtml(c, layout(options.title, page, content).toString(), options.status ?? 200);
}
