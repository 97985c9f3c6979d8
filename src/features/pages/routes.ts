/**
 * The simple pages: index, about, hello, blog post.
 * @module
 */
import type { Hono } from 'hono';
import type { AppEnv } from '../../web/context.js';
import { aboutPage, blogPostPage, helloPage, indexPage } from './view.js';
import { renderPage } from '../../web/render.js';
import { honoPaths } from '../../web/urls.js';

/** Registers the simple pages on `app`. */
export function registerPages(app: Hono<AppEnv>): void {
  app.get(honoPaths.index, (c) => renderPage(c, { title: 'Home' }, indexPage));

  app.get(honoPaths.about, (c) => renderPage(c, { title: 'About' }, () => aboutPage(c.get('storage'))));

  app.get(honoPaths.hello_message, (c) => {
    const message = c.req.param('message');
    return renderPage(c, { title: 'Hello' }, () => helloPage(message));
  });

  app.get(honoPaths.display_blog_post, (c) => {
    // The route only matches digits, like Flask's int converter; Number() of digits is exact up to
    // 2^53. Beyond that it rounds (or becomes Infinity): no post can have such an id, so a 404.
    const postId = Number(c.req.param('post_id'));
    if (!Number.isSafeInteger(postId)) return c.notFound();
    return renderPage(c, { title: `Blog Post #${postId}` }, () => blogPostPage(postId));
  });
}
