/**
 * The import page: a CSV file, append or replace, and after a refused file the rows at fault.
 * @module
 */
import { LEDGER_CSV_COLUMNS } from '../../domain/ledger-csv.js';
import type { RowProblems } from './messages.js';
import { urlFor } from '../../web/urls.js';
import { html, type Html } from '../../web/html.js';
import { errorSummary, type SummaryItem } from '../../web/error-summary.js';
import { csrfField } from '../../web/layout.js';

/** The form's fields. */
export const IMPORT_FIELDS = Object.freeze({ file: 'file', mode: 'mode', confirm: 'confirm' } as const);
/** The value of the box that confirms a replace, like the clear page's `confirm=yes`. */
export const CONFIRM_REPLACE_VALUE = 'yes';
/** The ids of the form's controls, for the error summary's links. */
export const IMPORT_IDS = Object.freeze({
  file: 'import-file',
  mode: 'import-mode-append',
  confirm: 'import-confirm',
} as const);
export const IMPORT_MODES = ['append', 'replace'] as const;
export type ImportMode = (typeof IMPORT_MODES)[number];

/** Rows listed on the page at most; a file with more bad rows says how many were left out. */
export const MAX_LISTED_PROBLEMS = 50;

/** What the page shows: the chosen mode, and what was wrong (a message, or rows). */
export interface ImportFormState {
  readonly mode: ImportMode;
  readonly formError?: string | undefined;
  /** Which control {@link ImportFormState.formError} is about: its summary link goes there. */
  readonly formErrorField?: keyof typeof IMPORT_IDS | undefined;
  readonly problems?: readonly RowProblems[] | undefined;
  /** Set when checking stopped early (too many bad rows): the last row checked. */
  readonly stoppedAtRow?: number | undefined;
}

function problemList(problems: readonly RowProblems[], stoppedAtRow: number | undefined): Html {
  const listed = problems.slice(0, MAX_LISTED_PROBLEMS);
  const more = problems.length - listed.length;
  return html`<div class="import-problems" id="import-problems">
    <h2>Rows with a problem</h2>
    <ul>
      ${listed.map((p) => html`<li>Row ${p.row}: ${p.messages.join(' ')}</li>`)}
    </ul>
    ${more > 0 && html`<p>… and ${more} more ${more === 1 ? 'row' : 'rows'}.</p>`}
    ${stoppedAtRow !== undefined && html`<p>Checking stopped at row ${stoppedAtRow}, after ${problems.length} rows with a problem; the rows after it were not checked.</p>`}
  </div>`;
}

/** The import page. `maxKiB` is the upload limit, stated up front. */
export function importPage(state: ImportFormState, csrfToken: string, maxKiB: number): Html {
  const radio = (mode: ImportMode, label: string) =>
    html`<label class="choice"><input type="radio" id="import-mode-${mode}" name="${IMPORT_FIELDS.mode}" value="${mode}"${state.mode === mode && html` checked`} /> ${label}</label>`;
  const items: SummaryItem[] = [];
  if (state.formError !== undefined) {
    const field = state.formErrorField;
    items.push(
      field === undefined
        ? { message: state.formError }
        : { message: state.formError, fieldId: IMPORT_IDS[field] },
    );
  }
  if (state.problems !== undefined) {
    const n = state.problems.length;
    const rows =
      state.stoppedAtRow === undefined
        ? n === 1
          ? 'one row has'
          : `${n} rows have`
        : `at least ${n} rows have`;
    items.push({
      message: `Nothing was imported: ${rows} a problem. Correct the file and upload it again.`,
      fieldId: 'import-problems',
    });
  }
  return html`<section>
  <h1>Import a Portfolio</h1>
  ${errorSummary(items)}
  ${state.problems !== undefined && problemList(state.problems, state.stoppedAtRow)}
  <p>Upload a CSV file as <a href="${urlFor('export_stocks')}">Export CSV</a> writes it (at most ${maxKiB} KiB): the header
    <code>${LEDGER_CSV_COLUMNS.join(',')}</code>, then a row per buy, sell and current price. Files exported before
    sales existed (<code>symbol,shares,purchase_price,purchase_date</code>) still import, as buys. Every row is
    checked by the rules of the forms; if any row is wrong, nothing is imported.</p>
  <p>When added to yours, the file’s buys come after your holdings and its sells are matched to the oldest shares
    held on their date (yours included) unless a sell names its lots; its prices replace yours for those symbols.</p>
  <form method="post" action="${urlFor('import_stocks')}" enctype="multipart/form-data" class="stock-form">
    ${csrfField(csrfToken)}
    <div class="field">
      <label for="import-file">CSV file</label>
      <input id="${IMPORT_IDS.file}" name="${IMPORT_FIELDS.file}" type="file" accept=".csv,text/csv" required />
    </div>
    <fieldset class="field">
      <legend>What to do with the holdings you have</legend>
      ${radio('append', 'Keep them and add the file’s buys, sells and prices to them')}
      ${radio('replace', 'Replace them with the file’s holdings, sales and prices')}
      <label class="choice"><input type="checkbox" id="${IMPORT_IDS.confirm}" name="${IMPORT_FIELDS.confirm}" value="${CONFIRM_REPLACE_VALUE}" />
        To replace: yes, delete the holdings I have now, with their sales and prices (this cannot be undone)</label>
    </fieldset>
    <div class="actions">
      <button type="submit">Import</button>
      <a href="${urlFor('list_stocks')}">Cancel</a>
    </div>
  </form>
</section>`;
}
