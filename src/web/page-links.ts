/**
 * Pages of a long list (issue 18, loss path #9): however many holdings a server-side store keeps
 * (some 60,000 in 1 MiB), a page lists at most a hundred or so of them, so every page stays well
 * under 1 MB. One page of a list, the links between the pages (first, previous, where this page
 * sits, next, last, and a small GET form to go to any page: no token and no script), and the 404
 * for a page number that does not exist. Here, below the features, because the portfolio, a
 * symbol's lots, the prices and the sell form all page their lists. Nothing is drawn for a list of
 * one page, so a small portfolio's pages are as they were before paging.
 * @module
 */
import type { Context } from 'hono';
import type { AppEnv } from './context.js';
import { html, type Html } from './html.js';
import { pageCountOf } from './page-numbers.js';
import { renderPage } from './render.js';

/** One page of a list: its items and where they sit in the whole. */
export interface PageOf<T> {
  readonly items: readonly T[];
  /** 1-based. */
  readonly page: number;
  /** At least 1: an empty list is one empty page. */
  readonly pageCount: number;
  /** 1-based position of the first item in the whole list (0 when it is empty). */
  readonly first: number;
  readonly total: number;
}

/**
 * Page `page` of `items`, `size` a page; `undefined` for a page past the last (a stale link, or
 * one typed by hand), which the route answers with a link to the last page.
 */
export function pageOf<T>(items: readonly T[], page: number, size: number): PageOf<T> | undefined {
  const pageCount = pageCountOf(items.length, size);
  if (page > pageCount) return undefined;
  const start = (page - 1) * size;
  const pageItems = items.length <= size ? items : items.slice(start, start + size);
  return {
    items: pageItems,
    page,
    pageCount,
    first: items.length === 0 ? 0 : start + 1,
    total: items.length,
  };
}

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
    <p class="pagination-where">${noun.many.charAt(0).toUpperCase() + noun.many.slice(1)} ${formatCount(first)}&ndash;${formatCount(last)} of ${formatCount(total)} (page ${formatCount(page)} of ${formatCount(pageCount)})</p>
    <p class="pagination-links">${page > 1 && html`${link(1, 'First page')} ${link(page - 1, 'Previous page', 'prev')}`}${page > 1 && page < pageCount && ' '}${page < pageCount && html`${link(page + 1, 'Next page', 'next')} ${link(pageCount, `Last page (${formatCount(pageCount)})`)}`}</p>
    <form method="get" action="${action}" class="pagination-jump">
      ${Object.entries(hidden).map(([name, value]) => html`<input type="hidden" name="${name}" value="${value}" />`)}
      <label for="page-number">Page</label>
      <input id="page-number" name="page" type="number" min="1" max="${pageCount}" value="${page}" inputmode="numeric" required />
      <button type="submit" class="secondary">Go to page</button>
    </form>
  </nav>`;
}

/** The title of the answer to a page number past the last (or not a page number). */
export const NO_SUCH_PAGE_TITLE = 'No such page';

/**
 * The answer (a 404) to a page number that does not exist: a stale link after holdings were
 * removed, or one typed by hand. Says how many pages there are and links to the last and the first.
 */
export function noSuchPage(
  asked: string,
  what: string,
  pageCount: number,
  urlOf: (page: number) => string,
): Html {
  return html`<section class="error-page">
  <h1>${NO_SUCH_PAGE_TITLE}</h1>
  <p>There is no page ${asked} of ${what}: ${pageCount === 1 ? 'it has one page' : `it has ${formatCount(pageCount)} pages`}.</p>
  <p>${pageCount > 1 && html`<a href="${urlOf(pageCount)}">Go to the last page (${formatCount(pageCount)})</a> &middot; `}<a href="${urlOf(1)}">Go to the first page</a></p>
</section>`;
}

/** A 404 for a page number past the last (or not a number), with links to the pages that exist. */
export function renderNoSuchPage(
  c: Context<AppEnv>,
  asked: string,
  what: string,
  pageCount: number,
  urlOf: (page: number) => string,
) {
  return renderPage(c, { title: NO_SUCH_PAGE_TITLE, status: 404, readOnly: true }, () =>
    noSuchPage(asked, what, pageCount, urlOf),
  );
}
