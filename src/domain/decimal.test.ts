import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

import {
  add,
  compare,
  decimal,
  divide,
  formatMoney,
  formatPercent,
  formatSignedMoney,
  formatPrice,
  formatQuantity,
  multiply,
  normalize,
  parseDecimal,
  roundHalfUp,
  subtract,
  sum,
  toCanonicalString,
  ZERO,
  type Decimal,
} from './decimal.js';

/** Parses a literal the test knows to be valid. */
function d(text: string): Decimal {
  const value = parseDecimal(text);
  if (value === undefined) throw new Error(`test literal ${text} is not a decimal`);
  return value;
}

const arbitraryDecimal = fc
  .record({
    units: fc.bigInt({ min: -(10n ** 30n), max: 10n ** 30n }),
    scale: fc.integer({ min: 0, max: 8 }),
  })
  .map(({ units, scale }) => decimal(units, scale));

describe('parseDecimal', () => {
  it('reads whole numbers and fractions with their written scale', () => {
    expect(parseDecimal('15')).toEqual({ units: 15n, scale: 0 });
    expect(parseDecimal('302.17')).toEqual({ units: 30217n, scale: 2 });
    expect(parseDecimal('1.2340')).toEqual({ units: 12340n, scale: 4 });
    expect(parseDecimal('-0.5')).toEqual({ units: -5n, scale: 1 });
  });

  it('rejects everything that is not plain decimal notation', () => {
    for (const text of [
      '',
      ' 1',
      '1 ',
      '.5',
      '5.',
      '+5',
      '1e3',
      '0x10',
      'NaN',
      'Infinity',
      '1,000',
      '١٢',
      '１２',
    ]) {
      expect(parseDecimal(text), text).toBeUndefined();
    }
  });

  it('reads back every canonical string it is given', () => {
    fc.assert(
      fc.property(arbitraryDecimal, (value) => {
        expect(compare(d(toCanonicalString(value)), value)).toBe(0);
      }),
    );
  });
});

describe('decimal', () => {
  it('refuses a negative or fractional scale', () => {
    expect(() => decimal(1n, -1)).toThrow(RangeError);
    expect(() => decimal(1n, 0.5)).toThrow(RangeError);
  });
});

describe('normalize', () => {
  it('removes trailing fraction zeros without changing the value', () => {
    expect(normalize(d('1.2500'))).toEqual({ units: 125n, scale: 2 });
    expect(normalize(d('100.0'))).toEqual({ units: 100n, scale: 0 });
    expect(normalize(d('100'))).toEqual({ units: 100n, scale: 0 });
  });
});

describe('arithmetic', () => {
  it('adds exactly where floating point would not', () => {
    expect(toCanonicalString(add(d('0.1'), d('0.2')))).toBe('0.3');
  });

  it('sums any number of values, starting from zero', () => {
    expect(sum([])).toBe(ZERO);
    expect(toCanonicalString(sum([d('1.5'), d('2.25'), d('0.0001')]))).toBe('3.7501');
  });

  it('multiplies shares by price exactly', () => {
    expect(toCanonicalString(multiply(d('1.2345'), d('1999.99')))).toBe('2468.987655');
    expect(toCanonicalString(multiply(d('1000000000'), d('1000000')))).toBe('1000000000000000');
  });

  it('obeys the laws of exact arithmetic, which floating point breaks', () => {
    fc.assert(
      fc.property(arbitraryDecimal, arbitraryDecimal, arbitraryDecimal, (a, b, c) => {
        expect(compare(add(add(a, b), c), add(a, add(b, c)))).toBe(0);
        expect(compare(multiply(a, b), multiply(b, a))).toBe(0);
        expect(compare(multiply(a, add(b, c)), add(multiply(a, b), multiply(a, c)))).toBe(0);
      }),
    );
  });

  it('compares by value regardless of scale', () => {
    expect(compare(d('1.50'), d('1.5'))).toBe(0);
    expect(compare(d('1.49'), d('1.5'))).toBe(-1);
    expect(compare(d('10'), d('9.9999'))).toBe(1);
  });
});

