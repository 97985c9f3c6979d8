import fc from 'fast-check';
import { Hono } from 'hono';
import { describe, expect, expectTypeOf, it } from 'vitest';

import {
  honoPaths,
  indexedUrl,
  pathOfRequestUrl,
  routes,
  urlFor,
  type ParamNames,
  type RouteName,
} from './urls.js';

describe('urlFor', () => {
  it('returns the path of a route without parameters', () => {
    expect(urlFor('index')).toBe('/');
    expect(urlFor('list_stocks')).toBe('/stocks');
    expect(urlFor('clear_stocks')).toBe('/stocks/clear');
  });

  it('fills in numeric and string parameters', () => {
    expect(urlFor('display_blog_post', { post_id: 17 })).toBe('/blog_posts/17');
    expect(urlFor('delete_stock', { index: '0' })).toBe('/stocks/0/delete');
  });

  it('percent-encodes parameter values, slashes included', () => {
    expect(urlFor('hello_message', { message: 'hi there/?#&é' })).toBe('/hello/hi%20there%2F%3F%23%26%C3%A9');
  });

  it('refuses a value a digits-only parameter can never match', () => {
    for (const post_id of [-1, 1.5, Number.NaN, '', 'abc', '１７']) {
      expect(() => urlFor('display_blog_post', { post_id }), String(post_id)).toThrow(RangeError);
    }
  });

  it('refuses empty, "." and ".." values, which no URL path can carry', () => {
    for (const message of ['', '.', '..']) {
      expect(() => urlFor('hello_message', { message }), message).toThrow(RangeError);
    }
  });

  it('keeps the slashes of a file path, like Flask’s path converter', () => {
    expect(urlFor('static_file', { filename: 'style.css' })).toBe('/static/style.css');
    expect(urlFor('static_file', { filename: 'css/my site.css' })).toBe('/static/css/my%20site.css');
  });

  it('refuses a file path that would climb out of its folder or has an empty segment', () => {
    for (const filename of [
      '../secret',
      'css/../../secret',
      './style.css',
      '/etc/passwd',
      'css//a.css',
      '',
    ]) {
      expect(() => urlFor('static_file', { filename }), filename).toThrow(RangeError);
    }
  });

  it('makes a missing or unknown parameter a compile error, and throws if the types are defeated', () => {
    // These lines are checked by `tsc -p tsconfig.json`; each must fail to compile.
    // @ts-expect-error display_blog_post needs post_id
    expect(() => urlFor('display_blog_post')).toThrow(TypeError);
    // @ts-expect-error post_id is missing
    expect(() => urlFor('display_blog_post', {})).toThrow(TypeError);
    // @ts-expect-error id is not a parameter of display_blog_post
    expect(() => urlFor('display_blog_post', { id: 17 })).toThrow(TypeError);
    // @ts-expect-error extra parameters are not allowed either
    expect(urlFor('display_blog_post', { post_id: 17, page: 2 })).toBe('/blog_posts/17');
    // @ts-expect-error a route without parameters takes no second argument
    expect(urlFor('list_stocks', {})).toBe('/stocks');
    // @ts-expect-error values are strings or numbers
    expect(() => urlFor('hello_message', { message: null })).toThrow(TypeError);
    // @ts-expect-error unknown route name
    expect(() => urlFor('list_stock')).toThrow(TypeError);
  });

  it('derives parameter names from the path at compile time', () => {
    expectTypeOf<ParamNames<'/a/:x/b/:y'>>().toEqualTypeOf<'x' | 'y'>();
    expectTypeOf<ParamNames<(typeof routes)['delete_stock']>>().toEqualTypeOf<'index'>();
    expectTypeOf<ParamNames<(typeof routes)['about']>>().toEqualTypeOf<never>();
  });
});

