/**
 * Fastify-specific behaviour of the plugin. What every adapter must do is in adapters.test.ts,
 * run against Fastify over real HTTP.
 */
import Fastify from 'fastify';
import { describe, expect, it } from 'vitest';
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
