/**
 * fast-check generators of ledgers, for `src/domain`'s property tests (no app code
 * imports it). Every ledger they make is one the ledger functions could have written: lots with
 * canonical amounts, sales recorded through `recordSale` so each is covered.
 * @module
 */
import fc from 'fast-check';

import type { Ledger } from '../../src/domain/ledger.js';
import { addLot, recordSale, type LotFields, type SaleFields } from '../../src/domain/ledger-changes.js';

const SYMBOLS = ['AAPL', 'MSFT', 'BRK.B'] as const;

/** A canonical positive amount with up to `digits` decimals. */
export const amountArbitrary = (maxWhole: number, digits: number): fc.Arbitrary<string> =>
  fc
    .tuple(fc.integer({ min: 0, max: maxWhole }), fc.integer({ min: 0, max: 10 ** digits - 1 }))
    .filter(([whole, fraction]) => whole > 0 || fraction > 0)
    .map(([whole, fraction]) =>
      fraction === 0
        ? String(whole)
        : `${whole}.${String(fraction).padStart(digits, '0')}`.replace(/0+$/, ''),
    );

/** A date from `year` to 2025 (day ≤ 28: valid in every month). */
export const datesFrom = (year: number): fc.Arbitrary<string> =>
  fc
    .tuple(
      fc.integer({ min: year, max: 2025 }),
      fc.integer({ min: 1, max: 12 }),
      fc.integer({ min: 1, max: 28 }),
    )
    .map(([y, m, d]) => `${y}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`);

const feeArbitrary = fc.option(amountArbitrary(20, 2), { nil: undefined });

export const lotFieldsArbitrary: fc.Arbitrary<LotFields> = fc
  .record({
    symbol: fc.constantFrom(...SYMBOLS),
    shares: amountArbitrary(500, 2),
    price: amountArbitrary(900, 2),
    date: fc.option(datesFrom(2020), { nil: undefined, freq: 8 }),
    fee: feeArbitrary,
  })
  .map(({ date, fee, ...rest }) => ({
    ...rest,
    ...(date === undefined ? {} : { date }),
    ...(fee === undefined ? {} : { fee }),
  }));

export const saleFieldsArbitrary: fc.Arbitrary<SaleFields> = fc
  .record({
    symbol: fc.constantFrom(...SYMBOLS),
    // Smaller and later than buys, so most sales are covered and matched across several lots.
    shares: amountArbitrary(150, 2),
    price: amountArbitrary(900, 2),
    date: datesFrom(2023),
    fee: feeArbitrary,
  })
  .map(({ fee, ...rest }) => (fee === undefined ? rest : { ...rest, fee }));

/** One step a visitor takes: a buy or a sale (refused sales are skipped). */
export type Step = { readonly buy: LotFields } | { readonly sell: SaleFields };

export const stepsArbitrary: fc.Arbitrary<Step[]> = fc.array(
  fc.oneof(
    { weight: 3, arbitrary: lotFieldsArbitrary.map((buy): Step => ({ buy })) },
    { weight: 2, arbitrary: saleFieldsArbitrary.map((sell): Step => ({ sell })) },
  ),
  { maxLength: 25 },
);

/** The ledger `steps` build from `start`, skipping the sales it refuses. */
export function play(start: Ledger, steps: readonly Step[]): Ledger {
  let ledger = start;
  for (const step of steps) {
    const change = 'buy' in step ? addLot(ledger, step.buy) : recordSale(ledger, step.sell);
    if (change.ok) ledger = change.ledger;
  }
  return ledger;
}

export const ledgerArbitrary: fc.Arbitrary<Ledger> = stepsArbitrary.map((steps) =>
  play({ lots: [], sales: [], nextId: 1 }, steps),
);
