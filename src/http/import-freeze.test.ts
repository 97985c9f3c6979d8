/**
 * Issue 16, "one anonymous import freezes the server": a visitor's large upload is checked in
 * slices, so another visitor's page is answered while it is read. Order, not wall time: the GET
 * is sent once the server has begun checking the file, and must be answered before the import.
 */
import http from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { recordingLogger, testConfig } from '../../test/support/client.js';
import { addStockForm, request } from '../../test/support/http.js';
import { MAX_IMPORT_BYTES } from '../features/import-export/routes.js';
import { urlFor } from '../web/urls.js';
import { startServer, type RunningServer } from './server.js';

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

const HEADER = 'symbol,shares,purchase_price,purchase_date\r\n';

/**
 * Just under the upload limit, and as slow to check as a file can be after the fix: blank rows
 * (skipped, so not counted against the portfolio's room) fill the megabyte, and the one bad row
 * that refuses the file comes last.
 */
function hostileCsv(): string {
  const bad = 'x,y,z,w\r\n';
  const blank = ',,,\r\n';
  const blanks = Math.floor((MAX_IMPORT_BYTES - 4096 - HEADER.length - bad.length) / blank.length);
  return HEADER + blank.repeat(blanks) + bad;
}

/** A multipart body as a browser sends it, with its Content-Type. */
async function multipart(fields: Record<string, string | Blob>): Promise<{ type: string; body: Buffer }> {
  const form = new FormData();
  for (const [name, value] of Object.entries(fields)) {
    if (value instanceof Blob) form.append(name, value, 'portfolio.csv');
    else form.append(name, value);
  }
  const encoded = new Request('http://127.0.0.1/', { method: 'POST', body: form });
  return {
    type: encoded.headers.get('content-type') ?? '',
    body: Buffer.from(await encoded.arrayBuffer()),
  };
}

describe('a large import', () => {
  it('lets a page be answered while the file is being checked', async () => {
    let checking: () => void = () => undefined;
    const checkingStarted = new Promise<void>((resolve) => (checking = resolve));
    const base = recordingLogger({ debug: true });
    const logger = {
      ...base,
      debug: (message: string) => {
        base.debug(message);
        if (message.startsWith('import: checking')) checking();
      },
    };
    const running: RunningServer = await startServer(testConfig({ host: '127.0.0.1', port: 0 }), logger);
    cleanups.push(() => (running.server.listening ? running.close(100) : undefined));

    const { cookie, token } = await addStockForm(running.url);
    const upload = await multipart({
      csrf_token: token,
      mode: 'append',
      file: new Blob([hostileCsv()], { type: 'text/csv' }),
    });
    const answered: string[] = [];
    const imported = request(
      running.url + urlFor('import_stocks'),
      {
        method: 'POST',
        headers: {
          Cookie: cookie,
          'Content-Type': upload.type,
          'Content-Length': String(upload.body.length),
        },
      },
      (req: http.ClientRequest) => req.end(upload.body),
    ).then((reply) => {
      answered.push('import');
      return reply;
    });

    // The server runs in this process: this continues only between two slices of the check.
    await checkingStarted;
    const page = request(running.url + urlFor('list_stocks'), { headers: { Cookie: cookie } }).then(
      (reply) => {
        answered.push('page');
        return reply;
      },
    );
    const [importReply, pageReply] = await Promise.all([imported, page]);

    expect(pageReply.status).toBe(200);
    expect(importReply.status).toBe(422);
    // The bad row is found at the end of the file: every row was checked.
    expect(importReply.body).toMatch(/Row \d{5,}: /);
    expect(answered).toEqual(['page', 'import']);
  });
});
