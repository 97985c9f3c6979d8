/**
 * The edit form: the add-stock form's fields and rules (`forms/stock.ts`), plus the holding as it
 * was when the form was shown, in hidden `original_*` fields.
 *
 * Why the original holding, and not an id: holdings have no id in the cookie, and giving each one
 * would cost ~8 bytes a holding of a 4 KB cookie (about 5% fewer holdings) plus a migration of
 * every cookie already out there. A holding's own fields identify it well enough: the handler
 * edits the holding equal to the original — at its old index if it is still there, else wherever
 * it moved (a removal in another tab shifts every later row). Two equal holdings are the same
 * purchase twice, so editing either gives the same portfolio. If no holding equals the original,
 * another tab changed or removed it, and the edit is refused rather than applied to the wrong row.
 * @module
 */
import { decodePortfolio, sameHolding, type Holding } from '../../domain/portfolio.js';
import type { FormFields } from '../../web/form-body.js';
import { textField } from '../../web/form-body.js';

/** The hidden fields carrying the holding as the form showed it. */
export const ORIGINAL_FIELDS = Object.freeze({
  symbol: 'original_symbol',
  shares: 'original_shares',
  price: 'original_price',
  date: 'original_date',
} as const);

/** The hidden fields' values for `holding`. */
export function originalValues(holding: Holding): Readonly<Record<string, string>> {
  return {
    [ORIGINAL_FIELDS.symbol]: holding.symbol,
    [ORIGINAL_FIELDS.shares]: holding.shares,
    [ORIGINAL_FIELDS.price]: holding.price,
    [ORIGINAL_FIELDS.date]: holding.date ?? '',
  };
}

/** The original holding a posted edit form names, read by the stored holdings' own rules; undefined if it names none. */
export function readOriginal(form: FormFields): Holding | undefined {
  const field = (name: string) => textField(form, name) ?? '';
  const date = field(ORIGINAL_FIELDS.date);
  const entry = [field(ORIGINAL_FIELDS.symbol), field(ORIGINAL_FIELDS.shares), field(ORIGINAL_FIELDS.price)];
  return decodePortfolio([date === '' ? entry : [...entry, date]])[0];
}

/**
 * Where the holding equal to `original` is now: `hint` (its index when the form was shown) if it
 * is still there, else its first occurrence; -1 when it is gone.
 */
export function findHolding(holdings: readonly Holding[], original: Holding, hint: number): number {
  const at = holdings[hint];
  if (at !== undefined && sameHolding(at, original)) return hint;
  return holdings.findIndex((holding) => sameHolding(holding, original));
}