describe('subtract and divide', () => {
  it('subtracts exactly, crossing zero', () => {
    expect(toCanonicalString(subtract(d('0.1'), d('0.35')))).toBe('-0.25');
  });

  it.each([
    ['2', '3', 2, '0.67'],
    ['-2', '3', 2, '-0.67'],
    ['1', '8', 2, '0.13'],
    ['-1', '8', 2, '-0.13'],
    ['1', '-8', 2, '-0.13'],
    ['4532.55', '15', 4, '302.17'],
    ['10', '4', 0, '3'],
  ])('divides %s by %s rounded half away from zero to %i places: %s', (a, b, scale, expected) => {
    const quotient = divide(d(a), d(b), scale);
    expect(quotient.scale).toBe(scale);
    expect(toCanonicalString(quotient)).toBe(expected);
  });

  it('agrees with roundHalfUp of the exact value whenever the quotient is exact', () => {
    fc.assert(
      fc.property(arbitraryDecimal, arbitraryDecimal, fc.integer({ min: 0, max: 6 }), (a, b, scale) => {
        fc.pre(b.units !== 0n);
        expect(compare(divide(multiply(a, b), b, scale), roundHalfUp(a, scale))).toBe(0);
      }),
    );
  });

  it('refuses to divide by zero', () => {
    expect(() => divide(d('1'), d('0.00'), 2)).toThrow(RangeError);
  });
});

describe('roundHalfUp', () => {
  it('rounds halves away from zero and everything else to the nearest cent', () => {
    expect(toCanonicalString(roundHalfUp(d('2.345'), 2))).toBe('2.35');
    expect(toCanonicalString(roundHalfUp(d('2.3449'), 2))).toBe('2.34');
    expect(toCanonicalString(roundHalfUp(d('-2.345'), 2))).toBe('-2.35');
    expect(toCanonicalString(roundHalfUp(d('0.005'), 2))).toBe('0.01');
    expect(toCanonicalString(roundHalfUp(d('0.0049'), 2))).toBe('0');
  });

  it('pads values that already have fewer digits', () => {
    expect(roundHalfUp(d('3'), 2)).toEqual({ units: 300n, scale: 2 });
  });

  it('is never more than half a unit away from the exact value', () => {
    fc.assert(
      fc.property(arbitraryDecimal, fc.integer({ min: 0, max: 6 }), (value, scale) => {
        const rounded = roundHalfUp(value, scale);
        const error = add(rounded, decimal(-value.units, value.scale));
        expect(compare(error, decimal(5n, scale + 1))).toBeLessThanOrEqual(0);
        expect(compare(error, decimal(-5n, scale + 1))).toBeGreaterThanOrEqual(0);
      }),
    );
  });
});

describe('formatting', () => {
  it('formats money with thousands separators and exactly two decimals', () => {
    expect(formatMoney(d('302.17'))).toBe('$302.17');
    expect(formatMoney(d('1234.5'))).toBe('$1,234.50');
    expect(formatMoney(d('1234567.899'))).toBe('$1,234,567.90');
    expect(formatMoney(d('0'))).toBe('$0.00');
    expect(formatMoney(d('-0.05'))).toBe('-$0.05');
  });

  it('formats a unit price with at least two decimals and never rounds it', () => {
    expect(formatPrice(d('302.1'))).toBe('$302.10');
    expect(formatPrice(d('0.1234'))).toBe('$0.1234');
    expect(formatPrice(d('1000000'))).toBe('$1,000,000.00');
    expect(formatPrice(d('12.3400'))).toBe('$12.34');
  });

  it('formats a quantity for display with separators and no trailing zeros', () => {
    expect(formatQuantity(d('15'))).toBe('15');
    expect(formatQuantity(d('0.50'))).toBe('0.5');
    expect(formatQuantity(d('1.2345'))).toBe('1.2345');
    expect(formatQuantity(d('1000'))).toBe('1,000');
    expect(formatQuantity(d('1234567.8900'))).toBe('1,234,567.89');
  });

  it('groups every whole part by thousands as en-US does, at any length', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: 0n, max: 10n ** 30n }), (units) => {
        expect(formatQuantity(decimal(units, 0))).toBe(units.toLocaleString('en-US'));
        expect(formatMoney(decimal(-units, 0))).toBe(
          `${units === 0n ? '' : '-'}$${units.toLocaleString('en-US')}.00`,
        );
      }),
    );
  });

  it('writes the canonical storage form without separators or trailing zeros', () => {
    expect(toCanonicalString(d('1000.50'))).toBe('1000.5');
    expect(toCanonicalString(d('007.10'))).toBe('7.1');
    expect(toCanonicalString(d('0.0001'))).toBe('0.0001');
    expect(toCanonicalString(d('-0.0'))).toBe('0');
  });
});

describe('signed formats for gains', () => {
  it.each([
    ['12.5', '+12.50%'],
    ['-0.0832', '-0.08%'],
    ['0.004', '0.00%'],
    ['-0.004', '0.00%'],
    ['1234.567', '+1,234.57%'],
  ])('writes %s percent as %s', (value, shown) => {
    expect(formatPercent(d(value))).toBe(shown);
  });

  it.each([
    ['100', '+$100.00'],
    ['-125', '-$125.00'],
    ['0.001', '$0.00'],
  ])('writes a gain of %s as %s', (value, shown) => {
    expect(formatSignedMoney(d(value))).toBe(shown);
  });
});
