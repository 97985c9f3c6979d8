/**
 * Page numbers of the app's long lists (issue 18, loss path #9): how many items a page of the
 * portfolio and of a symbol's lots holds, and the checks on a page number. Here, below the
 * features, because every form that returns to a page (`return-place.ts`) needs them; the
 * portfolio's paging (`features/stocks/paging.ts`) builds on them.
 * @module
 */

/** Positions on one page of the list. A portfolio this size or smaller is one page, as before paging. */
export const POSITIONS_PER_PAGE = 100;
/** Lots on one page of a symbol's lots page. */
export const LOTS_PER_PAGE = 100;

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
