import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

import { decimal, formatPrice, formatQuantity } from './decimal.js';
import { parseStockForm, parseTradeDate } from './stock-rules.js';
import {
  dateMessages,
  EARLIEST_TRADE_DATE,
  FIELD_NAMES,
  inputMessages,
  MAX_INPUT_LENGTH,
  priceMessages,
  purchaseDateBounds,
  sharesMessages,
  stockFields,
  symbolMessages,
  type FieldName,
} from './stock-fields.js';

const valid = { stock_symbol: 'AAPL', number_of_shares: '15', purchase_price: '302.17' } as const;

/** The app's clock, fixed: an empty date is 2026-12-01; 2026-12-02 has begun east of UTC. */
const BOUNDS = { today: '2026-12-01', latest: '2026-12-02' } as const;

/** The error for `field` when only that field is replaced in an otherwise valid form. */
function errorFor(field: FieldName, value: unknown): string | undefined {
  const result = parseStockForm({ ...valid, [field]: value }, BOUNDS);
  return result.ok ? undefined : result.errors[field];
}

/** The stored value for `field` when only that field is replaced in an otherwise valid form. */
function accepted(field: FieldName, value: string): string {
  const result = parseStockForm({ ...valid, [field]: value }, BOUNDS);
  if (!result.ok)
    throw new Error(`${field}=${JSON.stringify(value)} was rejected: ${JSON.stringify(result.errors)}`);
  const key = (
    {
      stock_symbol: 'symbol',
      number_of_shares: 'shares',
      purchase_price: 'price',
      purchase_date: 'date',
    } as const
  )[field];
  return result.holding[key] ?? '';
}

describe('parseStockForm', () => {
  it('turns a valid form into a canonical holding', () => {
    const result = parseStockForm(
      {
        stock_symbol: ' brk.b ',
        number_of_shares: '1,000',
        purchase_price: '$1,234.50',
      },
      BOUNDS,
    );
    expect(result).toEqual({
      ok: true,
      holding: { symbol: 'BRK.B', shares: '1000', price: '1234.5', date: BOUNDS.today },
    });
  });

  it('ignores fields it does not know, such as a CSRF token', () => {
    expect(parseStockForm({ ...valid, csrf_token: 'x' }, BOUNDS)).toEqual({
      ok: true,
      holding: { symbol: 'AAPL', shares: '15', price: '302.17', date: BOUNDS.today },
    });
  });

  it('reports every invalid field at once and gives back what was entered', () => {
    const result = parseStockForm(
      {
        stock_symbol: 'AAPL!',
        number_of_shares: ' 0 ',
        purchase_price: '302.17',
      },
      BOUNDS,
    );
    expect(result).toEqual({
      ok: false,
      errors: { stock_symbol: symbolMessages.invalid, number_of_shares: sharesMessages['not-positive'] },
      values: { stock_symbol: 'AAPL!', number_of_shares: ' 0 ', purchase_price: '302.17', purchase_date: '' },
    });
  });

  it('asks for each missing field and re-fills it with an empty string', () => {
    expect(parseStockForm({}, BOUNDS)).toEqual({
      ok: false,
      errors: {
        stock_symbol: symbolMessages.required,
        number_of_shares: sharesMessages.required,
        purchase_price: priceMessages.required,
      },
      values: { stock_symbol: '', number_of_shares: '', purchase_price: '', purchase_date: '' },
    });
  });

  it('treats a blank or whitespace-only field as missing', () => {
    expect(errorFor('stock_symbol', '')).toBe(symbolMessages.required);
    expect(errorFor('stock_symbol', ' \t ')).toBe(symbolMessages.required);
    expect(errorFor('purchase_price', '   ')).toBe(priceMessages.required);
  });

  it('asks for one value when a field is sent twice, and re-fills it with an empty string', () => {
    const result = parseStockForm({ ...valid, number_of_shares: ['1', '2'] }, BOUNDS);
    expect(result).toMatchObject({
      ok: false,
      errors: { number_of_shares: inputMessages.repeated },
      values: { number_of_shares: '' },
    });
  });

  it('rejects a value that is not text, such as an uploaded file', () => {
    expect(errorFor('stock_symbol', new File(['AAPL'], 'a.txt'))).toBe(symbolMessages.invalid);
    expect(errorFor('number_of_shares', 15)).toBe(sharesMessages.invalid);
  });

  it(`refuses input longer than ${MAX_INPUT_LENGTH} characters before trimming or parsing it`, () => {
    for (const field of FIELD_NAMES) {
      expect(errorFor(field, ' '.repeat(MAX_INPUT_LENGTH) + '1'), field).toBe(inputMessages.tooLong);
    }
    expect(accepted('number_of_shares', ' '.repeat(MAX_INPUT_LENGTH - 2) + '15')).toBe('15');
  });

  it('refuses control, NUL and invisible formatting characters inside a value', () => {
    for (const value of ['AA\u0000PL', 'AA\u007fPL', 'AA\u0085PL', 'AAPL\u200b', '\u202eLPAA']) {
      expect(errorFor('stock_symbol', value), JSON.stringify(value)).toBe(inputMessages.control);
    }
    expect(errorFor('number_of_shares', '1\u00002')).toBe(inputMessages.control);
  });

  it('trims line breaks and tabs around a value instead of refusing them', () => {
    expect(accepted('stock_symbol', '\taapl\r\n')).toBe('AAPL');
  });

  it('reads back every quantity and price exactly as the app displays them', () => {
    const amount = (max: bigint) =>
      fc
        .tuple(fc.bigInt({ min: 1n, max: max * 10_000n }), fc.integer({ min: 0, max: 4 }))
        .map(([units, scale]) => decimal(units / 10n ** BigInt(4 - scale), scale))
        .filter((value) => value.units > 0n);
    fc.assert(
      fc.property(amount(1_000_000_000n), amount(1_000_000n), (shares, price) => {
        const result = parseStockForm(
          {
            stock_symbol: 'AAPL',
            number_of_shares: formatQuantity(shares),
            purchase_price: formatPrice(price),
          },
          BOUNDS,
        );
        expect(result.ok).toBe(true);
      }),
    );
  });
});

