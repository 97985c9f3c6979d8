/**
 * Fastify-specific behaviour of the plugin. What every adapter must do is in adapters.test.ts,
 * run against Fastify over real HTTP.
 */
import Fastify from 'fastify';
import { describe, expect, it } from 'vitest';
import { thrown } from '../test/support/thrown.js';
import { CookieSessionStore } from './cookie-store.js';
import { sessionPlugin } from './fastify.js';

describe('the Fastify plugin', () => {
  it('registers under its own name, so another plugin can check for it with hasPlugin', async () => {
    const app = Fastify();
    await app.register(sessionPlugin({ secretKey: 'fastify-plugin-test-secret-key' }));
    await app.ready();
    try {
      expect(app.hasPlugin('flask-session-ts')).toBe(true);
      expect(app.hasPlugin('plugin')).toBe(false);
    } finally {
      await app.close();
    }
  });
});

describe('of(request): the session typed by the generic', () => {
  interface Visits {
    visits: number;
  }

  it('is the request.session the plugin opened, and a TypeError where it opened none', async () => {
    const plugin = sessionPlugin<Visits>({
      secretKey: 'fastify-plugin-test-secret-key',
      cookie: { secure: false },
    });
    const app = Fastify();
    await app.register(plugin);
    app.get('/', (request) => {
      const session = plugin.of(request);
      session.set('visits', (session.get('visits') ?? 0) + 1);
      return String((session as unknown) === request.session);
    });
    try {
      const first = await app.inject({ method: 'GET', url: '/' });
      expect(first.body).toBe('true');
      const cookie = first.headers['set-cookie'];
      const second = await app.inject({
        method: 'GET',
        url: '/',
        headers: { cookie: String(cookie).split(';')[0] },
      });
      expect(second.statusCode).toBe(200);
      const opened = new CookieSessionStore({ secretKey: 'fastify-plugin-test-secret-key' }).open(
        String(second.headers['set-cookie']).split(';')[0],
      );
      expect(opened.session.get('visits')).toBe(2);
    } finally {
      await app.close();
    }
    const bare = Fastify();
    bare.get('/', (request) => {
      const error = thrown(() => plugin.of(request)) as Error;
      return { name: error.name, message: error.message };
    });
    try {
      expect((await bare.inject({ method: 'GET', url: '/' })).json()).toEqual({
        name: 'TypeError',
        message: 'No session: sessionPlugin did not open one for this request',
      });
    } finally {
      await bare.close();
    }
  });
});
