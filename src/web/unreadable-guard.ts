/**
 * The guard that keeps a session the app could not read: while the visitor's session cookie is
 * unreadable (another key, expired, damaged), every form post but the one that confirms "start a
 * new portfolio" is answered 409 with what happened and the way forward, before its handler runs,
 * so no store is written and no cookie replaced. A display preference is no exception: a theme
 * saved in a new session would replace the portfolio as surely as an add.
 * @module
 */
import type { MiddlewareHandler } from 'hono';
import { KEEP_UNREADABLE_MESSAGE } from '../session/unreadable.js';
import type { AppEnv } from './context.js';
import { html } from './html.js';
import { renderPage } from './render.js';
import { routes, urlFor } from './urls.js';

const SAFE_METHODS: ReadonlySet<string> = new Set(['GET', 'HEAD', 'OPTIONS']);

/** The page of a refused save. */
const REFUSED = html`<section>
  <h1>Nothing was saved</h1>
  <p>${KEEP_UNREADABLE_MESSAGE}</p>
  <div class="actions">
    <a class="button secondary" href="${urlFor('list_stocks')}">Back to your portfolio</a>
    <a class="button secondary" href="${urlFor('clear_stocks')}">Start a new portfolio&hellip;</a>
  </div>
</section>`;

/**
 * Refuses state-changing requests while the session cannot be read. Register after the form
 * guard (a bad token or body is still answered as such) and before the routes. The clear route
 * passes: it asks first, and only its confirmed answer may replace the session.
 */
export function unreadableGuard(): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    if (SAFE_METHODS.has(c.req.method) || !c.get('unreadableNotice').unreadable) return next();
    if (c.req.path === routes.clear_stocks) return next();
    return renderPage(c, { title: 'Nothing was saved', status: 409 }, () => REFUSED);
  };
}
