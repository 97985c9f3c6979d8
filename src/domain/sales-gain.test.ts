import { describe, expect, it } from 'vitest';

import { toCanonicalString, ZERO } from './decimal.js';
import { amountOf, type Lot, type Sale } from './ledger-model.js';
import { feeShare, settleSale, type Part } from './sales-gain.js';

const d = (text: string) => amountOf(text);
const text = (value: { units: bigint; scale: number }) => toCanonicalString(value);

const lot = (id: number, date: string | undefined, price: string): Lot => ({
  symbol: 'AAPL',
  shares: '100',
  price,
  id,
  ...(date === undefined ? {} : { date }),
});
const sale: Sale = { symbol: 'AAPL', shares: '3', price: '10', date: '2024-06-01', id: 9, fee: '1' };
const terms = { shares: d('3'), price: d('10'), fee: d('1') };
const part = (from: Lot, shares: string, buyFee = '0'): Part => ({
  from: { lot: from, price: d(from.price) },
  shares: d(shares),
  buyFee: d(buyFee),
});

describe('feeShare', () => {
  it('gives the whole fee, exactly, for the whole', () => {
    expect(text(feeShare(d('1'), d('3'), d('3')))).toBe('1');
  });

  it('rounds a part’s share to ten decimal places', () => {
    expect(text(feeShare(d('1'), d('1'), d('3')))).toBe('0.3333333333');
  });

  it('gives nothing of no fee', () => {
    expect(feeShare(ZERO, d('1'), d('3'))).toEqual(ZERO);
  });
});

describe('settleSale', () => {
  it('shares the sale fee in lot-id order, so the match order does not change any part’s share', () => {
    const one = lot(1, '2024-01-01', '5');
    const two = lot(2, '2024-01-01', '5');
    const forward = settleSale(sale, terms, [part(one, '1'), part(two, '2')], ZERO);
    const backward = settleSale(sale, terms, [part(two, '2'), part(one, '1')], ZERO);
    const feesByLot = (r: typeof forward) =>
      Object.fromEntries(r.allocations.map((a) => [a.lotId, text(a.saleFee)]));
    expect(feesByLot(forward)).toEqual({ 1: '0.3333333333', 2: '0.6666666667' });
    expect(feesByLot(backward)).toEqual(feesByLot(forward));
  });

  it('makes each part’s gain its proceeds less its fee share and cost, buy fee included', () => {
    const result = settleSale(sale, terms, [part(lot(1, '2024-01-01', '4'), '3', '0.5')], ZERO);
    const [allocation] = result.allocations;
    // 3 × 10 − 1 − (3 × 4 + 0.5)
    expect(text(allocation?.gain ?? ZERO)).toBe('16.5');
    expect(text(result.gain)).toBe('16.5');
    expect(allocation?.days).toBe(152);
    expect(allocation?.term).toBe('short');
  });

  it('keeps the whole sale fee in the proceeds when shares were not covered', () => {
    const result = settleSale(sale, terms, [part(lot(1, '2024-01-01', '4'), '1')], d('2'));
    expect(text(result.proceeds)).toBe('29');
    expect(text(result.cost)).toBe('4');
    expect(text(result.gain)).toBe('25');
    expect(text(result.shortfall)).toBe('2');
  });

  it('gives an undated lot no holding period and an unknown term', () => {
    const [allocation] = settleSale(sale, terms, [part(lot(1, undefined, '4'), '3')], ZERO).allocations;
    expect(allocation?.days).toBeUndefined();
    expect(allocation?.boughtOn).toBeUndefined();
    expect(allocation?.term).toBe('unknown');
  });
});
