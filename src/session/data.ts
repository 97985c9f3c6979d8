/**
 * What this app keeps in a visitor's session, and the session type every layer above uses.
 * @module
 */
import type { Session } from 'flask-session-ts';
import type { EncodedHolding } from '../domain/portfolio.js';
import type { EncodedLot, EncodedSale } from '../domain/ledger.js';
import type { EncodedUndo } from '../domain/ledger-changes.js';
import type { EncodedPriceBook } from '../domain/price-book.js';

/** Theme names, also the values of `<html data-theme>`. */
export const THEMES = ['light', 'dark'] as const;
export type Theme = (typeof THEMES)[number];

/** What this app keeps in a visitor's session. The cookie is readable: nothing secret goes here. */
export type AppSessionData = {
  /**
   * The lots, oldest first, as `[symbol, shares, price, date|null, id, fee?]` (see
   * `domain/ledger.ts`); entries of 3 or 4 elements, written before ids, are still read.
   */
  portfolio?: (EncodedLot | EncodedHolding)[];
  /** The sales, in recording order. */
  sales?: EncodedSale[];
  /** The next id for a lot or sale: ids are never reused. */
  next_id?: number;
  /** The current price per symbol, with its date and source (a plain string in older sessions). */
  prices?: EncodedPriceBook;
  theme?: Theme;
  /** How to revert the last change (see `domain/ledger-changes.ts`), or today's `[index, holding]`. */
  undo?: EncodedUndo | [index: number, holding: EncodedHolding];
  /** The seed Flask app's single holding, read by `session/portfolio.ts`, never written. */
  stock_symbol?: string;
  number_of_shares?: string;
  purchase_price?: string;
  share_price?: string;
};

/** A visitor's session, as the app reads and changes it. */
export type AppSession = Session<AppSessionData>;
