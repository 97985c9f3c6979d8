import { Hono } from 'hono';
import { secureHeaders } from 'hono/secure-headers';
import { describe, expect, it } from 'vitest';
import { SECURITY_HEADERS } from './security-headers.js';

/** Hono's `secureHeaders` with the policy the app used it with, before the headers were precomputed. */
async function fromHonoMiddleware(): Promise<Record<string, string>> {
  const denied = (SECURITY_HEADERS['Permissions-Policy'] ?? '')
    .split(', ')
    .map((directive) =>
      directive.replace('=()', '').replace(/-([a-z])/g, (_m, ch: string) => ch.toUpperCase()),
    );
  const app = new Hono();
  app.use(
    secureHeaders({
      contentSecurityPolicy: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'none'"],
        styleSrc: ["'self'"],
        imgSrc: ["'self'"],
        formAction: ["'self'"],
        frameAncestors: ["'none'"],
        baseUri: ["'none'"],
        objectSrc: ["'none'"],
      },
      referrerPolicy: 'same-origin',
      xFrameOptions: 'DENY',
      permissionsPolicy: Object.fromEntries(denied.map((feature) => [feature, []])),
    }),
  );
  app.get('/', (c) => c.body(null));
  const res = await app.request('/');
  return Object.fromEntries(res.headers);
}

describe('SECURITY_HEADERS', () => {
  it('holds exactly the headers and values Hono’s secureHeaders sends for the same policy', async () => {
    const ours = Object.fromEntries(
      Object.entries(SECURITY_HEADERS).map(([name, value]) => [name.toLowerCase(), value]),
    );
    expect(Object.keys(ours)).toHaveLength(13);
    expect(ours).toEqual(await fromHonoMiddleware());
  });

  it('is frozen, so no request can change another’s headers', () => {
    expect(Object.isFrozen(SECURITY_HEADERS)).toBe(true);
  });
});
