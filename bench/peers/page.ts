/**
 * The app's own page rendering, for the peer servers: the same views, the same markup and the same
 * escaping as ours, so that a peer differs from ours only in its framework and session layer.
 *
 * This is the one file that knows how the app's view layer is called; the peers call only
 * {@link renderPage}. Written against the `html`-template views (`layout`, `listStocksPage`,
 * `addStockPage`, `aboutPage`). Imports name `src/`; `servers.ts` points them at the built `dist/`
 * when it compiles the peers, so they run the very code `node dist/http/main.js` runs.
 * @module
 */
import type { Theme } from '../../src/session/data.js';
import { purchaseDateBounds } from '../../src/domain/stock-fields.js';
import type { Positions } from '../../src/domain/positions.js';
import { layout, type PageContext } from '../../src/web/layout.js';
import { aboutPage } from '../../src/features/pages/view.js';
import { addStockPage, listStocksPage } from '../../src/features/stocks/view.js';
import { EMPTY_FORM, type StockFormState } from '../../src/web/stock-form.js';
import type { FlashMessage } from 'flask-session-ts';

/** Who is asking, as the page frame shows it. */
export interface Visitor {
  readonly csrfToken: string;
  readonly theme: Theme;
  readonly flashes: readonly FlashMessage[];
  /** The request path, for the theme switch. */
  readonly path: string;
}

/** The pages the peers serve. */
export type PeerPage =
  | { readonly kind: 'stocks'; readonly view: Positions; readonly remaining: number }
  | { readonly kind: 'add-stock'; readonly form?: StockFormState }
  | { readonly kind: 'about' };

const TITLES: Readonly<Record<PeerPage['kind'], string>> = {
  stocks: 'List of Stocks',
  'add-stock': 'Add Stock',
  about: 'About',
};

/** The whole HTML document for `page`, as ours renders it (`renderPage` in src/web/render.ts). */
export function renderPage(visitor: Visitor, page: PeerPage): string {
  const context: PageContext = { ...visitor };
  const body =
    page.kind === 'stocks'
      ? listStocksPage(page.view, { sort: 'symbol', remaining: page.remaining }, visitor.csrfToken)
      : page.kind === 'add-stock'
        ? addStockPage(page.form ?? EMPTY_FORM, visitor.csrfToken, purchaseDateBounds(Date.now()).latest)
        : aboutPage('cookie');
  return layout(TITLES[page.kind], context, body).toString();
}
