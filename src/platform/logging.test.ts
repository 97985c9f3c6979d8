import { afterEach, describe, expect, it, vi } from 'vitest';
import { accessLine, createLogger, logDateTime, type AccessEntry } from './logging.js';

const ENTRY: AccessEntry = {
  address: '127.0.0.1',
  // Local time, as Werkzeug logs it.
  date: new Date(2026, 10, 25, 20, 18, 45),
  method: 'POST',
  url: '/add_stock',
  httpVersion: '1.1',
  status: 302,
};

describe('accessLine', () => {
  it('formats a request exactly as Werkzeug does', () => {
    expect(accessLine(ENTRY)).toBe('127.0.0.1 - - [25/Nov/2026 20:18:45] "POST /add_stock HTTP/1.1" 302 -');
  });

  it('escapes control characters in the URL, so a request cannot forge a log line', () => {
    const line = accessLine({ ...ENTRY, url: '/a\r\n127.0.0.1 - - [x] "GET / HTTP/1.1" 200 -\u0000\u007f' });
    // eslint-disable-next-line no-control-regex -- looking for control characters is the point
    expect(line).not.toMatch(/[\r\n\u0000\u007f]/);
    expect(line).toContain('/a\\x0d\\x0a127.0.0.1');
    expect(line).toContain('\\x00\\x7f');
  });

  it('escapes quotes and backslashes in the URL, so the request field stays one quoted string', () => {
    const line = accessLine({ ...ENTRY, url: '/a"b\\c' });
    expect(line).toBe('127.0.0.1 - - [25/Nov/2026 20:18:45] "POST /a\\x22b\\x5cc HTTP/1.1" 302 -');
  });
});

describe('logDateTime', () => {
  it('pads single-digit days and times with zeros', () => {
    expect(logDateTime(new Date(2026, 0, 5, 3, 4, 9))).toBe('05/Jan/2026 03:04:09');
  });
});

describe('createLogger', () => {
  afterEach(() => {
    vi.restoreAllMocks();
  });

  /** Replaces the writes to stdout and stderr with recorders, restored after each test. */
  function captureOutput() {
    const stdout: string[] = [];
    const stderr: string[] = [];
    vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
      stdout.push(String(chunk));
      return true;
    });
    vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
      stderr.push(String(chunk));
      return true;
    });
    return { stdout, stderr };
  }

  it('writes info lines to stdout', () => {
    const output = captureOutput();
    createLogger({ debug: false }).info('hello');
    expect(output.stdout).toEqual(['hello\n']);
  });

  it('drops debug lines with debug off', () => {
    const output = captureOutput();
    createLogger({ debug: false }).debug('form: {"stock_symbol":"AAPL"}');
    expect(output.stdout).toEqual([]);
  });

  it('writes debug lines, marked, with debug on', () => {
    const output = captureOutput();
    createLogger({ debug: true }).debug('details');
    expect(output.stdout).toEqual(['[debug] details\n']);
  });

  it('says whether it writes debug lines, for its request loggers too, in either format', () => {
    for (const logFormat of ['text', 'json'] as const) {
      for (const debug of [false, true]) {
        const logger = createLogger({ debug, logFormat, write: () => undefined });
        expect(logger.debugEnabled).toBe(debug);
        expect(logger.forRequest('req-1').debugEnabled).toBe(debug);
      }
    }
  });

  it('writes errors with their stack to stderr', () => {
    const output = captureOutput();
    const error = new Error('kaboom');
    createLogger({ debug: false }).error('Unhandled error', error);
    expect(output.stderr).toEqual([`Unhandled error\n${error.stack ?? ''}\n`]);
  });
});

describe('createLogger with LOG_FORMAT=json', () => {
  function jsonLines(debug = false) {
    const written: { stream: string; line: string }[] = [];
    const logger = createLogger({
      debug,
      logFormat: 'json',
      write: (stream, line) => written.push({ stream, line }),
    });
    const records = () => written.map(({ line }) => JSON.parse(line) as Record<string, unknown>);
    return { logger, written, records };
  }

  it('writes one JSON object per line, with time, level and msg', () => {
    const { logger, written, records } = jsonLines();
    logger.info('hello "world"\nsecond line');
    expect(written).toHaveLength(1);
    expect(written[0]?.line.endsWith('\n')).toBe(true);
    expect(written[0]?.line.slice(0, -1)).not.toContain('\n');
    const [record] = records();
    expect(record).toMatchObject({ level: 'info', msg: 'hello "world"\nsecond line' });
    expect(new Date(String(record?.['time'])).toISOString()).toBe(record?.['time']);
  });

  it('writes an access record with method, path, status, duration_ms and request_id', () => {
    const { logger, records } = jsonLines();
    logger.access({ ...ENTRY, durationMs: 1.23456, requestId: 'req-42' });
    expect(records()).toEqual([
      {
        time: expect.any(String) as unknown,
        level: 'info',
        msg: 'POST /add_stock 302',
        method: 'POST',
        path: '/add_stock',
        status: 302,
        duration_ms: 1.23,
        remote_addr: '127.0.0.1',
        http_version: '1.1',
        request_id: 'req-42',
      },
    ]);
  });

  it('puts the request id on every line written through the request’s logger, and only there', () => {
    const { logger, records } = jsonLines(true);
    const forRequest = logger.forRequest('req-7');
    forRequest.info('refused');
    forRequest.debug('form fields');
    forRequest.error('failed', new Error('kaboom'));
    logger.info('not for a request');
    expect(logger.forRequest(undefined)).toBe(logger);
    expect(records().map((record) => record['request_id'])).toEqual(['req-7', 'req-7', 'req-7', undefined]);
    expect(records()[2]).toMatchObject({
      level: 'error',
      error: expect.stringContaining('kaboom') as unknown,
    });
  });

  it('logs health-check requests only with debug on', () => {
    const quiet = jsonLines(false);
    quiet.logger.access(ENTRY, 'debug');
    expect(quiet.written).toEqual([]);
    const loud = jsonLines(true);
    loud.logger.access(ENTRY, 'debug');
    expect(loud.records()[0]).toMatchObject({ level: 'debug', status: 302 });
  });
});

describe('createLogger with text lines', () => {
  it('keeps the access line exactly Werkzeug’s and names the request on the app’s own lines', () => {
    const written: string[] = [];
    const logger = createLogger({ debug: false, write: (_stream, line) => written.push(line) });
    logger.access({ ...ENTRY, requestId: 'req-9' });
    logger.forRequest('req-9').info('Refused POST /add_stock: CSRF check failed (wrong-token)');
    expect(written).toEqual([
      `${accessLine(ENTRY)}\n`,
      'Refused POST /add_stock: CSRF check failed (wrong-token) [request req-9]\n',
    ]);
  });
});

describe('createLogger with credentials', () => {
  const credentials = ['s3cret%21', 's3cret!'];

  it.each(['text', 'json'] as const)(
    'masks them in %s lines, messages and error details alike',
    (logFormat) => {
      const written: string[] = [];
      const logger = createLogger({
        debug: true,
        logFormat,
        credentials,
        write: (_, line) => written.push(line),
      });
      logger.info('Redis at redis://u:s3cret%21@h:1 did not answer');
      logger.debug('password s3cret!');
      logger.error('Readiness check failed', new Error('WRONGPASS for redis://u:s3cret!@h:1'));
      const all = written.join('');
      expect(all).not.toContain('s3cret');
      expect(all).toContain('redis://u:***@h:1 did not answer');
      expect(all).toContain('password ***');
      expect(all).toContain('WRONGPASS for redis://u:***@h:1');
    },
  );
});
