/** CSV export and import, through app.request. */
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  AAPL_LOT,
  clockedApp,
  flashes,
  mainText,
  seededRandom,
  TEST_TODAY,
  visitorAtForm,
  visitorWith,
  type Client,
} from '../../../test/support/client.js';
import { csvFileMessages } from './messages.js';
import { EARLIEST_TRADE_DATE, sharesMessages, symbolMessages } from '../../domain/stock-fields.js';
import { encodePortfolio, type Holding } from '../../domain/portfolio.js';
import { exportFilename, importFlowMessages, MAX_IMPORT_BYTES } from './routes.js';
import { urlFor } from '../../web/urls.js';

/** Version 1's header: files exported before sales existed. */
const HEADER = 'symbol,shares,purchase_price,purchase_date\r\n';
/** Version 2's header, as Export CSV writes it. */
const V2_HEADER = 'type,symbol,shares,price,date,fee,source,lot,sold_from\r\n';
const AAPL = AAPL_LOT;
const MSFT = {
  stock_symbol: 'MSFT',
  number_of_shares: '2.5',
  purchase_price: '$1,234.50',
  purchase_date: '',
};

/** The import form; a replace is confirmed (the box ticked) unless `confirm` says otherwise. */
function upload(
  text: string | Uint8Array,
  mode = 'append',
  name = 'portfolio.csv',
  confirm = mode === 'replace',
): FormData {
  const form = new FormData();
  form.append('file', new File([text], name, { type: 'text/csv' }));
  form.append('mode', mode);
  if (confirm) form.append('confirm', 'yes');
  return form;
}

async function importCsv(client: Client, text: string | Uint8Array, mode = 'append') {
  await client.get(urlFor('import_stocks'));
  return client.postMultipart(urlFor('import_stocks'), upload(text, mode));
}

describe('export', () => {
  it('is linked on the list page at a URL ending in .csv', async () => {
    const client = await visitorWith([AAPL]);
    const page = await client.get(urlFor('list_stocks'));
    expect(urlFor('export_stocks')).toMatch(/\.csv$/);
    expect(page.html).toContain(`href="${urlFor('export_stocks')}" download>Export CSV</a>`);
  });

  it('downloads the buys as version 2 CSV with shares, price and date, in a dated file', async () => {
    const client = await visitorWith([AAPL, MSFT]);
    const page = await client.get(urlFor('export_stocks'));
    expect(page.status).toBe(200);
    expect(page.headers.get('Content-Type')).toBe('text/csv; charset=utf-8');
    expect(page.headers.get('Content-Disposition')).toBe('attachment; filename="portfolio-2026-03-04.csv"');
    expect(exportFilename(Date.UTC(2026, 11, 31, 23, 59))).toBe('portfolio-2026-12-31.csv');
    expect(page.html).toBe(
      `${V2_HEADER}buy,AAPL,15,302.17,2026-01-02,,,,\r\nbuy,MSFT,2.5,1234.5,${TEST_TODAY},,,,\r\n`,
    );
  });

  it('guards a symbol that a spreadsheet would run as a formula', async () => {
    const client = clockedApp().client();
    client.setSession({ portfolio: [['-A', '1', '1']] });
    expect((await client.get(urlFor('export_stocks'))).html).toBe(`${V2_HEADER}buy,'-A,1,1,,,,,\r\n`);
  });
});

