import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inputs, mainText, recordingLogger, testConfig } from '../../test/support/client.js';
import { MAX_BODY_BYTES } from '../http/app.js';
import { startServer, type RunningServer } from '../http/server.js';

/*
 * The body limit on a real Node server, where `formBodyLimit` decides by Content-Length without
 * reading the body (test/hostile-input.test.ts holds the same cases through app.request, where
 * Hono's counting bodyLimit decides).
 */

interface Reply {
  readonly status: number;
  readonly headers: Record<string, string | string[] | undefined>;
  readonly body: string;
}

let running: RunningServer;
let origin: string;

/** One request over a new connection; `chunks` are sent with chunked encoding when there is no Content-Length. */
function send(
  method: string,
  path: string,
  headers: Record<string, string>,
  chunks: readonly string[] = [],
): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = request(
      new URL(path, origin),
      { method, headers: { connection: 'close', ...headers } },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (body += chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
      },
    );
    // The server may answer 413 and close before the whole body is sent.
    req.on('error', (error: NodeJS.ErrnoException) => (error.code === 'EPIPE' ? undefined : reject(error)));
    for (const chunk of chunks) req.write(chunk);
    req.end();
  });
}

/** A fresh visitor: its session cookie and CSRF token, from the add-stock form. */
async function visitor(): Promise<{ cookie: string; token: string }> {
  const page = await send('GET', '/add_stock', {});
  const setCookie = [page.headers['set-cookie'] ?? []].flat()[0] ?? '';
  const token = inputs(page.body).find((input) => input['name'] === 'csrf_token')?.['value'] ?? '';
  return { cookie: setCookie.split(';')[0] ?? '', token };
}

/** An add-stock form of exactly `bytes` bytes, valid but for its far too long price. */
function formOf(token: string, bytes: number): string {
  const head = `csrf_token=${token}&stock_symbol=MSFT&number_of_shares=10&purchase_price=`;
  return head + '1'.repeat(bytes - head.length);
}

beforeAll(async () => {
  running = await startServer(testConfig({ host: '127.0.0.1', port: 0 }), recordingLogger());
  origin = running.url;
});

afterAll(() => running.close(100));

describe('a form posted to the Node server', () => {
  const form = { 'content-type': 'application/x-www-form-urlencoded' };

  it(`is refused with the 413 page when its Content-Length is over ${MAX_BODY_BYTES} bytes`, async () => {
    const { cookie, token } = await visitor();
    const body = formOf(token, MAX_BODY_BYTES + 1);
    const reply = await send(
      'POST',
      '/add_stock',
      { ...form, cookie, 'content-length': String(body.length) },
      [body],
    );
    expect(reply.status).toBe(413);
    expect(mainText(reply.body)).toContain(`A form can be at most ${MAX_BODY_BYTES / 1024} KiB.`);
    expect(reply.headers['set-cookie']).toBeUndefined();
  });

  it(`is read when its Content-Length is exactly ${MAX_BODY_BYTES} bytes (the limit is inclusive)`, async () => {
    const { cookie, token } = await visitor();
    const body = formOf(token, MAX_BODY_BYTES);
    const reply = await send(
      'POST',
      '/add_stock',
      { ...form, cookie, 'content-length': String(body.length) },
      [body],
    );
    // Read, and refused by the form rules (the price is far too long), not by the size limit.
    expect(reply.status).toBe(422);
  });

  it(`is refused with 413 when sent chunked, without a length, over ${MAX_BODY_BYTES} bytes`, async () => {
    const { cookie, token } = await visitor();
    const body = formOf(token, MAX_BODY_BYTES + 1);
    const reply = await send('POST', '/add_stock', { ...form, cookie }, [
      body.slice(0, 8000),
      body.slice(8000),
    ]);
    expect(reply.status).toBe(413);
  });

  it('adds the holding and redirects when it is a valid form', async () => {
    const { cookie, token } = await visitor();
    const body = new URLSearchParams({
      csrf_token: token,
      stock_symbol: 'NFLX',
      number_of_shares: '7',
      purchase_price: '612.4',
    }).toString();
    const reply = await send(
      'POST',
      '/add_stock',
      { ...form, cookie, 'content-length': String(body.length) },
      [body],
    );
    expect(reply.status).toBe(302);
    expect(reply.headers['location']).toBe('/stocks');
  });
});