describe('purchase date', () => {
  it('is today when left empty, blank or out of the form', () => {
    expect(accepted('purchase_date', '')).toBe(BOUNDS.today);
    expect(accepted('purchase_date', '  ')).toBe(BOUNDS.today);
    const result = parseStockForm(valid, BOUNDS);
    expect(result.ok && result.holding.date).toBe(BOUNDS.today);
  });

  it('accepts a real past day, and the latest day that has begun somewhere', () => {
    expect(accepted('purchase_date', '2024-02-29')).toBe('2024-02-29');
    expect(accepted('purchase_date', ' 2026-12-02 ')).toBe('2026-12-02');
  });

  it('refuses a day in the future', () => {
    expect(errorFor('purchase_date', '2026-12-03')).toBe(dateMessages.future);
    expect(errorFor('purchase_date', '2100-01-01')).toBe(dateMessages.future);
  });

  it.each(['12/01/2026', '2026-1-1', 'yesterday', '20261201', '2026-02-30T00:00'])(
    'refuses %j as not a date',
    (text) => {
      expect(errorFor('purchase_date', text)).toBe(dateMessages.invalid);
    },
  );

  it.each([
    ['2024-02-30', '2024-02-30 is not a date: February 2024 has 29 days.'],
    ['2025-02-29', '2025-02-29 is not a date: February 2025 has 28 days.'],
    ['1900-02-29', '1900-02-29 is not a date: February 1900 has 28 days.'],
    ['2000-02-30', '2000-02-30 is not a date: February 2000 has 29 days.'],
    ['2026-04-31', '2026-04-31 is not a date: April 2026 has 30 days.'],
    ['2023-13-01', '2023-13-01 is not a date: 2023 has no month 13.'],
    ['2023-00-10', '2023-00-10 is not a date: 2023 has no month 00.'],
    ['2026-01-00', '2026-01-00 is not a date: days start at 01.'],
  ])('says what is wrong with the impossible day %j', (text, message) => {
    expect(errorFor('purchase_date', text)).toBe(message);
  });

  it(`refuses a date before ${EARLIEST_TRADE_DATE}, saying so, and accepts that day`, () => {
    expect(EARLIEST_TRADE_DATE).toBe('1900-01-01');
    expect(dateMessages.tooEarly).toContain('on or after 1900-01-01');
    for (const text of ['1899-12-31', '1800-01-01', '1026-03-04', '0999-01-01', '0000-01-01']) {
      expect(errorFor('purchase_date', text), text).toBe(dateMessages.tooEarly);
    }
    expect(accepted('purchase_date', '1900-01-01')).toBe('1900-01-01');
  });

  it('takes a later floor from the bounds, never a lower one', () => {
    const later = { ...BOUNDS, earliest: '2000-01-01' };
    expect(parseTradeDate('1999-12-31', later)).toEqual({ ok: false, message: dateMessages.tooEarly });
    const lower = { ...BOUNDS, earliest: '0001-01-01' };
    for (const text of ['1899-12-31', '0999-01-01']) {
      expect(parseTradeDate(text, lower)).toEqual({ ok: false, message: dateMessages.tooEarly });
    }
    expect(purchaseDateBounds(Date.UTC(2026, 2, 4)).earliest).toBe(EARLIEST_TRADE_DATE);
  });

  it('refuses a repeated date field rather than picking one', () => {
    expect(errorFor('purchase_date', ['2026-01-01', '2026-01-02'])).toBe(inputMessages.repeated);
  });
});

