import { describe, expect, it } from 'vitest';

import { EMPTY_LEDGER } from './ledger.js';
import {
  addLot,
  applyUndoWithPrices,
  decodeUndo,
  editLot,
  encodeUndo,
  removeLot,
  withPrices,
} from './ledger-changes.js';
import { decodePriceBook, encodePriceBook, keepHeldPrices, type PriceBook } from './price-book.js';

describe('the session form of prices', () => {
  it('stores price, as-of date and source, and reads them back', () => {
    const book: PriceBook = new Map([
      ['AAPL', { price: '190.5', source: 'alpha-vantage', asOf: '2026-12-04' }],
      ['MSFT', { price: '400', source: 'manual', asOf: '2026-12-07' }],
    ]);
    const encoded = encodePriceBook(book);
    expect(encoded).toEqual({
      AAPL: ['190.5', '2026-12-04', 'alpha-vantage'],
      MSFT: ['400', '2026-12-07', 'manual'],
    });
    expect(decodePriceBook(JSON.parse(JSON.stringify(encoded)))).toEqual(book);
  });

  it('reads today’s plain strings as manual prices of unknown date', () => {
    expect(decodePriceBook({ aapl: '190.50' })).toEqual(
      new Map([['AAPL', { price: '190.5', source: 'manual' }]]),
    );
  });

  it('drops entries with a bad price, symbol or source, and keeps a price whose date is unreadable', () => {
    const book = decodePriceBook({
      AAPL: ['-1', '2026-01-01', 'manual'],
      'A B': '1',
      MSFT: ['1', '2026-01-01', 'yahoo'],
      NVDA: ['2', '2026-02-30', 'manual'],
    });
    expect(book).toEqual(new Map([['NVDA', { price: '2', source: 'manual' }]]));
    expect(decodePriceBook([['AAPL', '1']])).toEqual(new Map());
    expect(encodePriceBook(new Map())).toBeUndefined();
  });
});

describe('a price goes with its last holding', () => {
  const book: PriceBook = new Map([['AAPL', { price: '5', source: 'manual', asOf: '2026-12-01' }]]);
  const aapl = { symbol: 'AAPL', shares: '1', price: '4', date: '2026-11-01' };

  it('is dropped when the only lot is edited to another symbol, and says so', () => {
    const added = addLot(EMPTY_LEDGER, aapl);
    if (!added.ok) throw new Error('refused');
    const edited = withPrices(editLot(added.ledger, 1, { ...aapl, symbol: 'GOOG' }), book);
    if (!edited.ok) throw new Error('refused');
    expect(edited.dropped).toEqual(['AAPL']);
    expect(edited.book.has('AAPL')).toBe(false);
    // Adding AAPL again does not bring the old $5.00 back.
    const again = withPrices(addLot(edited.ledger, aapl), edited.book);
    expect(again.ok && again.book.get('AAPL')).toBe(undefined);
  });

  it('stays while another lot of the symbol remains', () => {
    const one = addLot(EMPTY_LEDGER, aapl);
    const two = one.ok ? addLot(one.ledger, aapl) : one;
    if (!two.ok) throw new Error('refused');
    expect(keepHeldPrices(book, two.ledger)).toEqual({ book, dropped: [] });
    const removed = withPrices(removeLot(two.ledger, 1), book);
    expect(removed.ok && removed.book.get('AAPL')?.price).toBe('5');
  });

  it('comes back when the removal is undone, through the session form of the undo', () => {
    const added = addLot(EMPTY_LEDGER, aapl);
    if (!added.ok) throw new Error('refused');
    const removed = withPrices(removeLot(added.ledger, 1), book);
    if (!removed.ok) throw new Error('refused');
    expect(removed.book.size).toBe(0);
    const undo = decodeUndo(JSON.parse(JSON.stringify(encodeUndo(removed.undo))), removed.ledger);
    if (undo === undefined) throw new Error('undo unreadable');
    const restored = applyUndoWithPrices(removed.ledger, removed.book, undo);
    expect(restored.ok && restored.book.get('AAPL')).toEqual({
      price: '5',
      source: 'manual',
      asOf: '2026-12-01',
    });
  });
});
