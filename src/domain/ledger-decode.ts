/**
 * The tolerant reader of the ledger's session layout (see `ledger.ts`): any session, old cookies
 * and the Flask tutorial's dicts included, becomes a ledger; what cannot be read is skipped, never
 * guessed. Entries without ids get them deterministically ({@link decodeLedger}).
 * @module
 */
import {
  add,
  compare,
  decimal,
  multiply,
  normalize,
  parseDecimal,
  toCanonicalString,
  ZERO,
  type Decimal,
} from './decimal.js';
import { isIsoDate } from './dates.js';
import {
  amountOf,
  checkFee,
  lotAmounts,
  rememberLotAmounts,
  storedFee,
  type Ledger,
  type Lot,
  type LotAmounts,
  type Pick,
  type Sale,
} from './ledger-model.js';
import {
  checkSymbol,
  decodePortfolio,
  normalizeSymbol,
  PRICE_RULE,
  readAmount,
  SHARES_RULE,
  type AmountRule,
  type Holding,
} from './portfolio.js';

const isId = (value: unknown): value is number =>
  typeof value === 'number' && Number.isSafeInteger(value) && value > 0;

/** A fee: its stored text (none for no fee) and its value (zero for none). */
interface FeeRead {
  readonly text?: string;
  readonly value: Decimal;
}

const NO_FEE: FeeRead = Object.freeze({ value: ZERO });

/** A fee as stored and its value; null when present but unreadable. */
function readFeeAmount(raw: unknown): FeeRead | null {
  if (raw === undefined || raw === null) return NO_FEE;
  const text = typeof raw === 'string' ? raw : typeof raw === 'number' ? String(raw) : undefined;
  const value = text === undefined ? undefined : parseDecimal(text);
  if (value === undefined || checkFee(value) !== undefined) return null;
  const stored = storedFee(value);
  return stored === undefined ? NO_FEE : { text: stored, value: normalize(value) };
}

function readFee(raw: unknown): string | undefined | null {
  const fee = readFeeAmount(raw);
  // null: present but unreadable.
  return fee === null ? null : fee.text;
}

/**
 * Text already in canonical form and within `rule` by its digits alone: no sign, no leading zero
 * but a lone one before the point, fewer integer digits than the rule's maximum (so it is below
 * it), at most the rule's fraction digits with the last not zero, and not zero itself.
 */
function canonicalWithin(rule: AmountRule): RegExp {
  const maxWholeDigits = toCanonicalString(rule.max).split('.')[0]?.length ?? 0;
  const fraction =
    rule.maxFractionDigits >= 1 ? `(?:\\.[0-9]{0,${rule.maxFractionDigits - 1}}[1-9])` : undefined;
  const forms = [
    ...(maxWholeDigits >= 2
      ? [`[1-9][0-9]{0,${maxWholeDigits - 2}}${fraction === undefined ? '' : `${fraction}?`}`]
      : []),
    ...(fraction === undefined ? [] : [`0${fraction}`]),
  ];
  // No form: every amount takes the general path.
  return forms.length === 0 ? /(?!)/ : new RegExp(`^(?:${forms.join('|')})$`);
}

const CANONICAL_SHARES = canonicalWithin(SHARES_RULE);
const CANONICAL_PRICE = canonicalWithin(PRICE_RULE);

/**
 * A stored amount as `readAmount` reads it: its canonical text, or undefined when it breaks `rule`.
 * Text the app wrote (canonical, within the rule: `canonical` says so by its digits) is taken as it is.
 */
function storedAmountText(raw: unknown, rule: AmountRule, canonical: RegExp): string | undefined {
  return typeof raw === 'string' && canonical.test(raw) ? raw : readAmount(raw, rule);
}

/** Canonical decimal text as `amountOf` reads it, without its pattern match: the text was checked. */
function canonicalValue(text: string): Decimal {
  const point = text.indexOf('.');
  return point < 0
    ? decimal(BigInt(text), 0)
    : decimal(BigInt(text.slice(0, point) + text.slice(point + 1)), text.length - point - 1);
}

// Dates already found valid: the lots of a portfolio share dates by the thousand, and a page of
// the largest one reads tens of thousands of them. Bounded, like the day numbers of holding-period.ts.
const validDates = new Set<string>();
const VALID_DATES_KEPT = 10_000;

/** A stored date as the holding reader reads it: a real `YYYY-MM-DD` day, or none. */
function storedDate(raw: unknown): string | undefined {
  if (typeof raw !== 'string') return undefined;
  if (validDates.has(raw)) return raw;
  if (!isIsoDate(raw)) return undefined;
  if (validDates.size >= VALID_DATES_KEPT) validDates.clear();
  validDates.add(raw);
  return raw;
}

