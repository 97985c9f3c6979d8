/**
 * The Fastify 5 adapter (entry `flask-session-ts/fastify`): a plugin, thin over a {@link SessionStore}.
 * The session opens in `onRequest`; the cookie is decided in `onSend`, the last hook before the
 * headers go out, and an error thrown there reaches the app's error handler.
 * @module
 */
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { REPLACED_RESPONSE_HEADERS, resolveStore, withVary, type SessionAdapterOptions } from './adapter.js';
import type { SessionOptions } from './cookie-store.js';
import { SessionTooLarge } from './errors.js';
import type { Session } from './session.js';
import type { SessionStore } from './store.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** The visitor's session, opened by {@link sessionPlugin}. */
    session: Session;
  }
}

/** Options of {@link sessionPlugin} beyond the store's. */
export type FastifySessionOptions = SessionAdapterOptions;

/**
 * A plugin that opens the session before the handler (`request.session`) and writes the
 * cookie before the headers are sent, adding `Vary: Cookie` when the session was used.
 * It applies to the whole app, not only to its own encapsulation context (as `fastify-plugin`
 * would make it). A session too large to send is not sent: {@link SessionTooLarge} goes to the
 * error handler (Fastify's default answers 500), and the browser keeps the cookie it had.
 *
 * @example
 * await app.register(sessionPlugin({ secretKey: process.env.SECRET_KEY ?? '' }));
 * app.get('/', (request) => String(request.session.get('visits') ?? 0));
 */
export function sessionPlugin(
  storeOrOptions: SessionStore | SessionOptions,
  options: FastifySessionOptions = {},
): FastifyPluginAsync {
  const store = resolveStore(storeOrOptions);
  const { onInvalidCookie } = options;
  // The error response to a too-large session passes through onSend again; it must go out.
  const refused = new WeakSet<FastifyRequest>();

  const plugin: FastifyPluginAsync = (fastify) => {
    // Fastify 5 wants reference-typed decorations to start as null (then set per request).
    fastify.decorateRequest('session', null as unknown as Session);
    fastify.addHook('onRequest', async (request) => {
      const { session, error } = await store.open(request.headers.cookie);
      if (error && onInvalidCookie) onInvalidCookie(error);
      request.session = session;
    });
    fastify.addHook('onSend', async (request: FastifyRequest, reply: FastifyReply, payload: unknown) => {
      // No session when onRequest failed (a store outage): that error is being answered.
      const session = request.session as Session | null;
      if (session === null || refused.has(request)) return payload;
      const action = await store.commit(session, reply.statusCode);
      if (action.kind === 'too-large') {
        refused.add(request);
        for (const name of REPLACED_RESPONSE_HEADERS) reply.removeHeader(name);
        throw new SessionTooLarge(action.sizeBytes, action.limitBytes);
      }
      if (session.accessed) reply.header('Vary', withVary(headerText(reply.getHeader('vary')), 'Cookie'));
      // Fastify appends set-cookie values instead of replacing them.
      if (action.kind !== 'none') reply.header('Set-Cookie', action.header);
      return payload;
    });
    return Promise.resolve();
  };
  // Hooks and the decoration apply to the parent context: what fastify-plugin does, without the dependency.
  Object.assign(plugin, {
    [Symbol.for('skip-override')]: true,
    [Symbol.for('fastify.display-name')]: 'flask-session-ts',
  });
  return plugin;
}

function headerText(value: string | number | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value.join(', ') : value?.toString();
}
