/**
 * The portfolio as a CSV file, out and in. Export is a plain GET of a `.csv` URL; import is a
 * multipart upload, all or nothing: every row is checked by the add-stock form's rules first
 * (`forms/import.ts`), and the holdings are saved in one `store.update`, appended to the holdings
 * read inside it or replacing them, as the visitor chose.
 * @module
 */
import type { Context, Hono } from 'hono';
import type { AppEnv, FeatureDeps } from '../../web/context.js';
import { setImmediate } from 'node:timers/promises';
import { checkPortfolioCsvInSlices, type RowProblem } from '../../domain/csv-import.js';
import { purchaseDateBounds } from '../../domain/stock-fields.js';
import { utcDate } from '../../domain/dates.js';
import { countDataRows, portfolioCsv } from '../../domain/csv.js';
import { readHoldings, writeHoldings } from '../../session/portfolio.js';
import { cannotFit } from '../../session/import-room.js';
import { ServerSessionStore, SessionTooLarge } from 'flask-session-ts';
import type { SessionType } from '../../platform/config.js';
import { STORAGE_WORDS } from '../../session/storage.js';
import {
  CONFIRM_REPLACE_VALUE,
  IMPORT_FIELDS,
  IMPORT_MODES,
  importPage,
  type ImportFormState,
  type ImportMode,
} from './view.js';
import { errorPage } from '../../web/error-page.js';
import { renderPage } from '../../web/render.js';
import { readForm, textField } from '../../web/form-body.js';
import { honoPaths, urlFor } from '../../web/urls.js';
import { redirect, respond } from '../../web/response.js';

/** The import page's title (with "Error: " before it after a refused file). */
export const IMPORT_TITLE = 'Import a portfolio';

/** The largest CSV file, in bytes (the file's own size): some 30,000 rows, far more than any cookie holds. */
export const MAX_IMPORT_BYTES = 1024 * 1024;

/**
 * Room in the upload's body beyond the file: multipart boundaries, part headers, the file name and
 * the other fields (mode, confirm, token). The body limit is the file's plus this, and the file
 * itself is measured after parsing, so a file of exactly {@link MAX_IMPORT_BYTES} is accepted.
 */
export const MULTIPART_ALLOWANCE_BYTES = 16 * 1024;

/** What a file over {@link MAX_IMPORT_BYTES} is told, by the body limit or by the handler. */
export const FILE_TOO_LARGE = Object.freeze({
  heading: 'File Too Large',
  message: `A CSV file to import can be at most ${MAX_IMPORT_BYTES / 1024 / 1024} MiB. Nothing was imported.`,
});

/** Messages of the import flow, defined once for the handler and the tests. */
export const importFlowMessages = Object.freeze({
  noFile: 'Choose a CSV file to import.',
  notText: 'The file is not UTF-8 text. Save it from your spreadsheet as "CSV UTF-8" and try again.',
  mode: 'Choose whether to add the file’s holdings to yours or replace yours with them.',
  confirmReplace:
    'To replace your holdings with the file’s, tick the box that confirms it: replacing deletes the holdings you have now.',
  /** Said where the limit is: the cookie, or the server store's cap (`SESSION_TYPE`). */
  tooLarge: (count: number, storage: SessionType = 'cookie', limitBytes = 0) =>
    STORAGE_WORDS[storage].importFull(count, limitBytes),
  done: (count: number, mode: ImportMode) =>
    `Imported ${count} ${count === 1 ? 'holding' : 'holdings'}${mode === 'replace' ? ', replacing the ones you had' : ''}.`,
});

/** `portfolio-YYYY-MM-DD.csv`, dated by the app's clock (UTC). */
export function exportFilename(epochMs: number): string {
  return `portfolio-${utcDate(epochMs)}.csv`;
}

function isMode(value: string | undefined): value is ImportMode {
  return (IMPORT_MODES as readonly (string | undefined)[]).includes(value);
}

