/**
 * The app's Hono environment: what every handler can read from `c.var`.
 * @module
 */
import type { EncodedHolding } from '../domain/portfolio.js';
import type { EncodedPrices } from '../domain/prices.js';
import type { BadData, Session } from 'flask-session-ts';
import type { CsrfState } from './csrf-middleware.js';
import type { UnreadableNotice } from '../session/unreadable.js';

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
  /** The seed Flask app's single holding, read by `portfolio/session-portfolio.ts`, never written. */
  stock_symbol?: string;
  number_of_shares?: string;
  purchase_price?: string;
  share_price?: string;
};

/** Hono environment of the app. */
export interface AppEnv {
  Variables: {
    session: Session<AppSessionData>;
    /** Why the visitor's session cookie could not be used, when it could not. */
    sessionError: BadData | undefined;
    csrf: CsrfState;
    unreadableNotice: UnreadableNotice;
  };
}
