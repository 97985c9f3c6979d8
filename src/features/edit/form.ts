/**
 * The edit form: the add-stock form's fields and rules, plus the fee, posted to the lot's own URL
 * (`/lots/:lot_id/edit`). The lot's id names it for good (`domain/ledger.ts`), so an edit lands on
 * that lot wherever another tab moved it, and on none when another tab removed it.
 *
 * A correction that changes recorded sales' realized gain (the price, fee or date of a sold lot)
 * is asked about first: the form comes back with each sale's gain before and after and a box to
 * tick ({@link CONFIRM_FIELD}).
 * @module
 */

/** The box that confirms a change to recorded sales' realized gain. */
export const CONFIRM_FIELD = 'confirm_realized';
export const CONFIRM_VALUE = 'yes';
