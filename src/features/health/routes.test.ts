import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import { buildTestApp, recordingLogger } from '../../../test/support/client.js';
import type { AppEnv } from '../../web/context.js';
import { responseHeadMiddleware } from '../../web/response-head.js';
import { registerHealth } from './routes.js';
import { CookieSessionStore, StoreUnavailable, type SessionStore } from 'flask-session-ts';

describe('GET /healthz and /readyz in the app', () => {
  it.each([
    ['/healthz', 'ok'],
    ['/readyz', 'ready'],
  ])('%s answers 200 %j without opening a session', async (path, text) => {
    const page = await buildTestApp().client().get(path, { Cookie: 'session=whatever' });
    expect(page.status).toBe(200);
    expect(page.html.trim()).toBe(text);
    expect(page.setCookies).toEqual([]);
    expect(page.headers.get('Vary')).toBeNull();
    expect(page.headers.get('Cache-Control')).toBe('no-store');
  });

  it('answers even for a Host that is not allowed (probes use addresses)', async () => {
    const page = await buildTestApp({ config: { production: true } })
      .client()
      .get('/healthz', { Host: '10.0.0.7:5000' });
    expect(page.status).toBe(200);
  });
});

describe('registerHealth with a server-side store', () => {
  function appWith(ping: () => Promise<void>) {
    const store: SessionStore = Object.assign(new CookieSessionStore({ secretKey: 'k'.repeat(32) }), {
      ping,
    });
    const logger = recordingLogger();
    const app = new Hono<AppEnv>();
    app.use(responseHeadMiddleware({}));
    registerHealth(app, store, logger);
    return { app, logger };
  }

  it('answers /readyz with 200 when the store answers its ping', async () => {
    const { app } = appWith(() => Promise.resolve());
    expect((await app.request('/readyz')).status).toBe(200);
  });

  it('answers /readyz with 503 and logs the error when the ping fails, while /healthz stays 200', async () => {
    const { app, logger } = appWith(() => Promise.reject(new StoreUnavailable('redis is down')));
    const ready = await app.request('/readyz');
    expect(ready.status).toBe(503);
    expect(ready.headers.get('Retry-After')).toBe('5');
    expect(await ready.text()).toContain('session store');
    expect(
      logger.lines.some((line) => line.level === 'error' && line.error instanceof StoreUnavailable),
    ).toBe(true);
    expect((await app.request('/healthz')).status).toBe(200);
  });
});
