/**
 * Exact decimal arithmetic on `bigint`, for share counts and money.
 *
 * A value is `units × 10^-scale`: `12.50` is `{ units: 1250n, scale: 2 }`. Nothing here ever
 * touches a JavaScript `number`, so `0.1 + 0.2` is `0.3` and a cost basis is exact to the last digit
 * before the one deliberate rounding to cents.
 *
 * @example
 * ```ts
 * const cost = multiply(parseDecimal('15')!, parseDecimal('302.17')!);
 * formatMoney(cost); // '$4,532.55'
 * ```
 * @module
 */

/**
 * An exact decimal number: `units × 10^-scale`. Values are immutable: read-only in their type, and
 * nothing here changes one; every operation returns a new one.
 */
export interface Decimal {
  /** The digits as an integer, sign included. */
  readonly units: bigint;
  /** How many of those digits are after the decimal point; a non-negative safe integer. */
  readonly scale: number;
}

/** Zero at scale 0, the identity of {@link add} and the start of {@link sum}. */
export const ZERO: Decimal = Object.freeze({ units: 0n, scale: 0 });

/**
 * Makes a {@link Decimal} from its parts.
 * @throws RangeError when `scale` is negative or not an integer (a programming error, not bad input).
 */
export function decimal(units: bigint, scale: number): Decimal {
  if (!Number.isSafeInteger(scale) || scale < 0) {
    throw new RangeError(`Decimal scale must be a non-negative integer, got ${scale}`);
  }
  return { units, scale };
}

/**
 * {@link decimal} for a scale already known to be valid (computed here from valid scales): a page
 * of positions makes a few hundred values, and only the first check and the shape matter. Not
 * frozen: `readonly` keeps callers from changing one, and freezing cost more than the arithmetic.
 */
function made(units: bigint, scale: number): Decimal {
  return { units, scale };
}

// ASCII digits only, spelled out: `\d` would also be ASCII-only without the `u` flag, but [0-9] says so.
const PLAIN_DECIMAL = /^(-?)([0-9]+)(?:\.([0-9]+))?$/;

/**
 * Parses plain decimal notation: an optional `-`, ASCII digits, and an optional `.` followed by digits
 * (`15`, `0.5`, `302.17`, `007.10`). Anything else (`1e3`, `0x10`, `.5`, `5.`, `+5`, `1,000`,
 * `NaN`, spaces) gives `undefined`: user-facing leniency (separators, `$`) belongs to the form layer.
 *
 * The scale is the number of fraction digits as written (`1.50` has scale 2); see {@link normalize}.
 */
export function parseDecimal(text: string): Decimal | undefined {
  const match = PLAIN_DECIMAL.exec(text);
  if (match === null) return undefined;
  const [, sign = '', whole = '', fraction = ''] = match;
  const units = BigInt(whole + fraction);
  return made(sign === '-' ? -units : units, fraction.length);
}

/** Removes trailing fraction zeros: `1.2500` becomes `1.25`, `100.0` becomes `100`. The value is unchanged. */
export function normalize(value: Decimal): Decimal {
  let { units, scale } = value;
  while (scale > 0 && units % 10n === 0n) {
    units /= 10n;
    scale -= 1;
  }
  return scale === value.scale ? value : made(units, scale);
}

// 10^0 … 10^39 as bigints, computed once: `10n ** BigInt(n)` allocates twice per call, and every
// sum, comparison and rounding needs one (money has 2 places, prices 4, products 8).
const POWERS_OF_TEN: readonly bigint[] = Array.from({ length: 40 }, (_, n) => 10n ** BigInt(n));

/** 10^n as a bigint; `n` a non-negative integer. */
function tenTo(n: number): bigint {
  return POWERS_OF_TEN[n] ?? 10n ** BigInt(n);
}

/** `value` written with exactly `scale` fraction digits; `scale` must not be below the current one. */
function rescale(value: Decimal, scale: number): bigint {
  return scale === value.scale ? value.units : value.units * tenTo(scale - value.scale);
}

/** The exact sum `a + b`, at the larger of the two scales. */
export function add(a: Decimal, b: Decimal): Decimal {
  const scale = Math.max(a.scale, b.scale);
  return made(rescale(a, scale) + rescale(b, scale), scale);
}

/** The exact sum of all `values`; {@link ZERO} for none. */
export function sum(values: Iterable<Decimal>): Decimal {
  let total = ZERO;
  for (const value of values) total = add(total, value);
  return total;
}

/** The exact difference `a − b`, at the larger of the two scales. */
export function subtract(a: Decimal, b: Decimal): Decimal {
  return add(a, made(-b.units, b.scale));
}

/**
 * The quotient `a ÷ b` rounded half away from zero to `scale` fraction digits, computed from the
 * exact rational value (so `2 ÷ 3` at scale 2 is `0.67`, and `0.125 ÷ 1` at scale 2 is `0.13`).
 * @throws RangeError when `b` is zero.
 */
