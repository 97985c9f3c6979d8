/**
 * The servers under test, started on 127.0.0.1 with the same secret key and worker count: the app
 * (`dist/http/main.js`), the Flask reference under gunicorn, the Node limit (`limit.ts`), and the two
 * peers (`peers/express.ts`, `peers/fastify.ts`), which render with the app's built views.
 * Also reads their memory: the peak RSS of every process of a server, sampled from /proc.
 * @module
 */
import {
  closeSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import ts from 'typescript';
import { onExit, startTracked, stopTracked, type Tracked } from './processes.js';

export const ROOT = fileURLToPath(new URL('../', import.meta.url));
export const RESULTS_DIR = join(ROOT, 'bench', 'results');

/** Debian's Python: the first `python3` on PATH may lack Flask. */
export const SYSTEM_PYTHON = '/usr/bin/python3';

export type ServerName = 'ours' | 'flask' | 'limit' | 'express' | 'fastify';
export const SERVER_NAMES: readonly ServerName[] = ['ours', 'flask', 'limit', 'express', 'fastify'];

/** The peers: frameworks a TypeScript team would pick instead, serving the same pages. */
export const PEER_NAMES = ['express', 'fastify'] as const satisfies readonly ServerName[];
export type PeerName = (typeof PEER_NAMES)[number];

/** The cookie a server reads: Flask's format (ours, Flask, the limit) or a peer's own. */
export type CookieFormat = 'flask' | PeerName;
export function cookieFormatOf(server: ServerName): CookieFormat {
  return server === 'express' || server === 'fastify' ? server : 'flask';
}

/** A started server. */
export interface Server {
  readonly name: ServerName;
  readonly baseUrl: string;
  readonly process: Tracked;
  readonly logPath: string;
}

/** A free TCP port on 127.0.0.1, found by binding port 0. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      probe.close(() => resolve(port));
    });
  });
}

let scriptsDir: string | undefined;
const compiledScripts = new Map<string, string>();

/**
 * A self-contained `bench/` script (only `node:` imports: `limit.ts`, `open-loop-client.ts`) as
 * plain JavaScript in a temporary directory, so it runs under bare `node` as the app runs from
 * `dist/` (a TypeScript loader would add its own memory and start-up work).
 */
export function compiledScript(file: string): string {
  const known = compiledScripts.get(file);
  if (known !== undefined) return known;
  const source = readFileSync(join(ROOT, 'bench', file), 'utf8');
  const { outputText } = ts.transpileModule(source, {
    compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 },
  });
  if (scriptsDir === undefined) {
    const dir = mkdtempSync(join(tmpdir(), 'stock-portfolio-bench-'));
    onExit(() => rmSync(dir, { recursive: true, force: true }));
    scriptsDir = dir;
  }
  const path = join(scriptsDir, file.replace(/\.ts$/, '.mjs'));
  writeFileSync(path, outputText);
  compiledScripts.set(file, path);
  return path;
}

const PEERS_SOURCE = join(ROOT, 'bench', 'peers');
/** Inside node_modules, so the compiled peers resolve express, fastify and flask-session-ts from the root. */
const PEERS_BUILD = join(ROOT, 'node_modules', '.cache', 'stock-portfolio-bench', 'peers');
let peersBuilt = false;

/**
 * The peers as plain JavaScript, like `limit.ts`, with their imports of the app's `src/` pointed at
 * the built `dist/`: they run exactly the view code `node dist/http/main.js` runs.
 */
function compiledPeer(name: PeerName): string {
  if (!peersBuilt) {
    rmSync(PEERS_BUILD, { recursive: true, force: true });
    mkdirSync(PEERS_BUILD, { recursive: true });
    const dist = pathToFileURL(join(ROOT, 'dist')).href + '/';
    for (const file of readdirSync(PEERS_SOURCE)) {
      if (!file.endsWith('.ts') || file.endsWith('.test.ts')) continue;
      const { outputText } = ts.transpileModule(readFileSync(join(PEERS_SOURCE, file), 'utf8'), {
        compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 },
      });
      writeFileSync(
        join(PEERS_BUILD, file.replace(/\.ts$/, '.js')),
        outputText.replaceAll("'../../src/", `'${dist}`),
      );
    }
    writeFileSync(join(PEERS_BUILD, 'package.json'), '{ "type": "module" }\n');
    peersBuilt = true;
  }
  return join(PEERS_BUILD, `${name}.js`);
}

interface Launch {
  readonly command: string;
  readonly args: readonly string[];
  readonly env: Readonly<Record<string, string>>;
  /** Where stdout goes: the app's access lines are not wanted (gunicorn's access log is off too). */
  readonly stdout: 'ignore' | 'log';
}

