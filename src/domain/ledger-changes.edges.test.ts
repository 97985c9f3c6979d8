/**
 * Edges of `ledger-changes.ts` that `ledger-changes.test.ts` does not reach: the exact records a
 * change writes, refusals of undo when an id is taken, undo of a confirmed correction, undo with
 * the price a change dropped (`withPrices`, `applyUndoWithPrices`), and every malformed undo entry.
 */
import { describe, expect, it } from 'vitest';

import { EMPTY_LEDGER, type Ledger } from './ledger.js';
import {
  addLot,
  applyUndo,
  applyUndoWithPrices,
  decodeUndo,
  editLot,
  encodeUndo,
  recordSale,
  removeLot,
  removeSale,
  withPrices,
  type LedgerChange,
  type PricedChange,
  type Undo,
} from './ledger-changes.js';
import type { CurrentPrice, PriceBook } from './price-book.js';

function ok(change: LedgerChange | PricedChange): Ledger {
  if (!change.ok) throw new Error(`Refused: ${change.problem.kind}`);
  return change.ledger;
}

const price = (value: string): CurrentPrice => ({ price: value, source: 'manual', asOf: '2026-12-01' });

/** Lots 1 (AAPL 10 @ 100, 2023) and 2 (AAPL 10 @ 200, 2024), sale 3 (6 AAPL, FIFO → lot 1), lot 4 (MSFT 1 @ 50). */
function ledgerWithSale(): Ledger {
  let ledger = ok(addLot(EMPTY_LEDGER, { symbol: 'AAPL', shares: '10', price: '100', date: '2023-01-02' }));
  ledger = ok(addLot(ledger, { symbol: 'AAPL', shares: '10', price: '200', date: '2024-01-02' }));
  ledger = ok(recordSale(ledger, { symbol: 'AAPL', shares: '6', price: '150', date: '2024-06-03' }));
  return ok(addLot(ledger, { symbol: 'MSFT', shares: '1', price: '50', date: '2024-02-01' }));
}

describe('the records a change writes', () => {
  it('stores a lot without fee or date as exactly its fields and id', () => {
    const change = addLot(EMPTY_LEDGER, { symbol: 'X', shares: '1', price: '2' });
    expect(change.lotId).toBe(1);
    expect(ok(change)).toStrictEqual({
      lots: [{ symbol: 'X', shares: '1', price: '2', id: 1 }],
      sales: [],
      nextId: 2,
    });
  });

  it('stores the date and fee when given', () => {
    const ledger = ok(
      addLot(EMPTY_LEDGER, { symbol: 'X', shares: '1', price: '2', date: '2024-01-01', fee: '0.5' }),
    );
    expect(ledger.lots).toStrictEqual([
      { symbol: 'X', shares: '1', price: '2', date: '2024-01-01', id: 1, fee: '0.5' },
    ]);
  });

  it('removes the very sale named, and refuses an unknown one', () => {
    let ledger = ledgerWithSale();
    ledger = ok(recordSale(ledger, { symbol: 'AAPL', shares: '1', price: '1', date: '2024-07-01' }));
    expect(ledger.sales.map((s) => s.id)).toEqual([3, 5]);
    expect(ok(removeSale(ledger, 5)).sales.map((s) => s.id)).toEqual([3]);
    expect(removeSale(ledger, 4)).toEqual({ ok: false, problem: { kind: 'unknown-sale', saleId: 4 } });
    expect(removeSale(ledger, 99)).toEqual({ ok: false, problem: { kind: 'unknown-sale', saleId: 99 } });
  });
});

