import { describe, expect, it } from 'vitest';
import { parseSaleForm, saleDateMessages } from './sale-rules.js';
import { EARLIEST_TRADE_DATE, symbolMessages } from './stock-fields.js';

/** The app's clock, fixed: an empty date is 2026-12-01; 2026-12-02 has begun east of UTC. */
const BOUNDS = { today: '2026-12-01', latest: '2026-12-02' } as const;
const valid = { stock_symbol: 'AAPL', number_of_shares: '10', sale_price: '310', sale_date: '2026-03-01' };

function errors(fields: Record<string, string>): Readonly<Record<string, string>> {
  const result = parseSaleForm({ ...valid, ...fields }, BOUNDS);
  return result.ok ? {} : result.errors;
}

describe('the sale date', () => {
  it.each([
    ['2024-02-30', '2024-02-30 is not a date: February 2024 has 29 days.'],
    ['2023-13-01', '2023-13-01 is not a date: 2023 has no month 13.'],
    ['2026-06-31', '2026-06-31 is not a date: June 2026 has 30 days.'],
  ])('says what is wrong with the impossible day %j', (sale_date, message) => {
    expect(errors({ sale_date })).toEqual({ sale_date: message });
  });

  it('keeps the format message for text that is not YYYY-MM-DD', () => {
    expect(errors({ sale_date: '03/01/2026' })).toEqual({ sale_date: saleDateMessages.invalid });
  });

  it(`refuses a sale before ${EARLIEST_TRADE_DATE}, in its own words, and accepts that day`, () => {
    expect(saleDateMessages.tooEarly).toBe(
      'Enter a sale date on or after 1900-01-01: earlier dates are not accepted.',
    );
    for (const sale_date of ['1899-12-31', '1800-01-01', '0999-01-01']) {
      expect(errors({ sale_date }), sale_date).toEqual({ sale_date: saleDateMessages.tooEarly });
    }
    const result = parseSaleForm({ ...valid, sale_date: '1900-01-01' }, BOUNDS);
    expect(result.ok && result.sale.date).toBe('1900-01-01');
  });

  it('still refuses a day in the future', () => {
    expect(errors({ sale_date: '2026-12-03' })).toEqual({ sale_date: saleDateMessages.future });
  });
});

describe('the sale symbol', () => {
  it('takes a digit code as the add form does, and refuses a short one with the same message', () => {
    const result = parseSaleForm({ ...valid, stock_symbol: '0700' }, BOUNDS);
    expect(result.ok && result.sale.symbol).toBe('0700');
    expect(errors({ stock_symbol: '700' })).toEqual({ stock_symbol: symbolMessages['no-letter'] });
  });
});