describe('import', () => {
  it('offers a file upload form with append and replace, append chosen', async () => {
    const page = await (await visitorAtForm()).get(urlFor('import_stocks'));
    expect(page.status).toBe(200);
    expect(page.html).toContain('enctype="multipart/form-data"');
    expect(page.html).toContain('<input id="import-file" name="file" type="file"');
    expect(page.html).toContain('name="mode" value="append" checked');
    expect(page.html).toContain('name="mode" value="replace" />');
  });

  it('appends the file’s holdings after the ones already there', async () => {
    const client = await visitorWith([AAPL]);
    const post = await importCsv(client, `${HEADER}GOOG,3,150,2025-05-06\r\n`);
    expect(post.status).toBe(302);
    expect(post.location).toBe(urlFor('list_stocks'));
    expect(client.decodeSession()['portfolio']).toEqual([
      ['AAPL', '15', '302.17', '2026-01-02', 1],
      ['GOOG', '3', '150', '2025-05-06', 2],
    ]);
    expect(flashes((await client.get(urlFor('list_stocks'))).html)).toEqual([
      ['success', importFlowMessages.done({ buys: 1, sells: 0, prices: 0 }, 'append')],
    ]);
  });

  it('replaces the holdings when the visitor chooses replace', async () => {
    const client = await visitorWith([AAPL]);
    await importCsv(client, `${HEADER}GOOG,3,150,2025-05-06\r\n`, 'replace');
    expect(client.decodeSession()['portfolio']).toEqual([['GOOG', '3', '150', '2025-05-06', 2]]);
  });

  it('asks for the confirmation before a replace: 422 with the summary, and nothing changes', async () => {
    const client = await visitorWith([AAPL]);
    await client.get(urlFor('import_stocks'));
    const before = client.decodeSession();
    const page = await client.postMultipart(
      urlFor('import_stocks'),
      upload(`${HEADER}GOOG,3,150,2025-05-06\r\n`, 'replace', 'portfolio.csv', false),
    );
    expect(page.status).toBe(422);
    expect(page.html).toContain('<title>Error: Import a portfolio &middot; Stock Portfolio</title>');
    expect(page.html).toContain(`<a href="#import-confirm">${importFlowMessages.confirmReplace}</a>`);
    expect(page.html).toContain('<section class="error-summary"');
    expect(client.decodeSession()).toEqual(before);
  });

  it('gives back the same portfolio after export → clear → import', async () => {
    const client = clockedApp().client();
    // One holding from before dates existed, one with a symbol that needs the formula guard.
    client.setSession({
      portfolio: [
        ['AAPL', '15', '302.17'],
        ['-A', '0.5', '0.1234', '2025-02-28'],
        ['AAPL', '1', '1', '2026-03-04'],
      ],
    });
    await client.get(urlFor('list_stocks'));
    const before = client.decodeSession()['portfolio'];
    const csv = (await client.get(urlFor('export_stocks'))).html;
    await client.postForm(urlFor('clear_stocks'), { confirm: 'yes' });
    expect(client.decodeSession()['portfolio']).toBeUndefined();
    expect((await importCsv(client, csv, 'replace')).status).toBe(302);
    // The same holdings; the lots get new ids (ids are never reused after a clear).
    const holdings = (entries: unknown) =>
      (entries as unknown[][]).map(([symbol, shares, price, date]) => [symbol, shares, price, date ?? null]);
    expect(holdings(client.decodeSession()['portfolio'])).toEqual(holdings(before));
  });

  it('refuses a file with bad rows with 422, listing each row and its messages, and changes nothing', async () => {
    const client = await visitorWith([AAPL]);
    await client.get(urlFor('list_stocks'));
    const before = client.decodeSession();
    const page = await importCsv(client, `${HEADER}GOOG,3,150,\r\n123,0,1,\r\nMSFT,1,000,1,\r\n`);
    expect(page.status).toBe(422);
    const text = mainText(page.html);
    expect(text).toContain('Nothing was imported: 2 rows have a problem.');
    expect(text).toContain(`Row 3: ${symbolMessages['no-letter']} ${sharesMessages['not-positive']}`);
    expect(text).toContain(`Row 4: ${csvFileMessages.cells(4, 5)}`);
    expect(text).not.toContain('Row 2:');
    expect(page.setCookies).toEqual([]);
    expect(client.decodeSession()).toEqual(before);
  });

  it(`refuses a date before ${EARLIEST_TRADE_DATE} as the add form does, saying which is the floor`, async () => {
    const client = await visitorWith([AAPL]);
    await client.get(urlFor('list_stocks'));
    const before = client.decodeSession();
    const page = await importCsv(
      client,
      `${HEADER}GOOG,3,150,1899-12-31\r\nMSFT,1,10,${EARLIEST_TRADE_DATE}\r\n`,
    );
    expect(page.status).toBe(422);
    const text = mainText(page.html);
    expect(text).toContain(
      `Row 2: The date is before ${EARLIEST_TRADE_DATE}, the earliest date this app records.`,
    );
    expect(text).not.toContain('Row 3:');
    expect(client.decodeSession()).toEqual(before);
  });

  it.each([
    [
      'no file',
      () => {
        const form = new FormData();
        form.append('mode', 'append');
        return form;
      },
      importFlowMessages.noFile,
    ],
    ['an empty file', () => upload(''), importFlowMessages.emptyFile],
    ['a file with only a header', () => upload(HEADER), csvFileMessages.noRows],
    [
      'a file separated by semicolons',
      () => upload('symbol;shares;purchase_price;purchase_date\r\nAAPL;15;302,17;2026-01-02\r\n'),
      csvFileMessages.semicolons,
    ],
    [
      'a file that is not UTF-8',
      () => upload(new Uint8Array([0x73, 0xff, 0xfe, 0x0a])),
      importFlowMessages.notText,
    ],
    [
      'no mode',
      () => {
        const form = upload(`${HEADER}GOOG,3,150,\r\n`);
        form.delete('mode');
        return form;
      },
      importFlowMessages.mode,
    ],
  ])('refuses %s with 422 and a message, changing nothing', async (_case, form, message) => {
    const client = await visitorWith([AAPL]);
    await client.get(urlFor('import_stocks'));
    const before = client.decodeSession();
    const page = await client.postMultipart(urlFor('import_stocks'), form());
    expect(page.status).toBe(422);
    expect(mainText(page.html)).toContain(message);
    expect(client.decodeSession()).toEqual(before);
  });

  it('accepts a file far beyond the 16 KiB form limit', async () => {
    const client = await visitorWith([]);
    const padding = '\r\n'.repeat(50_000);
    const page = await importCsv(client, `${HEADER}GOOG,3,150,${padding}MSFT,1,1,\r\n`);
    expect(page.status).toBe(302);
    expect(client.decodeSession()['portfolio']).toEqual([
      ['GOOG', '3', '150', null, 1],
      ['MSFT', '1', '1', null, 2],
    ]);
  });

  it(`refuses an upload over ${MAX_IMPORT_BYTES / 1024 / 1024} MiB with 413, changing nothing`, async () => {
    const client = await visitorWith([AAPL]);
    const before = client.decodeSession();
    const page = await importCsv(client, `${HEADER}GOOG,3,150,${'\r\n'.repeat(MAX_IMPORT_BYTES / 2)}`);
    expect(page.status).toBe(413);
    expect(mainText(page.html)).toContain('A CSV file to import can be at most 1 MiB. Nothing was imported.');
    expect(client.decodeSession()).toEqual(before);
  });

  it('counts the file’s own size, not the form around it: a file of exactly the limit is imported, one byte more is 413', async () => {
    /** A valid file of exactly `bytes` bytes: one holding, then blank lines. */
    const fileOf = (bytes: number) => {
      const start = `${HEADER}GOOG,3,150,2025-05-06\r\n`;
      return start + '\n'.repeat(bytes - Buffer.byteLength(start));
    };
    const client = await visitorWith([AAPL]);
    const over = await importCsv(client, fileOf(MAX_IMPORT_BYTES + 1));
    expect(over.status).toBe(413);
    const exact = await importCsv(client, fileOf(MAX_IMPORT_BYTES));
    expect(exact.status).toBe(302);
    expect(client.decodeSession()['portfolio']).toHaveLength(2);
  });

  it('refuses, in cookie mode, an import that would not fit in the cookie, and changes nothing', async () => {
    const t = clockedApp();
    const client = t.client();
    const held: Holding[] = [{ symbol: 'AAPL', shares: '15', price: '302.17' }];
    client.setSession({
      csrf_token: randomBytes(32).toString('base64url'),
      portfolio: encodePortfolio(held),
    });
    await client.get(urlFor('import_stocks'));
    const before = client.decodeSession();
    // Random symbols and amounts (seeded, so repeatable): zlib cannot squeeze them as it could 400 equal rows.
    const random = seededRandom(7);
    const below = (n: number) => Math.floor(random() * n);
    const rows = Array.from({ length: 400 }, () => {
      const symbol = Array.from({ length: 4 }, () => String.fromCharCode(65 + below(26))).join('');
      return `${symbol},${1 + below(5000)},${1 + below(2000)}.${String(below(100)).padStart(2, '0')},2025-01-01\r\n`;
    });
    const page = await client.postMultipart(urlFor('import_stocks'), upload(HEADER + rows.join('')));
    expect(page.status).toBe(422);
    expect(mainText(page.html)).toContain(importFlowMessages.tooLarge(401));
    expect(page.setCookies).toEqual([]);
    expect(client.decodeSession()).toEqual(before);
  });

  it('refuses a file with more rows than could ever fit before checking them', async () => {
    const client = await visitorAtForm();
    const before = client.decodeSession();
    // Row 2 is bad, so a file that was checked would be refused for row 2, not for its size.
    const rows = 'x,y,z,w\r\n' + 'A,1,1,\r\n'.repeat(127_999);
    const page = await importCsv(client, HEADER + rows);
    expect(page.status).toBe(422);
    expect(mainText(page.html)).toContain(importFlowMessages.tooLarge(128_000));
    expect(mainText(page.html)).not.toContain('Row 2');
    expect(client.decodeSession()).toEqual(before);
  });

  it('lists the first bad rows of a very bad file and says where checking stopped', async () => {
    const client = await visitorAtForm();
    const page = await importCsv(client, HEADER + 'A,0,1,\r\n'.repeat(500));
    expect(page.status).toBe(422);
    const text = mainText(page.html);
    expect(text).toContain('Nothing was imported: at least 100 rows have a problem.');
    expect(text).toContain(
      'Checking stopped at row 101, after 100 rows with a problem; the rows after it were not checked.',
    );
    expect(text).toContain('… and 50 more rows.');
  });
});
