/**
 * The portfolio as a CSV file, out and in (version 2: buys, sells and current prices, see
 * `domain/ledger-csv.ts`; version 1 files still import, as buys). Export is a plain GET of a
 * `.csv` URL; import is a multipart upload, all or nothing: every row is checked first, in slices
 * (`checkLedgerCsv`), then the records are applied in one `store.update` to the ledger read inside
 * it (so a server store re-runs it on fresher data, never losing another tab's change), added to
 * the visitor's or replacing them, as the visitor chose.
 *
 * Adding to the visitor's: the file's buys come after theirs (new ids), its sells are matched
 * first in, first out over the combined lots on their dates unless a sell names the file's lots in
 * `sold_from`, and a sell of more than was held is refused ("only N shares were held"); the
 * visitor's recorded sales never change. Its prices replace the visitor's for those symbols.
 *
 * An import is not undone by Undo: replacing is confirmed up front, and after either kind the
 * previous change's undo is dropped, since "Undo" would then revert that change, not the import.
 * @module
 */
import type { Context, Hono } from 'hono';
import type { AppEnv, FeatureDeps } from '../../web/context.js';
import { setImmediate } from 'node:timers/promises';
import { purchaseDateBounds } from '../../domain/stock-fields.js';
import { utcDate } from '../../domain/dates.js';
import { clearLedger } from '../../domain/ledger-changes.js';
import type { Ledger } from '../../domain/ledger.js';
import type { CsvFileProblem, CsvProblem, CsvRecords } from '../../domain/ledger-csv.js';
import { applyCsvRecords, type ApplyResult } from '../../domain/ledger-csv-apply.js';
import { checkLedgerCsv } from '../../domain/ledger-csv-check.js';
import { leastStoredRecords } from '../../domain/ledger-csv-count.js';
import { ledgerCsv } from '../../domain/ledger-csv-export.js';
import type { PriceBook } from '../../domain/price-book.js';
import { readLedger, readPriceBook, writeLedger, writePriceBook } from '../../session/ledger.js';
import type { AppSession } from '../../session/data.js';
import { cannotFit } from '../../session/import-room.js';
import { csvFileMessages, fileProblemMessage, groupProblems, type RowProblems } from './messages.js';
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
  /** A chosen file of 0 bytes (one with only a header is `csvFileMessages.noRows`). */
  emptyFile: csvFileMessages.empty,
  notText: 'The file is not UTF-8 text. Save it from your spreadsheet as "CSV UTF-8" and try again.',
  mode: 'Choose whether to add the file’s buys, sells and prices to yours or replace yours with them.',
  confirmReplace:
    'To replace your holdings with the file’s, tick the box that confirms it: replacing deletes the holdings, sales and prices you have now.',
  /** Said where the limit is: the cookie, or the server store's cap (`SESSION_TYPE`). */
  tooLarge: (count: number, storage: SessionType = 'cookie', limitBytes = 0) =>
    STORAGE_WORDS[storage].importFull(count, limitBytes),
  done: (counts: ImportCounts, mode: ImportMode) =>
    `Imported ${listCounts(counts)}${mode === 'replace' ? ', replacing the ones you had' : ''}.`,
});

/** What an import brought in. */
export interface ImportCounts {
  readonly buys: number;
  readonly sells: number;
  readonly prices: number;
}

const plural = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;

/** "2 holdings, 1 sale and 3 current prices", leaving out sales and prices the file had none of. */
function listCounts({ buys, sells, prices }: ImportCounts): string {
  const parts = [plural(buys, 'holding', 'holdings')];
  if (sells > 0) parts.push(plural(sells, 'sale', 'sales'));
  if (prices > 0) parts.push(plural(prices, 'current price', 'current prices'));
  const last = parts.pop() ?? '';
  return parts.length === 0 ? last : `${parts.join(', ')} and ${last}`;
}

/** Whether `problems` is one problem with the file as a whole (not a row's): said as one message. */
function wholeFileProblem(problems: readonly CsvProblem[]): CsvFileProblem | undefined {
  const [first] = problems;
  return problems.length === 1 && first !== undefined && first.kind !== 'row' && first.kind !== 'syntax'
    ? first
    : undefined;
}

/** The ledger and prices a file's records are added to: the visitor's, or none for a replace. */
function importBase(session: AppSession, mode: ImportMode): { ledger: Ledger; book: PriceBook } {
  const ledger = readLedger(session);
  // A replace keeps next_id, so no id is reused and stale pages stay stale (as clearing does).
  return mode === 'append'
    ? { ledger, book: readPriceBook(session) }
    : { ledger: clearLedger(ledger), book: new Map() };
}

