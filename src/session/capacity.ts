/**
 * "How many more fit", by arithmetic on sizes the request already has, not by encoding and signing
 * the session again on every page view.
 *
 * - **Cookie store.** The size is the incoming cookie's: its payload part (base64 JSON, or "."
 *   and base64 zlib) plus the header's fixed part (name, timestamp, signature, attributes), which is
 *   the same for every session and measured once per store. The list page only consumes flashes,
 *   so the cookie it sends is no larger (a few bytes of slack cover zlib's noise and a Flask cookie
 *   gaining `_permanent`). The per-holding cost is the session's own: payload bytes per holding when
 *   it is compressed; when it is not yet, the JSON bytes per holding times the compression ratio of
 *   a typical portfolio near the limit (measured once per store), since the portfolio will be
 *   compressed long before it is full.
 * - **Server-side stores** (SQLite, Redis) keep uncompressed tagged JSON, so the session's size is
 *   exact (`store.measure`, no signing) and so is the worst-case add's cost.
 *
 * The promise: whenever it says N ≥ 1, the next add fits, even of the longest holding the form
 * accepts with the longest fee, in a session holding sales, dated prices and an undo, with ids as
 * long as it has. Far from the limit that is certain by arithmetic (at least two worst-case adds of
 * room, the adds priced with this session's id lengths); within that distance, and for a session
 * saved before lots had ids (whose first save writes one into every lot), every store measures
 * once, with the store, the session plus one worst-case add, so the boundary is exact (a server
 * store's session saved before ids whose lots, with the ids that save writes, exceed the cap on
 * their own is full without that measure: a lower bound of the truth already says no). Sales and
 * prices count in the session's size as they are, and against the lots in the estimate, which
 * therefore errs lower when they are many.
 * @module
 */
import {
  CookieSessionStore,
  dumps,
  readCookie,
  ServerSessionStore,
  Session,
  type SessionStore,
} from 'flask-session-ts';
import type { AppSessionData } from './data.js';
import type { Holding } from '../domain/portfolio.js';
import { encodeLedger, type Lot } from '../domain/ledger.js';
import type { LotFields } from '../domain/ledger-changes.js';
import { SESSION_COMPRESS_ABOVE_BYTES } from './stores.js';
import {
  base64Length,
  firstSaveJson,
  holdingJson,
  idBytesBeyondModel,
  lotsWithIdsJson,
  payloadLength,
  sessionJsonOfSources,
} from './stored-size.js';

/**
 * The longest holding the form accepts: 10-character symbol, 999,999,999-range shares and
 * 999,999-range price with 4 decimals each, and a purchase date (every holding the form adds has
 * one); its characters repeat little, so it compresses as badly as a holding can.
 */
export const WORST_CASE_HOLDING: Holding = Object.freeze({
  symbol: 'QX7.Z-9JWV',
  shares: '987654321.0123',
  price: '987654.3219',
  date: '2019-08-26',
});

/** The longest fee the add form accepts (`FEE_RULE`: under $1,000,000, 4 decimals). */
export const WORST_CASE_FEE = '987654.3219';

/** The worst add: the longest holding with the longest fee. */
const WORST_CASE_LOT: LotFields = Object.freeze({ ...WORST_CASE_HOLDING, fee: WORST_CASE_FEE });

type Change = (session: Session<AppSessionData>) => void;
type Add = (holding: LotFields) => Change;

/** What one store's sizes are made of, measured once. */
interface Model {
  /**
   * JSON bytes a worst-case add adds to a one-lot session (one-digit ids, no undo yet): the lot
   * with its fee, its comma, the undo it leaves, and its flash.
   */
  readonly worstAddJson: number;
  /** JSON bytes of that flash alone (an upper bound for any add's flash). */
  readonly flashJson: number;
  /** Cookie store only: the `Set-Cookie` header's bytes besides the payload. */
  readonly fixed: number;
  /** Cookie store only: zlib bytes per JSON byte of a typical portfolio near the limit. */
  readonly typicalRatio: number;
}

const models = new WeakMap<SessionStore, Model>();

/**
 * Typical holdings, deterministic: random 4-letter symbols (no repeats, so they compress worse
 * than a real portfolio with several lots per symbol), whole shares, prices in cents, dates.
 */
function typicalSample(count: number): Holding[] {
  let seed = 42;
  const next = (n: number) => {
    seed = (seed * 1103515245 + 12345) % 2 ** 31;
    return seed % n;
  };
  return Array.from({ length: count }, () => ({
    symbol: Array.from({ length: 4 }, () => String.fromCharCode(65 + next(26))).join(''),
    shares: String(1 + next(5000)),
    price: `${1 + next(2000)}.${String(next(100)).padStart(2, '0')}`,
    date: `20${String(10 + next(16))}-${String(1 + next(12)).padStart(2, '0')}-${String(1 + next(28)).padStart(2, '0')}`,
  }));
}