describe('applyUndo: edges', () => {
  it('undoes a removal at its place, and appends it when the list has shrunk since', () => {
    const start = ledgerWithSale();
    const removed = removeLot(start, 4);
    if (!removed.ok) throw new Error('refused');
    expect(removed.undo).toEqual({ kind: 'remove-lot', index: 2, lot: start.lots[2] });
    const reverted = applyUndo(removed.ledger, removed.undo);
    expect(reverted).toEqual({ ok: true, ledger: start, undo: { kind: 'add-lot', lotId: 4 } });
    const far: Undo = { kind: 'remove-lot', index: 9, lot: { symbol: 'Z', shares: '1', price: '1', id: 7 } };
    const appended = ok(applyUndo(start, far));
    expect(appended.lots.map((l) => l.id)).toEqual([1, 2, 4, 7]);
    expect(appended.nextId).toBe(8);
    const early: Undo = {
      kind: 'remove-lot',
      index: 0,
      lot: { symbol: 'Z', shares: '1', price: '1', id: 0 },
    };
    // An id below the next one leaves the next id alone.
    expect(ok(applyUndo(start, early)).nextId).toBe(5);
  });

  it('refuses to put back a lot whose id a lot or a sale now has', () => {
    const start = ledgerWithSale();
    for (const id of [2, 3]) {
      const undo: Undo = { kind: 'remove-lot', index: 0, lot: { symbol: 'Z', shares: '1', price: '1', id } };
      expect(applyUndo(start, undo)).toEqual({ ok: false, problem: { kind: 'unknown-lot', lotId: id } });
    }
  });

  it('undoes a confirmed correction of a sold lot without asking again', () => {
    const start = ledgerWithSale();
    const corrected = editLot(
      start,
      1,
      { symbol: 'AAPL', shares: '10', price: '90', date: '2023-01-02' },
      { confirmed: true },
    );
    if (!corrected.ok) throw new Error('refused');
    const reverted = applyUndo(corrected.ledger, corrected.undo);
    expect(reverted).toEqual({
      ok: true,
      ledger: start,
      undo: { kind: 'edit-lot', lot: { ...start.lots[0], price: '90' } },
    });
  });

  it('puts a removed sale back in id order, keeps the next id, and offers to remove it again', () => {
    let ledger = ledgerWithSale();
    ledger = ok(recordSale(ledger, { symbol: 'AAPL', shares: '1', price: '1', date: '2024-07-01' }));
    const removed = removeSale(ledger, 3);
    if (!removed.ok) throw new Error('refused');
    const reverted = applyUndo(removed.ledger, removed.undo);
    if (!reverted.ok) throw new Error('refused');
    expect(reverted.ledger.sales.map((s) => s.id)).toEqual([3, 5]);
    expect(reverted.ledger.nextId).toBe(6);
    expect(reverted.undo).toEqual({ kind: 'record-sale', saleId: 3 });
  });

  it('refuses to put back a sale whose id a sale or a lot now has', () => {
    const start = ledgerWithSale();
    for (const id of [3, 4]) {
      const undo: Undo = {
        kind: 'remove-sale',
        sale: { symbol: 'AAPL', shares: '1', price: '1', date: '2024-06-03', id },
      };
      expect(applyUndo(start, undo)).toEqual({ ok: false, problem: { kind: 'unknown-sale', saleId: id } });
    }
  });

  it('refuses to put back a sale that would leave a later sale short, naming that sale', () => {
    const removed = removeSale(ledgerWithSale(), 3);
    if (!removed.ok) throw new Error('refused');
    // Sale 5 sells all 20 AAPL; sale 3 comes first in recording order, so putting it back takes 6 from sale 5.
    const resold = ok(
      recordSale(removed.ledger, { symbol: 'AAPL', shares: '20', price: '1', date: '2024-09-01' }),
    );
    expect(resold.sales.map((s) => s.id)).toEqual([5]);
    expect(applyUndo(resold, removed.undo)).toEqual({
      ok: false,
      problem: { kind: 'sold-shares', lotId: undefined, saleIds: [5] },
    });
  });
});

