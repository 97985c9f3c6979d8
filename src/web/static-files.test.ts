import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { buildTestApp } from '../../test/support/client.js';
import { urlFor } from './urls.js';
import { loadStaticFiles, STATIC_CACHE, staticUrl } from './static-files.js';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function folderWith(files: Readonly<Record<string, string>>): string {
  const dir = mkdtempSync(join(tmpdir(), 'static-'));
  dirs.push(dir);
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return dir;
}

describe('fingerprinted static files', () => {
  it('names a file by the hash of its content, so a change gives a new name', () => {
    const a = loadStaticFiles(folderWith({ 'style.css': 'a{}' })).fingerprintedName('style.css');
    const b = loadStaticFiles(folderWith({ 'style.css': 'b{}' })).fingerprintedName('style.css');
    expect(a).toMatch(/^style\.[0-9a-f]{12}\.css$/);
    expect(b).toMatch(/^style\.[0-9a-f]{12}\.css$/);
    expect(a).not.toBe(b);
  });

  it('serves the fingerprinted name for a year, immutable, and the plain name with a short cache', async () => {
    const client = buildTestApp().client();
    const url = staticUrl('style.css');
    expect(url).toMatch(/^\/static\/style\.[0-9a-f]{12}\.css$/);
    const long = await client.get(url);
    expect(long.status).toBe(200);
    expect(long.headers.get('Cache-Control')).toBe(STATIC_CACHE.fingerprinted);
    expect(long.headers.get('Content-Type')).toMatch(/^text\/css\b/);
    const plain = await client.get(urlFor('static_file', { filename: 'style.css' }));
    expect(plain.status).toBe(200);
    expect(plain.headers.get('Cache-Control')).toBe(STATIC_CACHE.plain);
    expect(plain.html).toBe(long.html);
  });

  it('answers a fingerprint that is not the current one with 404', async () => {
    const page = await buildTestApp().client().get('/static/style.000000000000.css');
    expect(page.status).toBe(404);
  });

  it('links every page to the fingerprinted stylesheet and icon', async () => {
    const page = await buildTestApp().client().get(urlFor('index'));
    expect(page.html).toContain(`<link rel="stylesheet" href="${staticUrl('style.css')}" />`);
    expect(page.html).toContain(`href="${staticUrl('favicon.svg')}"`);
  });
});
