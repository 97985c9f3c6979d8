import { describe, expect, it } from 'vitest';
import {
  FEE_FIELD,
  feeHints,
  feeMessages,
  parseFee,
  parseSaleForm,
  PICK_PREFIX,
  pickMessages,
  SALE_FIELD_NAMES,
  saleDateMessages,
  salePriceMessages,
} from './sale-rules.js';
import { EARLIEST_TRADE_DATE, sharesMessages, symbolMessages } from './stock-fields.js';

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

describe('the fee', () => {
  it.each([undefined, '', '   ', ' '.repeat(64)])('reads %j as no fee', (raw) => {
    expect(parseFee(raw)).toEqual({ ok: true, value: undefined });
  });

  it.each(['0', '0.00', '$0', '$ 0.0', '.0', '000'])('reads the zero %j as no fee', (raw) => {
    expect(parseFee(raw)).toEqual({ ok: true, value: undefined });
  });

  it.each([
    ['4.95', '4.95'],
    ['$4.95', '4.95'],
    ['  $1,234.50 ', '1234.5'],
    ['.5', '0.5'],
    ['0.0001', '0.0001'],
    ['1000000', '1000000'],
  ])('stores the fee %j as %j', (raw, stored) => {
    expect(parseFee(raw)).toEqual({ ok: true, value: stored });
  });

  it.each([
    ['$', feeMessages.invalid],
    ['abc', feeMessages.invalid],
    ['-1', feeMessages['not-positive']],
    ['+1', feeMessages['plus-sign']],
    ['1,2', feeMessages.separators],
    ['0.00001', feeMessages['too-many-decimals']],
    ['1000000.01', feeMessages['too-large']],
    [' '.repeat(65), 'Enter at most 64 characters.'],
  ])('refuses the fee %j with its message', (raw, message) => {
    expect(parseFee(raw)).toEqual({ ok: false, message });
  });

  it('refuses a fee that is not text, or was sent twice', () => {
    expect(parseFee(5)).toEqual({ ok: false, message: feeMessages.invalid });
    expect(parseFee(['1', '2'])).toMatchObject({ ok: false });
    expect(parseFee(['1', '2'])).not.toEqual({ ok: false, message: feeMessages.invalid });
  });

  it('has an HTML pattern that accepts what the server accepts, and refuses what it cannot read', () => {
    const pattern = new RegExp(`^(?:${feeHints.pattern})$`, 'v');
    for (const text of ['', '4.95', '$4.95', ' $ 1,234.50 ', '.5', '0', '12']) {
      expect(pattern.test(text), text).toBe(true);
      expect(parseFee(text).ok, text).toBe(true);
    }
    for (const text of ['-1', '+1', '1,2', 'abc', '1.2.3', '$$1', '01,000']) {
      expect(pattern.test(text), text).toBe(false);
      expect(parseFee(text).ok, text).toBe(false);
    }
    expect(feeHints.title).toBe(feeMessages.invalid);
    expect(feeHints.label).toBe('Fee ($, optional)');
  });

  it('says its limits in its messages', () => {
    expect(feeMessages['too-large']).toBe('Enter a fee of at most $1,000,000.');
    expect(feeMessages['too-many-decimals']).toBe('Use at most 4 decimal places.');
    expect(salePriceMessages['too-large']).toBe('Enter a price of at most $1,000,000.');
    expect(salePriceMessages['too-many-decimals']).toBe('Use at most 4 decimal places.');
  });
});

