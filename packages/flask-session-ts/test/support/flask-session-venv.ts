/**
 * A Python venv with Flask, Flask-Session 0.8.0 and redis-py, made from the wheels on disk (pip's
 * configured find-links and file indexes: there is no network) under `node_modules/.cache`, so
 * later runs reuse it. `scripts/ensure-system-deps.sh` checks the same install works.
 * @module
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const REPO_ROOT = fileURLToPath(new URL('../../../../', import.meta.url));
/** Where the venv lives between runs. */
export const VENV_DIR = join(REPO_ROOT, 'node_modules', '.cache', 'flask-session-venv');
const REQUIREMENTS = ['flask', 'flask-session==0.8.0', 'redis'];
const CHECK =
  'import flask, redis, msgspec, importlib.metadata as m; assert m.version("flask-session") == "0.8.0"';

function run(command: string, args: readonly string[]): { ok: boolean; output: string } {
  const result = spawnSync(command, args, { encoding: 'utf8', timeout: 300_000 });
  const output = `${result.error?.message ?? ''}${result.stdout}${result.stderr}`.trim();
  return { ok: result.status === 0, output };
}

/**
 * The venv's interpreter, making the venv first when needed.
 * @throws Error saying what failed and how to fix it, when the venv cannot be made.
 */
export function flaskSessionPython(): string {
  const python = join(VENV_DIR, 'bin', 'python');
  if (existsSync(python) && run(python, ['-I', '-c', CHECK]).ok) return python;
  rmSync(VENV_DIR, { recursive: true, force: true });
  mkdirSync(join(VENV_DIR, '..'), { recursive: true });
  // Made beside, then moved into place: a run stopped halfway leaves no half-made venv to reuse.
  const building = `${VENV_DIR}.${process.pid}`;
  rmSync(building, { recursive: true, force: true });
  const fail = (step: string, output: string): never => {
    rmSync(building, { recursive: true, force: true });
    throw new Error(
      `Cannot make the Flask-Session 0.8 venv for the interop tests (${step}):\n${output.slice(-2000)}\n` +
        'Run `bash scripts/ensure-system-deps.sh` (as root it installs python3-venv), and check that ' +
        '`python3 -m venv /tmp/v && /tmp/v/bin/pip install flask flask-session==0.8.0 redis` works offline.',
    );
  };
  const venv = run('python3', ['-m', 'venv', building]);
  if (!venv.ok) fail('python3 -m venv', venv.output);
  // --retries 0: an index that is not reachable fails at once, and the files on disk are used.
  const pip = run(join(building, 'bin', 'pip'), [
    'install',
    '--quiet',
    '--retries',
    '0',
    '--timeout',
    '5',
    ...REQUIREMENTS,
  ]);
  if (!pip.ok) fail(`pip install ${REQUIREMENTS.join(' ')}`, pip.output);
  try {
    renameSync(building, VENV_DIR);
  } catch {
    // Another run made it meanwhile: use that one.
    rmSync(building, { recursive: true, force: true });
  }
  const check = run(python, ['-I', '-c', CHECK]);
  if (!check.ok) fail('checking the installed packages', check.output);
  return python;
}
