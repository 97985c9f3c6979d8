import { describe, expect, it } from 'vitest';
import { currentPriceMessages, parseCurrentPrice } from './price-rules.js';
import { inputMessages } from './stock-fields.js';

describe('parseCurrentPrice', () => {
  it.each([
    ['310.50', '310.5'],
    [' $1,234.5678 ', '1234.5678'],
    ['0.0001', '0.0001'],
  ])('accepts %j as %s', (input, price) => {
    expect(parseCurrentPrice(input)).toEqual({ ok: true, price });
  });

  it.each(['', '   ', '\t'])(
    'refuses an empty or spaces-only field %j, marked blank so the form can ask',
    (input) => {
      expect(parseCurrentPrice(input)).toEqual({
        ok: false,
        message: currentPriceMessages.required,
        blank: true,
      });
    },
  );

  it.each([
    ['0', currentPriceMessages['not-positive']],
    ['-1', currentPriceMessages['not-positive']],
    ['1000000.01', currentPriceMessages['too-large']],
    ['1.23456', currentPriceMessages['too-many-decimals']],
    ['abc', currentPriceMessages.invalid],
    [undefined, currentPriceMessages.required],
    [['1', '2'], inputMessages.repeated],
  ])('refuses %j with %j', (input, message) => {
    expect(parseCurrentPrice(input)).toEqual({ ok: false, message });
  });
});
