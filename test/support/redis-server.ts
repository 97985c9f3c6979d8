/**
 * Real Redis servers for tests: Debian's `redis-server` on free loopback ports, each in its own
 * temporary folder, stopped (and the folder removed) by `stop()`.
 * @module
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** One running redis-server. */
export interface RedisProcess {
  readonly port: number;
  readonly url: string;
  readonly dir: string;
  /** Stops it (SIGTERM, or SIGKILL with `kill: true`) and waits for the exit. */
  stop(options?: { kill?: boolean }): Promise<void>;
  /** Starts it again on the same port and folder (its AOF is replayed). */
  restart(): Promise<void>;
}

/** A free loopback port whose cluster-bus port (+10000) is free too. */
export async function freePort(): Promise<number> {
  for (;;) {
    const port = await listenOnce(0);
    if (port < 55_000 && (await listenOnce(port + 10_000).catch(() => 0)) !== 0) return port;
  }
}

function listenOnce(port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address !== null ? address.port : 0));
    });
  });
}

function cli(port: number, ...args: string[]): string {
  const result = spawnSync('redis-cli', ['-h', '127.0.0.1', '-p', String(port), ...args], {
    encoding: 'utf8',
  });
  return result.stdout;
}

async function waitFor(check: () => boolean, what: string, tries = 200): Promise<void> {
  for (let i = 0; i < tries; i++) {
    if (check()) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`Timed out waiting for ${what}`);
}

/**
 * Starts a redis-server. Durable like the README says production should be:
 * `appendonly yes`, `appendfsync always`. Extra config lines go in `args` (`--name value`).
 */
export async function startRedis(args: readonly string[] = []): Promise<RedisProcess> {
  const dir = mkdtempSync(join(tmpdir(), 'redis-test-'));
  const port = await freePort();
  let child: ChildProcess | undefined;
  const launch = async () => {
    child = spawn(
      'redis-server',
      [
        '--port',
        String(port),
        '--bind',
        '127.0.0.1',
        '--dir',
        dir,
        '--appendonly',
        'yes',
        '--appendfsync',
        'always',
        '--save',
        '',
        '--daemonize',
        'no',
        '--logfile',
        join(dir, 'redis.log'),
        ...args,
      ],
      { stdio: 'ignore' },
    );
    await waitFor(() => cli(port, 'ping').trim() === 'PONG', `redis-server on port ${port}`);
  };
  await launch();
  const stop = async ({ kill = false } = {}) => {
    const running = child;
    if (running === undefined || running.exitCode !== null || running.signalCode !== null) return;
    const exited = new Promise((resolve) => running.once('exit', resolve));
    running.kill(kill ? 'SIGKILL' : 'SIGTERM');
    await exited;
  };
  return {
    port,
    url: `redis://127.0.0.1:${port}`,
    dir,
    stop: async (options) => {
      await stop(options);
    },
    restart: launch,
    // Removing the folder is the cluster's or the test's last step: see stopAll.
  };
}

/** A three-node Redis Cluster with no replicas, all slots assigned and the state `ok`. */
export async function startRedisCluster(): Promise<{
  nodes: RedisProcess[];
  urls: string[];
  stop(): Promise<void>;
}> {
  const nodes: RedisProcess[] = [];
  for (let i = 0; i < 3; i++) {
    nodes.push(
      await startRedis([
        '--cluster-enabled',
        'yes',
        '--cluster-config-file',
        'nodes.conf',
        '--cluster-node-timeout',
        '5000',
      ]),
    );
  }
  const create = spawnSync(
    'redis-cli',
    [
      '--cluster',
      'create',
      ...nodes.map((n) => `127.0.0.1:${n.port}`),
      '--cluster-replicas',
      '0',
      '--cluster-yes',
    ],
    { encoding: 'utf8' },
  );
  if (create.status !== 0)
    throw new Error(`redis-cli --cluster create failed: ${create.stdout}${create.stderr}`);
  await waitFor(
    () => nodes.every((n) => cli(n.port, 'cluster', 'info').includes('cluster_state:ok')),
    'the cluster to be ok',
  );
  return { nodes, urls: nodes.map((n) => n.url), stop: () => stopAll(nodes) };
}

/** Stops servers and removes their folders. */
export async function stopAll(servers: readonly RedisProcess[]): Promise<void> {
  await Promise.all(servers.map((s) => s.stop()));
  for (const s of servers) rmSync(s.dir, { recursive: true, force: true });
}
