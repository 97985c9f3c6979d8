/**
 * Edges of `commitChange` (`sales.ts`) that `sales.test.ts` does not reach: a move that keeps the
 * lots but changes the shares taken, a correction that changes only a holding period, several
 * sales pinned at once, and a new sale that is short.
 */
import { describe, expect, it } from 'vitest';

import { toCanonicalString } from './decimal.js';
import type { Ledger, Lot, Sale } from './ledger.js';
import { commitChange, matchSales } from './sales.js';

const lot = (id: number, shares: string, date: string, price = '10'): Lot => ({
  id,
  symbol: 'A',
  shares,
  price,
  date,
});
const sale = (id: number, shares: string, date: string): Sale => ({
  id,
  symbol: 'A',
  shares,
  price: '20',
  date,
});
const ledgerOf = (lots: readonly Lot[], sales: readonly Sale[]): Ledger => ({ lots, sales, nextId: 10 });
const match = (ledger: Ledger) =>
  matchSales(ledger).sales.map((r) => [
    r.sale.id,
    r.allocations.map((a) => `${a.lotId}:${toCanonicalString(a.shares)}`),
  ]);

describe('commitChange: pinning', () => {
  it('pins a sale whose lots stay the same but whose shares from each would change', () => {
    // Sale 3 takes 2 of lot 1 and 1 of lot 2; with 3 shares in lot 1, FIFO would take all 3 from it.
    const before = ledgerOf(
      [lot(1, '2', '2024-01-01'), lot(2, '5', '2024-01-02')],
      [sale(3, '3', '2024-02-01')],
    );
    const after = ledgerOf([lot(1, '3', '2024-01-01'), lot(2, '5', '2024-01-02')], before.sales);
    const result = commitChange(before, after);
    if (!result.ok) throw new Error(`refused: ${result.problem.kind}`);
    expect(result.ledger.sales[0]?.picks).toEqual([
      { lotId: 1, shares: '2' },
      { lotId: 2, shares: '1' },
    ]);
    expect(match(result.ledger)).toEqual(match(before));
  });

  it('leaves a sale unpinned when its match does not move', () => {
    const before = ledgerOf(
      [lot(1, '2', '2024-01-01'), lot(2, '5', '2024-01-02')],
      [sale(3, '1', '2024-02-01')],
    );
    const after = ledgerOf([lot(1, '3', '2024-01-01'), lot(2, '5', '2024-01-02')], before.sales);
    expect(commitChange(before, after)).toEqual({ ok: true, ledger: after });
  });

  it('pins every sale a change would move, each to its own lots', () => {
    // Lot 3 was bought after both sales; redated before the others, FIFO would give it both.
    const lots = [lot(1, '1', '2024-01-02'), lot(2, '1', '2024-01-03'), lot(3, '2', '2024-03-01')];
    const before = ledgerOf(lots, [sale(4, '1', '2024-02-01'), sale(5, '1', '2024-02-01')]);
    expect(match(before)).toEqual([
      [4, ['1:1']],
      [5, ['2:1']],
    ]);
    const redated = ledgerOf([lots[0] as Lot, lots[1] as Lot, lot(3, '2', '2024-01-01')], before.sales);
    const result = commitChange(before, redated);
    if (!result.ok) throw new Error(`refused: ${result.problem.kind}`);
    expect(result.ledger.sales.map((s) => s.picks)).toEqual([
      [{ lotId: 1, shares: '1' }],
      [{ lotId: 2, shares: '1' }],
    ]);
    expect(match(result.ledger)).toEqual(match(before));
  });

  it('does not pin for a lot recorded after the sales, whatever its date', () => {
    const lots = [lot(1, '1', '2024-01-02'), lot(5, '2', '2024-03-01')];
    const before = ledgerOf(lots, [sale(3, '1', '2024-02-01')]);
    const redated = ledgerOf([lots[0] as Lot, lot(5, '2', '2024-01-01')], before.sales);
    expect(commitChange(before, redated)).toEqual({ ok: true, ledger: redated });
  });
});

describe('commitChange: what needs confirming', () => {
  it('asks when only a holding period changes, the gain staying the same', () => {
    const before = ledgerOf([lot(1, '2', '2023-01-01')], [sale(3, '2', '2024-02-01')]);
    const after = ledgerOf([lot(1, '2', '2023-01-02')], before.sales);
    const result = commitChange(before, after);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.problem.kind).toBe('changes-realized');
    if (result.problem.kind !== 'changes-realized') return;
    expect(
      result.problem.changes.map((c) => [c.saleId, toCanonicalString(c.before), toCanonicalString(c.after)]),
    ).toEqual([[3, '20', '20']]);
    expect(commitChange(before, after, { confirmed: true })).toEqual({ ok: true, ledger: after });
  });

  it('lists only the sales whose outcome changes', () => {
    const before = ledgerOf(
      [lot(1, '1', '2023-01-01'), { ...lot(2, '1', '2023-01-02'), symbol: 'B' }],
      [sale(3, '1', '2024-02-01'), { ...sale(4, '1', '2024-02-01'), symbol: 'B' }],
    );
    const after = ledgerOf([lot(1, '1', '2023-01-01', '12'), before.lots[1] as Lot], before.sales);
    const result = commitChange(before, after);
    expect(result.ok ? undefined : result.problem).toEqual({
      kind: 'changes-realized',
      changes: [{ saleId: 3, before: { units: 10n, scale: 0 }, after: { units: 8n, scale: 0 } }],
    });
  });
});

describe('commitChange: a new sale', () => {
  it('says how many were available as of its date, counting lots bought that day', () => {
    const before = ledgerOf(
      [lot(1, '2', '2024-01-01'), lot(2, '3', '2024-02-01'), lot(3, '4', '2024-02-02')],
      [],
    );
    const after = ledgerOf(before.lots, [sale(4, '6', '2024-02-01')]);
    expect(commitChange(before, after)).toEqual({
      ok: false,
      problem: {
        kind: 'oversold',
        symbol: 'A',
        date: '2024-02-01',
        requested: { units: 6n, scale: 0 },
        available: { units: 5n, scale: 0 },
      },
    });
    expect(commitChange(before, ledgerOf(before.lots, [sale(4, '5', '2024-02-01')])).ok).toBe(true);
  });

  it('names a sold-shares problem after the lot the caller names', () => {
    const before = ledgerOf([lot(1, '2', '2024-01-01')], [sale(3, '2', '2024-02-01')]);
    const after = ledgerOf([lot(1, '1', '2024-01-01')], before.sales);
    expect(commitChange(before, after, { lotId: 1 })).toEqual({
      ok: false,
      problem: { kind: 'sold-shares', lotId: 1, saleIds: [3] },
    });
  });
});
