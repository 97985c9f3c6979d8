/**
 * The links between the pages of a long list (`paging.ts`): first, previous, where this page sits,
 * next, last, and a small form to go to any page (a GET, so no token and no script). Nothing for a
 * list of one page, so a small portfolio's page is as it was before paging.
 * @module
 */
import { html, type Html } from '../../web/html.js';
import type { PageOf } from './paging.js';

const COUNT = new Intl.NumberFormat('en-US');

/** A count with thousands separators: `34,523`. */
export function formatCount(n: number): string {
  // Most counts need no separator, and Intl's formatter costs about a microsecond a call (ten a page).
  return Number.isInteger(n) && n > -1000 && n < 1000 ? String(n) : COUNT.format(n);
}

/** What the list is of, for the labels: `{ one: 'position', many: 'positions' }`. */
export interface Noun {
  readonly one: string;
  readonly many: string;
}

/**
 * The navigation between the pages of `list`.
 * @param urlOf the URL of a page (keeping whatever else the list's URL says, e.g. its sort).
 * @param hidden the query's other fields, carried by the "go to page" form.
 */
export function pageLinks(
  list: PageOf<unknown>,
  noun: Noun,
  urlOf: (page: number) => string,
  action: string,
  hidden: Readonly<Record<string, string>> = {},
): Html | undefined {
  const { page, pageCount, first, total, items } = list;
  if (pageCount <= 1) return undefined;
  const last = first + items.length - 1;
  const link = (to: number, label: string, rel?: string) =>
    html`<a href="${urlOf(to)}"${rel !== undefined && html` rel="${rel}"`}>${label}</a>`;
  return html`<nav class="pagination" aria-label="Pages of ${noun.many}">
    <p class="pagination-where">${noun.many.charAt(0).toUpperCase() + noun.many.slice(1)} ${formatCount(first)}–${formatCount(last)} of ${formatCount(total)} (page ${formatCount(page)} of ${formatCount(pageCount)})</p>
    <p class="pagination-links">${page > 1 && html`${link(1, 'First page')} ${link(page - 1, 'Previous page', 'prev')}`}${page > 1 && page < pageCount && ' '}${page < pageCount && html`${link(page + 1, 'Next page', 'next')} ${link(pageCount, `Last page (${formatCount(pageCount)})`)}`}</p>
    <form method="get" action="${action}" class="pagination-jump">
      ${Object.entries(hidden).map(([name, value]) => html`<input type="hidden" name="${name}" value="${value}" />`)}
      <label for="page-number">Page</label>
      <input id="page-number" name="page" type="number" min="1" max="${pageCount}" value="${page}" inputmode="numeric" required />
      <button type="submit" class="secondary">Go to page</button>
    </form>
  </nav>`;
}
