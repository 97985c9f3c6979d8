/**
 * Pages of a long list (issue 18, loss path #9): however many holdings a server-side store keeps
 * (some 60,000 in 1 MiB), the list page shows `POSITIONS_PER_PAGE` positions with at most
 * {@link INLINE_LOTS} lots each, and a symbol's lots page `LOTS_PER_PAGE` lots, so every page
 * stays well under 1 MB. Framework-free; the views draw the links.
 * @module
 */

import { pageCountOf } from '../../web/page-numbers.js';

// Defined a layer down, where the forms that return to a page (`web/return-place.ts`) need them.
export { LOTS_PER_PAGE, pageCountOf, parsePageNumber, POSITIONS_PER_PAGE } from '../../web/page-numbers.js';

/** Lots listed under a position on the list page; more are on the symbol's lots page. */
export const INLINE_LOTS = 5;

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
