/**
 * Route names, paths and `urlFor`: the one place a URL is spelled. Handlers register
 * {@link honoPaths}; views and redirects build links with {@link urlFor}, Flask-style, so a path can
 * change without a hunt through templates, and a link that lacks a parameter does not compile.
 * Framework-free: the Hono patterns are plain strings.
 * @module
 */

/**
 * Every route by name (Flask endpoint names), with `:name` marking a path parameter.
 * @example `routes.list_stocks` is `'/stocks'`
 */
export const routes = {
  index: '/',
  about: '/about',
  hello_message: '/hello/:message',
  display_blog_post: '/blog_posts/:post_id',
  add_stock: '/add_stock',
  list_stocks: '/stocks',
  // One symbol's lots, in pages: the list page shows only a position's first few.
  list_lots: '/stocks/:symbol/lots',
  delete_stock: '/stocks/:index/delete',
  clear_stocks: '/stocks/clear',
  edit_stock: '/stocks/:index/edit',
  // Lots and sales by id (`domain/ledger.ts`): an id names one record for good, so a stale page
  // finds it gone ("already removed or moved"), never another record. The two index routes above
  // only answer old pages with that message.
  edit_lot: '/lots/:lot_id/edit',
  remove_lot: '/lots/:lot_id/remove',
  sell_stock: '/sales/new',
  list_sales: '/sales',
  remove_sale: '/sales/:sale_id/remove',
  // Pages from before the one prices form post one price here; it answers as the form does.
  set_price: '/stocks/price',
  update_prices: '/prices',
  export_stocks: '/stocks/export.csv',
  import_stocks: '/stocks/import',
  undo_remove: '/stocks/undo',
  set_theme: '/theme',
  // Flask's `static` endpoint (`url_for('static', filename=...)`); `static` alone reads as a keyword.
  static_file: '/static/:filename',
} as const;

/** A key of {@link routes}. */
export type RouteName = keyof typeof routes;

/** The parameter names in a path: `ParamNames<'/stocks/:index/delete'>` is `'index'`. */
export type ParamNames<Path extends string> = Path extends `${string}:${infer Name}/${infer Rest}`
  ? Name | ParamNames<`/${Rest}`>
  : Path extends `${string}:${infer Name}`
    ? Name
    : never;

/** The parameters route `N` needs, each a string or a number. */
export type RouteParams<N extends RouteName> = {
  readonly [K in ParamNames<(typeof routes)[N]>]: string | number;
};

/** `urlFor`'s arguments after the name: none for a route without parameters, else exactly its parameters. */
export type ParamsArg<N extends RouteName> = [ParamNames<(typeof routes)[N]>] extends [never]
  ? []
  : [params: RouteParams<N>];

/**
 * Parameters that take a Flask converter rather than "one non-empty segment": `digits` matches ASCII
 * digits only, like `int` (so `/blog_posts/abc` is a 404 before any handler runs); `path` may span
 * segments, like `path` (`/static/css/site.css`). Keyed by name, not route: a name means one thing.
 */
const PARAM_KINDS = {
  post_id: 'digits',
  index: 'digits',
  lot_id: 'digits',
  sale_id: 'digits',
  filename: 'path',
} as const;
type ParamKinds = typeof PARAM_KINDS;

/** Hono's regex suffix for each converter; see https://hono.dev/docs/api/routing#regexp */
const KIND_PATTERNS = { digits: '{[0-9]+}', path: '{.+}' } as const;

type HonoParam<Name extends string> = Name extends keyof ParamKinds
  ? `:${Name}${(typeof KIND_PATTERNS)[ParamKinds[Name]]}`
  : `:${Name}`;

/** A path with each converter parameter given Hono's regex suffix: `/blog_posts/:post_id{[0-9]+}`. */
export type HonoPath<Path extends string> = Path extends `${infer Head}:${infer Name}/${infer Rest}`
  ? `${Head}${HonoParam<Name>}/${HonoPath<Rest>}`
  : Path extends `${infer Head}:${infer Name}`
    ? `${Head}${HonoParam<Name>}`
    : Path;

const PARAM = /:([A-Za-z_][A-Za-z0-9_]*)/g;

function kindOf(name: string): ParamKinds[keyof ParamKinds] | 'segment' {
  return Object.hasOwn(PARAM_KINDS, name) ? PARAM_KINDS[name as keyof ParamKinds] : 'segment';
}

function toHonoPath(path: string): string {
  return path.replace(PARAM, (param, name: string) => {
    const kind = kindOf(name);
    return kind === 'segment' ? param : param + KIND_PATTERNS[kind];
  });
}

/**
 * The pattern to register each route under with Hono, typed literally so `c.req.param()` knows the names.
 * @example `app.get(honoPaths.display_blog_post, (c) => c.text(c.req.param('post_id')))`
 */
