/**
 * The stock form's fields and error summary, shared by the add-stock page (feature `stocks`) and
 * the edit page (feature `edit`): one set of inputs, one set of rules (`domain/stock-rules.ts`).
 * @module
 */
import { FIELD_NAMES, MAX_INPUT_LENGTH, stockFields, type FieldName } from '../domain/stock-fields.js';
import { FEE_FIELD, feeHints } from '../domain/sale-rules.js';
import { errorSummary, type SummaryItem } from './error-summary.js';
import { html, type Html } from './html.js';

/** What the form shows: entered values, a message per bad field, and a message for the whole form. */
export interface StockFormState {
  readonly values: Readonly<Record<FieldName, string>>;
  readonly errors: Readonly<Partial<Record<FieldName, string>>>;
  readonly formError?: string | undefined;
}

export const EMPTY_FORM: StockFormState = Object.freeze({
  values: Object.freeze({ stock_symbol: '', number_of_shares: '', purchase_price: '', purchase_date: '' }),
  errors: Object.freeze({}),
});

/** Whether the form was refused: its page title then starts with "Error: ". */
export function formHasErrors(form: StockFormState): boolean {
  return form.formError !== undefined || FIELD_NAMES.some((name) => form.errors[name] !== undefined);
}

/**
 * The error summary of a stock form (add or edit): the form-wide problem first, then one per field
 * (the fee's last, when the form has one).
 */
export function stockFormSummary(form: StockFormState, feeError?: string): Html | undefined {
  const items: SummaryItem[] = FIELD_NAMES.flatMap((name) => {
    const message = form.errors[name];
    return message === undefined ? [] : [{ message, fieldId: name }];
  });
  if (feeError !== undefined) items.push({ message: feeError, fieldId: FEE_FIELD });
  if (form.formError !== undefined) items.unshift({ message: form.formError });
  return errorSummary(items);
}

/**
 * One input with its label and message. `latestDate` is the date input's `max` (the browser's
 * first check; the server decides), so the picker offers no day in the future.
 */
function formField(name: FieldName, value: string, error: string | undefined, latestDate: string): Html {
  const field = stockFields[name];
  const errorId = `${name}-error`;
  const invalid = error !== undefined;
  return html`<div class="${invalid ? 'field invalid' : 'field'}">
      <label for="${name}">${field.label}</label>
      <input id="${name}" name="${name}" type="${field.type}" value="${value}"${field.required && html` required`} pattern="${field.pattern}"
        title="${field.title}" maxlength="${field.maxLength}" inputmode="${field.inputMode}"
        autocapitalize="${field.autoCapitalize}" autocomplete="off" placeholder="${field.placeholder}"${
          field.type === 'date' && html` max="${latestDate}"`
        }${invalid && html` aria-invalid="true" aria-describedby="${errorId}"`} />
      ${invalid && html`<p class="field-error" id="${errorId}">${error}</p>`}
    </div>`;
}

/**
 * The optional fee field (add and sell forms): dollars, zero or empty for none.
 * @param id the input's id (default its name, `fee`).
 */
export function feeField(value: string, error: string | undefined, id: string = FEE_FIELD): Html {
  const errorId = `${id}-error`;
  const invalid = error !== undefined;
  return html`<div class="${invalid ? 'field invalid' : 'field'}">
      <label for="${id}">${feeHints.label}</label>
      <input id="${id}" name="${FEE_FIELD}" type="text" value="${value}" pattern="${feeHints.pattern}"
        title="${feeHints.title}" maxlength="${MAX_INPUT_LENGTH}" inputmode="decimal"
        autocapitalize="off" autocomplete="off" placeholder="${feeHints.placeholder}"${
          invalid && html` aria-invalid="true" aria-describedby="${errorId}"`
        } />
      ${invalid && html`<p class="field-error" id="${errorId}">${error}</p>`}
    </div>`;
}

/** Every field of the add-stock form, shared by the edit form: one set of inputs, one set of rules. */
export function stockFormFields(form: StockFormState, latestDate: string): Html[] {
  return FIELD_NAMES.map((name) => formField(name, form.values[name], form.errors[name], latestDate));
}
