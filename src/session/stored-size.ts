/**
 * Sizes of a stored session, by arithmetic on what the request already has: the JSON a lot or a
 * holding takes as the ledger stores it, what a session saved before ids gains on its first save,
 * a session's JSON from the text its keys had in the cookie, and base64 lengths. The capacity hint
 * (`capacity.ts`) prices "how many more fit" with these instead of encoding the session again.
 * @module
 */
import type { Session } from 'flask-session-ts';
import type { AppSessionData } from './data.js';
import type { Holding } from '../domain/portfolio.js';
import type { Lot } from '../domain/ledger.js';

/** JSON bytes of one stored holding with the comma that separates it from the next. */
export function holdingJson(holding: Holding | Lot): number {
  const { symbol, shares, price, date } = holding;
  // ["SYM","1","2.5","2024-01-31"], : form values are ASCII with nothing to escape.
  let fields = symbol.length + shares.length + price.length + (date === undefined ? 0 : date.length + 3);
  // A lot adds ,id (its date slot null when it has none) and ,"fee" when it has one.
  if ('id' in holding) {
    fields += 1 + digitCount(holding.id) + (date === undefined ? 5 : 0);
    if (holding.fee !== undefined) fields += holding.fee.length + 3;
  }
  return fields + 2 + 3 * 3 + 1;
}

/**
 * JSON bytes the worst add costs in `session` beyond the model's, which was measured with the id
 * 2: the new lot's id and its undo's take the digits of `next_id`, and `next_id` may gain one.
 * Undefined for a session whose lots were saved without ids (before ids, or by a removal from a
 * full old cookie): its first save writes an id into every lot, which only a measure can price.
 */
export function idBytesBeyondModel(
  session: Session<AppSessionData>,
  holdings: readonly (Holding | Lot)[],
): number | undefined {
  // Entries of 3-4 elements (a removal from a full old cookie saves them so, with next_id) too.
  // Read as stored, not as typed: a cookie is visitor input, and `portfolio` may be any JSON value.
  const stored: unknown = session.get('portfolio');
  if (stored !== undefined && !Array.isArray(stored)) return undefined;
  if (stored?.some((entry) => !Array.isArray(entry) || entry.length < 5) === true) return undefined;
  const nextId = session.get('next_id');
  if (nextId === undefined) return holdings.length === 0 ? 0 : undefined;
  if (typeof nextId !== 'number' || !Number.isSafeInteger(nextId) || nextId < 1) return undefined;
  const digits = String(nextId).length;
  return 2 * (digits - 1) + (String(nextId + 1).length - digits);
}

/**
 * JSON bytes of `lot` as the ledger stores it (`encodeLot`: `["SYM","1","2.5","2024-01-31",7]`, a
 * null date slot when it has none, `,"fee"` when it has one), exactly: every field is ASCII with
 * nothing to escape (symbols are `[A-Z0-9.-]`, amounts canonical digits, dates ISO).
 */
export function storedLotJson(lot: Lot): number {
  const { symbol, shares, price, date, id, fee } = lot;
  // [ "symbol" , "shares" , "price" , date|null , id ( , "fee" ) ]
  return (
    1 +
    (symbol.length + 2) +
    (shares.length + 3) +
    (price.length + 3) +
    1 +
    (date === undefined ? 4 : date.length + 2) +
    1 +
    digitCount(id) +
    (fee === undefined ? 0 : fee.length + 3) +
    1
  );
}

/** Decimal digits of a positive safe integer, without making its string (one per lot, per page). */
export function digitCount(n: number): number {
  let digits = 1;
  for (let limit = 10; n >= limit && digits < 16; limit *= 10) digits++;
  return digits;
}

/**
 * A lower bound of the bytes a server store's session takes once `holdings` are saved with ids:
 * `{"portfolio":[lot,lot,…]}` and nothing else; 0 unless every holding is a lot (`readLedger`
 * numbers an old session's lots as its first save will store them). Summed only until it passes
 * `stopAbove`, for a caller that only asks whether it does.
 */
export function lotsWithIdsJson(holdings: readonly (Holding | Lot)[], stopAbove = Infinity): number {
  if (!holdings.every((holding) => 'id' in holding)) return 0;
  let json = '{"portfolio":[]}'.length + Math.max(0, holdings.length - 1);
  for (const holding of holdings) {
    json += storedLotJson(holding);
    if (json > stopAbove) return json;
  }
  return json;
}

/** A top-level key written as itself, `"key":`, with nothing to escape. */
const PLAIN_KEY = /^[\x20\x21\x23-\x5b\x5d-\x7e]*$/;

/**
 * The session's JSON bytes as it will be written, from the text each key had in the cookie (the
 * store writes unchanged keys back verbatim): undefined when a key has no such text (changed by
 * this request) or a name that needs escaping.
 */
export function sessionJsonOfSources(session: Session<AppSessionData>): number | undefined {
  const { sources } = session;
  let json = 1;
  for (const key of Object.keys(session.toJSON())) {
    const source = sources.get(key);
    if (source === undefined || !PLAIN_KEY.test(key)) return undefined;
    json += key.length + 3 + source.length + 1;
  }
  return Math.max(2, json);
}

/**
 * For a session saved before ids (no `next_id`), by arithmetic on the text its portfolio had in
 * the cookie: the JSON bytes its first save adds (an id in every lot, a null for a missing date,
 * `,"next_id":N`), and the worst add's id bytes beyond the model's, as `idBytesBeyondModel` gives
 * them for a session with ids. Undefined without that text or without lots.
 */
export function firstSaveJson(
  session: Session<AppSessionData>,
  holdings: readonly (Holding | Lot)[],
): { growth: number; idBytes: number } | undefined {
  const before = session.sources.get('portfolio');
  if (before === undefined || holdings.length === 0 || session.get('next_id') !== undefined) return undefined;
  const after = lotsWithIdsJson(holdings) - '{"portfolio":}'.length;
  if (after <= 0) return undefined;
  let nextId = 1;
  for (const holding of holdings) if ('id' in holding && holding.id >= nextId) nextId = holding.id + 1;
  const digits = digitCount(nextId);
  return {
    growth: after - before.length + ',"next_id":'.length + digits,
    idBytes: 2 * (digits - 1) + (digitCount(nextId + 1) - digits),
  };
}

/** Base64 characters for `bytes` bytes, unpadded, as the cookie carries them. */
export function base64Length(bytes: number): number {
  return Math.ceil((bytes * 4) / 3);
}

/** The payload part of a signed cookie value (`payload.timestamp.signature`; zlib ones start with "."). */
export function payloadLength(value: string): number {
  const signatureDot = value.lastIndexOf('.');
  const timestampDot = value.lastIndexOf('.', signatureDot - 1);
  return timestampDot < 0 ? value.length : timestampDot;
}
