/**
 * The question before clearing the portfolio: what would go, a button that does it, a way back.
 * @module
 */
import type { PortfolioSummary } from '../../domain/portfolio.js';
import { urlFor } from '../../web/urls.js';
import { html, type Html } from '../../web/html.js';
import { csrfField } from '../../web/layout.js';
import { START_NEW_QUESTION } from '../../session/unreadable.js';

/** The field and value the confirmation form sends; anything else asks again. */
export const CONFIRM_FIELD = 'confirm';
export const CONFIRM_VALUE = 'yes';

/** The clear-confirmation page. */
export function clearConfirmationPage(summary: PortfolioSummary, csrfToken: string): Html {
  const count = summary.rows.length;
  if (count === 0) {
    return html`<section>
  <h1>Clear your portfolio?</h1>
  <p>Your portfolio is already empty: there is nothing to clear.</p>
  <p><a href="${urlFor('list_stocks')}">Back to your portfolio</a></p>
</section>`;
  }
  return html`<section>
  <h1>Clear your portfolio?</h1>
  <p>This removes all ${count} ${count === 1 ? 'holding' : 'holdings'} (cost basis ${summary.total}) from
    your portfolio. It cannot be undone.</p>
  <div class="actions">
    <form method="post" action="${urlFor('clear_stocks')}" class="inline">
      ${csrfField(csrfToken)}
      <input type="hidden" name="${CONFIRM_FIELD}" value="${CONFIRM_VALUE}" />
      <button type="submit" class="danger">Yes, clear my portfolio</button>
    </form>
    <a class="button secondary" href="${urlFor('list_stocks')}">No, keep it</a>
  </div>
</section>`;
}

/** The question before replacing a session that could not be read with a new, empty portfolio. */
export function startNewPage(csrfToken: string): Html {
  return html`<section>
  <h1>Start a new portfolio?</h1>
  <p>${START_NEW_QUESTION}</p>
  <div class="actions">
    <form method="post" action="${urlFor('clear_stocks')}" class="inline">
      ${csrfField(csrfToken)}
      <input type="hidden" name="${CONFIRM_FIELD}" value="${CONFIRM_VALUE}" />
      <button type="submit" class="danger">Yes, start a new portfolio</button>
    </form>
    <a class="button secondary" href="${urlFor('list_stocks')}">No, keep waiting for the old one</a>
  </div>
</section>`;
}