describe('honoPaths', () => {
  it('gives converter parameters Hono’s regex suffix and leaves the rest alone', () => {
    expect(honoPaths).toEqual({
      ...routes,
      display_blog_post: '/blog_posts/:post_id{[0-9]+}',
      delete_stock: '/stocks/:index{[0-9]+}/delete',
      edit_stock: '/stocks/:index{[0-9]+}/edit',
      edit_lot: '/lots/:lot_id{[0-9]+}/edit',
      remove_lot: '/lots/:lot_id{[0-9]+}/remove',
      remove_sale: '/sales/:sale_id{[0-9]+}/remove',
      static_file: '/static/:filename{.+}',
    });
  });

  it('types each pattern literally, so Hono knows the parameter names', () => {
    expectTypeOf(honoPaths.display_blog_post).toEqualTypeOf<'/blog_posts/:post_id{[0-9]+}'>();
    expectTypeOf(honoPaths.delete_stock).toEqualTypeOf<'/stocks/:index{[0-9]+}/delete'>();
    expectTypeOf(honoPaths.hello_message).toEqualTypeOf<'/hello/:message'>();
    expectTypeOf(honoPaths.static_file).toEqualTypeOf<'/static/:filename{.+}'>();
  });

  /** An app that answers every route with its name and parameters, registered from honoPaths. */
  function echoApp(): Hono {
    const app = new Hono();
    for (const [name, path] of Object.entries(honoPaths)) {
      app.get(path, (c) => c.json({ name, params: c.req.param() }));
    }
    return app;
  }

  it('matches digits only where Flask’s int converter would', async () => {
    const app = echoApp();
    expect(await (await app.request('/blog_posts/17')).json()).toEqual({
      name: 'display_blog_post',
      params: { post_id: '17' },
    });
    expect((await app.request('/blog_posts/abc')).status).toBe(404);
    expect((await app.request('/blog_posts/-1')).status).toBe(404);
    expect((await app.request('/stocks/x/delete')).status).toBe(404);
  });

  it('routes every URL urlFor builds back to its route and parameters', async () => {
    const app = echoApp();
    const message = fc
      .string({ unit: 'binary', minLength: 1 })
      .filter((text) => text !== '.' && text !== '..');
    await fc.assert(
      fc.asyncProperty(message, fc.nat(), async (text, index) => {
        for (const [name, url, params] of [
          ['hello_message', urlFor('hello_message', { message: text }), { message: text }],
          ['delete_stock', urlFor('delete_stock', { index }), { index: String(index) }],
        ] as const) {
          expect(await (await app.request(url)).json()).toEqual({ name, params });
        }
      }),
    );
  });

  it('has a URL for every route name', async () => {
    const app = echoApp();
    const samples: { [N in RouteName]: string } = {
      index: urlFor('index'),
      about: urlFor('about'),
      hello_message: urlFor('hello_message', { message: 'x' }),
      display_blog_post: urlFor('display_blog_post', { post_id: 1 }),
      add_stock: urlFor('add_stock'),
      list_stocks: urlFor('list_stocks'),
      list_lots: urlFor('list_lots', { symbol: 'BRK.B' }),
      delete_stock: urlFor('delete_stock', { index: 0 }),
      clear_stocks: urlFor('clear_stocks'),
      edit_stock: urlFor('edit_stock', { index: 3 }),
      edit_lot: urlFor('edit_lot', { lot_id: 7 }),
      remove_lot: urlFor('remove_lot', { lot_id: 7 }),
      sell_stock: urlFor('sell_stock'),
      list_sales: urlFor('list_sales'),
      remove_sale: urlFor('remove_sale', { sale_id: 8 }),
      set_price: urlFor('set_price'),
      update_prices: urlFor('update_prices'),
      export_stocks: urlFor('export_stocks'),
      import_stocks: urlFor('import_stocks'),
      undo_remove: urlFor('undo_remove'),
      set_theme: urlFor('set_theme'),
      static_file: urlFor('static_file', { filename: 'css/style.css' }),
    };
    for (const [name, url] of Object.entries(samples)) {
      expect(await (await app.request(url)).json(), url).toMatchObject({ name });
    }
  });
});

describe('indexedUrl', () => {
  it('builds the same URLs as urlFor, for every route with one digits parameter', () => {
    const editUrl = indexedUrl('edit_stock');
    const deleteUrl = indexedUrl('delete_stock');
    const postUrl = indexedUrl('display_blog_post');
    fc.assert(
      fc.property(fc.nat(), (n) => {
        expect(editUrl(n)).toBe(urlFor('edit_stock', { index: n }));
        expect(deleteUrl(n)).toBe(urlFor('delete_stock', { index: n }));
        expect(postUrl(n)).toBe(urlFor('display_blog_post', { post_id: n }));
      }),
    );
    expect(editUrl(3)).toBe('/stocks/3/edit');
  });

  it('refuses what urlFor refuses for a number', () => {
    const editUrl = indexedUrl('edit_stock');
    for (const value of [-1, 1.5, Number.NaN, Number.POSITIVE_INFINITY]) {
      expect(() => urlFor('edit_stock', { index: value }), String(value)).toThrow(RangeError);
      expect(() => editUrl(value), String(value)).toThrow(RangeError);
    }
  });

  it('takes only routes with one digits parameter', () => {
    // @ts-expect-error list_stocks has no parameter
    indexedUrl('list_stocks');
    // @ts-expect-error hello_message's parameter is any segment, not digits
    expect(() => indexedUrl('hello_message')(1)).not.toThrow();
  });
});

describe('pathOfRequestUrl', () => {
  // Request targets as a browser or a hand-written request may send them; the URL is built as
  // @hono/node-server builds c.req.url: normalized by URL whenever the target is unusual.
  const targets = [
    '/',
    '',
    '/stocks',
    '/stocks?sort=value&page=2',
    '/stocks/?',
    '/stocks#top',
    '/stocks?q=a#b',
    '/a#b?c',
    '/hello/hi%20there%2F%3F',
    '/hello/caf\u00e9 space',
    '/a/./b/../c',
    '/a//b',
    "/it's/[x]/~y",
    '/?only=query',
  ];
  it.each(targets)('gives what URL gives for %j', (target) => {
    for (const origin of ['http://127.0.0.1:3000', 'https://[::1]:8443', 'http://example.com']) {
      const href = new URL(origin + target).href;
      expect(pathOfRequestUrl(href)).toBe(new URL(href).pathname);
    }
  });

  it('gives "/" for a URL written without a path, as URL does', () => {
    for (const url of ['http://example.com', 'http://example.com?x=1', 'http://example.com#top']) {
      expect(pathOfRequestUrl(url)).toBe(new URL(url).pathname);
    }
  });

  it('gives what URL gives for any path and query', () => {
    fc.assert(
      fc.property(fc.webPath(), fc.webQueryParameters(), fc.webFragments(), (path, query, fragment) => {
        const href = new URL(`http://127.0.0.1:3000${path}?${query}#${fragment}`).href;
        expect(pathOfRequestUrl(href)).toBe(new URL(href).pathname);
      }),
    );
  });
});
