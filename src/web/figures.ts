/**
 * Columns of figures aligned on the decimal point (issue 18, item 4): `$302.17`, `$0.1234` and
 * `$10.125` in one right-aligned column have their points one under the other.
 *
 * How: each figure is followed by the part of the column's longest "tail" (from the point on:
 * `.1234`, `.50%`) that it lacks, as an invisible copy of those characters: `$302.17` gets `00`,
 * a whole number `15` gets `.0000`, the "not set" dash gets the whole tail, so it ends where the
 * points are. With tabular figures (`td.num` in the stylesheet) a copy is exactly as wide as what
 * it stands for, in whatever font the browser picks.
 *
 * Why a copy rather than U+2007 FIGURE SPACE: a font without that character falls back to another
 * font, whose space need not be as wide as this font's digits; there is no space as wide as '.' or
 * '%' that every font has (U+2008 is one, rarely present); and a space is text, so it would be
 * read, copied and matched by tests. The copy is no text at all: an empty element whose
 * `data-pad` the stylesheet shows, hidden, as `::after` content. It is out of `textContent`,
 * `innerText`, the clipboard and the accessibility tree (`aria-hidden` as well, to say so), and a
 * phone's stacked cards, where nothing is aligned, do not draw it.
 *
 * A column whose figures all have the same tail gets no padding: such a page is byte for byte what
 * it was before alignment.
 * @module
 */
import { html, type Html } from './html.js';

/** The width a column's figures are aligned to: its longest tail, digits as zeros. */
export interface DecimalColumn {
  /** From the decimal point on, e.g. `.0000` or `.00%`; empty when no figure has a point. */
  readonly tail: string;
}

/** How long a figure's part from its decimal point on is (`.17`: 3, `.50%`: 4); 0 without a point. */
function tailLength(text: string): number {
  const point = text.indexOf('.');
  return point < 0 ? 0 : text.length - point;
}

/**
 * The column that `figures` (formatted texts: `$1,234.50`, `0.3333`, `+12.50%`) are aligned in.
 * The figures must share their tail's shape (money, a quantity, a percentage), as a column's do.
 */
export function decimalColumn(figures: Iterable<string>): DecimalColumn {
  let longest = '';
  for (const figure of figures) {
    const length = tailLength(figure);
    if (length > longest.length) longest = figure.slice(figure.length - length);
  }
  // Digits as zeros, the rest as written (`.17%` → `.00%`). A loop, not a replace: a page of
  // positions sizes some forty columns, and a regex replace each was 4 µs a page under load.
  let tail = '';
  for (let i = 0; i < longest.length; i++) {
    const ch = longest.charAt(i);
    tail += ch >= '0' && ch <= '9' ? '0' : ch;
  }
  return { tail };
}

/** What `text` lacks of the column's tail, e.g. `00` for `$302.17` in a column of `.0000`. */
export function padOf(text: string, column: DecimalColumn): string {
  return column.tail.slice(tailLength(text));
}

function pad(width: string): Html | undefined {
  return width === '' ? undefined : html`<span class="pad" aria-hidden="true" data-pad="${width}"></span>`;
}

/**
 * `figure` aligned in `column`: the figure as text, then its invisible padding, if any. A figure
 * that needs none is the text itself, which the template it goes into escapes: most figures of a
 * page need none, and each would otherwise be one more `Html` built.
 */
export function alignedFigure(figure: string, column: DecimalColumn): Html | string {
  const width = padOf(figure, column);
  return width === '' ? figure : html`${figure}${pad(width)}`;
}

/**
 * Something that is not a figure (the "not set" dash) in `column`: padded as a whole number, so it
 * ends where the decimal points are.
 */
export function alignedBlank(blank: Html | string, column: DecimalColumn): Html {
  return html`${blank}${pad(column.tail)}`;
}

/**
 * The colour of a signed figure (a gain or loss, a return) from the figure as it is written,
 * `+$12.50`, `-0.08%`, `$0.00`: `gain` for a `+`, `loss` for a `-`, none for a figure written
 * without a sign (zero once rounded). Read from the text, not from the exact value, so the colour
 * says what the sign says: a loss of $0.004 is written `$0.00` and is not coloured as a loss.
 * The figure must be written with its sign (`formatSignedMoney`, `formatPercent`).
 */
export function signClass(figure: string): 'gain' | 'loss' | undefined {
  return figure.startsWith('+') ? 'gain' : figure.startsWith('-') ? 'loss' : undefined;
}

/** A figure cell's class: `num`, and the figure's {@link signClass} when it is written with a sign. */
export function numClass(figure: string): string {
  const sign = signClass(figure);
  return sign === undefined ? 'num' : `num ${sign}`;
}
