/**
 * Serving `public/`: each file under its plain and its fingerprinted name (`web/static-files.ts`).
 * @module
 */
import type { Hono } from 'hono';
import type { AppEnv } from '../../web/context.js';
import { loadStaticFiles, PUBLIC_DIR, publicStaticFiles } from '../../web/static-files.js';
import { honoPaths } from '../../web/urls.js';
import { respond } from '../../web/response.js';

/** Registers `static_file` on `app`; only files present at start-up exist. */
export function registerStaticFiles(app: Hono<AppEnv>, dir = PUBLIC_DIR): void {
  const files = dir === PUBLIC_DIR ? publicStaticFiles() : loadStaticFiles(dir);
  app.get(honoPaths.static_file, async (c, next) => {
    const file = files.get(c.req.param('filename'));
    // Not ours: carry on, so the 404 page is rendered with the visitor's session like any other.
    if (file === undefined) return next();
    if (c.req.header('if-none-match') === file.etag) {
      return respond(c, null, 304, { ETag: file.etag, 'Cache-Control': file.cacheControl });
    }
    return respond(c, new Uint8Array(file.body), 200, {
      'Content-Type': file.type,
      ETag: file.etag,
      'Cache-Control': file.cacheControl,
    });
  });
}
