/**
 * The links between the pages of a long list, defined a layer down (`web/page-links.ts`) where the
 * sell form (`features/sales`) also uses them.
 * @module
 */
export { formatCount, pageLinks, type Noun } from '../../web/page-links.js';
