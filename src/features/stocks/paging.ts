/**
 * Pages of a long list (issue 18, loss path #9): however many holdings a server-side store keeps
 * (some 60,000 in 1 MiB), the list page shows {@link POSITIONS_PER_PAGE} positions with at most
 * {@link INLINE_LOTS} lots each, and a symbol's lots page {@link LOTS_PER_PAGE} lots, so every page
 * stays well under 1 MB. Framework-free; the views draw the links.
 * @module
 */

/** Positions on one page of the list. A portfolio this size or smaller is one page, as before paging. */
export const POSITIONS_PER_PAGE = 100;
/** Lots listed under a position on the list page; more are on the symbol's lots page. */
export const INLINE_LOTS = 5;
/** Lots on one page of a symbol's lots page. */
export const LOTS_PER_PAGE = 100;

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

/** A page number from the query: absent is page 1; anything but a positive integer is `undefined`. */
export function parsePageNumber(text: string | undefined): number | undefined {
  if (text === undefined) return 1;
  if (!/^[0-9]{1,9}$/.test(text)) return undefined;
  const page = Number(text);
  return page >= 1 ? page : undefined;
}

/** How many pages `total` items take at `size` a page; at least 1. */
export function pageCountOf(total: number, size: number): number {
  return Math.max(1, Math.ceil(total / size));
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
