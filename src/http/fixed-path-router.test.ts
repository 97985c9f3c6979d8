import type { Result } from 'hono/router';
import { TrieRouter } from 'hono/router/trie-router';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { recordingLogger, testConfig } from '../../test/support/client.js';
import { honoPaths } from '../web/urls.js';
import { createApp } from './app.js';
import { FixedPathRouter } from './fixed-path-router.js';

type Handler = (...args: never[]) => unknown;

/** Both routers with the app's own routes, added in the app's order. */
function appRouters(): { fixed: FixedPathRouter<Handler>; trie: TrieRouter<Handler> } {
  const app = createApp({ config: testConfig(), logger: recordingLogger() });
  const fixed = new FixedPathRouter<Handler>();
  const trie = new TrieRouter<Handler>();
  for (const route of app.routes) {
    fixed.add(route.method, route.path, route.handler);
    trie.add(route.method, route.path, route.handler);
  }
  return { fixed, trie };
}

/** A result as comparable data: each handler with its parameters, in order. */
const shape = (result: Result<Handler>) =>
  (result[0] as [Handler, Record<string, string>][]).map(([handler, params]) => [handler, { ...params }]);

const METHODS = ['GET', 'POST', 'HEAD', 'PUT', 'DELETE', 'PATCH', 'OPTIONS', 'BREW'];
// Every route's path with its parameters filled in, and paths no route has.
const PATHS = [
  ...new Set(
    Object.values(honoPaths).map((path) =>
      path.replace(/:[a-z_]+\{[^}]*\}/g, '7').replace(/:[a-z_]+/g, 'AAPL'),
    ),
  ),
  '/',
  '/nowhere',
  '/stocks/',
  '/stocks/AAPL/lots/extra',
  '/STOCKS',
];

describe('FixedPathRouter', () => {
  afterEach(() => {
    vi.restoreAllMocks();
  });

  it('answers every method and path of the app as the trie does, asked once and again', () => {
    const { fixed, trie } = appRouters();
    expect(PATHS.length).toBeGreaterThan(20);
    for (let round = 0; round < 2; round++) {
      for (const method of METHODS) {
        for (const path of PATHS) {
          expect(shape(fixed.match(method, path)), `${method} ${path}`).toEqual(
            shape(trie.match(method, path)),
          );
        }
      }
    }
  });

  it('walks the trie once for a fixed path asked with GET or POST, every time for anything else', () => {
    const { fixed } = appRouters();
    const walks = vi.spyOn(TrieRouter.prototype, 'match');
    const first = fixed.match('GET', '/stocks');
    expect(fixed.match('GET', '/stocks')).toBe(first);
    fixed.match('POST', '/add_stock');
    fixed.match('POST', '/add_stock');
    expect(walks).toHaveBeenCalledTimes(2);
    // A path with a parameter (even one spelling the pattern itself), an unknown path and another
    // method: routed afresh each time.
    const pattern = Object.values(honoPaths).find((path) => path.includes(':')) ?? '';
    expect(pattern).toContain(':');
    for (const [method, path] of [
      ['GET', '/stocks/7/edit'],
      ['GET', pattern],
      ['GET', '/nowhere'],
      ['PUT', '/stocks'],
      ['BREW', '/stocks'],
    ] as const) {
      walks.mockClear();
      fixed.match(method, path);
      fixed.match(method, path);
      expect(walks, `${method} ${path}`).toHaveBeenCalledTimes(2);
    }
  });

  it('forgets what it kept when a route is added after a match', () => {
    const fixed = new FixedPathRouter<string>();
    fixed.add('ALL', '*', 'middleware');
    fixed.add('GET', '/a', 'first');
    expect(fixed.match('GET', '/a')[0].map(([handler]) => handler)).toEqual(['middleware', 'first']);
    fixed.add('GET', '/a', 'second');
    expect(fixed.match('GET', '/a')[0].map(([handler]) => handler)).toEqual([
      'middleware',
      'first',
      'second',
    ]);
  });
});
