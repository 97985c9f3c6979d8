/**
 * No silent loss when the session cookie cannot be used (expired, signed with another key,
 * tampered, damaged). The session layer then gives an empty session; this module makes sure that
 * 1. the visitor is told, once per cookie, in plain words, what happened and what they can do;
 * 2. nothing replaces that cookie but the visitor's explicit, confirmed "start a new portfolio"
 *    (the clear page, which asks): not an add, not a preference such as the theme, not a queued
 *    message. Saves are refused before they run (`web/unreadable-guard.ts`), and any change that
 *    still reaches the session is undone here, so restoring the right key (SECRET_KEY) brings the
 *    portfolio back;
 * 3. starting anew, which does replace it, says so.
 * "Told once" is remembered in a small signed cookie of its own holding a fingerprint of the
 * unreadable cookie, so remembering it never writes the session cookie.
 * @module
 */
import { createHash } from 'node:crypto';
import {
  BadPayload,
  BadSignature,
  SignatureExpired,
  UnknownSession,
  type BadData,
  type CookieAttributes,
  type Secret,
  type SessionStore,
} from 'flask-session-ts';
import type { MiddlewareHandler } from 'hono';
import type { SessionType } from '../platform/config.js';
import type { AppSession } from './data.js';
import { STORAGE_WORDS } from './storage.js';
import { appCookieAttributes, appSetCookie, CookieSigner } from './app-cookies.js';
import { requestCookies, type RequestCookies } from './request-cookies.js';

/** The name of the cookie that remembers which unreadable cookie the visitor was told about. */
export const NOTICE_COOKIE_NAME = 'session_notice';

/** What the visitor is told about a cookie that could not be used, by cause and by `SESSION_TYPE`. */
export function unreadableMessage(
  error: BadData,
  lifetimeDays: number,
  storage: SessionType = 'cookie',
): string {
  const KEPT = STORAGE_WORDS[storage].kept;
  if (error instanceof SignatureExpired) {
    return `Your saved portfolio has expired: it was last used more than ${lifetimeDays} days ago, so this site no longer reads it. ${KEPT}`;
  }
  if (error instanceof BadSignature) {
    return `Your saved portfolio could not be read: it was signed with a key this site no longer uses, or it was changed. If the site's key changed, your portfolio may come back when the key is restored. ${KEPT}`;
  }
  if (error instanceof UnknownSession) {
    // A valid id with no record: expired, cleared (which retires the id), or a store that changed.
    // "Nothing has been deleted" would not be true of the first two, so the words differ.
    return `This server no longer holds the portfolio this browser's cookie points at: it expired, it was cleared (perhaps from another device), or the server's storage changed. If the storage changed, it may come back once it is restored: nothing you do here replaces this browser's cookie unless you choose to start a new portfolio (on the Clear portfolio page).`;
  }
  if (error instanceof BadPayload) {
    return `Your saved portfolio could not be read: the data in this browser is damaged. ${KEPT}`;
  }
  return `Your saved portfolio could not be read. ${KEPT}`;
}

/** The flash after the visitor confirmed starting a new portfolio in place of an unreadable one. */
export const REPLACED_MESSAGE = 'Started a new portfolio in place of the one this site could not read.';

/** Why a save was refused while the session could not be read. */
export const KEEP_UNREADABLE_MESSAGE =
  'Nothing was saved: this site could not read the portfolio saved in this browser, and saving anything now, even a theme, would replace it for good. If the site’s key is restored, it comes back.';

/** The question before replacing an unreadable session. */
export const START_NEW_QUESTION =
  'This site could not read the portfolio saved in this browser. Starting a new portfolio replaces it for good: it will not come back, even if the site’s key is restored.';

/** Remembers, in a signed cookie, which unreadable cookie the visitor was already told about. Framework-free. */
export class UnreadableNotices {
  readonly cookie: CookieAttributes;
  readonly lifetimeSeconds: number;
  readonly storage: SessionType;
  readonly #signer: CookieSigner;

  constructor(options: {
    readonly secretKeys: readonly Secret[];
    readonly production: boolean;
    readonly lifetimeSeconds: number;
    /** Where sessions live, for the notice's words. Default: the cookie. */
    readonly storage?: SessionType;
  }) {
    this.storage = options.storage ?? 'cookie';
    this.cookie = appCookieAttributes(NOTICE_COOKIE_NAME, options.production);
    this.lifetimeSeconds = options.lifetimeSeconds;
    this.#signer = new CookieSigner(options.secretKeys, 'unreadable-session-notice');
  }

