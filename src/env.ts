/**
 * The app's Hono environment: what every handler can read from `c.var`.
 * @module
 */
import type { EncodedHolding } from './portfolio/portfolio.js';
import type { EncodedPrices } from './portfolio/prices.js';
import type { Session } from 'flask-session-ts';

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
  /** The CSRF token every form of this visitor must carry back. */
  csrf_token?: string;
};

/** Hono environment of the app. */
export interface AppEnv {
  Variables: {
    session: Session<AppSessionData>;
  };
}
