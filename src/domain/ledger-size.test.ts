import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

import { ledgerArbitrary } from '../../test/support/ledger-arbitraries.js';
import { encodeLedger, type Lot, type Sale } from './ledger.js';
import { encodeUndo } from './ledger-changes.js';
import {
  addCostBytes,
  encodedBytes,
  lotEntryBytes,
  recordsThatFit,
  saleEntryBytes,
  WORST_CASE_LOT,
  type SessionShape,
} from './ledger-size.js';

/** A session dict as the app writes it: other keys, the ledger, and an undo. */
function sessionJson(others: Record<string, unknown>, lots: Lot[], nextId: number, undo: unknown): number {
  const data: Record<string, unknown> = { ...others, ...encodeLedger({ lots, sales: [], nextId }) };
  if (undo !== undefined) data['undo'] = undo;
  return JSON.stringify(data).length;
}

describe('entry sizes by arithmetic', () => {
  it('equal the encoded JSON of every lot and sale of any ledger', () => {
    fc.assert(
      fc.property(ledgerArbitrary, (ledger) => {
        for (const lot of ledger.lots) expect(lotEntryBytes(lot)).toBe(encodedBytes.lot(lot));
        for (const sale of ledger.sales) expect(saleEntryBytes(sale)).toBe(encodedBytes.sale(sale));
      }),
    );
  });

  it('count picks and a missing fee (null) in a pinned sale', () => {
    const sale: Sale = {
      id: 12,
      symbol: 'AAPL',
      shares: '3',
      price: '1',
      date: '2024-01-01',
      picks: [
        { lotId: 1, shares: '1' },
        { lotId: 10, shares: '2' },
      ],
    };
    expect(saleEntryBytes(sale)).toBe(encodedBytes.sale(sale));
    expect(saleEntryBytes({ ...sale, fee: '2.5' })).toBe(encodedBytes.sale({ ...sale, fee: '2.5' }));
  });
});

describe('the cost of adding a lot', () => {
  const others = { csrf_token: 'x'.repeat(40), theme: 'dark' };

  it('is exactly what the session JSON grows by, from empty, through 9 → 10, with any prior undo', () => {
    const lots: Lot[] = [];
    let undo: unknown = ['remove', 0, ['AAPL', '1', '1', null, 99]];
    for (let id = 1; id <= 12; id++) {
      const before = sessionJson(others, lots, id, undo);
      const shape: SessionShape = {
        keyCount: Object.keys(others).length + (lots.length > 0 ? 1 : 0) + (id > 1 ? 1 : 0) + 1,
        listLength: lots.length,
        nextId: id,
        undoBytes: JSON.stringify(undo).length,
      };
      const lot: Lot = { ...WORST_CASE_LOT, id };
      lots.push(lot);
      undo = encodeUndo({ kind: 'add-lot', lotId: id });
      expect(addCostBytes(shape, 'lot', lotEntryBytes(lot))).toBe(
        sessionJson(others, lots, id + 1, undo) - before,
      );
    }
  });

  it('counts the keys an add creates in an empty session', () => {
    const lot: Lot = { ...WORST_CASE_LOT, id: 1 };
    const shape: SessionShape = { keyCount: 0, listLength: 0, nextId: 1, undoBytes: undefined };
    const after = sessionJson({}, [lot], 2, encodeUndo({ kind: 'add-lot', lotId: 1 }));
    expect(addCostBytes(shape, 'lot', lotEntryBytes(lot))).toBe(after - 2);
  });

  it('says how many fit, exactly: the session grows by at most the room with that many, and by more with one more', () => {
    const start: Lot[] = [4, 5, 6].map((id) => ({
      symbol: 'AAPL',
      shares: '1',
      price: '1',
      date: '2024-01-01',
      id,
    }));
    const undo = ['sale', 3];
    const base = sessionJson(others, start, 7, undo);
    const shape: SessionShape = {
      keyCount: 5,
      listLength: 3,
      nextId: 7,
      undoBytes: JSON.stringify(undo).length,
    };
    const grownBy = (n: number) => {
      const more = Array.from({ length: n }, (_, k): Lot => ({ ...WORST_CASE_LOT, id: 7 + k }));
      const last = n === 0 ? undo : encodeUndo({ kind: 'add-lot', lotId: 6 + n });
      return sessionJson(others, [...start, ...more], 7 + n, last) - base;
    };
    for (const room of [0, 50, 1000, 4000, 50_000]) {
      const n = recordsThatFit(room, shape, 'lot', (id) => lotEntryBytes({ ...WORST_CASE_LOT, id }));
      expect(grownBy(n)).toBeLessThanOrEqual(room);
      expect(grownBy(n + 1)).toBeGreaterThan(room);
    }
  });
});