/** Registers `export_stocks` and `import_stocks` on `app`. */
export function registerExport(
  app: Hono<AppEnv>,
  { store, now, logger }: Pick<FeatureDeps, 'store' | 'now' | 'logger'>,
): void {
  app.get(honoPaths.export_stocks, (c) => {
    const holdings = readHoldings(c.get('session'));
    return respond(c, portfolioCsv(holdings), 200, {
      'Content-Type': 'text/csv; charset=utf-8',
      // The name is ours (digits and dashes), so it needs no RFC 6266 escaping.
      'Content-Disposition': `attachment; filename="${exportFilename(now())}"`,
    });
  });

  const render = (
    c: Context<AppEnv>,
    status: 200 | 422,
    state: ImportFormState & { problems?: readonly RowProblem[] },
  ) =>
    renderPage(c, { title: status === 200 ? IMPORT_TITLE : `Error: ${IMPORT_TITLE}`, status }, (page) =>
      importPage(state, page.csrfToken ?? '', MAX_IMPORT_BYTES / 1024),
    );

  app.get(honoPaths.import_stocks, (c) => render(c, 200, { mode: 'append' }));

  app.post(honoPaths.import_stocks, async (c) => {
    const form = await readForm(c);
    const rawMode = textField(form, IMPORT_FIELDS.mode);
    const mode: ImportMode = isMode(rawMode) ? rawMode : 'append';
    if (!isMode(rawMode)) {
      return render(c, 422, { mode, formError: importFlowMessages.mode, formErrorField: 'mode' });
    }
    // Replacing deletes what the visitor has: asked for explicitly, like clearing.
    if (mode === 'replace' && textField(form, IMPORT_FIELDS.confirm) !== CONFIRM_REPLACE_VALUE) {
      return render(c, 422, {
        mode,
        formError: importFlowMessages.confirmReplace,
        formErrorField: 'confirm',
      });
    }
    const file = Object.hasOwn(form, IMPORT_FIELDS.file) ? form[IMPORT_FIELDS.file] : undefined;
    if (!(file instanceof File) || file.size === 0) {
      return render(c, 422, { mode, formError: importFlowMessages.noFile, formErrorField: 'file' });
    }
    if (file.size > MAX_IMPORT_BYTES) {
      const { heading, message } = FILE_TOO_LARGE;
      return renderPage(c, { title: heading, status: 413, readOnly: true }, () =>
        errorPage(heading, message),
      );
    }
    let text: string;
    try {
      text = new TextDecoder('utf-8', { fatal: true }).decode(await file.arrayBuffer());
    } catch (error) {
      if (!(error instanceof TypeError)) throw error;
      return render(c, 422, { mode, formError: importFlowMessages.notText, formErrorField: 'file' });
    }
    // Weighed before it is read: a file with more rows than could ever fit is refused at once
    // (one pass over the text, ~10 ms for 1 MiB), not after every row has been checked.
    const rows = countDataRows(text);
    const kept = mode === 'append' ? readHoldings(c.get('session')) : [];
    if (cannotFit(store, c.get('session'), kept, rows)) {
      const capBytes = store instanceof ServerSessionStore ? store.maxSessionBytes : 0;
      const formError = importFlowMessages.tooLarge(kept.length + rows, c.get('storage'), capBytes);
      return render(c, 422, { mode, formError });
    }
    logger.debug(`import: checking ${rows} rows (${text.length} characters)`);
    // Checked in slices, so other visitors are answered while a large file is read.
    const result = await checkPortfolioCsvInSlices(text, purchaseDateBounds(now()), () => setImmediate());
    if (!result.ok) {
      return render(c, 422, { mode, problems: result.problems, stoppedAtRow: result.stoppedAtRow });
    }

    let total = result.holdings.length;
    try {
      await store.update(c.get('session'), (session) => {
        const kept = mode === 'append' ? readHoldings(session) : [];
        total = kept.length + result.holdings.length;
        writeHoldings(session, [...kept, ...result.holdings], { replace: mode === 'replace' });
        // The replaced holdings are gone for good: an undo would put one back among the new ones.
        if (mode === 'replace') session.delete('undo');
        session.flash('success', importFlowMessages.done(result.holdings.length, mode));
      });
    } catch (error) {
      if (!(error instanceof SessionTooLarge)) throw error;
      return render(c, 422, {
        mode,
        formError: importFlowMessages.tooLarge(total, c.get('storage'), error.limitBytes),
      });
    }
    return redirect(c, urlFor('list_stocks'), 302);
  });
}
