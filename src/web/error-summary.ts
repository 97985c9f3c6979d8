/**
 * The error summary at the top of a refused form (the GOV.UK pattern): a heading and one link per
 * problem, each to its field.
 *
 * Focus goes to the summary, not to the first bad field, through `autofocus` (no script: the CSP
 * is `script-src 'none'`): a screen reader then reads every problem at once, and each link takes
 * the visitor to its field; focusing the first field would announce only its own message, and a
 * form-wide problem (the portfolio is full) has no field to focus.
 * @module
 */
import { html, type Html } from './html.js';

/** One problem: its message, and the id of the field it is about (none for the whole form). */
export interface SummaryItem {
  readonly message: string;
  readonly fieldId?: string;
}

/** The summary, or nothing when there is no problem. */
export function errorSummary(items: readonly SummaryItem[]): Html | undefined {
  if (items.length === 0) return undefined;
  return html`<section class="error-summary" aria-labelledby="error-summary-title" tabindex="-1" autofocus>
    <h2 id="error-summary-title">There is a problem</h2>
    <ul>
      ${items.map(({ message, fieldId }) =>
        fieldId === undefined
          ? html`<li>${message}</li>`
          : html`<li><a href="#${fieldId}">${message}</a></li>`,
      )}
    </ul>
  </section>`;
}