/** `count` typical holdings stored as the app stores lots: with ids, and the next id. */
function typicalLots(count: number) {
  const lots = typicalSample(count).map((holding, i): Lot => ({ ...holding, id: i + 1 }));
  return encodeLedger({ lots, sales: [], nextId: count + 1 });
}

function modelOf(store: SessionStore, add: Add): Model {
  const known = models.get(store);
  if (known !== undefined) return known;
  const base = new Session<AppSessionData>({
    _permanent: true,
    ...typicalLots(1),
  });
  const withWorst = new Session<AppSessionData>(base.toJSON());
  add(WORST_CASE_LOT)(withWorst);
  const worstAddJson = dumps(withWorst.toJSON()).length - dumps(base.toJSON()).length;
  // Everything but the lot itself (its undo and flash): an upper bound for any add's extras.
  const flashJson = worstAddJson - holdingJson({ ...WORST_CASE_LOT, id: 2 });
  let fixed = 0;
  let typicalRatio = 1;
  if (store instanceof CookieSessionStore) {
    const tiny = new Session({ _permanent: true, x: 'a' });
    fixed = store.measure(tiny) - store.serializer.dumpPayload(tiny.toJSON()).length;
    // About the limit's worth of typical holdings (~300), compressed as the store would.
    const sample = { _permanent: true, ...typicalLots(300) };
    const payload = store.serializer.dumpPayload(sample);
    const json = dumps(sample).length;
    // Real portfolios vary more (prices, dates, share counts): 15 % worse keeps the estimate low.
    typicalRatio = payload.startsWith('.') ? (1.15 * ((payload.length - 1) * 3)) / 4 / json : 1;
  }
  const model = { worstAddJson, flashJson, fixed, typicalRatio };
  models.set(store, model);
  return model;
}

/** Payload characters of an almost empty compressed session: zlib's 6 bytes, `{"_permanent":true,"portfolio":[…]}`. */
const ZLIB_AND_KEYS = 40;

/**
 * How many more holdings fit: 0 when even one worst-case add would not; at least 1 exactly when
 * the next add of any holding the form accepts fits; more is an estimate for typical holdings that
 * errs low (see the module's comment).
 * The session's sales, prices and undo count as they are: in the cookie's or the record's size;
 * the worst add is the longest lot with the longest fee, with ids as long as this session's.
 * @param holdings the session's lots (`readLedger(session).lots`), which the page has read already.
 * @param add the add-stock change, exactly as the handler applies it (measured once per store, and
 *   applied to a copy near the limit).
 * @param cookieHeader the request's `Cookie` header: a cookie session's size is its cookie's.
 */
