/**
 * What this app keeps in a visitor's session, and the session type every layer above uses.
 * @module
 */
import type { Session } from 'flask-session-ts';
import type { EncodedHolding } from '../domain/portfolio.js';
import type { EncodedPrices } from '../domain/prices.js';

/** Theme names, also the values of `<html data-theme>`. */
export const THEMES = ['light', 'dark'] as const;
export type Theme = (typeof THEMES)[number];

/** What this app keeps in a visitor's session. The cookie is readable: nothing secret goes here. */
export type AppSessionData = {
  /** The holdings, oldest first, as compact `[symbol, shares, price, date?]` arrays. */
  portfolio?: EncodedHolding[];
  /** The visitor's own current price per symbol (there is no quote service). */
  prices?: EncodedPrices;
  theme?: Theme;
  /** The last removed holding and where it was, until it is put back or another is removed. */
  undo?: [index: number, holding: EncodedHolding];
  /** The seed Flask app's single holding, read by `session/portfolio.ts`, never written. */
  stock_symbol?: string;
  number_of_shares?: string;
  purchase_price?: string;
  share_price?: string;
};

/** A visitor's session, as the app reads and changes it. */
export type AppSession = Session<AppSessionData>;
