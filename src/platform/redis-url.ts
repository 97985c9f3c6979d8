/**
 * Redis URLs as the app may show them: with the password masked. `REDIS_URL` and cluster node URLs
 * may carry a password (`redis://user:pw@host`); start-up failures, configuration errors and log
 * lines name the server, never its password (issue 17, item 7).
 *
 * The library's `maskRedisUrl` (`flask-session-ts/redis`) does the same for the store's own
 * messages once it is on main; this copy covers what the app prints itself and, through
 * {@link maskCredentials}, any text that quotes a URL as given.
 * @module
 */

/** What a password is shown as. */
export const MASK = '***';

// scheme://[user][:password]@host…; the credentials end at the last `@` before the path, as
// URL parsers read them (a password may hold an unencoded `@`).
const CREDENTIALS = /^([a-z][a-z0-9+.-]*:\/\/)([^/?#]*)@/i;

/**
 * `url` with its password replaced by `***`: `redis://user:pw@host:6379/2` →
 * `redis://user:***@host:6379/2`. A URL without a password is returned as it is.
 */
export function maskRedisUrl(url: string): string {
  const match = CREDENTIALS.exec(url);
  if (match === null) return url;
  const [whole, scheme = '', userInfo = ''] = match;
  const colon = userInfo.indexOf(':');
  if (colon < 0) return url;
  return `${scheme}${userInfo.slice(0, colon)}:${MASK}@${url.slice(whole.length)}`;
}

/**
 * The passwords in `urls`, as written and percent-decoded (a client shows either), longest
 * first; empty ones left out.
 */
export function urlPasswords(urls: readonly string[]): string[] {
  const found = new Set<string>();
  for (const url of urls) {
    const userInfo = CREDENTIALS.exec(url)?.[2] ?? '';
    const colon = userInfo.indexOf(':');
    if (colon < 0) continue;
    const password = userInfo.slice(colon + 1);
    if (password === '') continue;
    found.add(password);
    try {
      found.add(decodeURIComponent(password));
    } catch {
      // A malformed escape: the password is only ever seen as written.
    }
  }
  return [...found].sort((a, b) => b.length - a.length);
}

/** `text` with each of `secrets` replaced by `***` wherever it occurs. */
export function maskCredentials(text: string, secrets: readonly string[]): string {
  let masked = text;
  for (const secret of secrets) if (secret !== '') masked = masked.split(secret).join(MASK);
  return masked;
}
