/**
 * The positions table's fixed part, one per sort order and price source: the note on prices, the
 * sort links and the header row, whose sortable columns are links (`?sort=`), no script.
 * @module
 */
import type { PositionSort } from '../../domain/positions.js';
import { html, type Html } from '../../web/html.js';
import { listUrl } from '../../web/return-place.js';

const SORTABLE: Readonly<Record<PositionSort, { label: string; direction: 'ascending' | 'descending' }>> = {
  symbol: { label: 'Symbol', direction: 'ascending' },
  value: { label: 'Market Value', direction: 'descending' },
  gain: { label: 'Gain/Loss', direction: 'descending' },
};

/** A column header that sorts by `by`: the current order is marked with aria-sort and not a link. */
function sortHeader(by: PositionSort, current: PositionSort, scope: 'col'): Html {
  const { label, direction } = SORTABLE[by];
  if (by === current) {
    return html`<th scope="${scope}" class="${by === 'symbol' ? '' : 'num'}" aria-sort="${direction}">${label} <span class="sort-mark" aria-hidden="true">${direction === 'ascending' ? html`&#9650;` : html`&#9660;`}</span></th>`;
  }
  return html`<th scope="${scope}" class="${by === 'symbol' ? '' : 'num'}"><a href="${listUrl(by)}" aria-label="${label}: sort by ${label.toLowerCase()}">${label}</a></th>`;
}

/**
 * The sort order as a line of links, shown on phones only: there the table's header row, which
 * holds the sorting links, is hidden (each cell carries its column's name instead).
 */
function sortLinks(current: PositionSort): Html {
  const links = (Object.keys(SORTABLE) as PositionSort[]).map((by) =>
    by === current
      ? html`<a href="${listUrl(by)}" aria-current="true">${SORTABLE[by].label}</a>`
      : html`<a href="${listUrl(by)}">${SORTABLE[by].label}</a>`,
  );
  return html`<p class="sort-links">Sort by: ${links}</p>`;
}

/** The positions table's fixed part for one sort order: the notes, sort links and header row. */
function tableStart(sort: PositionSort, live: boolean): Html {
  const source = live
    ? html`Current prices are quotes from Alpha Vantage or the ones you enter, whichever is newer; each says which
    and the day it is of.`
    : html`There is no quote service here: current prices are the ones you enter, and
    they stay as you set them.`;
  return html`<p class="note" id="prices-note">${source} Figures are computed exactly and rounded half-up only for display: money to
    the cent, average cost to 4 decimal places, percentages to 2.</p>
  ${sortLinks(sort)}
  <div class="table-wrap">
    <table id="positions-table" class="stacking" aria-describedby="prices-note">
      <caption class="visually-hidden">Positions, sorted by ${SORTABLE[sort].label.toLowerCase()}</caption>
      <thead>
        <tr>
          ${sortHeader('symbol', sort, 'col')}
          <th scope="col" class="num">Shares</th>
          <th scope="col" class="num">Average Cost</th>
          <th scope="col" class="num">Cost Basis</th>
          <th scope="col" class="num">Current Price</th>
          ${sortHeader('value', sort, 'col')}
          ${sortHeader('gain', sort, 'col')}
          <th scope="col" class="num">Return</th>
        </tr>
      </thead>`;
}

// One per sort order and price source, built when the module loads: nothing in them depends on the visitor.
const tableStarts = (live: boolean) =>
  Object.fromEntries(
    (Object.keys(SORTABLE) as PositionSort[]).map((sort) => [sort, tableStart(sort, live)]),
  ) as Readonly<Record<PositionSort, Html>>;
export const TABLE_STARTS = { manual: tableStarts(false), live: tableStarts(true) } as const;
