import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import type { RequestCookies } from '../session/request-cookies.js';
import { CsrfTokens } from './csrf.js';
import { csrfMiddleware, type CsrfState } from './csrf-middleware.js';
import { newResponseHead, type ResponseHead } from './response-head.js';

const KEY = 'a-secret-key-for-the-csrf-tests-0123456789';

/** Tokens that count the signatures they check. */
class CountingTokens extends CsrfTokens {
  checked = 0;
  override isValid(token: string | undefined): token is string {
    this.checked++;
    return super.isValid(token);
  }
}

type Env = { Variables: { csrf: CsrfState; head: ResponseHead; cookies: RequestCookies | undefined } };

function appWith(tokens: CsrfTokens) {
  const app = new Hono<Env>();
  app.use((c, next) => {
    c.set('head', newResponseHead({}));
    return next();
  });
  app.use(csrfMiddleware(tokens));
  app.get('/plain', (c) => c.text('no form'));
  app.get('/form', (c) => {
    const csrf = c.get('csrf');
    return c.text([csrf.existing(), csrf.token(), csrf.token()].join(' '));
  });
  return app;
}

describe('csrfMiddleware', () => {
  it('checks no signature for a response that uses no token', async () => {
    const tokens = new CountingTokens({ secretKeys: [KEY], production: false, maxAgeSeconds: 60 });
    const token = tokens.issue();
    const res = await appWith(tokens).request('/plain', { headers: { cookie: `csrf=${token}` } });
    expect(await res.text()).toBe('no form');
    expect(tokens.checked).toBe(0);
  });

  it('checks the cookie’s signature once however often a page asks, and hands back that token', async () => {
    const tokens = new CountingTokens({ secretKeys: [KEY], production: false, maxAgeSeconds: 60 });
    const token = tokens.issue();
    const res = await appWith(tokens).request('/form', { headers: { cookie: `csrf=${token}` } });
    expect(await res.text()).toBe([token, token, token].join(' '));
    expect(tokens.checked).toBe(1);
  });

  it('issues one new token when the cookie’s is not ours', async () => {
    const tokens = new CountingTokens({ secretKeys: [KEY], production: false, maxAgeSeconds: 60 });
    const res = await appWith(tokens).request('/form', { headers: { cookie: 'csrf=forged.value' } });
    const [existing, first, second] = (await res.text()).split(' ');
    expect(existing).toBe('');
    expect(first).not.toBe('forged.value');
    expect(second).toBe(first);
    expect(tokens.isValid(first)).toBe(true);
  });
});
