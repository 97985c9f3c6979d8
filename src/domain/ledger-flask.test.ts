/** The session form stays readable by a Flask view: the snippets the docs give, run by real Python. */
import { execFileSync } from 'node:child_process';

import { describe, expect, it } from 'vitest';

import { encodeLedger, type Ledger } from './ledger.js';
import { encodeUndo } from './ledger-changes.js';
import { encodePriceBook } from './price-book.js';

/** What a Flask view would do with `session` (a dict decoded from the same JSON). */
const FLASK_VIEW = String.raw`
import json, sys
session = json.load(sys.stdin)
out = []
for entry in session.get("portfolio", []):
    symbol, shares, price = entry[:3]          # today's views
    date = entry[3] if len(entry) > 3 else None
    lot_id = entry[4] if len(entry) > 4 else None
    fee = entry[5] if len(entry) > 5 else None
    out.append(["lot", symbol, shares, price, date, lot_id, fee])
for entry in session.get("sales", []):
    symbol, shares, price, date, sale_id = entry[:5]
    fee = entry[5] if len(entry) > 5 else None
    picks = entry[6] if len(entry) > 6 else None
    out.append(["sale", symbol, shares, price, date, sale_id, fee, picks])
for symbol, p in sorted(session.get("prices", {}).items()):
    price = p if isinstance(p, str) else p[0]
    as_of = None if isinstance(p, str) else p[1]
    out.append(["price", symbol, price, as_of])
print(json.dumps(out))
`;

function flaskReads(session: unknown): unknown {
  const output = execFileSync('/usr/bin/python3', ['-c', FLASK_VIEW], { input: JSON.stringify(session) });
  return JSON.parse(output.toString()) as unknown;
}

describe('a Flask view reads the ledger', () => {
  it('lots, sales (with and without picks), prices and an old plain price', () => {
    const ledger: Ledger = {
      lots: [
        { id: 1, symbol: 'AAPL', shares: '10', price: '100', date: '2023-01-02', fee: '4.95' },
        { id: 2, symbol: 'MSFT', shares: '2', price: '300' },
      ],
      sales: [
        { id: 3, symbol: 'AAPL', shares: '4', price: '150', date: '2024-06-03' },
        {
          id: 4,
          symbol: 'AAPL',
          shares: '1',
          price: '151',
          date: '2024-06-04',
          picks: [{ lotId: 1, shares: '1' }],
        },
      ],
      nextId: 5,
    };
    const prices = encodePriceBook(
      new Map([['AAPL', { price: '120', source: 'manual', asOf: '2026-12-07' }]]),
    );
    const session = {
      ...encodeLedger(ledger),
      prices: { ...prices, MSFT: '310' },
      undo: encodeUndo({ kind: 'record-sale', saleId: 4 }),
    };
    expect(flaskReads(session)).toEqual([
      ['lot', 'AAPL', '10', '100', '2023-01-02', 1, '4.95'],
      ['lot', 'MSFT', '2', '300', null, 2, null],
      ['sale', 'AAPL', '4', '150', '2024-06-03', 3, null, null],
      ['sale', 'AAPL', '1', '151', '2024-06-04', 4, null, [[1, '1']]],
      ['price', 'AAPL', '120', '2026-12-07'],
      ['price', 'MSFT', '310', null],
    ]);
  });
});
