import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

import { toCanonicalString } from './decimal.js';
import {
  ledgerArbitrary,
  lotFieldsArbitrary,
  play,
  saleFieldsArbitrary,
} from '../../test/support/ledger-arbitraries.js';
import { decodeLedger, EMPTY_LEDGER, encodeLedger, type Ledger } from './ledger.js';
import {
  addLot,
  applyUndo,
  clearLedger,
  decodeUndo,
  editLot,
  encodeUndo,
  recordSale,
  removeLot,
  removeSale,
  type LedgerChange,
  type LotFields,
} from './ledger-changes.js';
import { matchSales } from './sales.js';

function ok(change: LedgerChange): Ledger {
  if (!change.ok)
    throw new Error(
      `Refused: ${JSON.stringify(change.problem, (_, v: unknown) => (typeof v === 'bigint' ? String(v) : v))}`,
    );
  return change.ledger;
}

const buy = (symbol: string, shares: string, price: string, date: string, fee?: string): LotFields => ({
  symbol,
  shares,
  price,
  date,
  ...(fee === undefined ? {} : { fee }),
});

/** Lots 1 (AAPL 10 @ 100, 2023) and 2 (AAPL 10 @ 200, 2024), and sale 3 (6 AAPL, FIFO → lot 1). */
function withOneSale(): Ledger {
  let ledger = ok(addLot(EMPTY_LEDGER, buy('AAPL', '10', '100', '2023-01-02')));
  ledger = ok(addLot(ledger, buy('AAPL', '10', '200', '2024-01-02')));
  return ok(recordSale(ledger, { symbol: 'AAPL', shares: '6', price: '150', date: '2024-06-03' }));
}

const realized = (ledger: Ledger) =>
  matchSales(ledger).sales.map((s) => [s.sale.id, toCanonicalString(s.gain)]);

describe('lot ids', () => {
  it('are handed out in order and survive the removal of other lots and reordering', () => {
    let ledger = ok(addLot(EMPTY_LEDGER, buy('AAPL', '1', '1', '2024-01-01')));
    ledger = ok(addLot(ledger, buy('MSFT', '1', '1', '2024-01-01')));
    ledger = ok(addLot(ledger, buy('NVDA', '1', '1', '2024-01-01')));
    ledger = ok(removeLot(ledger, 1));
    expect(ledger.lots.map((l) => [l.symbol, l.id])).toEqual([
      ['MSFT', 2],
      ['NVDA', 3],
    ]);
    const reordered = decodeLedger({ ...encodeLedger({ ...ledger, lots: [...ledger.lots].reverse() }) });
    expect(reordered.lots.map((l) => [l.symbol, l.id])).toEqual([
      ['NVDA', 3],
      ['MSFT', 2],
    ]);
  });

  it('are never reused, not even after the last lot goes or the portfolio is cleared', () => {
    let ledger = ok(addLot(EMPTY_LEDGER, buy('AAPL', '1', '1', '2024-01-01')));
    ledger = ok(removeLot(ledger, 1));
    ledger = decodeLedger({ ...encodeLedger(ledger) });
    expect(addLot(ledger, buy('AAPL', '1', '1', '2024-01-01')).lotId).toBe(2);
    expect(
      addLot(
        clearLedger(ok(addLot(ledger, buy('A', '1', '1', '2024-01-01')))),
        buy('A', '1', '1', '2024-01-01'),
      ).lotId,
    ).toBe(3);
  });

  it('make a stale edit or removal answer unknown-lot instead of touching another lot', () => {
    const ledger = ok(
      removeLot(
        ok(
          addLot(
            ok(addLot(EMPTY_LEDGER, buy('SBUX', '1', '1', '2024-01-01'))),
            buy('NVDA', '1', '1', '2024-01-01'),
          ),
        ),
        1,
      ),
    );
    expect(editLot(ledger, 1, buy('SBUX', '2', '1', '2024-01-01'))).toEqual({
      ok: false,
      problem: { kind: 'unknown-lot', lotId: 1 },
    });
    expect(removeLot(ledger, 1)).toEqual({ ok: false, problem: { kind: 'unknown-lot', lotId: 1 } });
    expect(ledger.lots.map((l) => l.symbol)).toEqual(['NVDA']);
  });
});

