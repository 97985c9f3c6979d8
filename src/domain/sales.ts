/**
 * Keeping history from changing silently: every change to the ledger goes through
 * {@link commitChange}, which replays the sales before and after it and compares.
 *
 * A sale whose match would differ is pinned to its previous match (stored as picks, the only time
 * a first-in-first-out sale costs bytes); a change that leaves a sale short of shares (removing a
 * sold lot, cutting its shares, moving its date past the sale or its symbol away) is refused,
 * naming the sales; and a change that alters a recorded sale's realized gain or holding period
 * (correcting the price, fee or date of a sold lot) is refused unless the caller says the visitor
 * confirmed it, and the refusal lists each sale's realized gain before and after.
 *
 * The pieces below it, re-exported here so that callers keep one import for "sales":
 * - `sales-match.ts`: the replay that matches sales to lots (the matching rule is documented there);
 * - `sales-gain.ts`: one matched sale's realized gain, fees shared exactly;
 * - `holding-period.ts`: days held and short/long term.
 * @module
 */
import { compare, subtract, sum, toCanonicalString, ZERO, type Decimal } from './decimal.js';
import { amountOf, type Ledger } from './ledger-model.js';
import type { SaleResult } from './sales-gain.js';
import { matchedSales, matchSales, picksOf } from './sales-match.js';

export { daysBetween, LONG_TERM_DAYS, termOf, type Term } from './holding-period.js';
export { FEE_SHARE_SCALE, type Allocation, type SaleResult } from './sales-gain.js';
export { matchSales, picksOf, type LotState, type Matching, type MatchOptions } from './sales-match.js';

function sameMatch(a: SaleResult, b: SaleResult): boolean {
  const x = picksOf(a);
  const y = picksOf(b);
  return x.length === y.length && x.every((p, i) => p.lotId === y[i]?.lotId && p.shares === y[i].shares);
}

/** How a recorded sale's outcome would change. */
export interface RealizedChange {
  readonly saleId: number;
  readonly before: Decimal;
  readonly after: Decimal;
}

/** Why a change to the ledger was not made. Each names what the form needs for its message. */
export type LedgerProblem =
  /** The lot is gone (removed in another tab, or never existed): "already removed or moved". */
  | { readonly kind: 'unknown-lot'; readonly lotId: number }
  | { readonly kind: 'unknown-sale'; readonly saleId: number }
  /** More shares than are held, as of the sale's date. */
  | {
      readonly kind: 'oversold';
      readonly symbol: string;
      readonly date: string;
      readonly requested: Decimal;
      /** Unsold shares of lots bought on or before `date`. */
      readonly available: Decimal;
    }
  /** A picked lot cannot give the shares asked of it. */
  | {
      readonly kind: 'bad-pick';
      readonly lotId: number;
      readonly reason: 'unknown-lot' | 'other-symbol' | 'bought-after-sale' | 'not-enough';
      /** Unsold shares of that lot, when it exists. */
      readonly available: Decimal;
    }
  /** The picks do not add up to the shares sold. */
  | { readonly kind: 'picks-total'; readonly picked: Decimal; readonly requested: Decimal }
  /** The change would take sold shares away from these recorded sales: remove them first. */
  | { readonly kind: 'sold-shares'; readonly lotId: number | undefined; readonly saleIds: readonly number[] }
  /** The change would alter recorded sales' realized gains or holding periods: ask, then pass `confirmed`. */
  | { readonly kind: 'changes-realized'; readonly changes: readonly RealizedChange[] };

/** The outcome of a change: the new ledger, or why not. */
export type ChangeResult =
  { readonly ok: true; readonly ledger: Ledger } | { readonly ok: false; readonly problem: LedgerProblem };

/** Options of a change. */
export interface ChangeOptions {
  /** The visitor confirmed that recorded sales' realized gains may change (a correction). Default false. */
  readonly confirmed?: boolean;
  /** Which lot the change is about, for the `sold-shares` problem. */
  readonly lotId?: number;
}