export const honoPaths = Object.freeze(
  Object.fromEntries(Object.entries(routes).map(([name, path]) => [name, toHonoPath(path)])),
) as { readonly [N in RouteName]: HonoPath<(typeof routes)[N]> };

/** One path segment, percent-encoded; `undefined` for a segment no URL can carry. */
function encodeSegment(text: string): string | undefined {
  // URL parsers resolve `.` and `..` (even written `%2E`) as dot segments; an empty one makes a `//`.
  return text === '' || text === '.' || text === '..' ? undefined : encodeURIComponent(text);
}

/**
 * Encodes one parameter value; strict, because a bad link is a bug to find now, not a 404 later.
 * A `path` value keeps its slashes, and can never climb out of its prefix with `..`.
 */
function encodeParam(route: RouteName, name: string, value: unknown): string {
  if (typeof value !== 'string' && typeof value !== 'number') {
    throw new TypeError(`urlFor('${route}') needs the parameter '${name}'`);
  }
  const text = String(value);
  const kind = kindOf(name);
  let encoded: string | undefined;
  if (kind === 'digits') encoded = /^[0-9]+$/.test(text) ? text : undefined;
  else if (kind === 'path') {
    const segments = text.split('/').map(encodeSegment);
    encoded = segments.includes(undefined) ? undefined : segments.join('/');
  } else encoded = encodeSegment(text);
  if (encoded === undefined) {
    throw new RangeError(`urlFor('${route}'): ${JSON.stringify(text)} cannot be the parameter '${name}'`);
  }
  return encoded;
}

/**
 * The URL path of a named route, like Flask's `url_for`. Parameters are required exactly when the
 * path has them, checked at compile time; values are percent-encoded.
 * @throws TypeError for an unknown route or a missing parameter at run time (only possible by
 *   defeating the types).
 * @throws RangeError for a value no URL of the route can carry: empty, `.` or `..` (as a whole or,
 *   for `filename`, as a segment), or anything but ASCII digits for `post_id` and `index`.
 * @example
 * ```ts
 * urlFor('list_stocks'); // '/stocks'
 * urlFor('display_blog_post', { post_id: 17 }); // '/blog_posts/17'
 * urlFor('hello_message', { message: 'hi there' }); // '/hello/hi%20there'
 * urlFor('static_file', { filename: 'css/site.css' }); // '/static/css/site.css'
 * ```
 */
export function urlFor<N extends RouteName>(name: N, ...params: ParamsArg<N>): string {
  // Only reachable by defeating the types, but then say so rather than fail on `undefined.replace`.
  if (!Object.hasOwn(routes, name)) throw new TypeError(`urlFor: no route named ${JSON.stringify(name)}`);
  const [values] = params;
  const lookup: Readonly<Record<string, unknown>> = values ?? {};
  return routes[name].replace(PARAM, (_param, paramName: string) =>
    encodeParam(name, paramName, Object.hasOwn(lookup, paramName) ? lookup[paramName] : undefined),
  );
}

/** The routes whose one parameter is a `digits` one: a row's index or lot or sale id, a post's number. */
export type IndexedRoute = {
  [N in RouteName]: [ParamNames<(typeof routes)[N]>] extends [never]
    ? never
    : ParamNames<(typeof routes)[N]> extends 'index' | 'post_id' | 'lot_id' | 'sale_id'
      ? N
      : never;
}[RouteName];

/**
 * `urlFor` for a route with one digits parameter, the path split around it once: a page with many
 * rows builds each row's link by concatenation, not a regex replace per link. Same URLs, same
 * refusals as {@link urlFor}.
 * @example `const editUrl = indexedUrl('edit_stock'); editUrl(3) // '/stocks/3/edit'`
 * @throws RangeError (from the returned function) for anything but a non-negative safe integer.
 */
export function indexedUrl(name: IndexedRoute): (value: number) => string {
  // split() with the capturing pattern gives [before, name, after].
  const [head = '', param = '', tail = ''] = routes[name].split(PARAM);
  return (value) => {
    if (!Number.isSafeInteger(value) || value < 0) {
      throw new RangeError(`urlFor('${name}'): ${JSON.stringify(value)} cannot be the parameter '${param}'`);
    }
    return head + String(value) + tail;
  };
}

/**
 * The path of a request's absolute URL, still percent-encoded, as `new URL(url).pathname` gives
 * it, for the URLs a request carries: `c.req.url`, which @hono/node-server builds already
 * normalized (dot segments resolved, characters encoded). Found by search: parsing a URL is a few
 * µs of cold code on every page (issue 16).
 */
export function pathOfRequestUrl(url: string): string {
  const start = url.indexOf('/', url.indexOf('//') + 2);
  if (start < 0) return '/';
  let end = url.length;
  for (const stop of ['?', '#']) {
    const at = url.indexOf(stop, start);
    if (at >= 0 && at < end) end = at;
  }
  return url.slice(start, end);
}
