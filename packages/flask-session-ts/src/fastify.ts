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
import type { DefaultSession, DefaultSessionData, StorableData } from './storable.js';
import type { SessionStore } from './store.js';

declare module 'fastify' {
  interface FastifyRequest {
    /**
     * The visitor's session, opened by {@link sessionPlugin}: typed by the `SessionTypes`
     * interface when you augment it, otherwise untyped.
     */
    session: DefaultSession;
  }
}

/** Options of {@link sessionPlugin} beyond the store's. */
export type FastifySessionOptions = SessionAdapterOptions;

/**
 * The plugin {@link sessionPlugin} returns, with `of(request)` for those who type the session by
 * a generic rather than by augmenting `SessionTypes`.
 */
export interface FastifySessionPlugin<
  T extends StorableData<T> = DefaultSessionData,
> extends FastifyPluginAsync {
  /**
   * `request.session`, typed as `Session<T>`.
   * @throws TypeError when this plugin did not open a session for `request`.
   * @example
   * const sessions = sessionPlugin<Cart>(store);
   * await app.register(sessions);
   * app.get('/cart', (request) => sessions.of(request).get('items') ?? []);
   */
  of(request: FastifyRequest): Session<T>;
}

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
export function sessionPlugin<T extends StorableData<T> = DefaultSessionData>(
  storeOrOptions: SessionStore | SessionOptions,
  options: FastifySessionOptions = {},
): FastifySessionPlugin<T> {
  const store = resolveStore(storeOrOptions);
  const { onInvalidCookie } = options;
  // The error response to a too-large session passes through onSend again; it must go out.
  const refused = new WeakSet<FastifyRequest>();

  const plugin: FastifyPluginAsync = (fastify) => {
    // Fastify 5 wants reference-typed decorations to start as null (then set per request).
    fastify.decorateRequest('session', null as unknown as DefaultSession);
    fastify.addHook('onRequest', async (request) => {
      const { session, error } = await store.open<T>(request.headers.cookie);
      if (error && onInvalidCookie) onInvalidCookie(error);
      // One object, two static types: `T` by the generic, `SessionTypes` by augmentation (where the
      // assertion is needed, though the lint, which sees no augmentation, calls it unnecessary).
      // eslint-disable-next-line @typescript-eslint/no-unnecessary-type-assertion
      request.session = session as unknown as DefaultSession;
    });
    fastify.addHook('onSend', async (request: FastifyRequest, reply: FastifyReply, payload: unknown) => {
      // No session when onRequest failed (a store outage): that error is being answered.
      const session = request.session as DefaultSession | null;
      if (session === null || refused.has(request)) return payload;
      const action = await store.commit(session, reply.statusCode);
      if (action.kind === 'too-large') {
        refused.add(request);
        for (const name of REPLACED_RESPONSE_HEADERS) reply.removeHeader(name);
        throw new SessionTooLarge(action.sizeBytes, action.limitBytes);
      }
      if (action.kind === 'failed') {
        refused.add(request);
        for (const name of REPLACED_RESPONSE_HEADERS) reply.removeHeader(name);
        throw action.error;
      }
      if (session.accessed) reply.header('Vary', withVary(headerText(reply.getHeader('vary')), 'Cookie'));
      // Fastify appends set-cookie values instead of replacing them.
      if (action.kind !== 'none') reply.header('Set-Cookie', action.header);
      return payload;
    });
    return Promise.resolve();
  };
  const of = (request: FastifyRequest): Session<T> => {
    // Null before onRequest ran; undefined when the plugin was never registered.
    const session = request.session as DefaultSession | null | undefined;
    if (session === null || session === undefined)
      throw new TypeError('No session: sessionPlugin did not open one for this request');
    return session as unknown as Session<T>;
  };
  // Hooks and the decoration apply to the parent context: what fastify-plugin does, without the dependency.
  return Object.assign(plugin, {
    [Symbol.for('skip-override')]: true,
    [Symbol.for('fastify.display-name')]: 'flask-session-ts',
    of,
  });
}

function headerText(value: string | number | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value.join(', ') : value?.toString();
}