describe('stock symbol', () => {
  it('accepts tickers with letters, digits, dots and dashes, upper-cased', () => {
    expect(accepted('stock_symbol', 'AAPL')).toBe('AAPL');
    expect(accepted('stock_symbol', 'brk.b')).toBe('BRK.B');
    expect(accepted('stock_symbol', 'BF-B')).toBe('BF-B');
    expect(accepted('stock_symbol', 'ABCDEFGHIJ')).toBe('ABCDEFGHIJ');
  });

  it('rejects symbols with other characters or more than 10 of them', () => {
    for (const value of ['AAPL!', 'ÅAPL', 'ßAPL', 'AA PL', 'ABCDEFGHIJK', 'ＡＡＰＬ']) {
      expect(errorFor('stock_symbol', value), value).toBe(symbolMessages.invalid);
    }
  });

  it('accepts the digit codes of Hong Kong, Tokyo, Taiwan, Shanghai and Seoul, zeros kept', () => {
    for (const code of ['0700', '09988', '7203', '2330', '600519', '005930', '0700.HK', '7203.T']) {
      expect(accepted('stock_symbol', ` ${code.toLowerCase()} `), code).toBe(code);
    }
  });

  it('asks for a letter or a 4–6 digit code when the symbol has neither', () => {
    for (const value of ['123', '700', '1234567', '1.5', '-5', '.-', '12-34']) {
      expect(errorFor('stock_symbol', value), value).toBe(symbolMessages['no-letter']);
    }
    expect(symbolMessages['no-letter']).toContain(
      '4 to 6 digits with its leading zeros (for example 0700 or 7203)',
    );
  });
});

describe('number of shares', () => {
  it('accepts whole numbers, decimals and well-placed thousands separators', () => {
    expect(accepted('number_of_shares', '15')).toBe('15');
    expect(accepted('number_of_shares', '0.5')).toBe('0.5');
    expect(accepted('number_of_shares', '.5')).toBe('0.5');
    expect(accepted('number_of_shares', '1.2345')).toBe('1.2345');
    expect(accepted('number_of_shares', '1,000')).toBe('1000');
    expect(accepted('number_of_shares', '1,000,000,000')).toBe('1000000000');
    expect(accepted('number_of_shares', '007')).toBe('7');
  });

  it('does not count trailing zeros as decimal places', () => {
    expect(accepted('number_of_shares', '1.50000')).toBe('1.5');
  });

  it('rejects exponents, hex, NaN, Infinity, other digits and stray characters', () => {
    for (const value of [
      '1e3',
      '0x10',
      'NaN',
      'Infinity',
      'ten',
      '٣',
      '１２',
      '5.',
      '1 000',
      '1_000',
      '$5',
      '--5',
    ]) {
      expect(errorFor('number_of_shares', value), value).toBe(sharesMessages.invalid);
    }
  });

  it('asks for a number greater than 0 when given zero or a negative number', () => {
    for (const value of ['0', '0.0000', '-5', '-0.5']) {
      expect(errorFor('number_of_shares', value), value).toBe(sharesMessages['not-positive']);
    }
  });

  it('rejects a plus sign, since the form records a purchase rather than a change', () => {
    expect(errorFor('number_of_shares', '+5')).toBe(sharesMessages['plus-sign']);
  });

  it('explains separators when commas are misplaced', () => {
    for (const value of ['1,00', ',100', '1,0000', '1000,000', '0,500', '1.000,50', '1,000.5,0']) {
      expect(errorFor('number_of_shares', value), value).toBe(sharesMessages.separators);
    }
  });

  it('allows at most 4 decimal places', () => {
    expect(errorFor('number_of_shares', '1.23456')).toBe(sharesMessages['too-many-decimals']);
  });

  it('allows at most 1,000,000,000 shares', () => {
    expect(errorFor('number_of_shares', '1000000000.0001')).toBe(sharesMessages['too-large']);
    expect(errorFor('number_of_shares', '1,000,000,001')).toBe(sharesMessages['too-large']);
  });
});

