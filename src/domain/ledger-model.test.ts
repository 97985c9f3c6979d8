import { describe, expect, it } from 'vitest';

import { decimal } from './decimal.js';
import { amountOf, findLot, findSale, storedFee, type Ledger } from './ledger-model.js';

const ledger: Ledger = {
  lots: [
    { symbol: 'AAPL', shares: '1', price: '2', id: 1 },
    { symbol: 'MSFT', shares: '1', price: '2', id: 3 },
  ],
  sales: [{ symbol: 'AAPL', shares: '1', price: '3', date: '2024-01-02', id: 2 }],
  nextId: 4,
};

describe('findLot and findSale', () => {
  it('find a record by its id, and only a record of their own kind', () => {
    expect(findLot(ledger, 3)?.symbol).toBe('MSFT');
    expect(findSale(ledger, 2)?.price).toBe('3');
    expect(findLot(ledger, 2)).toBeUndefined();
    expect(findSale(ledger, 1)).toBeUndefined();
  });
});

describe('amountOf', () => {
  it('reads a stored amount, and throws a TypeError on anything else (a bug, not input)', () => {
    expect(amountOf('1.50')).toEqual(decimal(150n, 2));
    expect(() => amountOf('1,5')).toThrow(TypeError);
  });
});

describe('storedFee', () => {
  it('stores zero as no fee and any other fee canonically', () => {
    expect(storedFee(decimal(0n, 2))).toBeUndefined();
    expect(storedFee(decimal(250n, 2))).toBe('2.5');
  });
});