/** Rows checked between two turns of the event loop. */
const CHECK_SLICE_ROWS = 1000;
/** Problems kept of a refused file: every problem of the rows checked (at most 100 rows). */
const MAX_KEPT_PROBLEMS = 2000;

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
    const session = c.get('session');
    return respond(c, ledgerCsv(readLedger(session), readPriceBook(session)), 200, {
      'Content-Type': 'text/csv; charset=utf-8',
      // The name is ours (digits and dashes), so it needs no RFC 6266 escaping.
      'Content-Disposition': `attachment; filename="${exportFilename(now())}"`,
    });
  });

  const render = (
    c: Context<AppEnv>,
    status: 200 | 422,
    state: ImportFormState & { problems?: readonly RowProblems[] },
  ) =>
    renderPage(c, { title: status === 200 ? IMPORT_TITLE : `Error: ${IMPORT_TITLE}`, status }, (page) =>
      importPage(state, page.csrfToken ?? '', MAX_IMPORT_BYTES / 1024),
    );

  /** A refused file: one message for the file as a whole, else its rows and their problems. */
  const refuse = (
    c: Context<AppEnv>,
    mode: ImportMode,
    problems: readonly CsvProblem[],
    stoppedAtRow: number | undefined,
  ) => {
    const whole = wholeFileProblem(problems);
    if (whole !== undefined) {
      return render(c, 422, { mode, formError: fileProblemMessage(whole), formErrorField: 'file' });
    }
    return render(c, 422, { mode, problems: groupProblems(problems), stoppedAtRow });
  };

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
    // A browser sends an empty part with no name when no file was chosen.
    if (!(file instanceof File) || (file.size === 0 && file.name === '')) {
      return render(c, 422, { mode, formError: importFlowMessages.noFile, formErrorField: 'file' });
    }
    if (file.size === 0) {
      return render(c, 422, { mode, formError: importFlowMessages.emptyFile, formErrorField: 'file' });
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
    // Weighed before it is read: a file with more records than could ever fit is refused at once
    // (one pass over the text, ~10 ms for 1 MiB), not after every row has been checked.
    const base = importBase(c.get('session'), mode);
    const held = new Set(base.ledger.lots.map((lot) => lot.symbol)).size;
    const least = leastStoredRecords(text, held);
    if (cannotFit(store, c.get('session'), base.ledger, base.book, least)) {
      const capBytes = store instanceof ServerSessionStore ? store.maxSessionBytes : 0;
      const count = base.ledger.lots.length + base.ledger.sales.length + least;
      return render(c, 422, {
        mode,
        formError: importFlowMessages.tooLarge(count, c.get('storage'), capBytes),
      });
    }
    logger.debug(`import: checking ${least} records (${text.length} characters)`);
    // Checked in slices, so other visitors are answered while a large file is read.
    const check = checkLedgerCsv(text, {
      // The forms' floor too: a file cannot bring in a date the add form would refuse.
      dates: purchaseDateBounds(now()),
      sliceRows: CHECK_SLICE_ROWS,
      maxProblems: MAX_KEPT_PROBLEMS,
    });
    let step = check.next();
    while (step.done !== true) {
      await setImmediate();
      step = check.next();
    }
    const checked = step.value;
    if (!checked.ok) return refuse(c, mode, checked.problems, checked.stoppedAtRow);
    const records: CsvRecords = checked.records;

    // Set by the change, which a server-side store may re-run: the last run's outcome counts.
    let applied: ApplyResult | undefined;
    try {
      await store.update(c.get('session'), (session) => {
        const { ledger, book } = importBase(session, mode);
        applied = applyCsvRecords(ledger, book, records);
        if (!applied.ok) return;
        writeLedger(session, applied.ledger);
        writePriceBook(session, applied.book);
        session.delete('undo');
        session.flash('success', importFlowMessages.done(applied.counts, mode));
      });
    } catch (error) {
      if (!(error instanceof SessionTooLarge)) throw error;
      const total = applied?.ok === true ? applied.ledger.lots.length + applied.ledger.sales.length : 0;
      return render(c, 422, {
        mode,
        formError: importFlowMessages.tooLarge(total, c.get('storage'), error.limitBytes),
      });
    }
    if (applied?.ok === false) return refuse(c, mode, applied.problems, undefined);
    return redirect(c, urlFor('list_stocks'), 302);
  });
}
