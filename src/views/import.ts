/**
 * The import page: a CSV file, append or replace, and after a refused file the rows at fault.
 * @module
 */
import type { RowProblem } from '../forms/import.js';
import { CSV_COLUMNS } from '../portfolio/csv.js';
import { urlFor } from '../routes/names.js';
import { html, type Html } from './html.js';
import { csrfField } from './layout.js';

/** The form's fields. */
export const IMPORT_FIELDS = Object.freeze({ file: 'file', mode: 'mode' } as const);
export const IMPORT_MODES = ['append', 'replace'] as const;
export type ImportMode = (typeof IMPORT_MODES)[number];

/** Rows listed on the page at most; a file with more bad rows says how many were left out. */
export const MAX_LISTED_PROBLEMS = 50;

/** What the page shows: the chosen mode, and what was wrong (a message, or rows). */
export interface ImportFormState {
  readonly mode: ImportMode;
  readonly formError?: string | undefined;
  readonly problems?: readonly RowProblem[] | undefined;
}

function problemList(problems: readonly RowProblem[]): Html {
  const listed = problems.slice(0, MAX_LISTED_PROBLEMS);
  const more = problems.length - listed.length;
  return html`<div class="form-error" role="alert" id="import-problems">
    <p>Nothing was imported: ${problems.length === 1 ? 'one row has' : `${problems.length} rows have`} a problem. Correct the file and upload it again.</p>
    <ul>
      ${listed.map((p) => html`<li>Row ${p.row}: ${p.messages.join(' ')}</li>`)}
    </ul>
    ${more > 0 && html`<p>… and ${more} more ${more === 1 ? 'row' : 'rows'}.</p>`}
  </div>`;
}

/** The import page. `maxKiB` is the upload limit, stated up front. */
export function importPage(state: ImportFormState, csrfToken: string, maxKiB: number): Html {
  const radio = (mode: ImportMode, label: string) =>
    html`<label class="choice"><input type="radio" name="${IMPORT_FIELDS.mode}" value="${mode}"${state.mode === mode && html` checked`} /> ${label}</label>`;
  return html`<section>
  <h1>Import a Portfolio</h1>
  ${state.formError !== undefined && html`<p class="form-error" role="alert">${state.formError}</p>`}
  ${state.problems !== undefined && problemList(state.problems)}
  <p>Upload a CSV file with the header <code>${CSV_COLUMNS.join(',')}</code>, as <a href="${urlFor('export_stocks')}">Export CSV</a>
    writes it (at most ${maxKiB} KiB). Every row is checked by the rules of the add-stock form; if any row is wrong,
    nothing is imported.</p>
  <form method="post" action="${urlFor('import_stocks')}" enctype="multipart/form-data" class="stock-form">
    ${csrfField(csrfToken)}
    <div class="field">
      <label for="import-file">CSV file</label>
      <input id="import-file" name="${IMPORT_FIELDS.file}" type="file" accept=".csv,text/csv" required />
    </div>
    <fieldset class="field">
      <legend>What to do with the holdings you have</legend>
      ${radio('append', 'Keep them and add the file’s holdings after them')}
      ${radio('replace', 'Replace them with the file’s holdings')}
    </fieldset>
    <div class="actions">
      <button type="submit">Import</button>
      <a href="${urlFor('list_stocks')}">Cancel</a>
    </div>
  </form>
</section>`;
}