describe('recording a sale', () => {
  it('refuses more than is held as of the sale date, saying how many were', () => {
    const ledger = withOneSale();
    const change = recordSale(ledger, { symbol: 'AAPL', shares: '5', price: '1', date: '2023-12-31' });
    expect(change.ok).toBe(false);
    if (change.ok) return;
    expect(change.problem.kind).toBe('oversold');
    if (change.problem.kind !== 'oversold') return;
    // Lot 1's 10 shares, less the 6 sale 3 took: lot 2 was bought after 2023-12-31.
    expect(toCanonicalString(change.problem.available)).toBe('4');
  });

  it('refuses a sale of a symbol never bought', () => {
    const change = recordSale(withOneSale(), { symbol: 'MSFT', shares: '1', price: '1', date: '2024-06-03' });
    expect(!change.ok && change.problem.kind).toBe('oversold');
  });

  it('checks the visitor’s picks: lot, symbol, date, shares and total', () => {
    const ledger = ok(addLot(withOneSale(), buy('MSFT', '5', '10', '2024-01-01')));
    const attempt = (picks: { lotId: number; shares: string }[], shares = '2') => {
      const change = recordSale(ledger, { symbol: 'AAPL', shares, price: '1', date: '2024-06-03', picks });
      return change.ok
        ? 'ok'
        : change.problem.kind === 'bad-pick'
          ? change.problem.reason
          : change.problem.kind;
    };
    expect(attempt([{ lotId: 2, shares: '2' }])).toBe('ok');
    expect(attempt([{ lotId: 99, shares: '2' }])).toBe('unknown-lot');
    expect(attempt([{ lotId: 4, shares: '2' }])).toBe('other-symbol');
    expect(attempt([{ lotId: 1, shares: '5' }], '5')).toBe('not-enough');
    expect(attempt([{ lotId: 1, shares: '1' }])).toBe('picks-total');
    const early = recordSale(ledger, {
      symbol: 'AAPL',
      shares: '1',
      price: '1',
      date: '2023-06-03',
      picks: [{ lotId: 2, shares: '1' }],
    });
    expect(!early.ok && early.problem.kind === 'bad-pick' && early.problem.reason).toBe('bought-after-sale');
  });
});

describe('changes that touch recorded sales', () => {
  it('refuses to remove a lot a sale took shares from, naming the sale', () => {
    expect(removeLot(withOneSale(), 1)).toEqual({
      ok: false,
      problem: { kind: 'sold-shares', lotId: 1, saleIds: [3] },
    });
  });

  it('refuses to cut a sold lot below what was sold, move it to another symbol or past the sale', () => {
    const ledger = withOneSale();
    for (const fields of [
      buy('AAPL', '5', '100', '2023-01-02'),
      buy('MSFT', '10', '100', '2023-01-02'),
      buy('AAPL', '10', '100', '2024-07-01'),
    ]) {
      const change = editLot(ledger, 1, fields);
      expect(!change.ok && change.problem.kind).toBe('sold-shares');
    }
  });

  it('asks before a correction changes a realized gain, and applies it when confirmed', () => {
    const ledger = withOneSale();
    const corrected = buy('AAPL', '10', '90', '2023-01-02');
    const asked = editLot(ledger, 1, corrected);
    expect(asked.ok).toBe(false);
    if (asked.ok || asked.problem.kind !== 'changes-realized') throw new Error('expected changes-realized');
    expect(
      asked.problem.changes.map((c) => [c.saleId, toCanonicalString(c.before), toCanonicalString(c.after)]),
    ).toEqual([[3, '300', '360']]);
    expect(realized(ok(editLot(ledger, 1, corrected, { confirmed: true })))).toEqual([[3, '360']]);
  });

  it('lets unsold lots change freely, and keeps the sale on its lots when FIFO would move it', () => {
    const ledger = withOneSale();
    // Lot 2 now dated before lot 1: FIFO would now pick it for sale 3; the sale stays on lot 1.
    const after = ok(editLot(ledger, 2, buy('AAPL', '10', '200', '2022-01-02')));
    expect(realized(after)).toEqual(realized(ledger));
    expect(after.sales[0]?.picks).toEqual([{ lotId: 1, shares: '6' }]);
  });

  it('keeps later sales on their lots when an earlier sale is removed', () => {
    let ledger = withOneSale();
    ledger = ok(recordSale(ledger, { symbol: 'AAPL', shares: '6', price: '150', date: '2024-07-01' }));
    const before = matchSales(ledger).sales[1]?.allocations.map((a) => [
      a.lotId,
      toCanonicalString(a.shares),
    ]);
    const after = ok(removeSale(ledger, 3));
    expect(
      matchSales(after).sales[0]?.allocations.map((a) => [a.lotId, toCanonicalString(a.shares)]),
    ).toEqual(before);
  });
});