export function roomForMore(
  store: SessionStore,
  session: Session<AppSessionData>,
  holdings: readonly (Holding | Lot)[],
  add: Add,
  cookieHeader: string | undefined,
): number {
  const model = modelOf(store, add);
  let idBytes = idBytesBeyondModel(session, holdings);
  const worstAddJson = model.worstAddJson + (idBytes ?? 0);
  const count = Math.max(1, holdings.length);
  // The session's own JSON bytes per holding: a pass over the lots, only where an estimate needs it.
  const perHoldingJson = () => {
    if (holdings.length === 0) return holdingJson(WORST_CASE_HOLDING);
    let json = 0;
    for (const holding of holdings) json += holdingJson(holding);
    return json / holdings.length;
  };
  const max = store.maxSessionBytes;

  if (!(store instanceof CookieSessionStore)) {
    // Uncompressed JSON: far from the limit (two worst adds, with this session's id lengths) the
    // next add fits by arithmetic. Nearer, the add's cost depends on what it replaces (an undo of
    // another length), and a session saved before ids grows every lot on its first save: one
    // measure of the session after the worst add makes the boundary exact.
    // A session saved before ids, whose lots with the ids its first save writes would not fit even
    // alone: full, without building and measuring that save (for a portfolio at a server store's
    // cap, most of the page's cost).
    if (idBytes === undefined && lotsWithIdsJson(holdings, max) > max) return 0;
    const size = serverSessionSize(store, session);
    const room = max - size;
    if (room < 2 * worstAddJson || idBytes === undefined) {
      return measuredNearLimit(store, session, add, size, count);
    }
    return Math.max(1, Math.floor((room - model.flashJson) / perHoldingJson()));
  }

  const value = readCookie(cookieHeader, store.cookieName);
  const changed = session.changedKeys;
  const changedBeyondFlashes = changed === 'all' || changed.size > (changed.has('_flashes') ? 1 : 0);
  // A session changed by this request (other than its flashes consumed) is no longer its cookie's size.
  let payload =
    value === undefined || value === '' || changedBeyondFlashes
      ? store.measure(session) - model.fixed
      : payloadLength(value);
  // The size the far-from-the-limit test trusts: an upper bound of the truth, or the truth.
  let sizeBound = payload;
  let worstAddJsonHere = worstAddJson;
  if (idBytes === undefined && value !== undefined && value !== '' && !changedBeyondFlashes) {
    // Saved before ids (as the course's Flask app writes a portfolio): its first save writes an id
    // into every lot. Far from the limit that is priced by arithmetic, not by a measure: the JSON
    // after that save is known to the byte, and its payload is at most that JSON in base64 (zlib
    // is kept only when shorter) plus the "." marker.
    const first = firstSaveJson(session, holdings);
    const json = first === undefined ? undefined : sessionJsonOfSources(session);
    if (first !== undefined && json !== undefined) {
      sizeBound = base64Length(json + first.growth) + 1;
      // For the estimate: compressed, the ids cost at most their own bytes.
      payload = value.startsWith('.') ? payload + base64Length(first.growth) : sizeBound - 1;
      idBytes = first.idBytes;
      worstAddJsonHere = model.worstAddJson + idBytes;
    }
  }
  const maxPayload = max - model.fixed;
  const worstAddPayload = base64Length(worstAddJsonHere) + 8;
  // A Flask cookie gains `"_permanent":true,` (24 base64 characters), and zlib can differ by a few.
  const slack = 64;
  const room = maxPayload - payload - slack;
  if (maxPayload - sizeBound - slack < 2 * worstAddPayload || idBytes === undefined) {
    return measuredNearLimit(store, session, add, payload, count);
  }

  const compressed = value?.startsWith('.') === true;
  let estimate: number;
  if (compressed) {
    // The session's own ratio: payload characters per holding, what else the cookie holds counted
    // against the holdings but for zlib's header and the keys around the portfolio (so it errs low;
    // later holdings compress better still).
    estimate = ((room - base64Length(model.flashJson)) * count) / Math.max(1, payload - 1 - ZLIB_AND_KEYS);
  } else {
    // Uncompressed now; compressed once its JSON passes the threshold, long before it is full.
    const rawJsonLimit = Math.floor(((maxPayload - slack) * 3) / 4);
    const jsonNow = Math.floor((payload * 3) / 4);
    const jsonLimit =
      SESSION_COMPRESS_ABOVE_BYTES >= rawJsonLimit
        ? rawJsonLimit
        : Math.max(SESSION_COMPRESS_ABOVE_BYTES, ((maxPayload - slack - 1) * 3) / 4 / model.typicalRatio);
    estimate = (jsonLimit - jsonNow - model.flashJson) / perHoldingJson();
  }
  return Math.max(1, Math.floor(estimate));
}

/**
 * A server store's session size, in `measure`'s bytes: the record's as the store read it when this
 * request changed nothing (what `measure` would give, without encoding some 1 MB again), and
 * measured otherwise.
 */
function serverSessionSize(store: SessionStore, session: Session<AppSessionData>): number {
  const changed = session.changedKeys;
  const stored =
    store instanceof ServerSessionStore && changed !== 'all' && changed.size === 0
      ? store.storedSize(session)
      : undefined;
  return stored ?? store.measure(session);
}

/**
 * Within two worst-case adds of the limit, or for a session saved before ids: measure once, with
 * the store, the session after one worst add (as the handler would save it).
 * @param size the session's size now, in the unit `store.measure` uses beyond a fixed part.
 */
function measuredNearLimit(
  store: SessionStore,
  session: Session<AppSessionData>,
  add: Add,
  size: number,
  count: number,
): number {
  const copy = new Session<AppSessionData>(session.toJSON());
  add(WORST_CASE_LOT)(copy);
  // A cookie's size is its payload plus the fixed part (name, timestamp, signature, attributes):
  // the payload alone is the measure, without signing a cookie nobody will send.
  const withOne =
    store instanceof CookieSessionStore
      ? modelOf(store, add).fixed + store.serializer.dumpPayload(copy.toJSON()).length
      : store.measure(copy);
  if (withOne > store.maxSessionBytes) return 0;
  // Beyond the one that certainly fits: the room left at the session's own cost per holding, as it
  // is after that add (which, for a session saved before ids, wrote an id into every lot).
  const perHolding = Math.max(size / count, withOne / (count + 1));
  return 1 + Math.floor((store.maxSessionBytes - withOne) / Math.max(1, perHolding));
}
