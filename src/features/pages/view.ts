/**
 * The simple pages: welcome, about, hello, blog post.
 * @module
 */
import type { SessionType } from '../../platform/config.js';
import { STORAGE_WORDS } from '../../session/storage.js';
import { urlFor } from '../../web/urls.js';
import { html, type Html } from '../../web/html.js';

const INDEX = html`<section>
  <h1>Welcome to Stock Portfolio!</h1>
  <p>Record the stocks you bought and see what they cost you, all without an account.</p>
  <p class="actions">
    <a class="button" href="${urlFor('add_stock')}">Add a stock</a>
    <a class="button secondary" href="${urlFor('list_stocks')}">See your portfolio</a>
  </p>
  <p><a href="${urlFor('about')}">How does it work?</a></p>
</section>`;

const COOKIE_ABOUT = html`<section>
  <h1>About</h1>
  <p>Stock Portfolio keeps your holdings in a session cookie in your browser. The cookie is
    <strong>signed, not encrypted</strong>: you (and anyone with access to this browser) can read it, but
    nobody can change it without the server noticing. Another browser is another portfolio.</p>
  <p>Do not enter anything you would not want written on a note stuck to your screen.</p>
</section>`;

export function indexPage(): Html {
  return INDEX;
}

/** The About page: where the holdings live depends on `SESSION_TYPE`. */
export function aboutPage(storage: SessionType): Html {
  if (storage === 'cookie') return COOKIE_ABOUT;
  return html`<section>
  <h1>About</h1>
  <p>${STORAGE_WORDS[storage].about}</p>
  <p>Do not enter anything you would not want written on a note stuck to your screen.</p>
</section>`;
}

export function helloPage(message: string): Html {
  return html`<section><h1>Welcome ${message}!</h1></section>`;
}

export function blogPostPage(postId: number): Html {
  return html`<section>
  <h1>Blog Post #${postId}</h1>
  <p>Blog posts are not written yet.</p>
</section>`;
}
