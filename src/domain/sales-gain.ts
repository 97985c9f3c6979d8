/**
 * The realized gain of one sale, once it is known which lots it took: how the sale fee and each
 * lot's buy fee are shared among the parts, and each part's proceeds, cost, gain and holding period.
 *
 * Apart from matching (`sales-match.ts`), which decides which shares a sale takes, because the
 * money rules here (exact shares of fees, gains that add up to the last digit) are checked on
 * their own and do not depend on the order in which sales are replayed.
 * @module
 */
import { add, compare, divide, multiply, subtract, sum, ZERO, type Decimal } from './decimal.js';
import { daysBetween, termOf, type Term } from './holding-period.js';
import { amountOf, type Lot, type Sale } from './ledger-model.js';

/** Fraction digits of a fee's share in part of a lot or sale (far below a cent: rounding never shows). */
export const FEE_SHARE_SCALE = 10;

/**
 * `fee × part ÷ whole`, rounded to {@link FEE_SHARE_SCALE} places; the whole fee for the whole.
 *
 * A lot's buy fee is shared this way, part by part, with no regard to which sale came first: so a
 * sale's realized gain never depends on other sales (removing one changes no other, and an
 * export → import, which may record sales in another order, gives the same gains to the last
 * digit). The price: the parts of a lot sold out in several sales may add up to its fee ± a few
 * 10⁻¹⁰ dollars; a lot with shares left carries the exact rest of its fee.
 */
export function feeShare(fee: Decimal, part: Decimal, whole: Decimal): Decimal {
  if (fee.units === 0n) return ZERO;
  return compare(part, whole) === 0 ? fee : divide(multiply(fee, part), whole, FEE_SHARE_SCALE);
}

/** A lot's or sale's fee as a {@link Decimal} (zero when it has none). */
export const feeOf = (record: { readonly fee?: string }): Decimal =>
  record.fee === undefined ? ZERO : amountOf(record.fee);

/** Some shares of one lot matched to one sale, and what they gained. */
export interface Allocation {
  readonly lotId: number;
  readonly shares: Decimal;
  /** The lot's purchase date (absent for an undated lot). */
  readonly boughtOn: string | undefined;
  /** shares × sale price. */
  readonly proceeds: Decimal;
  /** This part's share of the sale fee. */
  readonly saleFee: Decimal;
  /** shares × lot price, plus this part's share of the lot's buy fee. */
  readonly cost: Decimal;
  /** proceeds − saleFee − cost. */
  readonly gain: Decimal;
  /** Days held; absent for an undated lot. */
  readonly days: number | undefined;
  readonly term: Term;
}

/** A sale, its match and its realized gain. */
export interface SaleResult {
  readonly sale: Sale;
  readonly allocations: readonly Allocation[];
  /** Shares no lot could cover: zero in every ledger `commitChange` (`sales.ts`) writes. */
  readonly shortfall: Decimal;
  /** shares × price − fee. */
  readonly proceeds: Decimal;
  readonly cost: Decimal;
  /** Realized gain: proceeds − cost, the sum of the allocations' gains exactly. */
  readonly gain: Decimal;
}

/** The lot a part was taken from, as far as its cost goes. */
export interface LotBasis {
  readonly lot: Lot;
  /** The lot's price per share, parsed. */
  readonly price: Decimal;
}

/** Some shares a sale took from one lot, and their share of that lot's buy fee. */
export interface Part {
  readonly from: LotBasis;
  readonly shares: Decimal;
  /** {@link feeShare} of the lot's buy fee for these shares. */
  readonly buyFee: Decimal;
}

/** What a sale is, parsed: its shares, price and fee. */
export interface SaleTerms {
  readonly shares: Decimal;
  readonly price: Decimal;
  readonly fee: Decimal;
}

/**
 * The sale's figures from the parts it took, in the order taken, and the shares no lot covered.
 * Proceeds are always shares × price − fee, whatever was covered.
 */
export function settleSale(
  sale: Sale,
  { shares, price, fee }: SaleTerms,
  taken: readonly Part[],
  shortfall: Decimal,
): SaleResult {
  // The sale fee is shared by the parts cumulatively, in lot-id order (not match order), so
  // the parts add up to the fee exactly and the same lots and shares always get the same shares.
  const saleFees = new Map<Part, Decimal>();
  let cumulative = ZERO;
  for (const part of [...taken].sort((a, b) => a.from.lot.id - b.from.lot.id)) {
    const next = add(cumulative, part.shares);
    saleFees.set(part, subtract(feeShare(fee, next, shares), feeShare(fee, cumulative, shares)));
    cumulative = next;
  }
  const allocations = taken.map((piece): Allocation => {
    const { from, shares: part, buyFee } = piece;
    const saleFee = saleFees.get(piece) ?? ZERO;
    const proceeds = multiply(part, price);
    const cost = add(multiply(part, from.price), buyFee);
    const days = from.lot.date === undefined ? undefined : daysBetween(from.lot.date, sale.date);
    return {
      lotId: from.lot.id,
      shares: part,
      boughtOn: from.lot.date,
      proceeds,
      saleFee,
      cost,
      gain: subtract(subtract(proceeds, saleFee), cost),
      days,
      term: termOf(days),
    };
  });
  // The fee of the shares no lot covered stays with the sale, so proceeds are always shares × price − fee.
  const proceeds = subtract(multiply(shares, price), fee);
  const cost = sum(allocations.map((a) => a.cost));
  return { sale, allocations, shortfall, proceeds, cost, gain: subtract(proceeds, cost) };
}
