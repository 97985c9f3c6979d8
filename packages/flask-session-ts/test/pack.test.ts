/**
 * The package as a user gets it: packed from a copy of the sources with no `dist/` (so `prepack`
 * must build), installed from the tarball into a fresh project outside the workspace with npm
 * offline (only the npm cache `npm ci` filled), type-checked by a consumer under every module
 * resolution TypeScript offers, required from CommonJS and imported from ESM, and the README's
 * quick starts, compiled against the installed package, sharing a session with real Flask.
 *
 * The consumer's third-party packages are pinned by a lockfile built from the workspace's own,
 * so npm needs no registry metadata (the cache holds the tarballs `npm ci` used, not every
 * package's metadata) and installs the very versions the workspace tests with.
 */
import { execFile } from 'node:child_process';
import {
  cpSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FlaskOracle } from './flask/oracle.js';
import {
  expectSharesSessionWithFlask,
  startQuickStart,
  stopQuickStart,
  type QuickStart,
} from './support/quick-start.js';

const run = promisify(execFile);
const PACKAGE_DIR = fileURLToPath(new URL('..', import.meta.url));
const WORKSPACE_DIR = fileURLToPath(new URL('../../..', import.meta.url));
const NPM = process.platform === 'win32' ? 'npm.cmd' : 'npm';

/** What the consumer installs besides the tarball, at the workspace's locked versions. */
const CONSUMER_DEPENDENCIES = [
  'express',
  'fastify',
  'hono',
  '@hono/node-server',
  '@types/express',
  '@types/node',
  'redis',
  '@types/better-sqlite3',
  'typescript',
] as const;

/**
 * Type-checks every entry point. Each `@ts-expect-error` fails the check when its line compiles,
 * which is what would happen if a module's types resolved to `any`.
 */
const TYPES_CONSUMER = `import { CookieSessionStore, SESSION_DEFAULTS, SessionTooLarge } from 'flask-session-ts';
import { sessionMiddleware as forHono, type SessionEnv } from 'flask-session-ts/hono';
import { sessionMiddleware as forExpress } from 'flask-session-ts/express';
import { sessionPlugin } from 'flask-session-ts/fastify';
import type { SqliteSessionStore } from 'flask-session-ts/sqlite';
import type { RedisSessionStore } from 'flask-session-ts/redis';
import type { FlaskSessionRedisStore } from 'flask-session-ts/flask-session-redis';

// @ts-expect-error secretKey is required
export const missingKey = new CookieSessionStore({});
export const store = new CookieSessionStore({ secretKey: 'k', cookie: { secure: false } });
export const cookieName: string = SESSION_DEFAULTS.cookie.name;
// @ts-expect-error the cookie name is a string
export const notANumber: number = SESSION_DEFAULTS.cookie.name;
export const tooLarge: Error = new SessionTooLarge(5000, 4093);
export const adapters = [forHono(store), forExpress(store), sessionPlugin(store)] as const;
// @ts-expect-error an adapter takes a store or options
forExpress(42);
export type Env = SessionEnv<{ visits: number }>;
// @ts-expect-error a store class is not a number
export const sqlite: SqliteSessionStore = 1;
// @ts-expect-error a store class is not a number
export const redis: RedisSessionStore = 1;
// @ts-expect-error a store class is not a number
export const flaskSessionRedis: FlaskSessionRedisStore = 1;
`;

/** Run by Node as CommonJS: \`require\` must load the CommonJS build, which must work. */
const CJS_RUNTIME = `import { CookieSessionStore, SessionTooLarge } from 'flask-session-ts';
import { sessionMiddleware } from 'flask-session-ts/express';

const store = new CookieSessionStore({ secretKey: 'k', now: () => 1_700_000_000_000 });
const { session } = store.open(undefined);
session.set('visits', 7);
const action = store.commit(session);
const cookie = action.kind === 'set' ? action.header.split(';')[0] : undefined;
console.log(JSON.stringify({
  index: require.resolve('flask-session-ts'),
  manifest: require.resolve('flask-session-ts/package.json'),
  visits: store.open(cookie).session.get('visits'),
  middleware: typeof sessionMiddleware(store),
  errorClass: new SessionTooLarge(1, 0) instanceof Error,
}));
`;

/** Run by Node as ESM. */
const ESM_RUNTIME = `import { CookieSessionStore } from 'flask-session-ts';

const store = new CookieSessionStore({ secretKey: 'k' });
console.log(JSON.stringify({
  index: import.meta.resolve('flask-session-ts'),
  opens: store.open(undefined).session.get('visits') ?? null,
}));
`;