function outcomeKey(result: SaleResult): string {
  return [
    toCanonicalString(result.gain),
    ...result.allocations.map((a) => `${a.lotId}:${toCanonicalString(a.shares)}:${a.boughtOn ?? ''}`),
  ].join(' ');
}

/**
 * Checks and completes a change from `before` to `after` (see the module comment): pins every
 * recorded sale whose match would move, refuses a change that leaves a recorded sale short, and
 * refuses one that changes a recorded sale's realized gain or holding period unless `confirmed`.
 * Sales in `after` that are not in `before` (a new sale) must be covered in full, or the result is
 * `oversold` (or a pick problem, for picks).
 */
export function commitChange(before: Ledger, after: Ledger, options: ChangeOptions = {}): ChangeResult {
  // No sale before or after: nothing to replay, pin or refuse (and replaying every lot of a large
  // portfolio twice is most of an add's cost, and of the page's "how many more fit" near the cap).
  if (before.sales.length === 0 && after.sales.length === 0) return { ok: true, ledger: after };
  const previous = new Map(matchedSales(before).map((r) => [r.sale.id, r]));
  let ledger = after;
  let matching = { sales: matchedSales(ledger) };
  // Each round pins at least one more sale, so this ends within as many rounds as there are sales.
  for (let round = 0; round <= ledger.sales.length; round++) {
    const moved = new Set(
      matching.sales
        .filter((r) => r.sale.picks === undefined)
        .filter((r) => {
          const old = previous.get(r.sale.id);
          return old !== undefined && !sameMatch(old, r);
        })
        .map((r) => r.sale.id),
    );
    if (moved.size === 0) break;
    ledger = {
      ...ledger,
      sales: ledger.sales.map((sale) => {
        const old = previous.get(sale.id);
        return moved.has(sale.id) && old !== undefined ? { ...sale, picks: picksOf(old) } : sale;
      }),
    };
    matching = { sales: matchedSales(ledger) };
  }

  const short: number[] = [];
  for (const result of matching.sales) {
    const old = previous.get(result.sale.id);
    if (old === undefined) {
      if (result.shortfall.units > 0n) return { ok: false, problem: newSaleProblem(ledger, result) };
    } else if (compare(result.shortfall, old.shortfall) > 0) {
      short.push(result.sale.id);
    }
  }
  if (short.length > 0) {
    return { ok: false, problem: { kind: 'sold-shares', lotId: options.lotId, saleIds: short } };
  }
  if (options.confirmed !== true) {
    const changes = matching.sales.flatMap((result): RealizedChange[] => {
      const old = previous.get(result.sale.id);
      return old !== undefined && outcomeKey(old) !== outcomeKey(result)
        ? [{ saleId: result.sale.id, before: old.gain, after: result.gain }]
        : [];
    });
    if (changes.length > 0) return { ok: false, problem: { kind: 'changes-realized', changes } };
  }
  return { ok: true, ledger };
}

/** Why a new sale could not be covered. */
function newSaleProblem(ledger: Ledger, result: SaleResult): LedgerProblem {
  const { sale } = result;
  const requested = amountOf(sale.shares);
  if (sale.picks === undefined) {
    return {
      kind: 'oversold',
      symbol: sale.symbol,
      date: sale.date,
      requested,
      available: subtract(requested, result.shortfall),
    };
  }
  // Which pick failed: replay without this sale to see what each lot had left.
  const open = matchSales({ ...ledger, sales: ledger.sales.filter((s) => s.id !== sale.id) }).lots;
  for (const pick of sale.picks) {
    const state = open.get(pick.lotId);
    const available = state?.remaining ?? ZERO;
    const reason =
      state === undefined
        ? 'unknown-lot'
        : state.lot.symbol !== sale.symbol
          ? 'other-symbol'
          : state.lot.date !== undefined && state.lot.date > sale.date
            ? 'bought-after-sale'
            : compare(available, amountOf(pick.shares)) < 0
              ? 'not-enough'
              : undefined;
    if (reason !== undefined) return { kind: 'bad-pick', lotId: pick.lotId, reason, available };
  }
  return { kind: 'picks-total', picked: sum(sale.picks.map((p) => amountOf(p.shares))), requested };
}
