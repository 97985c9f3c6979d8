/**
 * Visitors whose portfolio fills a SQLite store's cap, for the tests of the biggest portfolio's
 * pages (the list and lots pages, the sell form). Kept apart from `big-portfolio.ts`, which the
 * `bench:big-portfolio` script imports outside vitest.
 * @module
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll } from 'vitest';
import type { SessionStore } from 'flask-session-ts';
import { SqliteSessionStore } from 'flask-session-ts/sqlite';
import { createApp } from '../../src/http/app.js';
import { createSessionStore } from '../../src/session/stores.js';
import { fillToCap, type PortfolioShape } from './big-portfolio.js';
import { buildTestApp, Client, recordingLogger, startSession, testConfig } from './client.js';

/** How a visitor's store is made, beyond the app's own SQLite settings. */
export interface AtCapOptions {
  /** A cap of the store's other than the app's default (then the store is built here). */
  readonly maxSessionBytes?: number;
  /** Room left under the cap for what a visit adds (see `fillToCap`). */
  readonly reserveBytes?: number;
}

/**
 * Registers, in the calling test file, a temporary folder for the visitors' databases, removed
 * with every store closed after the file's tests; returns the function that makes a visitor: an
 * app in SQLite mode on a file of its own, whose portfolio of `shape` fills the store's cap.
 */
export function visitorsAtCap(folderPrefix: string) {
  let dir = '';
  const opened: SessionStore[] = [];
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), `${folderPrefix}-`));
  });
  afterAll(async () => {
    await Promise.all(opened.splice(0).map(async (s) => s.close?.()));
    rmSync(dir, { recursive: true, force: true });
  });
  return async function visitorAtCap(shape: PortfolioShape, options: AtCapOptions = {}) {
    const config = testConfig({
      sessionType: 'sqlite',
      sessionSqlitePath: join(dir, `${shape}-${opened.length}.sqlite3`),
    });
    const store =
      options.maxSessionBytes === undefined
        ? await createSessionStore(config)
        : new SqliteSessionStore({
            path: config.sessionSqlitePath,
            secretKey: config.secretKey,
            permanent: true,
            maxSessionBytes: options.maxSessionBytes,
          });
    opened.push(store);
    const client = new Client(createApp({ config, logger: recordingLogger(), store }), buildTestApp().store);
    await startSession(client);
    const count = await fillToCap(store, client.cookieHeader, shape, options.reserveBytes);
    return { client, count, store };
  };
}
