/**
 * The server's operational behaviour over real HTTP on 127.0.0.1: timeouts, load shedding,
 * request ids and what reaches the log. Short configured timeouts keep the tests quick; no
 * assertion depends on how fast the machine is.
 */
import http from 'node:http';
import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { TEST_SECRET_KEY, recordingLogger, testConfig } from '../../test/support/client.js';
import { addStockForm as addStockFormAt, request } from '../../test/support/http.js';
import type { Config } from '../platform/config.js';
import { createLogger, type Logger } from '../platform/logging.js';
import { urlFor } from '../web/urls.js';
import { RETRY_AFTER_SECONDS, startServer, type RunningServer } from './server.js';

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function start(
  overrides: Partial<Config> = {},
  logger: Logger = recordingLogger(),
): Promise<RunningServer> {
  const running = await startServer(testConfig({ host: '127.0.0.1', port: 0, ...overrides }), logger);
  cleanups.push(() => (running.server.listening ? running.close(100) : undefined));
  return running;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const addStockForm = (running: RunningServer) => addStockFormAt(running.url);

/** A raw connection to `running`, recording what it receives and whether the server closed it. */
function rawConnection(running: RunningServer) {
  const { port } = running.server.address() as net.AddressInfo;
  const socket = net.connect(port, '127.0.0.1');
  cleanups.push(() => socket.destroy());
  let received = '';
  socket.setEncoding('utf8').on('data', (chunk: string) => (received += chunk));
  socket.on('error', () => undefined);
  const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
  let isClosed = false;
  void closed.then(() => (isClosed = true));
  return { socket, closed, received: () => received, isClosed: () => isClosed };
}

describe('timeouts', () => {
  const SHORT = { headersTimeoutMs: 1000, requestTimeoutMs: 3000, keepAliveTimeoutMs: 300 };

  it('closes a POST whose body trickles in, long before it could finish', async () => {
    const running = await start(SHORT);
    const { cookie } = await addStockForm(running);
    const connection = rawConnection(running);
    const length = 200;
    connection.socket.write(
      `POST /add_stock HTTP/1.1\r\nHost: 127.0.0.1\r\nCookie: ${cookie}\r\n` +
        `Content-Type: application/x-www-form-urlencoded\r\nContent-Length: ${length}\r\n\r\n`,
    );
    // One byte every 250 ms: 50 s for the whole body.
    let sent = 0;
    while (!connection.isClosed() && sent < length) {
      connection.socket.write('a');
      sent++;
      await Promise.race([sleep(250), connection.closed]);
    }
    expect(connection.isClosed()).toBe(true);
    expect(sent).toBeLessThan(length);
    expect(connection.received()).toMatch(/^HTTP\/1\.1 408 /);
  });

  it('closes a request whose headers trickle in (slow loris)', async () => {
    const running = await start(SHORT);
    const connection = rawConnection(running);
    connection.socket.write('GET /stocks HTTP/1.1\r\nHost: 127.0.0.1\r\n');
    let lines = 0;
    while (!connection.isClosed() && lines < 200) {
      connection.socket.write(`X-Slow-${lines}: 1\r\n`);
      lines++;
      await Promise.race([sleep(250), connection.closed]);
    }
    expect(connection.isClosed()).toBe(true);
    expect(lines).toBeLessThan(200);
  });

  it('serves a slow but steady client: a form sent in four parts over about a second', async () => {
    const running = await start(SHORT);
    const { cookie, body } = await addStockForm(running);
    const reply = await request(
      running.url + urlFor('add_stock'),
      {
        method: 'POST',
        headers: {
          Cookie: cookie,
          'Content-Type': 'application/x-www-form-urlencoded',
          'Content-Length': String(Buffer.byteLength(body)),
        },
      },
      (req) => {
        const quarter = Math.ceil(body.length / 4);
        void (async () => {
          for (let i = 0; i < 4; i++) {
            req.write(body.slice(i * quarter, (i + 1) * quarter));
            await sleep(300);
          }
          req.end();
        })();
      },
    );
    expect(reply.status).toBe(302);
    expect(reply.headers.location).toBe(urlFor('list_stocks'));
  });

  it('closes an idle keep-alive connection after keepAliveTimeout', async () => {
    const running = await start(SHORT);
    const connection = rawConnection(running);
    connection.socket.write('GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n');
    await connection.closed;
    expect(connection.received()).toMatch(/^HTTP\/1\.1 200 /);
    expect(connection.received()).toMatch(/keep-alive/i);
  });

  it('sets the configured timeouts on the server', async () => {
    const running = await start(SHORT);
    expect(running.server.headersTimeout).toBe(1000);
    expect(running.server.requestTimeout).toBe(3000);
    expect(running.server.keepAliveTimeout).toBe(300);
  });
});

describe('load shedding', () => {
  it('answers a new request with a fast 503, Retry-After and Connection: close while too many are in flight', async () => {
    const running = await start({ overloadMaxInFlight: 1 });
    const { cookie, body } = await addStockForm(running);
    // A POST whose body is not all there yet is in flight.
    const inFlight = http.request(running.url + urlFor('add_stock'), {
      method: 'POST',
      agent: false,
      headers: {
        Cookie: cookie,
        'Content-Type': 'application/x-www-form-urlencoded',
        'Content-Length': String(Buffer.byteLength(body)),
      },
    });
    const posted = new Promise<number>((resolve, reject) => {
      inFlight.on('response', (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      inFlight.on('error', reject);
    });
    const arrived = new Promise<void>((resolve) => running.server.once('request', () => resolve()));
    inFlight.write(body.slice(0, 10));
    await arrived;

    const shed = await request(running.url + urlFor('list_stocks'));
    expect(shed.status).toBe(503);
    expect(shed.headers['retry-after']).toBe(String(RETRY_AFTER_SECONDS));
    expect(shed.headers.connection).toBe('close');
    expect(shed.headers['set-cookie']).toBeUndefined();
    expect(shed.body).toContain('too busy');

    inFlight.end(body.slice(10));
    expect(await posted).toBe(302);
    expect((await request(running.url + urlFor('list_stocks'))).status).toBe(200);
  });
});

describe('request ids', () => {
  const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

  it('gives every response an X-Request-Id, the same as on its log lines', async () => {
    const logger = recordingLogger();
    const running = await start({}, logger);
    const reply = await request(running.url + urlFor('list_stocks'));
    const id = reply.headers['x-request-id'];
    expect(id).toMatch(UUID);
    await expect.poll(() => logger.lines.length).toBe(1);
    expect(logger.lines[0]).toMatchObject({ requestId: id, access: { status: 200 } });
  });

  it('ignores a client’s X-Request-Id unless the proxy is trusted', async () => {
    const running = await start();
    const reply = await request(running.url + urlFor('index'), {
      headers: { 'X-Request-Id': 'client-chosen' },
    });
    expect(reply.headers['x-request-id']).toMatch(UUID);
  });

  it('takes a well-formed X-Request-Id from a trusted proxy, and replaces a malformed one', async () => {
    const running = await start({ trustProxyRequestId: true });
    const good = await request(running.url + urlFor('index'), { headers: { 'X-Request-Id': 'proxy-1234' } });
    expect(good.headers['x-request-id']).toBe('proxy-1234');
    const bad = await request(running.url + urlFor('index'), {
      headers: { 'X-Request-Id': 'x'.repeat(200) },
    });
    expect(bad.headers['x-request-id']).toMatch(UUID);
  });
});

describe('what reaches the log', () => {
  /** Drives a visitor through pages, a form, a refused form and a tampered cookie, logging as `format`. */
  async function visit(format: 'text' | 'json') {
    let log = '';
    const logger = createLogger({ debug: true, logFormat: format, write: (_stream, line) => (log += line) });
    const running = await start({ debug: true, logFormat: format }, logger);
    const { cookie, body, token } = await addStockForm(running);
    const form = {
      Cookie: cookie,
      'Content-Type': 'application/x-www-form-urlencoded',
      'Content-Length': String(Buffer.byteLength(body)),
    };
    const added = await request(running.url + urlFor('add_stock'), { method: 'POST', headers: form }, (req) =>
      req.end(body),
    );
    const newCookie = added.headers['set-cookie']?.[0]?.split(';')[0] ?? '';
    const forged = body.replace(token, 'x'.repeat(token.length));
    const refused = await request(
      running.url + urlFor('add_stock'),
      { method: 'POST', headers: form },
      (req) => req.end(forged),
    );
    const tampered = `${newCookie.slice(0, -3)}AAA`;
    await request(running.url + urlFor('list_stocks'), { headers: { Cookie: tampered } });
    await request(running.url + '/healthz');
    await running.close();
    expect(added.status).toBe(302);
    expect(refused.status).toBe(403);
    return {
      log,
      secrets: [TEST_SECRET_KEY, token, cookie, newCookie, tampered].map((c) => c.replace(/^session=/, '')),
    };
  }

  it.each(['text', 'json'] as const)(
    'never contains the secret key, a CSRF token or a cookie value (%s)',
    async (format) => {
      const { log, secrets } = await visit(format);
      // The log did record the visit: the refusal and the ignored cookie are there.
      expect(log).toContain('CSRF check failed');
      expect(log).toContain('Ignored session cookie');
      for (const secret of secrets) {
        expect(secret.length).toBeGreaterThan(20);
        expect(log).not.toContain(secret);
        // Nor the first half of one, as a truncated value would be.
        expect(log).not.toContain(secret.slice(0, Math.floor(secret.length / 2)));
      }
    },
  );

  it('writes JSON lines that each parse, every request line with its request id, health checks at debug', async () => {
    const { log } = await visit('json');
    const records = log
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    const access = records.filter((record) => typeof record['status'] === 'number');
    expect(
      access.map((record) => [record['method'], record['path'], record['status'], record['level']]),
    ).toEqual([
      ['GET', '/add_stock', 200, 'info'],
      ['POST', '/add_stock', 302, 'info'],
      ['POST', '/add_stock', 403, 'info'],
      ['GET', '/stocks', 200, 'info'],
      ['GET', '/healthz', 200, 'debug'],
    ]);
    for (const record of access) expect(record['duration_ms']).toEqual(expect.any(Number));
    const requestLines = records.filter((record) =>
      /CSRF|Ignored session cookie|add_stock form/.test(String(record['msg'])),
    );
    expect(requestLines.length).toBeGreaterThanOrEqual(3);
    for (const record of requestLines) expect(record['request_id']).toEqual(expect.any(String));
    // The add's debug line, written only with debug on, as here.
    expect(requestLines.some((record) => String(record['msg']).startsWith('add_stock form: {'))).toBe(true);
  });

  it('does not log a health check at info level', async () => {
    const logger = recordingLogger();
    const running = await start({}, logger);
    await request(running.url + '/healthz');
    await request(running.url + '/readyz');
    await request(running.url + urlFor('index'));
    await expect.poll(() => logger.lines.length).toBe(1);
    expect(logger.lines[0]?.access?.url).toBe('/');
  });
});