/** A symbol as `normalizeSymbol` leaves it: nothing to trim or upper-case. */
const NORMALIZED_SYMBOL = /^[A-Z0-9.-]+$/;

/** A lot as it is read, before its id is settled (see `decode`). */
type LotDraft = { -readonly [K in keyof Lot]: Lot[K] };

/** The lots being read, in order: each lot, the id it had stored (if valid) and its amounts. */
interface LotsRead {
  readonly lots: LotDraft[];
  readonly storedIds: (number | undefined)[];
  /** One per lot while every lot's were parsed; cleared for good by one that was not. */
  amounts: LotAmounts[] | undefined;
}

/**
 * Reads one stored lot into `read`; nothing when it is not a lot. The rules are decodePortfolio's
 * for the first four elements (a null date reads as none; entries of 3 or 4 elements are holdings
 * saved before ids), then the id and the fee; the amounts are parsed once, here: a page of the
 * largest portfolio reads some 60,000 lots.
 */
function readLotEntry(entry: unknown, read: LotsRead): void {
  if (!Array.isArray(entry) || entry.length < 3) {
    // The Flask tutorial's dicts, and anything else decodePortfolio turns down.
    const [holding] = decodePortfolio([entry]);
    if (holding === undefined) return;
    read.lots.push({ ...holding, id: 0 });
    read.storedIds.push(undefined);
    read.amounts = undefined;
    return;
  }
  const fields = entry as unknown[];
  const rawSymbol = fields[0];
  if (typeof rawSymbol !== 'string') return;
  const symbol = NORMALIZED_SYMBOL.test(rawSymbol) ? rawSymbol : normalizeSymbol(rawSymbol);
  const shares = storedAmountText(fields[1], SHARES_RULE, CANONICAL_SHARES);
  const price = storedAmountText(fields[2], PRICE_RULE, CANONICAL_PRICE);
  if (checkSymbol(symbol) !== undefined || shares === undefined || price === undefined) return;
  const date = storedDate(fields[3]);
  const newLayout = fields.length >= 5;
  const id = newLayout ? fields[4] : undefined;
  // A fee we cannot read costs the fee, not the lot: the purchase itself is still valid.
  const fee = newLayout ? (readFeeAmount(fields[5]) ?? NO_FEE) : NO_FEE;
  // Keys in the order decodeLedger has always given them: the holding's, the id, the fee.
  const lot: LotDraft =
    date === undefined
      ? fee.text === undefined
        ? { symbol, shares, price, id: 0 }
        : { symbol, shares, price, id: 0, fee: fee.text }
      : fee.text === undefined
        ? { symbol, shares, price, date, id: 0 }
        : { symbol, shares, price, date, id: 0, fee: fee.text };
  read.lots.push(lot);
  read.storedIds.push(isId(id) ? id : undefined);
  if (read.amounts === undefined) return;
  const sharesValue = canonicalValue(shares);
  const priceValue = canonicalValue(price);
  const product = multiply(sharesValue, priceValue);
  read.amounts.push({
    shares: sharesValue,
    price: priceValue,
    fee: fee.value,
    // shares × price + fee, as lotAmounts parses it (adding no fee would give the same figure).
    cost: fee.text === undefined ? product : add(product, fee.value),
  });
}

function decodePicks(raw: unknown, shares: string): Pick[] | undefined {
  if (!Array.isArray(raw) || raw.length === 0) return undefined;
  const picks: Pick[] = [];
  let total = ZERO;
  for (const entry of raw as unknown[]) {
    if (!Array.isArray(entry) || entry.length !== 2) return undefined;
    const [lotId, rawShares] = entry as unknown[];
    const pickShares = readAmount(rawShares, SHARES_RULE);
    if (!isId(lotId) || pickShares === undefined) return undefined;
    picks.push({ lotId, shares: pickShares });
    total = add(total, amountOf(pickShares));
  }
  return compare(total, amountOf(shares)) === 0 ? picks : undefined;
}

