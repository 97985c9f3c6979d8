/**
 * The current-price form: one field, `current_price`, per position. The grammar and limits are the
 * purchase price's (`stock-fields.ts`, `PRICE_RULE`); only the wording differs, and an empty field
 * means "forget the price" rather than a mistake.
 * @module
 */
import { toCanonicalString } from './decimal.js';
import { PRICE_RULE } from './portfolio.js';
import { parseAmount, readText } from './stock-rules.js';
import { priceMessages, stockFields, type AmountMessages } from './stock-fields.js';

/** The field's name. */
export const CURRENT_PRICE_FIELD = 'current_price';

/** Messages for the current-price field: the purchase price's, where they do not name the purchase. */
export const currentPriceMessages: AmountMessages = Object.freeze({
  ...priceMessages,
  required: 'Enter the current price per share (for example 310.50), or leave it empty to remove it.',
});

/** HTML hints: the purchase price's pattern, so browser and server agree, and its own placeholder. */
export const currentPriceHints = Object.freeze({
  pattern: stockFields.purchase_price.pattern,
  title: currentPriceMessages.invalid,
  maxLength: stockFields.purchase_price.maxLength,
});

/** The outcome of {@link parseCurrentPrice}: a canonical price, `null` to remove it, or a message. */
export type CurrentPriceResult = { ok: true; price: string | null } | { ok: false; message: string };

/**
 * Validates a submitted current price with the purchase price's rules.
 * @example `parseCurrentPrice('$310.50')` → `{ ok: true, price: '310.5' }`; `parseCurrentPrice('')` → `{ ok: true, price: null }`
 */
export function parseCurrentPrice(value: unknown): CurrentPriceResult {
  if (typeof value === 'string' && value.trim() === '') return { ok: true, price: null };
  const parsed = readText(value, currentPriceMessages, (text) =>
    parseAmount(text, PRICE_RULE, currentPriceMessages, true),
  );
  return parsed.ok ? { ok: true, price: toCanonicalString(parsed.value) } : parsed;
}
