/**
 * Pages of a long list (issue 18, loss path #9): however many holdings a server-side store keeps
 * (some 60,000 in 1 MiB), the list page shows `POSITIONS_PER_PAGE` positions with at most
 * {@link INLINE_LOTS} lots each, and a symbol's lots page `LOTS_PER_PAGE` lots, so every page
 * stays well under 1 MB. Framework-free; the views draw the links.
 * @module
 */

// Defined a layer down (`web/page-numbers.ts`, `web/page-links.ts`), where the forms that return to a
// page (`web/return-place.ts`) and the sell form (`features/sales`, which pages the lots it offers
// to pick) need them too.
export { LOTS_PER_PAGE, pageCountOf, parsePageNumber, POSITIONS_PER_PAGE } from '../../web/page-numbers.js';
export { pageOf, type PageOf } from '../../web/page-links.js';

/** Lots listed under a position on the list page; more are on the symbol's lots page. */
export const INLINE_LOTS = 5;