interface LockEntry {
  version?: string;
  dependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
  peerDependenciesMeta?: Record<string, { optional?: boolean }>;
  optionalDependencies?: Record<string, string>;
  [field: string]: unknown;
}

/** Where Node would find `name` from the package installed at `from` (a lockfile path). */
function resolveInLock(packages: Record<string, LockEntry>, from: string, name: string): string | undefined {
  let base = from;
  for (;;) {
    const candidate = `${base === '' ? '' : `${base}/`}node_modules/${name}`;
    if (candidate in packages) return candidate;
    if (base === '') return undefined;
    const parent = base.lastIndexOf('/node_modules/');
    base = parent === -1 ? '' : base.slice(0, parent);
  }
}

/**
 * A lockfile for a project depending on `names`: the part of the workspace's lockfile those
 * packages need, with the workspace's dev flags removed.
 */
function consumerLock(names: readonly string[]): { dependencies: Record<string, string>; lock: object } {
  const workspaceLock = JSON.parse(readFileSync(join(WORKSPACE_DIR, 'package-lock.json'), 'utf8')) as {
    packages: Record<string, LockEntry>;
  };
  const all = workspaceLock.packages;
  const picked: Record<string, LockEntry> = {};
  const dependencies: Record<string, string> = {};
  const queue: string[] = [];
  for (const name of names) {
    const version = all[`node_modules/${name}`]?.version;
    if (version === undefined) throw new Error(`${name} is not in the workspace's package-lock.json`);
    dependencies[name] = version;
    queue.push(`node_modules/${name}`);
  }
  for (let path = queue.pop(); path !== undefined; path = queue.pop()) {
    if (path in picked) continue;
    // The workspace's dev flags do not apply to the consumer, whose dependencies these all are.
    const entry: LockEntry = { ...all[path] };
    delete entry['dev'];
    delete entry['devOptional'];
    delete entry['peer'];
    picked[path] = entry;
    const required = [
      ...Object.keys(entry.dependencies ?? {}),
      ...Object.keys(entry.peerDependencies ?? {}).filter(
        (peer) => entry.peerDependenciesMeta?.[peer]?.optional !== true,
      ),
    ];
    for (const name of required) {
      const found = resolveInLock(all, path, name);
      if (found === undefined)
        throw new Error(`${path} needs ${name}, which the workspace lock does not hold`);
      queue.push(found);
    }
  }
  return {
    dependencies,
    lock: {
      name: 'consumer',
      lockfileVersion: 3,
      requires: true,
      packages: { '': { name: 'consumer', dependencies }, ...picked },
    },
  };
}

function tsconfig(compilerOptions: Record<string, unknown>, files: readonly string[]): string {
  return JSON.stringify({
    compilerOptions: {
      target: 'ES2022',
      strict: true,
      exactOptionalPropertyTypes: true,
      noUncheckedIndexedAccess: true,
      // Check the package's declaration files too, not only the consumer's code.
      skipLibCheck: false,
      types: ['node'],
      noEmit: true,
      ...compilerOptions,
    },
    files,
  });
}

/** `tsc -p <config>` with the consumer's own TypeScript; resolves to its output, or rejects with it. */
async function typeCheck(consumer: string, config: string): Promise<string> {
  try {
    const { stdout } = await run(
      process.execPath,
      [join(consumer, 'node_modules/typescript/bin/tsc'), '-p', config],
      {
        cwd: consumer,
      },
    );
    return stdout;
  } catch (error) {
    const { stdout = '' } = error as { stdout?: string };
    throw new Error(`tsc -p ${config} failed:\n${stdout}`, { cause: error });
  }
}

let temp: string | undefined;
let consumer: string;
let tarballFiles: string[];
const QUICK_STARTS = ['express', 'fastify', 'hono'] as const;
const MODES = ['node16-esm', 'node16-cjs', 'nodenext', 'bundler', 'node10'] as const;
type Mode = (typeof MODES)[number];

