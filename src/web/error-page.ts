/**
 * The content of every error page (404, 405, 413, 503, …): a heading, what happened, and what to do next.
 * @module
 */
import { html, type Html } from './html.js';
import { urlFor } from './urls.js';

/** An error page: a heading, what happened, and what to do next. */
export function errorPage(heading: string, message: string, detail?: string): Html {
  return html`<section class="error-page">
  <h1>${heading}</h1>
  <p>${message}</p>
  ${detail !== undefined && html`<pre class="error-detail">${detail}</pre>`}
  <p><a href="${urlFor('index')}">Back to the home page</a></p>
</section>`;
}
