import { describe, expect, it } from 'vitest';

import { decimal } from './decimal.js';
import {
  amountOf,
  findLot,
  findSale,
  lotAmounts,
  lotsOfSymbol,
  storedFee,
  type Ledger,
  type Lot,
} from './ledger-model.js';

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

describe('lotsOfSymbol', () => {
  const lots: Lot[] = [
    { id: 1, symbol: 'AAPL', shares: '10', price: '2.5', fee: '1.25' },
    { id: 2, symbol: 'MSFT', shares: '3', price: '100' },
    { id: 3, symbol: 'AAPL', shares: '0.5', price: '7' },
  ];
  const frozen = Object.freeze(lots.map((lot) => Object.freeze({ ...lot })));

  it('gives the lots of one symbol in their order', () => {
    expect(lotsOfSymbol(lots, 'AAPL')).toEqual([lots[0], lots[2]]);
    expect(lotsOfSymbol(frozen, 'MSFT')).toEqual([lots[1]]);
    expect(lotsOfSymbol(frozen, 'NVDA')).toEqual([]);
  });

  it('gives the list itself when every lot is of that symbol', () => {
    const aapl = Object.freeze(frozen.filter((lot) => lot.symbol === 'AAPL'));
    expect(lotsOfSymbol(aapl, 'AAPL')).toBe(aapl);
  });

  it('keeps the amounts already parsed for a frozen list, equal to a fresh parse', () => {
    const parsed = lotAmounts(frozen);
    const mine = lotsOfSymbol(frozen, 'AAPL');
    expect(Object.isFrozen(mine)).toBe(true);
    expect(lotAmounts(mine)).toBe(lotAmounts(mine));
    expect(lotAmounts(mine)).toEqual([parsed[0], parsed[2]]);
    expect(lotAmounts(mine)).toEqual(lotAmounts(mine.map((lot) => ({ ...lot }))));
  });
});