export function divide(a: Decimal, b: Decimal, scale: number): Decimal {
  if (b.units === 0n) throw new RangeError('Division by zero');
  // a ÷ b = (a.units × 10^b.scale) ÷ (b.units × 10^a.scale); scaled up by 10^scale for the digits kept.
  let numerator = a.units * tenTo(b.scale + scale);
  let denominator = b.units * tenTo(a.scale);
  if (denominator < 0n) {
    numerator = -numerator;
    denominator = -denominator;
  }
  const magnitude = numerator < 0n ? -numerator : numerator;
  // Half away from zero: compare twice the remainder with the divisor.
  const quotient = magnitude / denominator;
  const rounded = 2n * (magnitude % denominator) >= denominator ? quotient + 1n : quotient;
  return decimal(numerator < 0n ? -rounded : rounded, scale);
}

/** The exact product `a × b`; its scale is the sum of the scales (`1.5 × 2.25` has scale 3). */
export function multiply(a: Decimal, b: Decimal): Decimal {
  return made(a.units * b.units, a.scale + b.scale);
}

/** `-1`, `0` or `1` as `a` is less than, equal to or greater than `b`, by value (`1.50` equals `1.5`). */
export function compare(a: Decimal, b: Decimal): -1 | 0 | 1 {
  const scale = Math.max(a.scale, b.scale);
  const difference = rescale(a, scale) - rescale(b, scale);
  return difference < 0n ? -1 : difference > 0n ? 1 : 0;
}

/**
 * Rounds to `scale` fraction digits, half away from zero (`2.345` → `2.35`, `-2.345` → `-2.35`):
 * the rule people expect on a statement, and the same as half-up for the positive values we hold.
 * The result has exactly `scale` digits, so `roundHalfUp(x, 2).units` is a count of cents.
 */
export function roundHalfUp(value: Decimal, scale: number): Decimal {
  if (value.scale <= scale) return decimal(rescale(value, scale), scale);
  const divisor = tenTo(value.scale - scale);
  const magnitude = value.units < 0n ? -value.units : value.units;
  // bigint division truncates, so adding half the divisor first rounds halves away from zero.
  const rounded = (magnitude + divisor / 2n) / divisor;
  return decimal(value.units < 0n ? -rounded : rounded, scale);
}

/** Groups an ASCII digit string by thousands: `1234567` → `1,234,567`. */
function groupThousands(digits: string): string {
  // Most figures on a page are under 1,000: nothing to group. Otherwise slices, not a lookahead regex.
  if (digits.length <= 3) return digits;
  const head = digits.length % 3 || 3;
  let out = digits.slice(0, head);
  for (let i = head; i < digits.length; i += 3) out += ',' + digits.slice(i, i + 3);
  return out;
}

/** Sign, integer digits and fraction digits of `value` at exactly its own scale. */
function parts(value: Decimal): { sign: '' | '-'; whole: string; fraction: string } {
  const negative = value.units < 0n;
  const text = (negative ? -value.units : value.units).toString();
  const digits = text.length > value.scale ? text : text.padStart(value.scale + 1, '0');
  const split = digits.length - value.scale;
  return {
    sign: negative ? '-' : '',
    whole: digits.slice(0, split),
    fraction: digits.slice(split),
  };
}

function join(whole: string, fraction: string): string {
  return fraction === '' ? whole : `${whole}.${fraction}`;
}

/**
 * The canonical storage form: plain digits, no separators, trailing zeros removed
 * (`1000.5`, `15`, `0.1234`). {@link parseDecimal} reads it back to the same value.
 */
export function toCanonicalString(value: Decimal): string {
  const { sign, whole, fraction } = parts(normalize(value));
  return sign + join(whole, fraction);
}

/** A quantity for display: thousands separators, trailing zeros removed (`1,000`, `0.5`, `1,234.5678`). */
export function formatQuantity(value: Decimal): string {
  const { sign, whole, fraction } = parts(normalize(value));
  return sign + join(groupThousands(whole), fraction);
}

/** Money rounded half-up to cents, always with two decimals: `$302.17`, `$1,234.50`, `-$0.05`. */
export function formatMoney(value: Decimal): string {
  const { sign, whole, fraction } = parts(roundHalfUp(value, 2));
  return `${sign}$${join(groupThousands(whole), fraction)}`;
}

/**
 * A unit price, exactly: at least two decimals like money, more when the value has them
 * (`$302.10`, `$0.1234`), so a price entered with four decimals is never shown rounded.
 */
export function formatPrice(value: Decimal): string {
  const normalized = normalize(value);
  const { sign, whole, fraction } = parts(
    normalized.scale < 2 ? made(rescale(normalized, 2), 2) : normalized,
  );
  return `${sign}$${join(groupThousands(whole), fraction)}`;
}

/**
 * A percentage rounded half-up to two decimals, with its sign: `+12.50%`, `-0.08%`, `0.00%`.
 * The sign is always shown so a gain never reads as a loss where colour is not seen.
 */
export function formatPercent(value: Decimal): string {
  const { sign, whole, fraction } = parts(roundHalfUp(value, 2));
  const shownSign = sign === '' && (whole !== '0' || /[1-9]/.test(fraction)) ? '+' : sign;
  return `${shownSign}${join(groupThousands(whole), fraction)}%`;
}

/** Money with its sign, for a gain or loss: `+$100.00`, `-$125.00`, `$0.00`. */
export function formatSignedMoney(value: Decimal): string {
  const text = formatMoney(value);
  return text.startsWith('-') || text === '$0.00' ? text : `+${text}`;
}