describe('the sell form', () => {
  it('reads a valid sale as canonical amounts, without fee or picks when there are none', () => {
    const result = parseSaleForm(
      { stock_symbol: ' aapl ', number_of_shares: '10.50', sale_price: '$1,310.00', sale_date: '2026-03-01' },
      BOUNDS,
    );
    expect(result).toEqual({
      ok: true,
      sale: { symbol: 'AAPL', shares: '10.5', price: '1310', date: '2026-03-01' },
    });
  });

  it('dates an empty or missing sale date today, and keeps a fee', () => {
    for (const sale_date of ['', '  ', undefined]) {
      const input: Record<string, unknown> = { ...valid, fee: '4.95' };
      if (sale_date === undefined) delete input['sale_date'];
      else input['sale_date'] = sale_date;
      expect(parseSaleForm(input, BOUNDS)).toEqual({
        ok: true,
        sale: { symbol: 'AAPL', shares: '10', price: '310', date: BOUNDS.today, fee: '4.95' },
      });
    }
  });

  it('leaves a zero fee out of the sale', () => {
    const result = parseSaleForm({ ...valid, fee: '0.00' }, BOUNDS);
    expect(result.ok && Object.hasOwn(result.sale, 'fee')).toBe(false);
    expect(result.ok).toBe(true);
  });

  it('gives one message per bad field and echoes what was typed', () => {
    const result = parseSaleForm(
      { stock_symbol: '', number_of_shares: '-2', sale_price: 'x', sale_date: '2026-13-01', fee: '+1' },
      BOUNDS,
    );
    expect(result).toEqual({
      ok: false,
      errors: {
        stock_symbol: symbolMessages.required,
        number_of_shares: sharesMessages['not-positive'],
        sale_price: salePriceMessages.invalid,
        sale_date: '2026-13-01 is not a date: 2026 has no month 13.',
        fee: feeMessages['plus-sign'],
      },
      values: {
        stock_symbol: '',
        number_of_shares: '-2',
        sale_price: 'x',
        sale_date: '2026-13-01',
        fee: '+1',
      },
    });
  });

  it('asks for each missing field, reads only the form’s own fields, and echoes non-text as empty', () => {
    const inherited = Object.create({
      stock_symbol: 'AAPL',
      number_of_shares: '1',
      sale_price: '1',
    }) as Record<string, unknown>;
    const result = parseSaleForm(inherited, BOUNDS);
    expect(result).toEqual({
      ok: false,
      errors: {
        stock_symbol: symbolMessages.required,
        number_of_shares: sharesMessages.required,
        sale_price: salePriceMessages.required,
      },
      values: { stock_symbol: '', number_of_shares: '', sale_price: '', sale_date: '', fee: '' },
    });
    const arrays = parseSaleForm({ ...valid, sale_price: ['1', '2'] }, BOUNDS);
    expect(!arrays.ok && arrays.values['sale_price']).toBe('');
    expect(!arrays.ok && Object.keys(arrays.errors)).toEqual(['sale_price']);
  });

  it('keeps picked lots in lot order, skips empty picks, and ignores fields that are not lot ids', () => {
    const result = parseSaleForm(
      {
        ...valid,
        pick_12: '2',
        pick_3: ' 1.50 ',
        pick_7: '   ',
        pick_0: '1',
        pick_01: '1',
        pick_x: '1',
        'pick_-1': '1',
        pick_12345678901234567: '1',
        pick_: '1',
        picks_4: '1',
      },
      BOUNDS,
    );
    expect(result).toEqual({
      ok: true,
      sale: {
        symbol: 'AAPL',
        shares: '10',
        price: '310',
        date: '2026-03-01',
        picks: [
          { lotId: 3, shares: '1.5' },
          { lotId: 12, shares: '2' },
        ],
      },
    });
  });

  it('takes the largest safe lot id and refuses one beyond it', () => {
    const safe = parseSaleForm({ ...valid, pick_9007199254740991: '1' }, BOUNDS);
    expect(safe.ok && safe.sale.picks).toEqual([{ lotId: 9007199254740991, shares: '1' }]);
    const unsafe = parseSaleForm({ ...valid, pick_9007199254740992: '1' }, BOUNDS);
    expect(unsafe.ok && unsafe.sale.picks).toBeUndefined();
    expect(unsafe.ok).toBe(true);
  });

  it('refuses a bad pick under its own field, echoing every pick as typed', () => {
    const result = parseSaleForm(
      { ...valid, pick_4: '0', pick_5: '1', pick_6: '', pick_8: ['1', '1'] },
      BOUNDS,
    );
    expect(result).toEqual({
      ok: false,
      errors: { pick_4: pickMessages['not-positive'], pick_8: expect.any(String) as string },
      values: { ...valid, fee: '', pick_4: '0', pick_5: '1', pick_6: '', pick_8: '' },
    });
    expect(pickMessages.required).toBe('Enter the shares to sell from this lot, or leave it empty.');
    expect(pickMessages.invalid).toBe(sharesMessages.invalid);
  });

  it('names its fields as the add form does', () => {
    expect(SALE_FIELD_NAMES).toEqual(['stock_symbol', 'number_of_shares', 'sale_price', 'sale_date', 'fee']);
    expect(FEE_FIELD).toBe('fee');
    expect(PICK_PREFIX).toBe('pick_');
  });
});