beforeAll(async () => {
  const root = mkdtempSync(join(tmpdir(), 'flask-session-ts-pack-'));
  temp = root;

  // A copy of the package as a fresh clone has it (no dist/), beside the workspace's tsconfig
  // base and node_modules (for tsc), packed with scripts on: prepack must build.
  const source = join(root, 'repo', 'packages', 'flask-session-ts');
  mkdirSync(source, { recursive: true });
  for (const entry of readdirSync(PACKAGE_DIR)) {
    if (['dist', 'node_modules', 'reports', 'docs', '.stryker-tmp'].includes(entry)) continue;
    cpSync(join(PACKAGE_DIR, entry), join(source, entry), { recursive: true });
  }
  cpSync(join(WORKSPACE_DIR, 'tsconfig.base.json'), join(root, 'repo', 'tsconfig.base.json'));
  symlinkSync(join(WORKSPACE_DIR, 'node_modules'), join(root, 'repo', 'node_modules'), 'dir');
  const packed = await run(NPM, ['pack', '--json', '--pack-destination', root], { cwd: source });
  const [pack] = JSON.parse(packed.stdout.slice(packed.stdout.indexOf('['))) as [
    { filename: string; files: { path: string }[] },
  ];
  tarballFiles = pack.files.map((file) => file.path).sort();

  // The consumer: a fresh ESM project with the tarball and the frameworks, installed offline.
  consumer = join(root, 'consumer');
  mkdirSync(join(consumer, 'examples'), { recursive: true });
  const { dependencies, lock } = consumerLock(CONSUMER_DEPENDENCIES);
  writeFileSync(
    join(consumer, 'package.json'),
    JSON.stringify({ name: 'consumer', private: true, type: 'module', dependencies }),
  );
  writeFileSync(join(consumer, 'package-lock.json'), JSON.stringify(lock));
  await run(NPM, ['ci', '--offline', '--ignore-scripts', '--no-audit', '--no-fund'], { cwd: consumer });
  await run(
    NPM,
    ['install', '--offline', '--ignore-scripts', '--no-audit', '--no-fund', join(root, pack.filename)],
    { cwd: consumer },
  );

  writeFileSync(join(consumer, 'types.ts'), TYPES_CONSUMER);
  writeFileSync(join(consumer, 'types.cts'), TYPES_CONSUMER);
  writeFileSync(join(consumer, 'run-cjs.cts'), CJS_RUNTIME);
  writeFileSync(join(consumer, 'run-esm.ts'), ESM_RUNTIME);
  const examples = readdirSync(join(PACKAGE_DIR, 'examples')).filter((name) => name.endsWith('.ts'));
  for (const name of examples) cpSync(join(PACKAGE_DIR, 'examples', name), join(consumer, 'examples', name));
  // One program per consumer: a program holding both an ESM and a CommonJS import of an adapter
  // would see two copies of its global augmentation (the README's "CommonJS and ESM" says why).
  const node16 = { module: 'Node16', moduleResolution: 'Node16', noEmit: false, outDir: 'out' };
  const configs: Record<Mode, string> = {
    // Emitted to out/, to be run below.
    'node16-esm': tsconfig(node16, ['types.ts', 'run-esm.ts', ...examples.map((name) => `examples/${name}`)]),
    'node16-cjs': tsconfig(node16, ['types.cts', 'run-cjs.cts']),
    // The next three check resolution only (the declaration files were checked above, and the
    // expect-error lines prove the types are not any), which keeps the test's time down.
    nodenext: tsconfig({ module: 'NodeNext', moduleResolution: 'NodeNext', skipLibCheck: true }, [
      'types.ts',
    ]),
    bundler: tsconfig({ module: 'ESNext', moduleResolution: 'Bundler', skipLibCheck: true }, ['types.ts']),
    // TypeScript's old resolution ignores "exports": main, types and typesVersions must do.
    node10: tsconfig(
      { module: 'CommonJS', moduleResolution: 'Node10', esModuleInterop: true, skipLibCheck: true },
      ['types.ts'],
    ),
  };
  for (const mode of MODES) writeFileSync(join(consumer, `${mode}.json`), configs[mode]);
}, 300_000);

afterAll(() => {
  if (temp !== undefined) rmSync(temp, { recursive: true, force: true });
});

