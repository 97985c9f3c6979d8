/**
 * The host names the app answers to (`ALLOWED_HOSTS`, Django's setting and matching rules).
 * A request for any other `Host` is refused before it reaches a session, and a form's `Origin`
 * must name one of them: a DNS-rebinding page (its own name resolving to this server) can
 * then neither read a page nor post a form.
 * @module
 */

/** A checked list of host names. */
export interface AllowedHosts {
  /** `*`: any host (development only). */
  readonly any: boolean;
  /** Names matched exactly, lower case, IPv6 addresses in brackets. */
  readonly exact: ReadonlySet<string>;
  /** From entries with a leading dot (`.example.com`): the domain and every subdomain. */
  readonly domains: readonly string[];
  /** The entries as given, for messages. */
  readonly entries: readonly string[];
}

/** Thrown for an entry that can never match a `Host` header. */
export class AllowedHostsError extends Error {
  override name = 'AllowedHostsError';
}

// Django's host_validation_re: a name or a bracketed IPv6 address, then an optional port.
const HOST = /^([a-z0-9.-]+|\[[a-f0-9]*:[a-f0-9.:]+\])(?::(\d+))?$/;

/** The name part of a `Host` header (or an origin's host), lower case, without port or trailing dot; undefined when malformed. */
export function hostName(host: string): string | undefined {
  const match = HOST.exec(host.toLowerCase());
  const name = match?.[1];
  if (name === undefined) return undefined;
  return name.endsWith('.') ? name.slice(0, -1) : name;
}

/**
 * Parses a comma-separated list: `portfolio.example.com`, `.example.com` (the domain and its
 * subdomains), `203.0.113.7`, `[2001:db8::1]`, or `*` (any).
 * @throws AllowedHostsError for an empty list or an entry with a scheme, port, path or odd characters.
 */
export function parseAllowedHosts(text: string): AllowedHosts {
  const entries = text
    .split(',')
    .map((entry) => entry.trim().toLowerCase())
    .filter((entry) => entry !== '');
  if (entries.length === 0) throw new AllowedHostsError('lists no host name');
  const exact = new Set<string>();
  const domains: string[] = [];
  let any = false;
  for (const entry of entries) {
    if (entry === '*') {
      any = true;
      continue;
    }
    const name = entry.startsWith('.') ? entry.slice(1) : entry;
    const match = HOST.exec(name);
    if (match === null || match[2] !== undefined || name === '') {
      throw new AllowedHostsError(
        `has ${JSON.stringify(entry)}: list host names only, without scheme, port or path`,
      );
    }
    if (entry.startsWith('.')) domains.push(name);
    else exact.add(name.endsWith('.') ? name.slice(0, -1) : name);
  }
  return Object.freeze({ any, exact, domains: Object.freeze(domains), entries: Object.freeze(entries) });
}

/** What development allows without ALLOWED_HOSTS: the loopback names, on any port. */
export const LOOPBACK_HOSTS: AllowedHosts = parseAllowedHosts('127.0.0.1,localhost,[::1]');

/** Whether `host` (a `Host` header or an origin's host, port allowed) names an allowed host. */
export function isAllowedHost(allowed: AllowedHosts, host: string | undefined): boolean {
  if (host === undefined) return false;
  const name = hostName(host);
  if (name === undefined) return false;
  if (allowed.any || allowed.exact.has(name)) return true;
  return allowed.domains.some((domain) => name === domain || name.endsWith('.' + domain));
}