function launchOf(name: ServerName, workers: number, port: number, extraNodeArgs: readonly string[]): Launch {
  const host = '127.0.0.1';
  switch (name) {
    case 'ours':
      return {
        command: process.execPath,
        args: [...extraNodeArgs, join(ROOT, 'dist', 'http', 'main.js')],
        env: {
          NODE_ENV: 'production',
          // The bench shares one session cookie with the Flask reference: Flask's name, not the
          // production default __Host-session (README, SESSION_COOKIE_NAME).
          SESSION_COOKIE_NAME: 'session',
          HOST: host,
          ALLOWED_HOSTS: host,
          PORT: String(port),
          WORKERS: String(workers),
        },
        stdout: 'ignore',
      };
    case 'flask':
      return {
        command: SYSTEM_PYTHON,
        args: [
          '-m',
          'gunicorn',
          '--workers',
          String(workers),
          '--worker-class',
          'sync',
          '--bind',
          `${host}:${port}`,
          '--chdir',
          join(ROOT, 'bench', 'flask_ref'),
          '--log-level',
          'warning',
          '--graceful-timeout',
          '3',
          'app:app',
        ],
        // No --access-logfile: gunicorn's access log stays off.
        env: { PYTHONDONTWRITEBYTECODE: '1' },
        stdout: 'log',
      };
    case 'limit':
      return {
        command: process.execPath,
        args: [...extraNodeArgs, compiledScript('limit.ts')],
        // PUBLIC_DIR: the limit links to the static files by their content hash, as the app does.
        env: { HOST: host, PORT: String(port), WORKERS: String(workers), PUBLIC_DIR: join(ROOT, 'public') },
        stdout: 'log',
      };
    case 'express':
    case 'fastify':
      return {
        command: process.execPath,
        args: [...extraNodeArgs, compiledPeer(name)],
        env: { NODE_ENV: 'production', HOST: host, PORT: String(port), WORKERS: String(workers) },
        stdout: 'log',
      };
  }
}

/** The last lines of a log, for error messages. */
export function logTail(path: string, lines = 15): string {
  try {
    return readFileSync(path, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '(no log)';
  }
}

async function waitReady(server: Server, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let lastError = '';
  while (Date.now() < deadline) {
    if (server.process.hasExited()) {
      throw new Error(
        `${server.name} exited during start-up. Log ${server.logPath}:\n${logTail(server.logPath)}`,
      );
    }
    try {
      const response = await fetch(`${server.baseUrl}/about`, { signal: AbortSignal.timeout(2000) });
      await response.arrayBuffer();
      if (response.status === 200) return;
      lastError = `status ${response.status}`;
    } catch (error) {
      lastError = String(error);
    }
    await new Promise((resolve) => setTimeout(resolve, 150));
  }
  throw new Error(
    `${server.name} did not answer within ${timeoutMs} ms (${lastError}). Log:\n${logTail(server.logPath)}`,
  );
}

/** Options of {@link startServer}. */
export interface StartOptions {
  readonly workers: number;
  readonly secretKey: string;
  /** Extra `node` flags for the Node servers, e.g. `--cpu-prof`. */
  readonly nodeArgs?: readonly string[];
  readonly logPath?: string;
  /** More environment for the server, e.g. `SESSION_TYPE` (see bench/stores.ts). */
  readonly env?: Readonly<Record<string, string>>;
}

/** Starts one server on a free port and waits until it answers. */
export async function startServer(name: ServerName, options: StartOptions): Promise<Server> {
  const port = await freePort();
  const launch = launchOf(name, options.workers, port, options.nodeArgs ?? []);
  const logPath = options.logPath ?? join(RESULTS_DIR, `${name}-w${options.workers}.log`);
  const log = openSync(logPath, 'w');
  try {
    const tracked = startTracked(name, launch.command, launch.args, {
      cwd: ROOT,
      env: {
        PATH: process.env['PATH'] ?? '/usr/bin:/bin',
        HOME: process.env['HOME'] ?? '/tmp',
        LANG: 'C.UTF-8',
        SECRET_KEY: options.secretKey,
        ...launch.env,
        ...options.env,
      },
      stdio: ['ignore', launch.stdout === 'ignore' ? 'ignore' : log, log],
      group: true,
    });
    const server: Server = { name, baseUrl: `http://127.0.0.1:${port}`, process: tracked, logPath };
    try {
      await waitReady(server, 30_000);
    } catch (error) {
      await stopTracked(tracked);
      throw error;
    }
    return server;
  } finally {
    closeSync(log);
  }
}

/** Stops a server and every process of its group. */
export function stopServer(server: Server): Promise<void> {
  return stopTracked(server.process);
}

/** The pids of `rootPid` and all its descendants, read from /proc. */
export function processTree(rootPid: number): number[] {
  const children = new Map<number, number[]>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    let stat: string;
    try {
      stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
    } catch {
      continue; // exited meanwhile
    }
    // The command name is in parentheses and may itself contain spaces or ")".
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const parent = Number(fields[1]);
    const list = children.get(parent) ?? [];
    list.push(Number(entry));
    children.set(parent, list);
  }
  const tree = [rootPid];
  for (let i = 0; i < tree.length; i++) tree.push(...(children.get(tree[i] ?? -1) ?? []));
  return tree;
}

function rssKiB(pid: number): number {
  try {
    const match = /^VmRSS:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match === null ? 0 : Number(match[1]);
  } catch {
    return 0;
  }
}

/** Peak memory of a server during one measurement. */
export interface MemoryPeak {
  /** Highest sum of RSS over all of the server's processes, in MiB. */
  readonly totalMiB: number;
  /** Highest RSS of any single process, in MiB. */
  readonly processMiB: number;
  readonly processes: number;
}

/** Samples the RSS of a server's processes every `intervalMs` until stopped. */
export function sampleMemory(rootPid: number, intervalMs = 250): { stop(): MemoryPeak } {
  const pids = processTree(rootPid);
  let total = 0;
  let single = 0;
  const sample = () => {
    let sum = 0;
    for (const pid of pids) {
      const kib = rssKiB(pid);
      sum += kib;
      single = Math.max(single, kib);
    }
    total = Math.max(total, sum);
  };
  sample();
  const timer = setInterval(sample, intervalMs);
  return {
    stop() {
      clearInterval(timer);
      sample();
      return {
        totalMiB: Math.round((total / 1024) * 10) / 10,
        processMiB: Math.round((single / 1024) * 10) / 10,
        processes: pids.length,
      };
    },
  };
}
