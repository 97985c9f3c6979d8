/**
 * Applying a checked file's records to the visitor's ledger: see `ledger-csv.ts` for the layout.
 * @module
 */
import { subtract } from './decimal.js';
import { amountOf, type Ledger, type Lot, type Pick, type Sale } from './ledger.js';
import type { CsvRecords, CsvRowProblem } from './ledger-csv.js';
import type { PriceBook } from './price-book.js';
import { matchSales, type Matching } from './sales.js';

/** The outcome of applying a file's records to a ledger. */
export type ApplyResult =
  | {
      readonly ok: true;
      readonly ledger: Ledger;
      readonly book: PriceBook;
      readonly counts: { readonly buys: number; readonly sells: number; readonly prices: number };
      /** The new ledger replayed (as `matchSales` gives it), for a caller that shows or compares it. */
      readonly matching: Matching;
    }
  | { readonly ok: false; readonly problems: readonly CsvRowProblem[] };

/**
 * Adds a file's records to `base` (the visitor's ledger for "add to mine", an empty one with the
 * same `nextId` for "replace"): buys at the end in file order, then sells in date order, each
 * matched first in, first out (over `base`'s lots too) unless it names its lots; prices replace
 * `book`'s for their symbols. All or nothing. Fast: one replay for the whole file. Recorded sales
 * of `base` never change (the new lots have newer ids).
 */
export function applyCsvRecords(base: Ledger, book: PriceBook, records: CsvRecords): ApplyResult {
  const problems: CsvRowProblem[] = [];
  let nextId = base.nextId;
  const idOfLabel = new Map<string, number>();
  const lots: Lot[] = records.buys.map(({ fields, label }) => {
    const id = nextId++;
    if (label !== undefined) idOfLabel.set(label, id);
    return { ...fields, id };
  });
  const allLots = [...base.lots, ...lots];
  const lotById = new Map(allLots.map((lot) => [lot.id, lot]));
  const ordered = [...records.sells].sort((a, b) =>
    a.fields.date < b.fields.date ? -1 : a.fields.date > b.fields.date ? 1 : a.row - b.row,
  );
  const rowOfSale = new Map<number, number>();
  const sales: Sale[] = [];
  for (const sell of ordered) {
    const id = nextId++;
    rowOfSale.set(id, sell.row);
    if (sell.soldFrom === undefined) {
      sales.push({ ...sell.fields, id });
      continue;
    }
    const picks: Pick[] = [];
    for (const { label, shares } of sell.soldFrom) {
      const lotId = idOfLabel.get(label);
      const lot = lotId === undefined ? undefined : lotById.get(lotId);
      const problem =
        lot === undefined
          ? 'unknown-lot'
          : lot.symbol !== sell.fields.symbol
            ? 'other-symbol'
            : lot.date !== undefined && lot.date > sell.fields.date
              ? 'bought-after-sale'
              : undefined;
      if (problem !== undefined || lotId === undefined) {
        problems.push({ kind: 'row', row: sell.row, field: 'sold_from', problem: problem ?? 'unknown-lot' });
      } else {
        picks.push({ lotId, shares });
      }
    }
    sales.push({ ...sell.fields, id, picks });
  }
  if (problems.length > 0) return { ok: false, problems };

  const ledger: Ledger = { lots: allLots, sales: [...base.sales, ...sales], nextId };
  // One replay: a sale that cannot be covered takes nothing, so the next ones are judged fairly.
  // No sale is short when the result is ok, so this is also the ledger's plain replay.
  const matching = matchSales(ledger, { shortSalesTakeNothing: true });
  for (const result of matching.sales) {
    const row = rowOfSale.get(result.sale.id);
    if (row === undefined || result.shortfall.units === 0n) continue;
    problems.push({
      kind: 'row',
      row,
      field: result.sale.picks === undefined ? 'shares' : 'sold_from',
      problem: result.sale.picks === undefined ? 'oversold' : 'not-enough',
      available: subtract(amountOf(result.sale.shares), result.shortfall),
    });
  }

  const prices = new Map(book);
  const priced = new Set<string>();
  const held = new Set(allLots.map((lot) => lot.symbol));
  for (const { row, symbol, price } of records.prices) {
    if (!held.has(symbol)) problems.push({ kind: 'row', row, field: 'symbol', problem: 'no-holding' });
    else if (priced.has(symbol))
      problems.push({ kind: 'row', row, field: 'symbol', problem: 'duplicate-price' });
    priced.add(symbol);
    prices.set(symbol, price);
  }
  if (problems.length > 0) return { ok: false, problems: problems.sort((a, b) => a.row - b.row) };
  return {
    ok: true,
    ledger,
    book: prices,
    counts: { buys: lots.length, sells: sales.length, prices: records.prices.length },
    matching,
  };
}