  /** A short fingerprint of a cookie value: enough to tell two cookies apart, nothing to read. */
  static fingerprint(sessionCookie: string): string {
    return createHash('sha256').update(sessionCookie).digest('base64url').slice(0, 22);
  }

  /** Whether `noticeCookie` says the visitor was told about `sessionCookie`. */
  wasShown(noticeCookie: string | undefined, sessionCookie: string): boolean {
    return this.#signer.unsign(noticeCookie) === UnreadableNotices.fingerprint(sessionCookie);
  }

  /** The `Set-Cookie` that remembers the visitor was told about `sessionCookie`. */
  setCookie(sessionCookie: string, nowMs?: number): string {
    const value = this.#signer.sign(UnreadableNotices.fingerprint(sessionCookie));
    return appSetCookie(this.cookie, value, this.lifetimeSeconds, nowMs);
  }
}

/** What a page can ask about an unreadable session cookie. */
export interface UnreadableNotice {
  /**
   * The message to show and the `Set-Cookie` that remembers it was shown, the first time only
   * (the call remembers it was taken); else undefined. The caller adds the cookie to its response.
   */
  take(): { readonly message: string; readonly setCookie: string } | undefined;
  /**
   * Call once the handler is done and before the session is committed: unless the visitor
   * confirmed "start a new portfolio", anything a handler changed (a queued message, say) is
   * undone, so the unreadable cookie stays byte for byte. Runs once.
   */
  settle(): Promise<void>;
  /** The request carries a session cookie that could not be read: nothing may replace it. */
  readonly unreadable: boolean;
  /** The visitor confirmed "start a new portfolio": this request's save may replace the cookie. */
  allowReplacement(): void;
}

/** What {@link unreadableSessionMiddleware} reads from and sets on the Hono context. */
export interface UnreadableEnv {
  Variables: {
    session: AppSession;
    sessionError: BadData | undefined;
    unreadableNotice: UnreadableNotice;
    cookies: RequestCookies | undefined;
  };
}

const SETTLED = (): Promise<void> => Promise.resolve();

/**
 * Sets `c.get('unreadableNotice')`. Register right after the session middleware; the response
 * builder calls its `settle()` before committing the session. It sets no header itself, so the
 * response can be built once from a plain header object (`web/response.ts`).
 */
export function unreadableSessionMiddleware(
  notices: UnreadableNotices,
  store: SessionStore,
): MiddlewareHandler<UnreadableEnv> {
  const lifetimeDays = Math.round(notices.lifetimeSeconds / 86400);
  // The common case, a readable cookie or none: one shared object, nothing to do.
  const readable: UnreadableNotice = {
    take: () => undefined,
    settle: SETTLED,
    unreadable: false,
    allowReplacement: () => undefined,
  };
  return (c, next) => {
    const error = c.get('sessionError');
    if (error === undefined) {
      c.set('unreadableNotice', readable);
      return next();
    }
    const cookies = requestCookies(c);
    const unreadable = cookies.get(store.cookieName);
    const session = c.get('session');
    const pristine = session.snapshot();
    let taken = false;
    let confirmed = false;
    let settled: Promise<void> | undefined;
    const notice: UnreadableNotice = {
      unreadable: unreadable !== undefined,
      allowReplacement: () => {
        confirmed = true;
      },
      take: () => {
        if (unreadable === undefined || taken) return undefined;
        taken = true;
        if (notices.wasShown(cookies.get(notices.cookie.name), unreadable)) return undefined;
        return {
          message: unreadableMessage(error, lifetimeDays, notices.storage),
          setCookie: notices.setCookie(unreadable),
        };
      },
      // Only the confirmed "start a new portfolio" may replace the cookie.
      settle: () => {
        settled ??= Promise.resolve().then(() => {
          if (session.modified && !confirmed) session.restore(pristine);
        });
        return settled;
      },
    };
    c.set('unreadableNotice', notice);
    // The response builder settles before it commits; settling here too (a no-op then) keeps the
    // cookie safe from a response built any other way, before the session middleware commits.
    return next().then(() => notice.settle());
  };
}