describe('undo with prices', () => {
  const book: PriceBook = new Map([
    ['AAPL', price('120')],
    ['MSFT', price('60')],
  ]);

  it('keeps the price a removal dropped in its undo, and brings it back on undo', () => {
    const start = ledgerWithSale();
    const change = withPrices(removeLot(start, 4), book);
    if (!change.ok) throw new Error('refused');
    expect(change.dropped).toEqual(['MSFT']);
    expect([...change.book.keys()]).toEqual(['AAPL']);
    expect(change.undo).toEqual({ kind: 'remove-lot', index: 2, lot: start.lots[2], price: price('60') });
    const reverted = applyUndoWithPrices(change.ledger, change.book, change.undo);
    if (!reverted.ok) throw new Error('refused');
    expect(reverted.ledger).toEqual(start);
    expect([...reverted.book]).toEqual([
      ['AAPL', price('120')],
      ['MSFT', price('60')],
    ]);
  });

  it('keeps a price set since the removal over the one the undo remembers', () => {
    const start = ledgerWithSale();
    const change = withPrices(removeLot(start, 4), book);
    if (!change.ok) throw new Error('refused');
    const newer = new Map([...change.book, ['MSFT', price('70')]]);
    const reverted = applyUndoWithPrices(change.ledger, newer, change.undo);
    expect(reverted.ok ? reverted.book.get('MSFT') : undefined).toEqual(price('70'));
  });

  it('keeps the price an edit to another symbol dropped, and brings it back', () => {
    const start = ledgerWithSale();
    const change = withPrices(
      editLot(start, 4, { symbol: 'GOOG', shares: '1', price: '50', date: '2024-02-01' }),
      book,
    );
    if (!change.ok) throw new Error('refused');
    expect(change.undo).toEqual({ kind: 'edit-lot', lot: start.lots[2], price: price('60') });
    const reverted = applyUndoWithPrices(change.ledger, change.book, change.undo);
    expect(reverted.ok ? [...reverted.book.keys()] : undefined).toEqual(['AAPL', 'MSFT']);
  });

  it('remembers no price when the symbol still has lots, or for other kinds of change', () => {
    const start = ledgerWithSale();
    const removed = withPrices(removeLot(start, 2), book);
    expect(removed.ok ? removed.undo : undefined).toStrictEqual({
      kind: 'remove-lot',
      index: 1,
      lot: start.lots[1],
    });
    expect(removed.ok ? removed.dropped : undefined).toEqual([]);
    const added = withPrices(addLot(start, { symbol: 'MSFT', shares: '1', price: '1' }), book);
    expect(added.ok ? added.undo : undefined).toStrictEqual({ kind: 'add-lot', lotId: 5 });
  });

  it('passes a refusal through, prices untouched', () => {
    const start = ledgerWithSale();
    expect(withPrices(removeLot(start, 1), book)).toEqual({
      ok: false,
      problem: { kind: 'sold-shares', lotId: 1, saleIds: [3] },
    });
    // The removed lot's id was taken since: the undo, price and all, is refused.
    const undo: Undo = {
      kind: 'remove-lot',
      index: 0,
      lot: { symbol: 'TSLA', shares: '1', price: '1', id: 2 },
      price: price('5'),
    };
    expect(applyUndoWithPrices(start, book, undo)).toEqual({
      ok: false,
      problem: { kind: 'unknown-lot', lotId: 2 },
    });
  });

  it('adds nothing to the book when the undo remembers no price', () => {
    const start = ledgerWithSale();
    const removed = removeLot(start, 4);
    if (!removed.ok) throw new Error('refused');
    const reverted = applyUndoWithPrices(removed.ledger, new Map(), removed.undo);
    expect(reverted.ok ? reverted.book.size : undefined).toBe(0);
    // Undo of an addition: the price book only loses what the removal drops.
    const added = addLot(start, { symbol: 'NEW', shares: '1', price: '1' });
    if (!added.ok) throw new Error('refused');
    const undone = applyUndoWithPrices(added.ledger, new Map([...book, ['NEW', price('1')]]), added.undo);
    expect(undone.ok ? [undone.dropped, [...undone.book.keys()]] : undefined).toEqual([
      ['NEW'],
      ['AAPL', 'MSFT'],
    ]);
  });
});

