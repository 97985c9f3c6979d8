/**
 * Writing the ledger and prices as a version 2 CSV file: see `ledger-csv.ts` for the layout.
 * @module
 */
import { formatCsv } from './csv.js';
import type { Ledger, Pick, Sale } from './ledger.js';
import { applyCsvRecords } from './ledger-csv-apply.js';
import { LEDGER_CSV_COLUMNS, type CsvRecords } from './ledger-csv.js';
import type { PriceBook } from './price-book.js';
import { matchSales, picksOf } from './sales.js';

/** A sale's lots as `lotId:shares` pairs, by lot id: comparable text. */
function lotsText(pairs: readonly Pick[], lotId: (id: number) => number = (id) => id): string {
  return pairs
    .map((p) => ({ id: lotId(p.lotId), shares: p.shares }))
    .sort((a, b) => a.id - b.id)
    .map((p) => `${p.id}:${p.shares}`)
    .join(' ');
}

/** Sales in the order an import records them: by date, ties in file (here recording) order. */
function importOrder(sales: readonly Sale[]): Sale[] {
  return sales
    .map((sale, index) => ({ sale, index }))
    .sort((a, b) => (a.sale.date < b.sale.date ? -1 : a.sale.date > b.sale.date ? 1 : a.index - b.index))
    .map(({ sale }) => sale);
}

/**
 * The records of a file of `ledger` in which the sales in `pinned` carry `sold_from` (their
 * lots, labelled by lot id) and the rest are left to first in, first out.
 */
function recordsOf(ledger: Ledger, pinned: ReadonlyMap<number, readonly Pick[]>): CsvRecords {
  const labelled = new Set([...pinned.values()].flatMap((picks) => picks.map((p) => p.lotId)));
  return {
    buys: ledger.lots.map(({ id, ...fields }, n) => ({
      row: n + 2,
      fields,
      label: labelled.has(id) ? String(id) : undefined,
    })),
    sells: ledger.sales.map(({ id, symbol, shares, price, date, fee }, n) => {
      const picks = pinned.get(id);
      return {
        row: ledger.lots.length + n + 2,
        fields: { symbol, shares, price, date, ...(fee === undefined ? {} : { fee }) },
        soldFrom: picks?.map((p) => ({ label: String(p.lotId), shares: p.shares })),
      };
    }),
    prices: [],
  };
}

/**
 * Which sales need `sold_from` so that importing the file matches every sale to the lots it has
 * now: start with none, and add each sale the import would match differently, until none is left
 * (each round adds at least one, so this ends; with every sale pinned the import is exact).
 */
function salesNeedingLots(ledger: Ledger): Map<number, readonly Pick[]> {
  const ours = new Map(matchSales(ledger).sales.map((r) => [r.sale.id, picksOf(r)]));
  const pinned = new Map<number, readonly Pick[]>();
  const order = importOrder(ledger.sales);
  for (let round = 0; round <= ledger.sales.length; round++) {
    const probe = applyCsvRecords(EMPTY, new Map(), recordsOf(ledger, pinned));
    // The probe's lot n has id n + 1; its sales follow the lots, in import order.
    const ourLot = (id: number) => ledger.lots[id - 1]?.id ?? 0;
    const theirs = probe.ok ? probe.matching.sales : [];
    const before = pinned.size;
    for (const [n, sale] of order.entries()) {
      const mine = ours.get(sale.id) ?? [];
      const result = theirs[n];
      const same = result !== undefined && lotsText(picksOf(result), ourLot) === lotsText(mine);
      if (!same && !pinned.has(sale.id)) pinned.set(sale.id, mine);
    }
    if (pinned.size === before) break;
  }
  return pinned;
}

const EMPTY: Ledger = { lots: [], sales: [], nextId: 1 };

/**
 * The ledger and prices as a version 2 file: buys in portfolio order, sells in recording order,
 * then prices; every cell guarded against formula injection (`formatCsv`). A sale the import would
 * match to other lots by itself (lots the visitor picked, or a match kept by a later change) gets
 * `sold_from`, and the buys it names get their lot id as label, so the round trip is exact.
 */
export function ledgerCsv(ledger: Ledger, book: PriceBook): string {
  const pinned = salesNeedingLots(ledger);
  const { buys, sells } = recordsOf(ledger, pinned);
  const rows: string[][] = [[...LEDGER_CSV_COLUMNS]];
  for (const { fields, label } of buys) {
    const { symbol, shares, price, date, fee } = fields;
    rows.push(['buy', symbol, shares, price, date ?? '', fee ?? '', '', label ?? '', '']);
  }
  for (const { fields, soldFrom } of sells) {
    const { symbol, shares, price, date, fee } = fields;
    const from = soldFrom?.map((p) => `${p.label}:${p.shares}`).join(' ') ?? '';
    rows.push(['sell', symbol, shares, price, date, fee ?? '', '', '', from]);
  }
  for (const [symbol, { price, source, asOf }] of book) {
    rows.push(['price', symbol, '', price, asOf ?? '', '', source, '', '']);
  }
  return formatCsv(rows);
}