function decodeSaleEntry(entry: unknown): (Omit<Sale, 'id'> & { id?: number }) | undefined {
  if (!Array.isArray(entry) || entry.length < 4 || entry.length > 7) return undefined;
  const [rawSymbol, rawShares, rawPrice, date, id, rawFee, rawPicks] = entry as unknown[];
  if (typeof rawSymbol !== 'string' || typeof date !== 'string' || !isIsoDate(date)) return undefined;
  const symbol = normalizeSymbol(rawSymbol);
  const shares = readAmount(rawShares, SHARES_RULE);
  const price = readAmount(rawPrice, PRICE_RULE);
  const fee = readFee(rawFee);
  if (checkSymbol(symbol) !== undefined || shares === undefined || price === undefined || fee === null) {
    // A sale is never half-read: without its fee the realized gain would be wrong.
    return undefined;
  }
  const picks = rawPicks === undefined ? undefined : decodePicks(rawPicks, shares);
  if (rawPicks !== undefined && picks === undefined) return undefined;
  return {
    symbol,
    shares,
    price,
    date,
    ...(isId(id) ? { id } : {}),
    ...(fee === undefined ? {} : { fee }),
    ...(picks === undefined ? {} : { picks }),
  };
}

/**
 * Reads the ledger from the session's fields. Tolerant, and never throws, like `decodePortfolio`:
 * entries that break the rules are dropped (lots: as `decodePortfolio` would; a lot whose fee is
 * unreadable keeps the lot without the fee; a sale with any unreadable field is dropped whole).
 *
 * Ids, deterministically: an entry keeps its stored id when it is a positive integer not already
 * taken by an earlier entry (lots first, in stored order, then sales); every other entry (old
 * cookies, the seed app's holding appended by the caller) gets the next free id in that same order,
 * starting from the larger of the stored `next_id` and one past the largest id kept. So an old
 * cookie's lots are numbered 1, 2, 3… in portfolio order on every read until a write stores them.
 * @param legacy holdings read from elsewhere (the seed app's top-level keys), appended as lots.
 */
export function decodeLedger(
  raw: Readonly<Record<string, unknown>>,
  legacy: readonly Holding[] = [],
): Ledger {
  return decode(raw, legacy).ledger;
}

/**
 * {@link decodeLedger}, frozen through and through (lots, sales and both lists), with the lots'
 * amounts as parsed while reading them already known to `lotAmounts`: what the session layer
 * hands to a page, so that the largest portfolio is parsed once per request, not once per figure.
 */
export function decodeFrozenLedger(
  raw: Readonly<Record<string, unknown>>,
  legacy: readonly Holding[] = [],
): Ledger {
  const { ledger, amounts } = decode(raw, legacy);
  const lots = Object.freeze(ledger.lots.map((lot) => Object.freeze(lot)));
  if (amounts.length === lots.length) rememberLotAmounts(lots, amounts);
  else lotAmounts(lots);
  return Object.freeze({
    lots,
    sales: Object.freeze(ledger.sales.map((sale) => Object.freeze(sale))),
    nextId: ledger.nextId,
  });
}

/**
 * The ledger, and the amounts of its lots in the same order when every lot's were parsed while
 * reading it (an entry in an older layout or a legacy holding has none: then the list is shorter).
 */
function decode(
  raw: Readonly<Record<string, unknown>>,
  legacy: readonly Holding[],
): { readonly ledger: Ledger; readonly amounts: readonly LotAmounts[] } {
  const rawLots: unknown[] = Array.isArray(raw['portfolio']) ? (raw['portfolio'] as unknown[]) : [];
  const rawSales: unknown[] = Array.isArray(raw['sales']) ? (raw['sales'] as unknown[]) : [];
  const read: LotsRead = { lots: [], storedIds: [], amounts: [] };
  for (const entry of rawLots) readLotEntry(entry, read);
  for (const holding of legacy) {
    read.lots.push({ ...holding, id: 0 });
    read.storedIds.push(undefined);
    read.amounts = undefined;
  }
  const saleEntries = rawSales.map(decodeSaleEntry).filter((e) => e !== undefined);

  const taken = new Set<number>();
  const keep = (id: number | undefined): number | undefined => {
    if (id === undefined || taken.has(id)) return undefined;
    taken.add(id);
    return id;
  };
  const lotIds = read.storedIds.map(keep);
  const saleIds = saleEntries.map((e) => keep(e.id));
  const storedNext = isId(raw['next_id']) ? raw['next_id'] : 1;
  // A loop, not Math.max(...ids): tens of thousands of arguments may overflow the stack.
  let nextId = storedNext;
  for (const id of taken) if (id >= nextId) nextId = id + 1;
  const fresh = (id: number | undefined) => id ?? nextId++;

  const { lots } = read;
  for (let i = 0; i < lots.length; i++) (lots[i] as LotDraft).id = fresh(lotIds[i]);
  const sales = saleEntries.map((entry, i): Sale => ({ ...entry, id: fresh(saleIds[i]) }));
  // Recording order: sales are replayed by id (see sales.ts).
  sales.sort((a, b) => a.id - b.id);
  return { ledger: { lots, sales, nextId }, amounts: read.amounts ?? [] };
}