describe('purchase price', () => {
  it('accepts an optional dollar sign and thousands separators', () => {
    expect(accepted('purchase_price', '302.17')).toBe('302.17');
    expect(accepted('purchase_price', '$302.17')).toBe('302.17');
    expect(accepted('purchase_price', '$ 1,234.50')).toBe('1234.5');
    expect(accepted('purchase_price', '$1,000,000')).toBe('1000000');
    expect(accepted('purchase_price', '0.0001')).toBe('0.0001');
  });

  it('rejects a misplaced or repeated dollar sign and other notations', () => {
    for (const value of ['5$', '$$5', 'USD 5', '1e2', '$']) {
      expect(errorFor('purchase_price', value), value).toBe(priceMessages.invalid);
    }
  });

  it('asks for a price greater than $0 whether the minus comes before or after the dollar sign', () => {
    for (const value of ['$0', '0.00', '-$5', '$-5', '-5']) {
      expect(errorFor('purchase_price', value), value).toBe(priceMessages['not-positive']);
    }
  });

  it('allows at most 4 decimal places and at most $1,000,000', () => {
    expect(errorFor('purchase_price', '$1.00001')).toBe(priceMessages['too-many-decimals']);
    expect(errorFor('purchase_price', '$1,000,000.01')).toBe(priceMessages['too-large']);
  });
});

describe('messages', () => {
  it('say what to do, with the limits written from the rules', () => {
    expect(symbolMessages.invalid).toBe(
      "Enter a stock symbol of 1–10 letters, digits, '.' or '-' (for example AAPL, BRK.B or 0700).",
    );
    expect(sharesMessages['not-positive']).toBe('Enter a number of shares greater than 0.');
    expect(sharesMessages['too-many-decimals']).toBe('Use at most 4 decimal places.');
    expect(sharesMessages['too-large']).toBe('Enter a number of shares of at most 1,000,000,000.');
    expect(priceMessages['too-large']).toBe('Enter a price of at most $1,000,000.');
  });
});

describe('parseStockForm errors', () => {
  it('reports one message per invalid field, and only for invalid fields', () => {
    const result = parseStockForm({ stock_symbol: ['A', 'B'], number_of_shares: '-1e3' }, BOUNDS);
    expect(result).toEqual({
      ok: false,
      errors: {
        stock_symbol: inputMessages.repeated,
        number_of_shares: sharesMessages.invalid,
        purchase_price: priceMessages.required,
      },
      values: { stock_symbol: '', number_of_shares: '-1e3', purchase_price: '', purchase_date: '' },
    });
  });

  it('reports a bad date alone when the other fields are right', () => {
    const result = parseStockForm(
      { stock_symbol: 'AAPL', number_of_shares: '1', purchase_price: '1', purchase_date: '2026-02-30' },
      BOUNDS,
    );
    expect(result.ok ? {} : result.errors).toEqual({
      purchase_date: '2026-02-30 is not a date: February 2026 has 28 days.',
    });
  });
});

describe('stockFields', () => {
  /** Compiles an HTML `pattern` the way browsers do: anchored, with the `v` flag. */
  const htmlPattern = (field: FieldName) => new RegExp(`^(?:${stockFields[field].pattern})$`, 'v');

  it('labels the fields as the page shows them', () => {
    expect(FIELD_NAMES.map((field) => stockFields[field].label)).toEqual([
      'Stock Symbol',
      'Number of Shares',
      'Purchase Price ($)',
      'Purchase Date (optional)',
    ]);
    for (const field of FIELD_NAMES) expect(stockFields[field].name).toBe(field);
  });

  it('gives patterns that browsers compile and that reject obvious mistakes', () => {
    expect(htmlPattern('stock_symbol').test('AAPL!')).toBe(false);
    expect(htmlPattern('stock_symbol').test('123')).toBe(false);
    expect(htmlPattern('stock_symbol').test(' 0700 ')).toBe(true);
    expect(htmlPattern('number_of_shares').test('1e3')).toBe(false);
    expect(htmlPattern('purchase_price').test('$1,00')).toBe(false);
  });

  it('gives patterns never stricter than the server, so the browser cannot block a valid entry', () => {
    const typed = fc.string({
      unit: fc.constantFrom('1', '0', '5', ',', '.', '$', ' ', '-', '+', 'a', 'B', 'e'),
    });
    fc.assert(
      fc.property(fc.constantFrom(...FIELD_NAMES), typed, (field, value) => {
        if (errorFor(field, value) === undefined) expect(htmlPattern(field).test(value)).toBe(true);
      }),
      { numRuns: 2000 },
    );
  });
});
