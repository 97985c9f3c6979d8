/**
 * The current-price form: one field, `current_price`, per position. The grammar and limits are the
 * purchase price's (`stock-fields.ts`, `PRICE_RULE`); only the wording differs. An empty or
 * spaces-only field is refused, never read as "forget the price": removing a price is its own,
 * confirmed action ({@link REMOVE_PRICE_FIELD}), so a slip of the keyboard deletes nothing.
 * @module
 */
import { toCanonicalString } from './decimal.js';
import { PRICE_RULE } from './portfolio.js';
import { parseAmount, readText } from './stock-rules.js';
import { priceMessages, stockFields, type AmountMessages } from './stock-fields.js';

/** The field's name. */
export const CURRENT_PRICE_FIELD = 'current_price';

/** The confirmation button's name: `yes` removes the position's price, whatever the field holds. */
export const REMOVE_PRICE_FIELD = 'remove_price';

/** Messages for the current-price field: the purchase price's, where they do not name the purchase. */
export const currentPriceMessages: AmountMessages = Object.freeze({
  ...priceMessages,
  required: 'Enter the current price per share (for example 310.50).',
});

/** HTML hints: the purchase price's pattern, so browser and server agree, and its own placeholder. */
export const currentPriceHints = Object.freeze({
  pattern: stockFields.purchase_price.pattern,
  title: currentPriceMessages.invalid,
  maxLength: stockFields.purchase_price.maxLength,
});

/**
 * The outcome of {@link parseCurrentPrice}: a canonical price, or a message; `blank` marks an empty
 * field, which the form answers by asking whether the visitor meant to remove the price.
 */
export type CurrentPriceResult = { ok: true; price: string } | { ok: false; message: string; blank?: true };

/**
 * Validates a submitted current price with the purchase price's rules.
 * @example `parseCurrentPrice('$310.50')` → `{ ok: true, price: '310.5' }`; `parseCurrentPrice(' ')` → `{ ok: false, message, blank: true }`
 */
export function parseCurrentPrice(value: unknown): CurrentPriceResult {
  if (typeof value === 'string' && value.trim() === '') {
    return { ok: false, message: currentPriceMessages.required, blank: true };
  }
  const parsed = readText(value, currentPriceMessages, (text) =>
    parseAmount(text, PRICE_RULE, currentPriceMessages, true),
  );
  return parsed.ok ? { ok: true, price: toCanonicalString(parsed.value) } : parsed;
}
