/**
 * Health endpoints for load balancers and orchestrators: `/healthz` (the process answers) and
 * `/readyz` (it can serve: the session store answers its readiness check). Registered before the
 * host check and the session middleware: probes often use an address as `Host` (a kubelet sends
 * the pod's IP), and a probe must never open a session or set a cookie.
 * @module
 */
import type { Hono } from 'hono';
import type { AppEnv } from '../../web/context.js';
import type { Logger } from '../../platform/logging.js';
import type { SessionStore } from 'flask-session-ts';
import { respond } from '../../web/response.js';

/** The health paths; the server logs their requests at debug level only. */
export const HEALTH_PATHS: ReadonlySet<string> = new Set(['/healthz', '/readyz']);

const PLAIN = { 'Content-Type': 'text/plain; charset=utf-8', 'Cache-Control': 'no-store' };

/** Registers `GET /healthz` and `GET /readyz` on `app`. */
export function registerHealth(app: Hono<AppEnv>, store: SessionStore, logger: Logger): void {
  app.get('/healthz', (c) => respond(c, 'ok\n', 200, PLAIN));
  app.get('/readyz', async (c) => {
    try {
      // A cookie store has nothing to reach; a server-side store checks its connection.
      await store.ping?.();
    } catch (error) {
      logger
        .forRequest(c.get('head').requestId)
        .error('Readiness check failed: the session store did not answer', error);
      return respond(c, 'not ready: the session store is unavailable\n', 503, {
        ...PLAIN,
        'Retry-After': '5',
      });
    }
    return respond(c, 'ready\n', 200, PLAIN);
  });
}
