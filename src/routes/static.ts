/**
 * Static files from `public/`, read once at start-up and served from memory with a
 * content-hash ETag. No CDN, no inline styles or scripts: the CSP allows only 'self'.
 * @module
 */
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Hono } from 'hono';
import type { AppEnv } from '../env.js';
import { honoPaths } from './names.js';

/** `public/` at the project root, from `src/routes` (tsx) and `dist/routes` (built) alike. */
export const PUBLIC_DIR = fileURLToPath(new URL('../../public/', import.meta.url));

const CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.css': 'text/css; charset=utf-8',
  '.png': 'image/png',
  '.svg': 'image/svg+xml',
  '.ico': 'image/x-icon',
  '.txt': 'text/plain; charset=utf-8',
};

interface StaticFile {
  readonly body: Buffer;
  readonly type: string;
  readonly etag: string;
}

function loadFiles(dir: string): Map<string, StaticFile> {
  const files = new Map<string, StaticFile>();
  for (const name of readdirSync(dir)) {
    const type = CONTENT_TYPES[extname(name)];
    if (type === undefined) continue;
    const body = readFileSync(join(dir, name));
    const etag = `"${createHash('sha256').update(body).digest('base64url').slice(0, 16)}"`;
    files.set(name, { body, type, etag });
  }
  return files;
}

/** Registers `static_file` on `app`; only files present at start-up exist. */
export function registerStaticFiles(app: Hono<AppEnv>, dir = PUBLIC_DIR): void {
  const files = loadFiles(dir);
  app.get(honoPaths.static_file, async (c, next) => {
    const file = files.get(c.req.param('filename'));
    // Not ours: carry on, so the 404 page is rendered with the visitor's session like any other.
    if (file === undefined) return next();
    c.header('ETag', file.etag);
    c.header('Cache-Control', 'public, max-age=3600');
    if (c.req.header('if-none-match') === file.etag) return c.body(null, 304);
    c.header('Content-Type', file.type);
    return c.body(new Uint8Array(file.body));
  });
}
