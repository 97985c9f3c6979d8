/**
 * An open-loop HTTP/1.1 load generator: requests go out at a fixed rate whatever the server does,
 * and each one is timed from the moment it was *scheduled*, not from when a connection was free to
 * send it. A closed-loop tool (wrk) waits for answers before sending more, so a server that stalls
 * simply receives less load and its stall hides from the percentiles ("coordinated omission").
 *
 * Request k is due at start + k / rate. Due requests take an idle keep-alive connection (at most
 * `connections`), or wait in a queue, their clock already running. A server that closes the
 * connection after each answer (gunicorn's sync workers) gets a new connection per request, as its
 * real clients do. Responses must carry Content-Length (all five servers send it).
 *
 * Self-contained (only `node:` imports): `run.ts` transpiles it and runs it with plain node, given
 * one JSON argument ({@link OpenLoopConfig}); it prints one JSON line ({@link OpenLoopResult}).
 * @module
 */
import { readFileSync } from 'node:fs';
import { connect, type Socket } from 'node:net';

export interface OpenLoopConfig {
  readonly host: string;
  readonly port: number;
  readonly method: 'GET' | 'POST';
  readonly path: string;
  /** File of visitors (as bench/wrk.ts writes them: "cookie\tbody" lines), used round-robin. */
  readonly visitorsFile: string;
  readonly ratePerSecond: number;
  readonly connections: number;
  readonly durationSeconds: number;
  /** Seconds at the same rate before the measured part, so JIT, connections and caches settle. */
  readonly warmUpSeconds: number;
}

export interface OpenLoopResult {
  readonly targetRate: number;
  /** Responses completed per second of the schedule. */
  readonly achievedRate: number;
  readonly scheduled: number;
  readonly completed: number;
  /** Answers outside 2xx/3xx, broken connections, and requests still unanswered 2 s after the end. */
  readonly errors: number;
  readonly latencyMs: {
    readonly p50: number;
    readonly p90: number;
    readonly p99: number;
    readonly max: number;
  };
  /** How late this client itself dispatched requests (p99): its own share of the latency. */
  readonly dispatchLagP99Ms: number;
}

interface Pending {
  readonly due: number;
  readonly bytes: Buffer;
  /** False during the warm-up. */
  readonly measured: boolean;
}

function percentile(sorted: Float64Array, p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? NaN;
}

function round3(n: number): number {
  return Math.round(n * 1000) / 1000;
}

function run(config: OpenLoopConfig): Promise<OpenLoopResult> {
  const requests = readFileSync(config.visitorsFile, 'utf8')
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => {
      const tab = line.indexOf('\t');
      const cookie = line.slice(0, tab);
      const body = line.slice(tab + 1);
      const head =
        `${config.method} ${config.path} HTTP/1.1\r\nHost: ${config.host}:${config.port}\r\nCookie: ${cookie}\r\n` +
        (body === ''
          ? '\r\n'
          : `Content-Type: application/x-www-form-urlencoded\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`);
      return Buffer.from(head, 'latin1');
    });
  const intervalMs = 1000 / config.ratePerSecond;
  const warmUp = Math.floor(config.warmUpSeconds * config.ratePerSecond);
  const total = Math.floor(config.durationSeconds * config.ratePerSecond);
  const scheduled = warmUp + total;
  const latencies = new Float64Array(total);
  const lags = new Float64Array(total);
  let completed = 0;
  let badStatus = 0;
  let dispatched = 0;
  /** Sent or queued, not yet answered or lost. */
  let inFlight = 0;
  const queue: Pending[] = [];
  const idle: Conn[] = [];
  let open = 0;
  const start = performance.now();

  class Conn {
    readonly socket: Socket;
    current: Pending | undefined;
    buffer: Buffer = Buffer.alloc(0);
    alive = true;
    constructor() {
      open++;
      this.socket = connect({ host: config.host, port: config.port, noDelay: true });
      this.socket.on('data', (chunk: Buffer) => this.onData(chunk));
      this.socket.on('error', () => this.closed());
      this.socket.on('close', () => this.closed());
    }
    send(request: Pending): void {
      this.current = request;
      this.socket.write(request.bytes);
    }
    onData(chunk: Buffer): void {
      this.buffer = this.buffer.length === 0 ? chunk : Buffer.concat([this.buffer, chunk]);
      const headEnd = this.buffer.indexOf('\r\n\r\n');
      if (headEnd < 0 || this.current === undefined) return;
      const head = this.buffer.subarray(0, headEnd).toString('latin1');
      const length = /\r\ncontent-length:\s*(\d+)/i.exec(head);
      if (length === null) {
        this.socket.destroy();
        return;
      }
      if (this.buffer.length < headEnd + 4 + Number(length[1])) return;
      const status = Number(head.slice(9, 12));
      inFlight--;
      if (this.current.measured) {
        if (status < 200 || status >= 400) badStatus++;
        latencies[completed++] = performance.now() - this.current.due;
      }
      this.current = undefined;
      this.buffer = Buffer.alloc(0);
      if (/\r\nconnection:\s*close/i.test(head)) this.socket.destroy();
      else this.next();
    }
    next(): void {
      const request = queue.shift();
      if (request === undefined) idle.push(this);
      else this.send(request);
    }
    /** The connection is gone (closed after an answer, or broken): leave the pool, hand over the queue. */
    closed(): void {
      if (!this.alive) return;
      this.alive = false;
      open--;
      if (this.current !== undefined) inFlight--;
      this.current = undefined;
      const at = idle.indexOf(this);
      if (at >= 0) idle.splice(at, 1);
      if (queue.length > 0 && open < config.connections) new Conn().next();
    }
  }

  function dispatch(request: Pending): void {
    inFlight++;
    const conn = idle.pop();
    if (conn !== undefined) conn.send(request);
    else if (open < config.connections) new Conn().send(request);
    else queue.push(request);
  }

  return new Promise((resolve) => {
    const tick = () => {
      const now = performance.now();
      while (dispatched < scheduled && start + dispatched * intervalMs <= now) {
        const due = start + dispatched * intervalMs;
        const measured = dispatched >= warmUp;
        if (measured) lags[dispatched - warmUp] = now - due;
        dispatch({ due, bytes: requests[dispatched % requests.length] as Buffer, measured });
        dispatched++;
      }
      if (dispatched < scheduled)
        setTimeout(tick, Math.max(0, Math.min(1, start + dispatched * intervalMs - now)));
      else drain(now + 2000);
    };
    // After the last send: wait for the answers still due, for at most 2 s (the rest count as errors).
    const drain = (deadline: number) => {
      if (inFlight === 0 || performance.now() >= deadline) finish();
      else setTimeout(() => drain(deadline), 5);
    };
    const finish = () => {
      const sorted = latencies.slice(0, completed).sort();
      const sortedLags = lags.slice(0, dispatched - warmUp).sort();
      resolve({
        targetRate: config.ratePerSecond,
        achievedRate: round3(completed / config.durationSeconds),
        scheduled: total,
        completed,
        errors: badStatus + (total - completed),
        latencyMs: {
          p50: round3(percentile(sorted, 50)),
          p90: round3(percentile(sorted, 90)),
          p99: round3(percentile(sorted, 99)),
          max: round3(sorted[sorted.length - 1] ?? NaN),
        },
        dispatchLagP99Ms: round3(percentile(sortedLags, 99)),
      });
    };
    tick();
  });
}

const config = JSON.parse(process.argv[2] ?? '{}') as OpenLoopConfig;
void run(config).then((result) => {
  process.stdout.write(JSON.stringify(result) + '\n');
  process.exit(0);
});
