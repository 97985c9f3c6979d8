import { describe, expect, it } from 'vitest';
import { html } from './html.js';
import { alignedBlank, alignedFigure, decimalColumn, numClass, padOf, signClass } from './figures.js';
import { formatPercent, formatSignedMoney, parseDecimal, type Decimal } from '../domain/decimal.js';

describe('decimalColumn', () => {
  it('is as wide as its figure with the most decimals, digits as zeros', () => {
    expect(decimalColumn(['$302.17', '$0.1234', '$10.125'])).toEqual({ tail: '.0000' });
  });

  it('keeps what follows the digits, so a dash in a column of percentages ends at the points', () => {
    expect(decimalColumn(['+12.50%', '-0.08%'])).toEqual({ tail: '.00%' });
  });

  it('writes every digit as a zero, and only digits', () => {
    expect(decimalColumn(['$1.9876', '0.54', '$3.21'])).toEqual({ tail: '.0000' });
    expect(decimalColumn(['+0.19%', '+1.9/:%'])).toEqual({ tail: '.0/:%' });
  });

  it('has no tail when no figure has a decimal point, or when there is no figure', () => {
    expect(decimalColumn(['15', '1,200'])).toEqual({ tail: '' });
    expect(decimalColumn([])).toEqual({ tail: '' });
  });
});

describe('padOf', () => {
  const column = decimalColumn(['15', '0.5', '1,234.5678']);

  it('is what a figure lacks of the column: fewer decimals, or the point as well', () => {
    expect(padOf('0.5', column)).toBe('000');
    expect(padOf('15', column)).toBe('.0000');
    expect(padOf('1,234.5678', column)).toBe('');
  });
});

describe('alignedFigure', () => {
  it('writes the figure as text and its padding as an attribute of an empty, hidden element', () => {
    const column = decimalColumn(['$302.17', '$0.1234']);
    expect(alignedFigure('$302.17', column).toString()).toBe(
      '$302.17<span class="pad" aria-hidden="true" data-pad="00"></span>',
    );
  });

  it('writes the figure alone when it fills its column: a column of equal tails is unchanged', () => {
    expect(alignedFigure('$1,234.50', decimalColumn(['$1,234.50', '$2.00'])).toString()).toBe('$1,234.50');
  });

  it('escapes the figure, padded or not, once it is in a page', () => {
    expect(html`${alignedFigure('<b>', decimalColumn([]))}`.toString()).toBe('&lt;b&gt;');
    expect(html`${alignedFigure('<b>', decimalColumn(['1.5']))}`.toString()).toBe(
      '&lt;b&gt;<span class="pad" aria-hidden="true" data-pad=".0"></span>',
    );
  });
});

describe('alignedBlank', () => {
  it('pads a dash as a whole number, so it ends where the decimal points are', () => {
    const column = decimalColumn(['+$100.00', '-$5.25']);
    expect(alignedBlank(html`<span>—</span>`, column).toString()).toBe(
      '<span>—</span><span class="pad" aria-hidden="true" data-pad=".00"></span>',
    );
  });

  it('adds nothing in a column without figures', () => {
    expect(alignedBlank('—', decimalColumn([])).toString()).toBe('—');
  });
});

describe('signClass', () => {
  const amount = (text: string): Decimal => {
    const value = parseDecimal(text);
    if (value === undefined) throw new Error(`Not a decimal: ${text}`);
    return value;
  };

  it('colours a figure by the sign it is written with', () => {
    expect(signClass(formatSignedMoney(amount('12.5')))).toBe('gain');
    expect(signClass(formatSignedMoney(amount('-0.005')))).toBe('loss');
    expect(signClass(formatPercent(amount('0.005')))).toBe('gain');
    expect(signClass(formatPercent(amount('-3')))).toBe('loss');
  });

  it('leaves uncoloured a gain or loss that is written as zero once rounded', () => {
    expect(formatSignedMoney(amount('-0.004'))).toBe('$0.00');
    expect(signClass(formatSignedMoney(amount('-0.004')))).toBeUndefined();
    expect(signClass(formatSignedMoney(amount('0.0049')))).toBeUndefined();
    expect(signClass(formatPercent(amount('-0.0049')))).toBeUndefined();
    expect(signClass(formatSignedMoney(amount('0')))).toBeUndefined();
  });
});

describe('numClass', () => {
  it.each([
    ['+$12.50', 'num gain'],
    ['-0.08%', 'num loss'],
    ['$0.00', 'num'],
  ])('classes the cell of %s as %s', (figure, cls) => {
    expect(numClass(figure)).toBe(cls);
  });
});