describe('undo', () => {
  it('reverts each kind of change, through the session form', () => {
    const start = withOneSale();
    const changes: ((l: Ledger) => LedgerChange)[] = [
      (l) => addLot(l, buy('MSFT', '1', '1', '2024-01-01')),
      (l) => removeLot(l, 2),
      (l) => editLot(l, 2, buy('AAPL', '11', '201', '2024-01-03', '1')),
      (l) => recordSale(l, { symbol: 'AAPL', shares: '1', price: '1', date: '2024-08-01', fee: '2' }),
      (l) => removeSale(l, 3),
    ];
    for (const change of changes) {
      const done = change(start);
      if (!done.ok) throw new Error('change refused');
      const undo = decodeUndo(JSON.parse(JSON.stringify(encodeUndo(done.undo))), done.ledger);
      expect(undo).toEqual(done.undo);
      const reverted = ok(applyUndo(done.ledger, done.undo));
      expect(reverted.lots).toEqual(start.lots);
      expect(realized(reverted)).toEqual(realized(start));
      expect(reverted.sales.map((s) => s.id)).toEqual(start.sales.map((s) => s.id));
    }
  });

  it('reads today’s undo entry, [index, holding], as a removal with the next id', () => {
    const ledger = withOneSale();
    const undo = decodeUndo([0, ['SBUX', '3', '90', '2024-01-01']], ledger);
    expect(undo).toEqual({
      kind: 'remove-lot',
      index: 0,
      lot: { symbol: 'SBUX', shares: '3', price: '90', date: '2024-01-01', id: 4 },
    });
    const reverted = ok(applyUndo(ledger, undo ?? { kind: 'add-lot', lotId: 0 }));
    expect(reverted.lots[0]?.symbol).toBe('SBUX');
    expect(reverted.nextId).toBe(5);
  });

  it('reads anything else as no undo', () => {
    for (const raw of [
      null,
      3,
      [],
      ['add'],
      ['add', -1],
      ['remove', 0, ['AAPL', '1', '1']],
      ['x', 1],
      [0, 'AAPL'],
    ]) {
      expect(decodeUndo(raw, EMPTY_LEDGER)).toBeUndefined();
    }
  });

  it('undoing a removed sale is refused once its shares were sold again', () => {
    const removed = removeSale(withOneSale(), 3);
    if (!removed.ok) throw new Error('refused');
    const resold = ok(
      recordSale(removed.ledger, { symbol: 'AAPL', shares: '20', price: '1', date: '2024-09-01' }),
    );
    const change = applyUndo(resold, removed.undo);
    expect(change.ok).toBe(false);
  });
});

describe('no change ever alters a recorded sale silently (property)', () => {
  it('any add, edit, removal or sale either keeps every recorded sale’s gain and lots, or is refused or needs confirming', () => {
    const action = fc.oneof(
      lotFieldsArbitrary.map((fields) => (l: Ledger) => addLot(l, fields)),
      saleFieldsArbitrary.map((fields) => (l: Ledger) => recordSale(l, fields)),
      fc.tuple(fc.nat(), lotFieldsArbitrary).map(
        ([n, fields]) =>
          (l: Ledger) =>
            editLot(l, l.lots[n % Math.max(1, l.lots.length)]?.id ?? 1, fields),
      ),
      fc.nat().map((n) => (l: Ledger) => removeLot(l, l.lots[n % Math.max(1, l.lots.length)]?.id ?? 1)),
      fc.nat().map((n) => (l: Ledger) => removeSale(l, l.sales[n % Math.max(1, l.sales.length)]?.id ?? 1)),
    );
    fc.assert(
      fc.property(ledgerArbitrary, action, (ledger, act) => {
        const change = act(ledger);
        if (!change.ok) return;
        const before = new Map(matchSales(ledger).sales.map((s) => [s.sale.id, s]));
        for (const result of matchSales(change.ledger).sales) {
          const old = before.get(result.sale.id);
          if (old === undefined) continue;
          expect(toCanonicalString(result.gain)).toBe(toCanonicalString(old.gain));
          expect(result.allocations.map((a) => [a.lotId, toCanonicalString(a.shares)])).toEqual(
            old.allocations.map((a) => [a.lotId, toCanonicalString(a.shares)]),
          );
        }
        // …and every sale stays covered.
        expect(matchSales(change.ledger).sales.every((s) => s.shortfall.units === 0n)).toBe(true);
      }),
    );
  });

  it('the session form of any reachable ledger reads back the same', () => {
    fc.assert(
      fc.property(ledgerArbitrary, fc.array(lotFieldsArbitrary, { maxLength: 3 }), (ledger, more) => {
        const grown = play(
          ledger,
          more.map((buy) => ({ buy })),
        );
        expect(decodeLedger({ ...encodeLedger(grown) })).toEqual(grown);
      }),
    );
  });
});
