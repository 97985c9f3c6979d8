/**
 * The view layer's one primitive: an `html` tagged template that escapes by default.
 *
 * Every interpolated string is HTML-escaped (`& < > " '`, enough for text and for quoted
 * attribute values), so visitor text can never become markup. Only the result of `html` itself is
 * interpolated as it is, and nothing else can make an {@link Html}: there is no `raw`. Arrays are
 * joined; `undefined`, `null`, `false` and `true` render nothing, so `${cond && html`…`}` renders
 * optionally.
 *
 * Why not hono/jsx: it measured ~3× slower on a 50-row table and renders inside AsyncLocalStorage,
 * which turns on promise hooks for the whole process. Why not hono's `html` helper: it may return a
 * Promise (it accepts async children), which every view would have to carry in its type; this one is
 * synchronous by construction and its types refuse objects that would print as `[object Object]`.
 * @module
 */

const CONSTRUCT = Symbol('Html');

/** Markup built by {@link html}: safe to interpolate into more markup as it is. */
export class Html {
  readonly #text: string;

  /** Only this module can build one: markup is safe because nothing else can claim it is. */
  constructor(text: string, token: typeof CONSTRUCT) {
    if (token !== CONSTRUCT) throw new TypeError('Html is built by the html`` template only');
    this.#text = text;
  }

  toString(): string {
    return this.#text;
  }
}

/** What a template may interpolate. */
export type Interpolation =
  Html | string | number | bigint | boolean | null | undefined | readonly Interpolation[];

const NEEDS_ESCAPE = /[&<>"']/;
const ESCAPES: Readonly<Record<string, string>> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

/** Text as HTML: the five characters that can end text or a quoted attribute, as entities. */
export function escapeHtml(text: string): string {
  // Most values (symbols, amounts) need nothing: a search is cheaper than a replace. A regex
  // test, not a loop over charCodeAt: under load the loop cost a list page 18–24 µs against the
  // regex's 10–12 (CPU profiles of GET /stocks (10), back to back), though it won in a loop.
  if (!NEEDS_ESCAPE.test(text)) return text;
  return text.replace(/[&<>"']/g, (ch) => ESCAPES[ch] ?? ch);
}

function render(value: Interpolation): string {
  if (typeof value === 'string') return escapeHtml(value);
  if (value instanceof Html) return value.toString();
  if (typeof value === 'number' || typeof value === 'bigint') return String(value);
  if (value === null || value === undefined || typeof value === 'boolean') return '';
  let out = '';
  for (const item of value) out += render(item);
  return out;
}

/**
 * Builds markup from a template, escaping every interpolated value.
 * @example html`<td>${holding.symbol}</td>` // a symbol of `<b>` renders as `&lt;b&gt;`
 */
export function html(strings: TemplateStringsArray, ...values: readonly Interpolation[]): Html {
  let out = strings[0] ?? '';
  for (let i = 0; i < values.length; i++) {
    out += render(values[i]);
    out += strings[i + 1] ?? '';
  }
  return new Html(out, CONSTRUCT);
}