describe('the packed tarball', () => {
  it('holds the build (ESM and CommonJS), its sources for the maps, the docs and the licence, and no tests', () => {
    expect(tarballFiles).toEqual(
      expect.arrayContaining(['LICENSE', 'README.md', 'FIDELITY.md', 'package.json']),
    );
    for (const entry of [
      'index',
      'hono',
      'express',
      'fastify',
      'stores/sqlite',
      'stores/redis',
      'stores/flask-session-redis',
    ]) {
      for (const file of [
        `dist/${entry}.js`,
        `dist/${entry}.d.ts`,
        `dist/cjs/${entry}.js`,
        `dist/cjs/${entry}.d.ts`,
      ]) {
        expect(tarballFiles).toContain(file);
      }
      expect(tarballFiles).toContain(`src/${entry}.ts`);
    }
    expect(tarballFiles).toContain('dist/cjs/package.json');
    expect(tarballFiles.filter((file) => /\.test\.|^test\/|^examples\//.test(file))).toEqual([]);
  });

  it('has every source map and declaration map point at a shipped file', () => {
    const installed = join(consumer, 'node_modules', 'flask-session-ts');
    const maps = tarballFiles.filter((file) => file.endsWith('.map'));
    expect(maps.length).toBeGreaterThan(0);
    const missing = maps.flatMap((map) => {
      const { sources } = JSON.parse(readFileSync(join(installed, map), 'utf8')) as { sources: string[] };
      return sources
        .map((source) => join(installed, map, '..', source).slice(installed.length + 1))
        .filter((file) => !tarballFiles.includes(file))
        .map((file) => `${map} -> ${file}`);
    });
    expect(missing).toEqual([]);
  });

  it('links, in the README and FIDELITY.md, only to shipped files or absolute URLs', () => {
    const installed = join(consumer, 'node_modules', 'flask-session-ts');
    const broken = ['README.md', 'FIDELITY.md'].flatMap((doc) =>
      [...readFileSync(join(installed, doc), 'utf8').matchAll(/\]\(([^)\s]+)\)/g)]
        .map((match) => match[1] ?? '')
        .filter((target) => !/^(https?:|#)/.test(target))
        .filter((target) => !tarballFiles.includes(target.split('#')[0] ?? ''))
        .map((target) => `${doc} -> ${target}`),
    );
    expect(broken).toEqual([]);
  });
});

describe('a consumer of the installed tarball', () => {
  // Two at a time: the machine has two cores.
  const outputs = new Map<Mode, Promise<string>>();
  let checks: Promise<unknown>;
  beforeAll(() => {
    const queue = [...MODES];
    const worker = async (): Promise<void> => {
      for (let mode = queue.shift(); mode !== undefined; mode = queue.shift()) {
        const output = typeCheck(consumer, `${mode}.json`);
        outputs.set(mode, output);
        await output.catch(() => undefined);
      }
    };
    checks = Promise.all([worker(), worker()]);
  });

  // A limit for a loaded machine, not a timing assertion.
  it.each(MODES)('type-checks as a %s consumer', { timeout: 300_000 }, async (mode) => {
    await checks;
    expect(await outputs.get(mode)).toBe('');
  });

  it('requires the CommonJS build from CommonJS', async () => {
    await checks;
    const { stdout } = await run(process.execPath, ['out/run-cjs.cjs'], { cwd: consumer });
    const seen = JSON.parse(stdout) as Record<string, unknown>;
    expect(seen).toMatchObject({ visits: 7, middleware: 'function', errorClass: true });
    expect(seen['index']).toMatch(/node_modules[/\\]flask-session-ts[/\\]dist[/\\]cjs[/\\]index\.js$/);
    expect(seen['manifest']).toMatch(/node_modules[/\\]flask-session-ts[/\\]package\.json$/);
  });

  it('imports the ESM build from ESM', async () => {
    await checks;
    const { stdout } = await run(process.execPath, ['out/run-esm.js'], { cwd: consumer });
    const seen = JSON.parse(stdout) as Record<string, unknown>;
    expect(seen['opens']).toBeNull();
    expect(seen['index']).toMatch(/\/node_modules\/flask-session-ts\/dist\/index\.js$/);
  });
});

describe('the README quick starts, compiled against the installed tarball', () => {
  let oracle: FlaskOracle | undefined;
  beforeAll(async () => {
    oracle = await FlaskOracle.start();
  });
  afterAll(async () => {
    await oracle?.close();
  });

  describe.each(QUICK_STARTS)('%s', (name) => {
    let app: QuickStart | undefined;
    beforeAll(async () => {
      // Compiled to out/ by the node16 type check above (describe blocks run in order).
      app = await startQuickStart([`out/examples/${name}.js`], consumer);
    });
    afterAll(async () => {
      await stopQuickStart(app);
    });

    it('shares a session with real Flask', async () => {
      if (oracle === undefined || app === undefined) throw new Error('not started');
      await expectSharesSessionWithFlask(oracle, app.url);
    });
  });
});
