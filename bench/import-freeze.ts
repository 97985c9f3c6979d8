/**
 * `npm run bench:import`: issue 16's "one anonymous import freezes the server", as figures.
 * A real server on 127.0.0.1 (in this process) gets a hostile 1 MiB upload while another visitor
 * asks for their page; then a 128,000-row file that cannot fit, and a megabyte of blank rows (the
 * slowest file to check once bad rows stop the check early). Prints each figure and PASS/FAIL
 * against the issue's targets. Not a test: wall times depend on the machine.
 * @module
 */
import http from 'node:http';
import { startServer } from '../src/http/server.js';
import { testConfig } from '../test/support/client.js';
import { addStockForm, request } from '../test/support/http.js';
import { MAX_IMPORT_BYTES } from '../src/features/import-export/routes.js';
import { urlFor } from '../src/web/urls.js';
import type { Logger } from '../src/platform/logging.js';

/** The issue's targets. */
const TARGETS = Object.freeze({ importMs: 1000, pageMs: 100, peakRssMb: 300 });
const HEADER = 'symbol,shares,purchase_price,purchase_date\r\n';

const quiet: Logger = {
  info: () => undefined,
  debug: () => undefined,
  debugEnabled: false,
  error: () => undefined,
  access: () => undefined,
  forRequest: () => quiet,
};

async function multipart(fields: Record<string, string | Blob>): Promise<{ type: string; body: Buffer }> {
  const form = new FormData();
  for (const [name, value] of Object.entries(fields)) {
    if (value instanceof Blob) form.append(name, value, 'portfolio.csv');
    else form.append(name, value);
  }
  const encoded = new Request('http://127.0.0.1/', { method: 'POST', body: form });
  return { type: encoded.headers.get('content-type') ?? '', body: Buffer.from(await encoded.arrayBuffer()) };
}

const files: Record<string, string> = {
  // The issue's file: 113,772 rows of four cells none of which is valid.
  'hostile x,y,z,w (1 MiB)': HEADER + 'x,y,z,w\r\n'.repeat(Math.floor((MAX_IMPORT_BYTES - 2048) / 9)),
  '128,000 valid rows': HEADER + 'A,1,1,\r\n'.repeat(128_000),
  'blank rows, bad last row (1 MiB)':
    HEADER + ',,,\r\n'.repeat(Math.floor((MAX_IMPORT_BYTES - 2048) / 5)) + 'x,y,z,w\r\n',
};

const running = await startServer(testConfig({ host: '127.0.0.1', port: 0 }), quiet);
const failures: string[] = [];
const verdict = (ok: boolean, what: string) => {
  if (!ok) failures.push(what);
  return ok ? 'PASS' : 'FAIL';
};
try {
  console.log(`import freeze bench, ${new Date().toISOString()}`);
  for (const [name, csv] of Object.entries(files)) {
    const { cookie, token } = await addStockForm(running.url);
    const upload = await multipart({
      csrf_token: token,
      mode: 'append',
      file: new Blob([csv], { type: 'text/csv' }),
    });
    const started = performance.now();
    let pageSent = 0;
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
    ).then((reply) => ({ reply, ms: performance.now() - started }));
    // The other visitor asks once the upload is sent, i.e. while the server reads and checks it.
    await new Promise((resolve) => setTimeout(resolve, 20));
    pageSent = performance.now();
    const page = request(running.url + urlFor('list_stocks'), { headers: { Cookie: cookie } }).then(
      (reply) => ({
        reply,
        ms: performance.now() - pageSent,
      }),
    );
    const [i, p] = await Promise.all([imported, page]);
    const refusal = /Your portfolio is full|Row \d+/.exec(i.reply.body)?.[0] ?? '(no message found)';
    console.log(`\n${name}: ${csv.length} characters`);
    console.log(
      `  import answered in ${i.ms.toFixed(0)} ms (status ${i.reply.status}, "${refusal}") ≤ ${TARGETS.importMs} ms: ${verdict(i.ms <= TARGETS.importMs, `${name}: import`)}`,
    );
    console.log(
      `  concurrent GET /stocks in ${p.ms.toFixed(0)} ms (status ${p.reply.status}) ≤ ${TARGETS.pageMs} ms: ${verdict(p.ms <= TARGETS.pageMs, `${name}: GET`)}`,
    );
  }
  const peakMb = process.resourceUsage().maxRSS / 1024;
  console.log(
    `\npeak RSS of the process (server and client) ${peakMb.toFixed(0)} MB ≤ ${TARGETS.peakRssMb} MB: ${verdict(peakMb <= TARGETS.peakRssMb, 'peak RSS')}`,
  );
} finally {
  await running.close(1000);
}
console.log(failures.length === 0 ? '\nall targets met' : `\nmissed: ${failures.join('; ')}`);
process.exitCode = failures.length === 0 ? 0 : 1;
