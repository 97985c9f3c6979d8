/**
 * Static files from `public/`, read once at start-up and served from memory with a
 * content-hash ETag. No CDN, no inline styles or scripts: the CSP allows only 'self'.
 *
 * Each file is also served under a fingerprinted name, `style.<hash>.css`, with the hash of its
 * content computed once when the files are read: pages link to that name, which browsers may keep
 * for a year (`immutable`), since a changed file gets a new name. The plain name still works, with
 * a short cache, for anything that linked to it before.
 * @module
 */
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { urlFor } from './urls.js';

/** `public/` at the project root, from `src/web` (tsx) and `dist/web` (built) alike. */
export const PUBLIC_DIR = fileURLToPath(new URL('../../public/', import.meta.url));

/** `Cache-Control` of each kind of name, defined once for the route and its tests. */
export const STATIC_CACHE = Object.freeze({
  fingerprinted: 'public, max-age=31536000, immutable',
  plain: 'public, max-age=300',
});

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
  readonly cacheControl: string;
}

/** The files of one folder, by every name they are served under. */
export interface StaticFiles {
  /** The fingerprinted name of `name` (`style.css` → `style.1a2b3c4d5e6f.css`). @throws for an unknown file. */
  fingerprintedName(name: string): string;
  /** The file served under `requested`, plain or fingerprinted. */
  get(requested: string): StaticFile | undefined;
}

/** Reads every servable file in `dir` once. */
export function loadStaticFiles(dir: string): StaticFiles {
  const byName = new Map<string, StaticFile>();
  const fingerprints = new Map<string, string>();
  for (const name of readdirSync(dir)) {
    const ext = extname(name);
    const type = CONTENT_TYPES[ext];
    if (type === undefined) continue;
    const body = readFileSync(join(dir, name));
    const hash = createHash('sha256').update(body).digest('hex');
    const etag = `"${hash.slice(0, 16)}"`;
    const fingerprinted = `${name.slice(0, -ext.length)}.${hash.slice(0, 12)}${ext}`;
    byName.set(name, { body, type, etag, cacheControl: STATIC_CACHE.plain });
    byName.set(fingerprinted, { body, type, etag, cacheControl: STATIC_CACHE.fingerprinted });
    fingerprints.set(name, fingerprinted);
  }
  return {
    fingerprintedName(name) {
      const fingerprinted = fingerprints.get(name);
      if (fingerprinted === undefined) throw new RangeError(`No static file ${JSON.stringify(name)}`);
      return fingerprinted;
    },
    get: (requested) => byName.get(requested),
  };
}

let publicFiles: StaticFiles | undefined;

/** The files of `public/`, read on first use (at start-up: the layout asks when it loads). */
export function publicStaticFiles(): StaticFiles {
  publicFiles ??= loadStaticFiles(PUBLIC_DIR);
  return publicFiles;
}

/** The long-cached URL of a file in `public/`, for the layout. */
export function staticUrl(name: string): string {
  return urlFor('static_file', { filename: publicStaticFiles().fingerprintedName(name) });
}