describe('the session form of an undo', () => {
  const lot = { symbol: 'AAPL', shares: '1', price: '2', date: '2024-01-01', id: 7 };

  it('stores a remembered price after the lot and reads it back', () => {
    const undos: Undo[] = [
      { kind: 'remove-lot', index: 3, lot, price: price('9') },
      { kind: 'edit-lot', lot, price: price('9') },
    ];
    expect(undos.map(encodeUndo)).toEqual([
      ['remove', 3, ['AAPL', '1', '2', '2024-01-01', 7], ['9', '2026-12-01', 'manual']],
      ['edit', ['AAPL', '1', '2', '2024-01-01', 7], ['9', '2026-12-01', 'manual']],
    ]);
    for (const undo of undos) expect(decodeUndo(encodeUndo(undo), EMPTY_LEDGER)).toEqual(undo);
  });

  it('reads a sale undo and an unsale undo', () => {
    expect(decodeUndo(['sale', 3], EMPTY_LEDGER)).toEqual({ kind: 'record-sale', saleId: 3 });
    expect(decodeUndo(['add', 1], EMPTY_LEDGER)).toEqual({ kind: 'add-lot', lotId: 1 });
    expect(decodeUndo(['unsale', ['AAPL', '1', '2', '2024-01-01', 5]], EMPTY_LEDGER)).toEqual({
      kind: 'remove-sale',
      sale: { symbol: 'AAPL', shares: '1', price: '2', date: '2024-01-01', id: 5 },
    });
  });

  it('drops a remembered price it cannot read, keeping the rest', () => {
    expect(decodeUndo(['edit', ['AAPL', '1', '2', '2024-01-01', 7], 'lots'], EMPTY_LEDGER)).toStrictEqual({
      kind: 'edit-lot',
      lot,
    });
    expect(decodeUndo(['remove', 0, ['AAPL', '1', '2', '2024-01-01', 7]], EMPTY_LEDGER)).toStrictEqual({
      kind: 'remove-lot',
      index: 0,
      lot,
    });
  });

  it('reads ids and indexes only as whole numbers in range', () => {
    const stored = ['AAPL', '1', '2', '2024-01-01', 7];
    for (const raw of [
      ['add', 0],
      ['add', 1.5],
      ['add', '1'],
      ['sale', 0],
      ['sale', -2],
      ['sale', null],
      ['remove', -1, stored],
      ['remove', 0.5, stored],
      ['remove', '0', stored],
      ['remove', Number.MAX_SAFE_INTEGER + 1, stored],
    ]) {
      expect(decodeUndo(raw, EMPTY_LEDGER)).toBeUndefined();
    }
    expect(decodeUndo(['remove', 0, stored], EMPTY_LEDGER)).toMatchObject({ kind: 'remove-lot', index: 0 });
  });

  it('reads a lot or sale only with its stored id', () => {
    for (const raw of [
      ['edit', ['AAPL', '1', '2', '2024-01-01']],
      ['edit', ['AAPL', '1', '2', '2024-01-01', 0]],
      ['edit', 'AAPL'],
      ['edit', ['AAPL', 'x', '2', '2024-01-01', 7]],
      ['unsale', ['AAPL', '1', '2', '2024-01-01']],
      ['unsale', 'AAPL'],
      ['unsale', ['AAPL', 'x', '2', '2024-01-01', 5]],
    ]) {
      expect(decodeUndo(raw, EMPTY_LEDGER)).toBeUndefined();
    }
  });

  it("reads today's form only as a pair", () => {
    expect(decodeUndo([0, ['AAPL', '1', '2']], EMPTY_LEDGER)).toMatchObject({ kind: 'remove-lot', index: 0 });
    expect(decodeUndo([0, ['AAPL', '1', '2'], 'x'], EMPTY_LEDGER)).toBeUndefined();
    expect(decodeUndo([-1, ['AAPL', '1', '2']], EMPTY_LEDGER)).toBeUndefined();
    expect(decodeUndo([0, ['AAPL', 'x', '2']], EMPTY_LEDGER)).toBeUndefined();
  });
});
